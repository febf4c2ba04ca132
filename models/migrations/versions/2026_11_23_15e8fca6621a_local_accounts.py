"""local accounts: the break-glass console login (scrypt password, lockout after failures)

Revision ID: 15e8fca6621a
Revises: 4b525d736a3f
Create Date: 2026-11-23 02:23:01.278892
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "15e8fca6621a"
down_revision = "4b525d736a3f"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "local_account",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_local_account_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_local_account")),
        sa.UniqueConstraint("person_id", name=op.f("uq_local_account_person_id")),
        sa.UniqueConstraint("username", name=op.f("uq_local_account_username")),
    )


def downgrade() -> None:
    op.drop_table("local_account")
