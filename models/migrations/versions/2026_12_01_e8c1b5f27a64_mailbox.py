"""mailbox: 书记信箱 messages to a branch's secretary or the office — an anonymous one with no
author and no time finer than the day, only its receipt code's hash — with body and answer
encrypted; and the FAQ the office keeps.

Revision ID: e8c1b5f27a64
Revises: d2f8a6c41e97
Create Date: 2026-12-01 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "e8c1b5f27a64"
down_revision = "d2f8a6c41e97"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mailbox_message",
        sa.Column("org_id", sa.Uuid(), nullable=True),
        sa.Column(
            "category",
            sa.Enum("suggestion", "problem", "help", name="mailbox_category", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("written_on", sa.Date(), nullable=False),
        sa.Column("receipt_hash", sa.String(64), nullable=True),
        sa.Column("body_ciphertext", sa.Text(), nullable=True),
        sa.Column("answer_ciphertext", sa.Text(), nullable=True),
        sa.Column("answered_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("answered_by", sa.String(100), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["person.id"], name=op.f("fk_mailbox_message_author_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["party_org.id"], name=op.f("fk_mailbox_message_org_id_party_org")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailbox_message")),
        sa.UniqueConstraint("receipt_hash", name=op.f("uq_mailbox_message_receipt_hash")),
    )
    op.create_index(op.f("ix_mailbox_message_org_id"), "mailbox_message", ["org_id"])
    op.create_index(op.f("ix_mailbox_message_author_id"), "mailbox_message", ["author_id"])
    op.create_table(
        "faq_entry",
        sa.Column("question", sa.String(200), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("updated_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq_entry")),
    )


def downgrade() -> None:
    op.drop_table("faq_entry")
    op.drop_table("mailbox_message")
