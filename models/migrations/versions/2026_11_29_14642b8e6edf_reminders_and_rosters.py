"""reminders and rosters: shift codes (with the usual defaults), roster imports and shifts, reminders

Revision ID: 14642b8e6edf
Revises: bb176f19fa5c
Create Date: 2026-11-29 22:04:46.403456
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "14642b8e6edf"
down_revision = "bb176f19fa5c"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reminder_pause",
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("paused_by", sa.String(length=100), nullable=False),
        sa.Column("paused_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("category", name=op.f("pk_reminder_pause")),
    )
    op.create_table(
        "roster_import",
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("imported_by", sa.String(length=100), nullable=False),
        sa.Column("imported_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("shifts", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_import")),
    )
    op.create_table(
        "shift_code",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("label", sa.String(length=32), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("work", "night", "standby", "rest", name="shift_kind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("starts", sa.Time(), nullable=True),
        sa.Column("ends", sa.Time(), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_shift_code")),
    )
    _default_shift_codes()
    op.create_table(
        "reminder",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("obligation", sa.String(length=160), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("card_kind", sa.String(length=32), nullable=True),
        sa.Column("card_params", sa.JSON(), nullable=True),
        sa.Column("card_key", sa.String(length=200), nullable=True),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("due_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("earliest_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("latest_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "priority",
            sa.Enum(
                "immediate", "urgent", "normal", "low", name="reminder_priority", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "planned",
                "sent",
                "cancelled",
                "failed",
                name="reminder_status",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("deliver_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("plan_note", sa.String(length=100), nullable=True),
        sa.Column("snoozed", sa.Boolean(), nullable=False),
        sa.Column("sent_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("outbox_key", sa.String(length=200), nullable=True),
        sa.Column("cancelled_reason", sa.String(length=100), nullable=True),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_reminder_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder")),
        sa.UniqueConstraint("person_id", "obligation", name=op.f("uq_reminder_person_id_obligation")),
    )
    op.create_index(op.f("ix_reminder_category"), "reminder", ["category"], unique=False)
    op.create_index("ix_reminder_due", "reminder", ["status", "deliver_at"], unique=False)
    op.create_index(op.f("ix_reminder_person_id"), "reminder", ["person_id"], unique=False)
    op.create_table(
        "reminder_preference",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("quiet_start", sa.Time(), nullable=True),
        sa.Column("quiet_end", sa.Time(), nullable=True),
        sa.Column("preferred_time", sa.Time(), nullable=True),
        sa.Column("updated_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_reminder_preference_person_id_person")
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_reminder_preference")),
    )
    op.create_table(
        "roster_shift",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("starts_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ends_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("import_id", sa.Uuid(), nullable=False),
        sa.Column("superseded_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["code"], ["shift_code.code"], name=op.f("fk_roster_shift_code_shift_code")),
        sa.ForeignKeyConstraint(
            ["import_id"], ["roster_import.id"], name=op.f("fk_roster_shift_import_id_roster_import")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_roster_shift_person_id_person")),
        sa.ForeignKeyConstraint(
            ["superseded_by"], ["roster_import.id"], name=op.f("fk_roster_shift_superseded_by_roster_import")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_shift")),
    )
    op.create_index(op.f("ix_roster_shift_import_id"), "roster_shift", ["import_id"], unique=False)
    op.create_index("ix_roster_shift_person_time", "roster_shift", ["person_id", "starts_at"], unique=False)


def _default_shift_codes() -> None:
    """The codes most hospitals use; each hospital edits them (the mapping is configuration)."""
    from datetime import time

    codes = sa.table(
        "shift_code",
        sa.column("code", sa.String()),
        sa.column("label", sa.String()),
        sa.column("kind", sa.String()),
        sa.column("starts", sa.Time()),
        sa.column("ends", sa.Time()),
    )
    op.bulk_insert(
        codes,
        [
            {"code": "D", "label": "白班", "kind": "work", "starts": time(8), "ends": time(17, 30)},
            {"code": "A", "label": "小夜班", "kind": "work", "starts": time(16), "ends": time(0)},
            {"code": "N", "label": "夜班", "kind": "night", "starts": time(17, 30), "ends": time(8)},
            {"code": "S", "label": "二线听班", "kind": "standby", "starts": time(8), "ends": time(8)},
            {"code": "R", "label": "休息", "kind": "rest", "starts": None, "ends": None},
        ],
    )


def downgrade() -> None:
    op.drop_index("ix_roster_shift_person_time", table_name="roster_shift")
    op.drop_index(op.f("ix_roster_shift_import_id"), table_name="roster_shift")
    op.drop_table("roster_shift")
    op.drop_table("reminder_preference")
    op.drop_index(op.f("ix_reminder_person_id"), table_name="reminder")
    op.drop_index("ix_reminder_due", table_name="reminder")
    op.drop_index(op.f("ix_reminder_category"), table_name="reminder")
    op.drop_table("reminder")
    op.drop_table("shift_code")
    op.drop_table("roster_import")
    op.drop_table("reminder_pause")
