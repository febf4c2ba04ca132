"""lessons and study records: the library (sanitised articles, links) and server-counted study time

Revision ID: 29f149224e6f
Revises: 14642b8e6edf
Create Date: 2026-11-29 23:19:21.505303
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "29f149224e6f"
down_revision = "14642b8e6edf"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lesson",
        sa.Column(
            "kind",
            sa.Enum("article", "link", name="lesson_kind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("summary", sa.String(length=200), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=300), nullable=True),
        sa.Column("credit_hours", sa.Numeric(precision=4, scale=1), nullable=False),
        sa.Column("min_seconds", sa.Integer(), nullable=False),
        sa.Column("tags", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column(
            "status",
            sa.Enum("draft", "published", "archived", name="lesson_status", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("published_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lesson")),
    )
    op.create_table(
        "study_record",
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("lesson_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("opened_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_beat_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.Column("completed_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("credited_hours", sa.Numeric(precision=4, scale=1), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["lesson_id"], ["lesson.id"], name=op.f("fk_study_record_lesson_id_lesson")),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_study_record_member_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_study_record")),
        sa.UniqueConstraint("member_id", "lesson_id", name=op.f("uq_study_record_member_id_lesson_id")),
    )
    op.create_index(op.f("ix_study_record_lesson_id"), "study_record", ["lesson_id"], unique=False)
    op.create_index(op.f("ix_study_record_member_id"), "study_record", ["member_id"], unique=False)
    op.create_index(op.f("ix_study_record_year"), "study_record", ["year"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_study_record_year"), table_name="study_record")
    op.drop_index(op.f("ix_study_record_member_id"), table_name="study_record")
    op.drop_index(op.f("ix_study_record_lesson_id"), table_name="study_record")
    op.drop_table("study_record")
    op.drop_table("lesson")
