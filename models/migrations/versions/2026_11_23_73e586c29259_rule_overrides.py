"""rule overrides: a hospital's own values for catalogue rules, effective from a date

Revision ID: 73e586c29259
Revises: 15e8fca6621a
Create Date: 2026-11-23 02:39:07.131501
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "73e586c29259"
down_revision = "15e8fca6621a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rule_override",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_override")),
    )
    op.create_index("ix_rule_override_key_from", "rule_override", ["key", "effective_from"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_rule_override_key_from", table_name="rule_override")
    op.drop_table("rule_override")
