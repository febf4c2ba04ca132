"""keyed audit chain: each event names the AUDIT_CHAIN_KEY its HMAC was made with (older events
keep their plain SHA-256 and no key id).

Revision ID: a9d4e6b2c153
Revises: f1a7c3d9e842
Create Date: 2026-12-01 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "a9d4e6b2c153"
down_revision = "f1a7c3d9e842"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_event") as batch:
        batch.add_column(sa.Column("key_id", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_column("key_id")
