"""talks: 谈心谈话 — who talked with whom (the note encrypted), the gaps explained, and the
组织生活会's preparation sign-off.

Revision ID: f6d3b9c8e520
Revises: e5c2a8b7d419
Create Date: 2026-12-02 04:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "f6d3b9c8e520"
down_revision = "e5c2a8b7d419"
branch_labels = None
depends_on = None


def _people(table: str) -> list:
    return [
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("first_id", sa.Uuid(), nullable=False),
        sa.Column("second_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["party_org.id"], name=op.f(f"fk_{table}_org_id_party_org")),
        sa.ForeignKeyConstraint(["first_id"], ["person.id"], name=op.f(f"fk_{table}_first_id_person")),
        sa.ForeignKeyConstraint(["second_id"], ["person.id"], name=op.f(f"fk_{table}_second_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def upgrade() -> None:
    op.create_table(
        "talk",
        *_people("talk"),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("note_ciphertext", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
    )
    op.create_index(op.f("ix_talk_org_id"), "talk", ["org_id"])
    op.create_table(
        "talk_gap",
        *_people("talk_gap"),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("explained_by", sa.String(100), nullable=False),
        sa.UniqueConstraint(
            "org_id", "year", "first_id", "second_id", name=op.f("uq_talk_gap_org_id_year_first_id_second_id")
        ),
    )
    op.create_index(op.f("ix_talk_gap_org_id"), "talk_gap", ["org_id"])
    with op.batch_alter_table("meeting") as batch:
        batch.add_column(sa.Column("prepared_at", models.base.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("prepared_by", sa.String(100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meeting") as batch:
        batch.drop_column("prepared_by")
        batch.drop_column("prepared_at")
    op.drop_table("talk_gap")
    op.drop_table("talk")
