"""recruitment: 发展党员 — each person's way through the 25 steps, the 支部大会's votes, the people
who train and sponsor them, the training's notes (encrypted), the 公示 with their objections; and
the working-day calendar the office keeps beside the bundled State Council schedule.

Revision ID: c3e8a1f5d290
Revises: a7d4c2e9b315
Create Date: 2026-12-01 23:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "c3e8a1f5d290"
down_revision = "a7d4c2e9b315"
branch_labels = None
depends_on = None

STAGES = (
    "applicant",
    "activist",
    "candidate",
    "probationary",
    "full",
    "not_admitted",
    "cancelled",
    "transferred",
)


def _id() -> sa.Column:
    return sa.Column("id", sa.Uuid(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "recruit",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column(
            "stage", sa.Enum(*STAGES, name="recruit_stage", native_enum=False, length=20), nullable=False
        ),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("activist_on", sa.Date(), nullable=True),
        sa.Column("candidate_on", sa.Date(), nullable=True),
        sa.Column("admitted_on", sa.Date(), nullable=True),
        sa.Column("probation_ends_on", sa.Date(), nullable=True),
        sa.Column("extended_months", sa.Integer(), nullable=True),
        sa.Column("full_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("closed_reason", sa.String(200), nullable=True),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", models.base.UTCDateTime(timezone=True), nullable=False),
        _id(),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_recruit_person_id_person")),
        sa.ForeignKeyConstraint(["org_id"], ["party_org.id"], name=op.f("fk_recruit_org_id_party_org")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recruit")),
    )
    op.create_index(op.f("ix_recruit_person_id"), "recruit", ["person_id"])
    op.create_index(op.f("ix_recruit_org_id"), "recruit", ["org_id"])
    op.create_index(op.f("ix_recruit_stage"), "recruit", ["stage"])
    op.create_table(
        "recruit_step",
        sa.Column("recruit_id", sa.Uuid(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.Column("evidence", sa.String(200), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=True),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.Column("recorded_at", models.base.UTCDateTime(timezone=True), nullable=False),
        _id(),
        sa.ForeignKeyConstraint(
            ["recruit_id"], ["recruit.id"], name=op.f("fk_recruit_step_recruit_id_recruit")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_recruit_step_meeting_id_meeting")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recruit_step")),
        sa.UniqueConstraint("recruit_id", "step", name=op.f("uq_recruit_step_recruit_id_step")),
    )
    op.create_index(op.f("ix_recruit_step_recruit_id"), "recruit_step", ["recruit_id"])
    op.create_table(
        "recruit_role",
        sa.Column("recruit_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("assigned_on", sa.Date(), nullable=False),
        _id(),
        sa.ForeignKeyConstraint(
            ["recruit_id"], ["recruit.id"], name=op.f("fk_recruit_role_recruit_id_recruit")
        ),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_recruit_role_member_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recruit_role")),
        sa.UniqueConstraint(
            "recruit_id", "member_id", "role", name=op.f("uq_recruit_role_recruit_id_member_id_role")
        ),
    )
    op.create_index(op.f("ix_recruit_role_recruit_id"), "recruit_role", ["recruit_id"])
    op.create_index(op.f("ix_recruit_role_member_id"), "recruit_role", ["member_id"])
    op.create_table(
        "recruit_vote",
        sa.Column("recruit_id", sa.Uuid(), nullable=False),
        sa.Column("question", sa.String(16), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=True),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("should_attend", sa.Integer(), nullable=False),
        sa.Column("present", sa.Integer(), nullable=False),
        sa.Column("yes", sa.Integer(), nullable=False),
        sa.Column("no", sa.Integer(), nullable=False),
        sa.Column("abstain", sa.Integer(), nullable=False),
        sa.Column("written_yes", sa.Integer(), nullable=False),
        sa.Column("written_no", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        _id(),
        sa.ForeignKeyConstraint(
            ["recruit_id"], ["recruit.id"], name=op.f("fk_recruit_vote_recruit_id_recruit")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_recruit_vote_meeting_id_meeting")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recruit_vote")),
        sa.UniqueConstraint(
            "recruit_id", "question", "held_on", name=op.f("uq_recruit_vote_recruit_id_question_held_on")
        ),
    )
    op.create_index(op.f("ix_recruit_vote_recruit_id"), "recruit_vote", ["recruit_id"])
    op.create_table(
        "recruit_note",
        sa.Column("recruit_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("written_on", sa.Date(), nullable=False),
        sa.Column("author_label", sa.String(100), nullable=False),
        sa.Column("text_ciphertext", sa.Text(), nullable=True),
        _id(),
        sa.ForeignKeyConstraint(
            ["recruit_id"], ["recruit.id"], name=op.f("fk_recruit_note_recruit_id_recruit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recruit_note")),
    )
    op.create_index(op.f("ix_recruit_note_recruit_id"), "recruit_note", ["recruit_id"])
    op.create_table(
        "recruit_publicity",
        sa.Column("recruit_id", sa.Uuid(), nullable=False),
        sa.Column(
            "stage",
            sa.Enum(*STAGES, name="recruit_publicity_stage", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("working_days", sa.Integer(), nullable=False),
        sa.Column("publication_id", sa.Uuid(), nullable=True),
        sa.Column("objections", sa.Integer(), nullable=False),
        sa.Column("objections_handled", sa.Integer(), nullable=False),
        sa.Column("handling_note", sa.Text(), nullable=True),
        _id(),
        sa.ForeignKeyConstraint(
            ["recruit_id"], ["recruit.id"], name=op.f("fk_recruit_publicity_recruit_id_recruit")
        ),
        sa.ForeignKeyConstraint(
            ["publication_id"],
            ["publication.id"],
            name=op.f("fk_recruit_publicity_publication_id_publication"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recruit_publicity")),
    )
    op.create_index(op.f("ix_recruit_publicity_recruit_id"), "recruit_publicity", ["recruit_id"])
    op.create_table(
        "calendar_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("is_workday", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(60), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_calendar_day")),
    )
    op.create_table(
        "calendar_year",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("confirmed_by", sa.String(100), nullable=False),
        sa.Column("confirmed_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_calendar_year")),
    )


def downgrade() -> None:
    for table in (
        "calendar_year",
        "calendar_day",
        "recruit_publicity",
        "recruit_note",
        "recruit_vote",
        "recruit_role",
        "recruit_step",
        "recruit",
    ):
        op.drop_table(table)
