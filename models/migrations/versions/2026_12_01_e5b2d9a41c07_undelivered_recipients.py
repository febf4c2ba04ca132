"""undelivered recipients: message/send answers errcode 0 yet names members it did not reach
(invaliduser, unlicenseduser; doc 90236). The outbox row keeps who and why; a reminder keeps
the reason it failed, shown in the console's reminder list.

Revision ID: e5b2d9a41c07
Revises: c4e7a1f3b820
Create Date: 2026-12-01 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "e5b2d9a41c07"
down_revision = "c4e7a1f3b820"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbound_message") as batch:
        batch.add_column(sa.Column("undelivered", sa.JSON(), nullable=True))
    with op.batch_alter_table("reminder") as batch:
        batch.add_column(sa.Column("failure_reason", sa.String(100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reminder") as batch:
        batch.drop_column("failure_reason")
    with op.batch_alter_table("outbound_message") as batch:
        batch.drop_column("undelivered")
