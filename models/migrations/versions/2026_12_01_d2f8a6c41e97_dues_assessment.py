"""dues assessment: the monthly amount each member owes, fixed at the January 核定 (or from the
month a change of pay takes effect) with the base it came from, encrypted; the months an
approved 党费减免 sets; how a payment was made and who paid it (代交); voluntary payments; and the
remittance ledger (what each branch passed to the 党委, and the 党委 upward).

Revision ID: d2f8a6c41e97
Revises: b7e2c4a9d315
Create Date: 2026-12-01 20:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "d2f8a6c41e97"
down_revision = "b7e2c4a9d315"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dues_assessment",
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("from_month", sa.Date(), nullable=False),
        sa.Column("base_ciphertext", sa.Text(), nullable=True),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("bracket", sa.String(40), nullable=False),
        sa.Column("computed", sa.Numeric(9, 2), nullable=False),
        sa.Column("amount", sa.Numeric(9, 2), nullable=False),
        sa.Column("adjust_reason", sa.String(200), nullable=True),
        sa.Column("confirmed_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("confirmed_by", sa.String(100), nullable=True),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_dues_assessment_member_id_member")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dues_assessment")),
        sa.UniqueConstraint(
            "member_id", "year", "from_month", name=op.f("uq_dues_assessment_member_id_year_from_month")
        ),
    )
    op.create_index(op.f("ix_dues_assessment_member_id"), "dues_assessment", ["member_id"])
    op.create_index(op.f("ix_dues_assessment_year"), "dues_assessment", ["year"])
    op.create_table(
        "dues_relief_month",
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("owed", sa.Numeric(9, 2), nullable=False),
        sa.Column("approval_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["approval_id"],
            ["approval_request.id"],
            name=op.f("fk_dues_relief_month_approval_id_approval_request"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_dues_relief_month_member_id_member")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dues_relief_month")),
        sa.UniqueConstraint("member_id", "month", name=op.f("uq_dues_relief_month_member_id_month")),
    )
    op.create_index(op.f("ix_dues_relief_month_member_id"), "dues_relief_month", ["member_id"])
    with op.batch_alter_table("dues_payment") as batch:
        batch.add_column(sa.Column("way", sa.String(10), nullable=True))
        batch.add_column(sa.Column("paid_by", sa.String(64), nullable=True))
    op.create_table(
        "dues_voluntary",
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("amount", sa.Numeric(10, 2), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("way", sa.String(10), nullable=False),
        sa.Column("to_centre", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(200), nullable=True),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_dues_voluntary_member_id_member")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dues_voluntary")),
    )
    op.create_index(op.f("ix_dues_voluntary_member_id"), "dues_voluntary", ["member_id"])
    op.create_table(
        "dues_remittance",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("remitted_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(200), nullable=True),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["party_org.id"], name=op.f("fk_dues_remittance_org_id_party_org")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dues_remittance")),
        sa.UniqueConstraint("org_id", "period_start", name=op.f("uq_dues_remittance_org_id_period_start")),
    )
    op.create_index(op.f("ix_dues_remittance_org_id"), "dues_remittance", ["org_id"])


def downgrade() -> None:
    op.drop_table("dues_remittance")
    op.drop_table("dues_voluntary")
    with op.batch_alter_table("dues_payment") as batch:
        batch.drop_column("paid_by")
        batch.drop_column("way")
    op.drop_table("dues_relief_month")
    op.drop_table("dues_assessment")
