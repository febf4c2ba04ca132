"""meeting counts: a signed-off meeting keeps how many were invited and how many were present
(its attendance is final from sign-off on), so the 数据中心 reads years of meetings without their
rosters; the meetings already signed off are counted now.

Revision ID: e2a8c6b4f157
Revises: d1f7b5a3e946
Create Date: 2026-12-02 07:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "e2a8c6b4f157"
down_revision = "d1f7b5a3e946"
branch_labels = None
depends_on = None

COUNT_SIGNED_OFF = """
UPDATE meeting SET
  invited_count = (SELECT count(*) FROM meeting_invitation i WHERE i.meeting_id = meeting.id),
  present_count = (
    SELECT count(*) FROM meeting_attendance a
    JOIN meeting_invitation i ON i.meeting_id = a.meeting_id AND i.member_id = a.member_id
    WHERE a.meeting_id = meeting.id AND a.present
  )
WHERE status = 'signed_off'
"""


def upgrade() -> None:
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invited_count", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("present_count", sa.Integer(), nullable=True))
    op.execute(COUNT_SIGNED_OFF)


def downgrade() -> None:
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_column("present_count")
        batch_op.drop_column("invited_count")
