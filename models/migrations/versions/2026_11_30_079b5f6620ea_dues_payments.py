"""dues payments: the branch's book of which month each member paid for (the unpaid-dues reminder
to the secretary reads it)

Revision ID: 079b5f6620ea
Revises: 0ee04f1233ef
Create Date: 2026-11-30 00:33:46.616899
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "079b5f6620ea"
down_revision = "0ee04f1233ef"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dues_payment",
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=9, scale=2), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_dues_payment_member_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dues_payment")),
        sa.UniqueConstraint("member_id", "month", name=op.f("uq_dues_payment_member_id_month")),
    )
    op.create_index(op.f("ix_dues_payment_member_id"), "dues_payment", ["member_id"], unique=False)
    op.create_index(op.f("ix_dues_payment_month"), "dues_payment", ["month"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_dues_payment_month"), table_name="dues_payment")
    op.drop_index(op.f("ix_dues_payment_member_id"), table_name="dues_payment")
    op.drop_table("dues_payment")
