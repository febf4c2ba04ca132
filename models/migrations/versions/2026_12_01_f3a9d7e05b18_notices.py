"""notices: 通知公告 sent to a scope, and who each reached — read and acknowledged (收到); and
党务公开, a 公示 shown inside the hospital for a set period.

Revision ID: f3a9d7e05b18
Revises: e8c1b5f27a64
Create Date: 2026-12-01 21:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "f3a9d7e05b18"
down_revision = "e8c1b5f27a64"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notice",
        sa.Column("title", sa.String(60), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("org_ids", sa.JSON(), nullable=False),
        sa.Column("needs_ack", sa.Boolean(), nullable=False),
        sa.Column("sender_id", sa.Uuid(), nullable=True),
        sa.Column("sender_label", sa.String(100), nullable=False),
        sa.Column("sent_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["sender_id"], ["person.id"], name=op.f("fk_notice_sender_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice")),
    )
    op.create_index(op.f("ix_notice_sender_id"), "notice", ["sender_id"])
    op.create_index(op.f("ix_notice_sent_at"), "notice", ["sent_at"])
    op.create_table(
        "notice_recipient",
        sa.Column("notice_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("read_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("acked_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notice.id"], name=op.f("fk_notice_recipient_notice_id_notice")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_notice_recipient_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_recipient")),
        sa.UniqueConstraint("notice_id", "person_id", name=op.f("uq_notice_recipient_notice_id_person_id")),
    )
    op.create_index(op.f("ix_notice_recipient_notice_id"), "notice_recipient", ["notice_id"])
    op.create_index(op.f("ix_notice_recipient_person_id"), "notice_recipient", ["person_id"])
    op.create_table(
        "publication",
        sa.Column("title", sa.String(60), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("published_by", sa.String(100), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publication")),
    )


def downgrade() -> None:
    op.drop_table("publication")
    op.drop_table("notice_recipient")
    op.drop_table("notice")
