"""learning quizzes points and audiences: quiz questions and attempts, the points ledger, campaign
recipients, audiences by role or hand-picked list and repeating series, media lessons, proposals,
training days

Revision ID: 0ee04f1233ef
Revises: bc6b4e2469cd
Create Date: 2026-11-30 00:02:34.252700
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "0ee04f1233ef"
down_revision = "bc6b4e2469cd"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "training_day",
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("hours", sa.Numeric(precision=4, scale=1), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_day")),
    )
    op.create_index(op.f("ix_training_day_held_on"), "training_day", ["held_on"], unique=False)
    op.create_table(
        "quiz_question",
        sa.Column("lesson_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("single", "multiple", "true_false", name="question_kind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["lesson_id"], ["lesson.id"], name=op.f("fk_quiz_question_lesson_id_lesson")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_question")),
    )
    op.create_index(op.f("ix_quiz_question_lesson_id"), "quiz_question", ["lesson_id"], unique=False)
    op.create_table(
        "campaign_recipient",
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("branch_id", sa.Uuid(), nullable=False),
        sa.Column("nudged_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["party_org.id"], name=op.f("fk_campaign_recipient_branch_id_party_org")
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaign.id"], name=op.f("fk_campaign_recipient_campaign_id_campaign")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_campaign_recipient_member_id_member")
        ),
        sa.PrimaryKeyConstraint("campaign_id", "member_id", name=op.f("pk_campaign_recipient")),
    )
    op.create_index(
        op.f("ix_campaign_recipient_branch_id"), "campaign_recipient", ["branch_id"], unique=False
    )
    op.create_index(
        op.f("ix_campaign_recipient_member_id"), "campaign_recipient", ["member_id"], unique=False
    )
    op.create_table(
        "point_entry",
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("activity", sa.String(length=16), nullable=False),
        sa.Column("source_key", sa.String(length=80), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("earned_on", sa.Date(), nullable=False),
        sa.Column("capped", sa.Boolean(), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_point_entry_member_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_point_entry")),
        sa.UniqueConstraint("member_id", "source_key", name=op.f("uq_point_entry_member_id_source_key")),
    )
    op.create_index(op.f("ix_point_entry_earned_on"), "point_entry", ["earned_on"], unique=False)
    op.create_index(op.f("ix_point_entry_member_id"), "point_entry", ["member_id"], unique=False)
    op.create_table(
        "quiz_attempt",
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("lesson_id", sa.Uuid(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("correct", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("submitted_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["lesson_id"], ["lesson.id"], name=op.f("fk_quiz_attempt_lesson_id_lesson")),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_quiz_attempt_member_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_attempt")),
        sa.UniqueConstraint(
            "member_id", "lesson_id", "token", name=op.f("uq_quiz_attempt_member_id_lesson_id_token")
        ),
    )
    op.create_index(op.f("ix_quiz_attempt_lesson_id"), "quiz_attempt", ["lesson_id"], unique=False)
    op.create_index(op.f("ix_quiz_attempt_member_id"), "quiz_attempt", ["member_id"], unique=False)
    op.create_table(
        "training_attendance",
        sa.Column("training_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_training_attendance_member_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["training_id"], ["training_day.id"], name=op.f("fk_training_attendance_training_id_training_day")
        ),
        sa.PrimaryKeyConstraint("training_id", "member_id", name=op.f("pk_training_attendance")),
    )
    op.create_index(
        op.f("ix_training_attendance_member_id"), "training_attendance", ["member_id"], unique=False
    )
    # Batch: SQLite cannot add a foreign key to an existing table (it rebuilds it instead).
    with op.batch_alter_table("campaign") as batch:
        batch.add_column(sa.Column("roles", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("person_ids", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("personalised", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("repeat", sa.String(length=24), nullable=False, server_default=""))
        batch.add_column(sa.Column("series_tag", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("series_id", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("next_run_at", models.base.UTCDateTime(timezone=True), nullable=True))
        batch.create_index(batch.f("ix_campaign_series_id"), ["series_id"], unique=False)
        batch.create_foreign_key(batch.f("fk_campaign_series_id_campaign"), "campaign", ["series_id"], ["id"])
    with op.batch_alter_table("lesson") as batch:
        batch.add_column(
            sa.Column("audience_roles", sa.String(length=100), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("media_name", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("media_type", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("media_size", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("cover_name", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("proposed_for_org_id", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("review_note", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("pass_percent", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_lesson_proposed_for_org_id_party_org"), "party_org", ["proposed_for_org_id"], ["id"]
        )
    op.add_column(
        "study_record", sa.Column("quiz_passed_at", models.base.UTCDateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("study_record", "quiz_passed_at")
    with op.batch_alter_table("lesson") as batch:
        batch.drop_constraint(batch.f("fk_lesson_proposed_for_org_id_party_org"), type_="foreignkey")
        for column in (
            "pass_percent",
            "review_note",
            "proposed_for_org_id",
            "cover_name",
            "media_size",
            "media_type",
            "media_name",
            "audience_roles",
        ):
            batch.drop_column(column)
    with op.batch_alter_table("campaign") as batch:
        batch.drop_constraint(batch.f("fk_campaign_series_id_campaign"), type_="foreignkey")
        batch.drop_index(batch.f("ix_campaign_series_id"))
        for column in (
            "next_run_at",
            "series_id",
            "series_tag",
            "repeat",
            "personalised",
            "person_ids",
            "roles",
        ):
            batch.drop_column(column)
    op.drop_index(op.f("ix_training_attendance_member_id"), table_name="training_attendance")
    op.drop_table("training_attendance")
    op.drop_index(op.f("ix_quiz_attempt_member_id"), table_name="quiz_attempt")
    op.drop_index(op.f("ix_quiz_attempt_lesson_id"), table_name="quiz_attempt")
    op.drop_table("quiz_attempt")
    op.drop_index(op.f("ix_point_entry_member_id"), table_name="point_entry")
    op.drop_index(op.f("ix_point_entry_earned_on"), table_name="point_entry")
    op.drop_table("point_entry")
    op.drop_index(op.f("ix_campaign_recipient_member_id"), table_name="campaign_recipient")
    op.drop_index(op.f("ix_campaign_recipient_branch_id"), table_name="campaign_recipient")
    op.drop_table("campaign_recipient")
    op.drop_index(op.f("ix_quiz_question_lesson_id"), table_name="quiz_question")
    op.drop_table("quiz_question")
    op.drop_index(op.f("ix_training_day_held_on"), table_name="training_day")
    op.drop_table("training_day")
