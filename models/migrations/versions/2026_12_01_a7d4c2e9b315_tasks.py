"""tasks: 任务督办 — a task sent to branches or people, each recipient's loop (收到, 提交, 退回整改,
通过) with its history; a branch's plan items and the monthly 组织生活 report are tasks too. And a
notice may go only to those holding some roles (every 支部书记, say).

Revision ID: a7d4c2e9b315
Revises: f3a9d7e05b18
Create Date: 2026-12-01 22:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "a7d4c2e9b315"
down_revision = "f3a9d7e05b18"
branch_labels = None
depends_on = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=20)


def upgrade() -> None:
    with op.batch_alter_table("notice") as batch:
        batch.add_column(sa.Column("roles", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
    op.create_table(
        "task",
        sa.Column("kind", _enum("task_kind", "sent", "plan", "monthly_report"), nullable=False),
        sa.Column("title", sa.String(60), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column(
            "done_by",
            _enum("task_done_by", "report", "files", "number", "meeting", "campaign"),
            nullable=False,
        ),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("sender_org_id", sa.Uuid(), nullable=True),
        sa.Column("sender_id", sa.Uuid(), nullable=True),
        sa.Column("sender_label", sa.String(100), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("plan_year", sa.Integer(), nullable=True),
        sa.Column("series_id", sa.Uuid(), nullable=True),
        sa.Column("period", sa.String(7), nullable=True),
        sa.Column("recurring", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["sender_id"], ["person.id"], name=op.f("fk_task_sender_id_person")),
        sa.ForeignKeyConstraint(
            ["sender_org_id"], ["party_org.id"], name=op.f("fk_task_sender_org_id_party_org")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task")),
    )
    op.create_index(op.f("ix_task_created_at"), "task", ["created_at"])
    op.create_index(op.f("ix_task_sender_org_id"), "task", ["sender_org_id"])
    op.create_index("ix_task_series_period", "task", ["series_id", "period"])
    op.create_table(
        "task_assignment",
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=True),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column(
            "status",
            _enum("task_status", "sent", "acknowledged", "submitted", "returned", "accepted"),
            nullable=False,
        ),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("accepted_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("report", sa.Text(), nullable=True),
        sa.Column("number", sa.Numeric(14, 2), nullable=True),
        sa.Column("linked_id", sa.Uuid(), nullable=True),
        sa.Column("returns", sa.Integer(), nullable=False),
        sa.Column("escalated_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("escalated_to", sa.String(100), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"], name=op.f("fk_task_assignment_task_id_task")),
        sa.ForeignKeyConstraint(
            ["org_id"], ["party_org.id"], name=op.f("fk_task_assignment_org_id_party_org")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_task_assignment_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_assignment")),
    )
    op.create_index(op.f("ix_task_assignment_task_id"), "task_assignment", ["task_id"])
    op.create_index(op.f("ix_task_assignment_org_id"), "task_assignment", ["org_id"])
    op.create_index(op.f("ix_task_assignment_person_id"), "task_assignment", ["person_id"])
    op.create_index(op.f("ix_task_assignment_status"), "task_assignment", ["status"])
    op.create_table(
        "task_event",
        sa.Column("assignment_id", sa.Uuid(), nullable=False),
        sa.Column("at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("step", sa.String(16), nullable=False),
        sa.Column("by_label", sa.String(100), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["task_assignment.id"],
            name=op.f("fk_task_event_assignment_id_task_assignment"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_event")),
    )
    op.create_index(op.f("ix_task_event_assignment_id"), "task_event", ["assignment_id"])


def downgrade() -> None:
    op.drop_table("task_event")
    op.drop_table("task_assignment")
    op.drop_table("task")
    with op.batch_alter_table("notice") as batch:
        batch.drop_column("roles")
