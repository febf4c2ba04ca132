"""campaigns: lessons pushed to branches with a deadline, sent through the reminder engine

Revision ID: bc6b4e2469cd
Revises: 29f149224e6f
Create Date: 2026-11-29 23:33:56.284990
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "bc6b4e2469cd"
down_revision = "29f149224e6f"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "campaign",
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("org_ids", sa.JSON(), nullable=False),
        sa.Column("lesson_ids", sa.JSON(), nullable=False),
        sa.Column("send_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deadline", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign")),
    )


def downgrade() -> None:
    op.drop_table("campaign")
