"""meeting attachments: optional photos and documents kept with the minutes, in the database

Revision ID: b3412b9754fb
Revises: 7e60b2dbe4ce
Create Date: 2026-11-23 05:45:33.062680
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "b3412b9754fb"
down_revision = "7e60b2dbe4ce"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meeting_attachment",
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=100), nullable=False),
        sa.Column("uploaded_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_meeting_attachment_meeting_id_meeting")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_attachment")),
    )
    op.create_index(
        op.f("ix_meeting_attachment_meeting_id"), "meeting_attachment", ["meeting_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_meeting_attachment_meeting_id"), table_name="meeting_attachment")
    op.drop_table("meeting_attachment")
