"""committee seats: who holds which post on an org's committee, ended seats kept as history

Revision ID: 5bd4e179d58f
Revises: c3fdec2d8232
Create Date: 2026-11-23 04:59:08.315015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "5bd4e179d58f"
down_revision = "c3fdec2d8232"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "committee_seat",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column(
            "post",
            sa.Enum(
                "secretary",
                "deputy_secretary",
                "organization",
                "publicity",
                "discipline",
                "member",
                name="committee_post",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("elected_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("ended_reason", sa.String(length=200), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_committee_seat_member_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["party_org.id"], name=op.f("fk_committee_seat_org_id_party_org")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_seat")),
    )
    op.create_index(op.f("ix_committee_seat_member_id"), "committee_seat", ["member_id"], unique=False)
    op.create_index(op.f("ix_committee_seat_org_id"), "committee_seat", ["org_id"], unique=False)
    op.create_index(
        "uq_committee_seat_live_member",
        "committee_seat",
        ["org_id", "member_id"],
        unique=True,
        postgresql_where=sa.text("ended_on IS NULL"),
        sqlite_where=sa.text("ended_on IS NULL"),
    )
    op.create_index(
        "uq_committee_seat_live_secretary",
        "committee_seat",
        ["org_id"],
        unique=True,
        postgresql_where=sa.text("ended_on IS NULL AND post = 'secretary'"),
        sqlite_where=sa.text("ended_on IS NULL AND post = 'secretary'"),
    )


def downgrade() -> None:
    op.drop_index(
        "uq_committee_seat_live_secretary",
        table_name="committee_seat",
        postgresql_where=sa.text("ended_on IS NULL AND post = 'secretary'"),
        sqlite_where=sa.text("ended_on IS NULL AND post = 'secretary'"),
    )
    op.drop_index(
        "uq_committee_seat_live_member",
        table_name="committee_seat",
        postgresql_where=sa.text("ended_on IS NULL"),
        sqlite_where=sa.text("ended_on IS NULL"),
    )
    op.drop_index(op.f("ix_committee_seat_org_id"), table_name="committee_seat")
    op.drop_index(op.f("ix_committee_seat_member_id"), table_name="committee_seat")
    op.drop_table("committee_seat")
