"""member reviews, elections and nominations on the ballot engine: 民主评议党员 (self-assessments
encrypted, grades proposed, decided and confirmed), an election's seats, a grade question's subject,
and 两优一先 nominations with the branch's vote and the office's review.

Revision ID: a7c4e2d9b613
Revises: f6d3b9c8e520
Create Date: 2026-12-02 06:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "a7c4e2d9b613"
down_revision = "f6d3b9c8e520"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "member_review",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column(
            "stage",
            sa.Enum(
                "open", "proposed", "decided", "confirmed", name="reviewstage", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("ballot_id", sa.Uuid(), nullable=False),
        sa.Column("opened_by", sa.String(length=100), nullable=False),
        sa.Column("proposed_by", sa.String(length=100), nullable=True),
        sa.Column("meeting_id", sa.Uuid(), nullable=True),
        sa.Column("should_attend", sa.Integer(), nullable=True),
        sa.Column("present", sa.Integer(), nullable=True),
        sa.Column("yes", sa.Integer(), nullable=True),
        sa.Column("no", sa.Integer(), nullable=True),
        sa.Column("abstain", sa.Integer(), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("confirmed_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("confirmed_by", sa.String(length=100), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["ballot_id"], ["ballot.id"], name=op.f("fk_member_review_ballot_id_ballot")),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_member_review_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(["org_id"], ["party_org.id"], name=op.f("fk_member_review_org_id_party_org")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_review")),
        sa.UniqueConstraint("org_id", "year", name=op.f("uq_member_review_org_id_year")),
    )
    with op.batch_alter_table("member_review", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_review_org_id"), ["org_id"], unique=False)

    op.create_table(
        "nomination",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("award", sa.String(length=16), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("ballot_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "voting",
                "passed",
                "failed",
                "approved",
                "rejected",
                name="nominationstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("agreed", sa.Integer(), nullable=True),
        sa.Column("voters", sa.Integer(), nullable=True),
        sa.Column("nominated_by", sa.String(length=100), nullable=False),
        sa.Column("reviewed_by", sa.String(length=100), nullable=True),
        sa.Column("review_note", sa.String(length=200), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["ballot_id"], ["ballot.id"], name=op.f("fk_nomination_ballot_id_ballot")),
        sa.ForeignKeyConstraint(["org_id"], ["party_org.id"], name=op.f("fk_nomination_org_id_party_org")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_nomination_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nomination")),
    )
    with op.batch_alter_table("nomination", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_nomination_ballot_id"), ["ballot_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_nomination_org_id"), ["org_id"], unique=False)

    op.create_table(
        "review_entry",
        sa.Column("review_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("graded", sa.Boolean(), nullable=False),
        sa.Column("self_assessment_ciphertext", sa.Text(), nullable=True),
        sa.Column("proposed_grade", sa.String(length=8), nullable=True),
        sa.Column("grade", sa.String(length=8), nullable=True),
        sa.Column("follow_up", sa.String(length=8), nullable=True),
        sa.Column("follow_up_due", sa.Date(), nullable=True),
        sa.Column("follow_up_note_ciphertext", sa.Text(), nullable=True),
        sa.Column("follow_up_by", sa.String(length=100), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_review_entry_person_id_person")),
        sa.ForeignKeyConstraint(
            ["review_id"], ["member_review.id"], name=op.f("fk_review_entry_review_id_member_review")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_entry")),
        sa.UniqueConstraint("review_id", "person_id", name=op.f("uq_review_entry_review_id_person_id")),
    )
    with op.batch_alter_table("review_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_entry_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_review_entry_review_id"), ["review_id"], unique=False)

    with op.batch_alter_table("ballot", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seats", sa.Integer(), nullable=True))

    with op.batch_alter_table("ballot_question", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_ballot_question_subject_id_person"), "person", ["subject_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("ballot_question", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_ballot_question_subject_id_person"), type_="foreignkey")
        batch_op.drop_column("subject_id")

    with op.batch_alter_table("ballot", schema=None) as batch_op:
        batch_op.drop_column("seats")

    with op.batch_alter_table("review_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_entry_review_id"))
        batch_op.drop_index(batch_op.f("ix_review_entry_person_id"))

    op.drop_table("review_entry")
    with op.batch_alter_table("nomination", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nomination_org_id"))
        batch_op.drop_index(batch_op.f("ix_nomination_ballot_id"))

    op.drop_table("nomination")
    with op.batch_alter_table("member_review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_review_org_id"))

    op.drop_table("member_review")
