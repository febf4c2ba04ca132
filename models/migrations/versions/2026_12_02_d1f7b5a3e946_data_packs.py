"""data packs: the quarterly and annual 党建工作 figures and a branch's 书记述职 pack, written in
the background as Word and PDF and kept for downloading again.

Revision ID: d1f7b5a3e946
Revises: c9e6a4f2d835
Create Date: 2026-12-02 07:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "d1f7b5a3e946"
down_revision = "c9e6a4f2d835"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "data_pack",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("message", sa.String(length=200), nullable=True),
        sa.Column("requested_by_id", sa.Uuid(), nullable=True),
        sa.Column("requested_by", sa.String(length=100), nullable=False),
        sa.Column("requested_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("docx", sa.LargeBinary(), nullable=True),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["party_org.id"], name=op.f("fk_data_pack_org_id_party_org")),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["person.id"], name=op.f("fk_data_pack_requested_by_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_pack")),
    )
    with op.batch_alter_table("data_pack", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_data_pack_org_id"), ["org_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("data_pack", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_pack_org_id"))

    op.drop_table("data_pack")
