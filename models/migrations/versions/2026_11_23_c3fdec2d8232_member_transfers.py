"""member transfers: the history of 组织关系转接, within the committee and outbound

Revision ID: c3fdec2d8232
Revises: 73e586c29259
Create Date: 2026-11-23 02:40:03.969006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "c3fdec2d8232"
down_revision = "73e586c29259"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "member_transfer",
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("internal", "outbound", name="transfer_kind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("from_branch_id", sa.Uuid(), nullable=False),
        sa.Column("to_branch_id", sa.Uuid(), nullable=True),
        sa.Column("destination", sa.String(length=200), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["from_branch_id"], ["party_org.id"], name=op.f("fk_member_transfer_from_branch_id_party_org")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_member_transfer_member_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["to_branch_id"], ["party_org.id"], name=op.f("fk_member_transfer_to_branch_id_party_org")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_transfer")),
    )
    op.create_index(op.f("ix_member_transfer_member_id"), "member_transfer", ["member_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_member_transfer_member_id"), table_name="member_transfer")
    op.drop_table("member_transfer")
