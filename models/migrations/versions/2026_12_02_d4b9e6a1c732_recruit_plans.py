"""recruit plans and papers: each branch's 发展计划 per year (proposed by the branch, issued by the
党委); the Word templates the office puts in place of the shipped letters; the 材料归档 checklist.

Revision ID: d4b9e6a1c732
Revises: c3e8a1f5d290
Create Date: 2026-12-02 03:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "d4b9e6a1c732"
down_revision = "c3e8a1f5d290"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recruit_plan",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("proposed", sa.Integer(), nullable=True),
        sa.Column("proposed_by", sa.String(100), nullable=True),
        sa.Column("proposed_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("note", sa.String(200), nullable=False),
        sa.Column("issued", sa.Integer(), nullable=True),
        sa.Column("issued_by", sa.String(100), nullable=True),
        sa.Column("issued_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["party_org.id"], name=op.f("fk_recruit_plan_org_id_party_org")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recruit_plan")),
        sa.UniqueConstraint("org_id", "year", name=op.f("uq_recruit_plan_org_id_year")),
    )
    op.create_index(op.f("ix_recruit_plan_org_id"), "recruit_plan", ["org_id"])
    op.create_table(
        "document_template",
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("filename", sa.String(100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(100), nullable=False),
        sa.Column("uploaded_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_document_template")),
    )
    with op.batch_alter_table("recruit") as batch:
        batch.add_column(sa.Column("archived_files", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("recruit") as batch:
        batch.drop_column("archived_files")
    op.drop_table("document_template")
    op.drop_index(op.f("ix_recruit_plan_org_id"), table_name="recruit_plan")
    op.drop_table("recruit_plan")
