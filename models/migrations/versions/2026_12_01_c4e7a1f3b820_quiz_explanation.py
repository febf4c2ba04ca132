"""quiz explanation: a question may carry 解析 (why the answer is what it is), shown to the member
with their result so a wrong answer teaches something

Revision ID: c4e7a1f3b820
Revises: 8d3f6b2a9c10
Create Date: 2026-12-01 13:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c4e7a1f3b820"
down_revision = "8d3f6b2a9c10"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("quiz_question") as batch:
        batch.add_column(sa.Column("explanation", sa.String(500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("quiz_question") as batch:
        batch.drop_column("explanation")
