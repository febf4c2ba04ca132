"""callback receipts: the database guard behind Redis dedupe of WeCom callbacks

Revision ID: 4b525d736a3f
Revises: 05f6c0655d5d
Create Date: 2026-11-22 23:40:22.122693
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "4b525d736a3f"
down_revision = "05f6c0655d5d"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "callback_receipt",
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("received_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("dedupe_key", name=op.f("pk_callback_receipt")),
    )
    op.create_index(
        op.f("ix_callback_receipt_received_at"), "callback_receipt", ["received_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_callback_receipt_received_at"), table_name="callback_receipt")
    op.drop_table("callback_receipt")
