"""branch assessment: 支部考核 — the year's items with weights and how each is measured, the
manual items' values with their evidence, and each branch's grade.

Revision ID: c9e6a4f2d835
Revises: b8d5f3e1c724
Create Date: 2026-12-02 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "c9e6a4f2d835"
down_revision = "b8d5f3e1c724"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessment_item",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=60), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_item")),
        sa.UniqueConstraint("year", "position", name=op.f("uq_assessment_item_year_position")),
    )
    with op.batch_alter_table("assessment_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_item_year"), ["year"], unique=False)

    op.create_table(
        "assessment_grade",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("grade", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=False),
        sa.Column("decided_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["party_org.id"], name=op.f("fk_assessment_grade_org_id_party_org")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_grade")),
        sa.UniqueConstraint("org_id", "year", name=op.f("uq_assessment_grade_org_id_year")),
    )
    with op.batch_alter_table("assessment_grade", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_grade_org_id"), ["org_id"], unique=False)

    op.create_table(
        "assessment_score",
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("percent", sa.Numeric(precision=5, scale=1), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("entered_by", sa.String(length=100), nullable=False),
        sa.Column("entered_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["assessment_item.id"], name=op.f("fk_assessment_score_item_id_assessment_item")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["party_org.id"], name=op.f("fk_assessment_score_org_id_party_org")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_score")),
        sa.UniqueConstraint("item_id", "org_id", name=op.f("uq_assessment_score_item_id_org_id")),
    )
    with op.batch_alter_table("assessment_score", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_score_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assessment_score_org_id"), ["org_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("assessment_score", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_score_org_id"))
        batch_op.drop_index(batch_op.f("ix_assessment_score_item_id"))

    op.drop_table("assessment_score")
    with op.batch_alter_table("assessment_grade", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_grade_org_id"))

    op.drop_table("assessment_grade")
    with op.batch_alter_table("assessment_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_item_year"))

    op.drop_table("assessment_item")
