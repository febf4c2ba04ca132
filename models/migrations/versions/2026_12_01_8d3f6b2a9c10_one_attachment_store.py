"""one attachment store: meeting and approval attachments move into one table, keeping every file
and its id (so links already sent keep working)

Revision ID: 8d3f6b2a9c10
Revises: 5a1c0e9d2f47
Create Date: 2026-12-01 10:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "8d3f6b2a9c10"
down_revision = "5a1c0e9d2f47"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attachment",
        sa.Column("owner_type", sa.String(length=32), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=100), nullable=True),
        sa.Column("uploaded_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment")),
    )
    op.create_index(
        "ix_attachment_owner", "attachment", ["owner_type", "owner_id", "uploaded_at"], unique=False
    )
    op.execute(
        "INSERT INTO attachment (owner_type, owner_id, uploaded_by,"
        " id, filename, content_type, size, content, uploaded_at) "
        "SELECT 'meeting', meeting_id, uploaded_by,"
        " id, filename, content_type, size, content, uploaded_at FROM meeting_attachment"
    )
    op.execute(
        "INSERT INTO attachment (owner_type, owner_id, uploaded_by,"
        " id, filename, content_type, size, content, uploaded_at) "
        "SELECT 'approval_request', request_id, NULL,"
        " id, filename, content_type, size, content, uploaded_at FROM approval_attachment"
    )
    op.drop_index(op.f("ix_meeting_attachment_meeting_id"), table_name="meeting_attachment")
    op.drop_table("meeting_attachment")
    op.drop_index(op.f("ix_approval_attachment_request_id"), table_name="approval_attachment")
    op.drop_table("approval_attachment")


def downgrade() -> None:
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
    op.create_table(
        "approval_attachment",
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["approval_request.id"],
            name=op.f("fk_approval_attachment_request_id_approval_request"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_attachment")),
    )
    op.create_index(
        op.f("ix_approval_attachment_request_id"), "approval_attachment", ["request_id"], unique=False
    )
    op.execute(
        "INSERT INTO meeting_attachment (meeting_id, uploaded_by,"
        " id, filename, content_type, size, content, uploaded_at) "
        "SELECT owner_id, COALESCE(uploaded_by, ''),"
        " id, filename, content_type, size, content, uploaded_at"
        " FROM attachment WHERE owner_type = 'meeting'"
    )
    op.execute(
        "INSERT INTO approval_attachment (request_id,"
        " id, filename, content_type, size, content, uploaded_at) "
        "SELECT owner_id,"
        " id, filename, content_type, size, content, uploaded_at"
        " FROM attachment WHERE owner_type = 'approval_request'"
    )
    op.drop_index("ix_attachment_owner", table_name="attachment")
    op.drop_table("attachment")
