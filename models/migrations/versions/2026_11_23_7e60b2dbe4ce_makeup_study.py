"""makeup study: 补学 material and question on a meeting, and who completed it

Revision ID: 7e60b2dbe4ce
Revises: cc35a056999e
Create Date: 2026-11-23 05:25:32.600555
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "7e60b2dbe4ce"
down_revision = "cc35a056999e"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meeting_makeup",
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("completed_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_meeting_makeup_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_meeting_makeup_member_id_member")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_makeup")),
        sa.UniqueConstraint("meeting_id", "member_id", name=op.f("uq_meeting_makeup_meeting_id_member_id")),
    )
    op.create_index(op.f("ix_meeting_makeup_meeting_id"), "meeting_makeup", ["meeting_id"], unique=False)
    op.create_index(op.f("ix_meeting_makeup_member_id"), "meeting_makeup", ["member_id"], unique=False)
    op.add_column("meeting", sa.Column("makeup_material", sa.Text(), nullable=False, server_default=""))
    op.add_column("meeting", sa.Column("makeup_question", sa.String(length=200), nullable=True))
    op.add_column("meeting", sa.Column("makeup_options", sa.JSON(), nullable=True))
    op.add_column("meeting", sa.Column("makeup_answer", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("meeting", "makeup_answer")
    op.drop_column("meeting", "makeup_options")
    op.drop_column("meeting", "makeup_question")
    op.drop_column("meeting", "makeup_material")
    op.drop_index(op.f("ix_meeting_makeup_member_id"), table_name="meeting_makeup")
    op.drop_index(op.f("ix_meeting_makeup_meeting_id"), table_name="meeting_makeup")
    op.drop_table("meeting_makeup")
