"""ballots: the secret-ballot engine — ballots and their questions, the electorate (voted or not,
never when or how), and the submissions (answers without voter or time, a receipt's hash).

Revision ID: e5c2a8b7d419
Revises: d4b9e6a1c732
Create Date: 2026-12-02 04:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "e5c2a8b7d419"
down_revision = "d4b9e6a1c732"
branch_labels = None
depends_on = None


def _id() -> sa.Column:
    return sa.Column("id", sa.Uuid(), nullable=False)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"))


def upgrade() -> None:
    op.create_table(
        "ballot",
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("title", sa.String(60), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=True),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("opens_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closes_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("min_answers", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("electorate", sa.Integer(), nullable=False),
        sa.Column("tallied_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("results", sa.JSON(), nullable=True),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", models.base.UTCDateTime(timezone=True), nullable=False),
        _id(),
        _fk("ballot", "org_id", "party_org"),
        _fk("ballot", "created_by_id", "person"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballot")),
    )
    op.create_index(op.f("ix_ballot_org_id"), "ballot", ["org_id"])
    op.create_table(
        "ballot_question",
        sa.Column("ballot_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.String(200), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("max_choices", sa.Integer(), nullable=True),
        _id(),
        _fk("ballot_question", "ballot_id", "ballot"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballot_question")),
        sa.UniqueConstraint("ballot_id", "position", name=op.f("uq_ballot_question_ballot_id_position")),
    )
    op.create_index(op.f("ix_ballot_question_ballot_id"), "ballot_question", ["ballot_id"])
    op.create_table(
        "ballot_voter",
        sa.Column("ballot_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("voted", sa.Boolean(), nullable=False),
        _id(),
        _fk("ballot_voter", "ballot_id", "ballot"),
        _fk("ballot_voter", "person_id", "person"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballot_voter")),
        sa.UniqueConstraint("ballot_id", "person_id", name=op.f("uq_ballot_voter_ballot_id_person_id")),
    )
    op.create_index(op.f("ix_ballot_voter_ballot_id"), "ballot_voter", ["ballot_id"])
    op.create_index(op.f("ix_ballot_voter_person_id"), "ballot_voter", ["person_id"])
    op.create_table(
        "ballot_submission",
        sa.Column("ballot_id", sa.Uuid(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("receipt_hash", sa.String(64), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("sealed", sa.Boolean(), nullable=False),
        _id(),
        _fk("ballot_submission", "ballot_id", "ballot"),
        _fk("ballot_submission", "person_id", "person"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballot_submission")),
        sa.UniqueConstraint("receipt_hash", name=op.f("uq_ballot_submission_receipt_hash")),
    )
    op.create_index(op.f("ix_ballot_submission_ballot_id"), "ballot_submission", ["ballot_id"])


def downgrade() -> None:
    for table in ("ballot_submission", "ballot_voter", "ballot_question", "ballot"):
        op.drop_table(table)
