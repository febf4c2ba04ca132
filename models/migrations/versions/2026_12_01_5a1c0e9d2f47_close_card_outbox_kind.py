"""close card outbox kind: the outbox names what to tell (close_card with a label and what to say
instead), not WeCom's fields (card_update with replace_name and fallback_text)

Revision ID: 5a1c0e9d2f47
Revises: 079b5f6620ea
Create Date: 2026-12-01 10:00:00
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "5a1c0e9d2f47"
down_revision = "079b5f6620ea"
branch_labels = None
depends_on = None

outbound = sa.table(
    "outbound_message",
    sa.column("id", sa.Uuid()),
    sa.column("kind", sa.String()),
    sa.column("params", sa.JSON()),
)
RENAMES = {"replace_name": "label", "fallback_text": "say_instead"}


def _convert(old_kind: str, new_kind: str, renames: dict[str, str]) -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(outbound.c.id, outbound.c.params).where(outbound.c.kind == old_kind))
    for row_id, params in rows.all():
        params = json.loads(params) if isinstance(params, str) else dict(params or {})
        params = {renames.get(key, key): value for key, value in params.items()}
        connection.execute(
            outbound.update().where(outbound.c.id == row_id).values(kind=new_kind, params=params)
        )


def upgrade() -> None:
    _convert("card_update", "close_card", RENAMES)


def downgrade() -> None:
    _convert("close_card", "card_update", {new: old for old, new in RENAMES.items()})
