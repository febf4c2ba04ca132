"""business measures: 党建+业务 — the measures the office configures, each department's value of them
by month, and the 党员先锋岗 / 示范岗 a department holds.

Revision ID: b8d5f3e1c724
Revises: a7c4e2d9b613
Create Date: 2026-12-02 06:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "b8d5f3e1c724"
down_revision = "a7c4e2d9b613"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "business_measure",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("unit", sa.String(length=10), nullable=False),
        sa.Column("higher_is_better", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_business_measure")),
        sa.UniqueConstraint("name", name=op.f("uq_business_measure_name")),
    )
    op.create_table(
        "department_measure",
        sa.Column("department_id", sa.Uuid(), nullable=False),
        sa.Column("measure_id", sa.Uuid(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("value", sa.Numeric(precision=14, scale=4), nullable=False),
        sa.Column("imported_by", sa.String(length=100), nullable=False),
        sa.Column("imported_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"], ["department.id"], name=op.f("fk_department_measure_department_id_department")
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["business_measure.id"],
            name=op.f("fk_department_measure_measure_id_business_measure"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_department_measure")),
        sa.UniqueConstraint(
            "department_id",
            "measure_id",
            "month",
            name=op.f("uq_department_measure_department_id_measure_id_month"),
        ),
    )
    with op.batch_alter_table("department_measure", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_department_measure_department_id"), ["department_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_department_measure_measure_id"), ["measure_id"], unique=False)

    op.create_table(
        "vanguard_post",
        sa.Column("department_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=60), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"], ["department.id"], name=op.f("fk_vanguard_post_department_id_department")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vanguard_post")),
    )
    with op.batch_alter_table("vanguard_post", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vanguard_post_department_id"), ["department_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("vanguard_post", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vanguard_post_department_id"))

    op.drop_table("vanguard_post")
    with op.batch_alter_table("department_measure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_department_measure_measure_id"))
        batch_op.drop_index(batch_op.f("ix_department_measure_department_id"))

    op.drop_table("department_measure")
    op.drop_table("business_measure")
