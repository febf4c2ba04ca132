"""meetings: meetings, obligations, sessions, invitations, attendance, leave, corrections; member.group_id

Revision ID: cc35a056999e
Revises: 5bd4e179d58f
Create Date: 2026-11-23 05:13:06.342741
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "cc35a056999e"
down_revision = "5bd4e179d58f"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meeting",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("topic", sa.String(length=100), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column(
            "venue_mode",
            sa.Enum("onsite", "online", "hybrid", name="venue_mode", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("venue_id", sa.Uuid(), nullable=True),
        sa.Column("online_room", sa.String(length=200), nullable=True),
        sa.Column("has_vote", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "planned", "cancelled", "signed_off", name="meeting_status", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("planned_by", sa.String(length=100), nullable=False),
        sa.Column("minutes", sa.Text(), nullable=False),
        sa.Column("resolutions", sa.Text(), nullable=False),
        sa.Column("signed_off_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("signed_off_by", sa.String(length=100), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["party_org.id"], name=op.f("fk_meeting_org_id_party_org")),
        sa.ForeignKeyConstraint(["venue_id"], ["venue.id"], name=op.f("fk_meeting_venue_id_venue")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
    )
    op.create_index(op.f("ix_meeting_org_id"), "meeting", ["org_id"], unique=False)
    op.create_table(
        "meeting_correction",
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("made_by", sa.String(length=100), nullable=False),
        sa.Column("made_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_meeting_correction_meeting_id_meeting")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_correction")),
    )
    op.create_index(
        op.f("ix_meeting_correction_meeting_id"), "meeting_correction", ["meeting_id"], unique=False
    )
    op.create_table(
        "meeting_obligation",
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "general_assembly",
                "committee_meeting",
                "group_meeting",
                "party_lecture",
                "theme_day",
                "org_life_meeting",
                "member_review",
                name="meeting_kind",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_meeting_obligation_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", "kind", name=op.f("pk_meeting_obligation")),
    )
    op.create_table(
        "meeting_session",
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("label", sa.String(length=20), nullable=False),
        sa.Column("starts_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("shift_group", sa.String(length=32), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_meeting_session_meeting_id_meeting")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_session")),
    )
    op.create_index(op.f("ix_meeting_session_meeting_id"), "meeting_session", ["meeting_id"], unique=False)
    op.create_index(op.f("ix_meeting_session_starts_at"), "meeting_session", ["starts_at"], unique=False)
    op.create_table(
        "meeting_attendance",
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column(
            "method",
            sa.Enum("qr", "card", "host", name="checkin_method", native_enum=False, length=8),
            nullable=False,
        ),
        sa.Column("checked_in_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("geofence", sa.String(length=8), nullable=True),
        sa.Column("distance_band", sa.String(length=16), nullable=True),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("confirmed_by", sa.String(length=100), nullable=True),
        sa.Column("confirmed_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_meeting_attendance_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_meeting_attendance_member_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["meeting_session.id"],
            name=op.f("fk_meeting_attendance_session_id_meeting_session"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_attendance")),
        sa.UniqueConstraint(
            "meeting_id", "member_id", name=op.f("uq_meeting_attendance_meeting_id_member_id")
        ),
    )
    op.create_index(
        op.f("ix_meeting_attendance_meeting_id"), "meeting_attendance", ["meeting_id"], unique=False
    )
    op.create_index(
        op.f("ix_meeting_attendance_member_id"), "meeting_attendance", ["member_id"], unique=False
    )
    op.create_table(
        "meeting_invitation",
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column(
            "via",
            sa.Enum("record", "participating", "dual", name="invitation_via", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("voting", sa.Boolean(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=True),
        sa.Column(
            "response",
            sa.Enum(
                "pending",
                "attending",
                "leave_requested",
                "on_leave",
                name="invitation_response",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("responded_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_meeting_invitation_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_meeting_invitation_member_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["meeting_session.id"],
            name=op.f("fk_meeting_invitation_session_id_meeting_session"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_invitation")),
        sa.UniqueConstraint(
            "meeting_id", "member_id", name=op.f("uq_meeting_invitation_meeting_id_member_id")
        ),
    )
    op.create_index(
        op.f("ix_meeting_invitation_meeting_id"), "meeting_invitation", ["meeting_id"], unique=False
    )
    op.create_index(
        op.f("ix_meeting_invitation_member_id"), "meeting_invitation", ["member_id"], unique=False
    )
    op.create_table(
        "meeting_leave",
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum("pending", "approved", "rejected", name="leave_status", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("requested_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.String(length=200), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_meeting_leave_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_meeting_leave_member_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_leave")),
    )
    op.create_index(op.f("ix_meeting_leave_meeting_id"), "meeting_leave", ["meeting_id"], unique=False)
    op.create_index(
        "uq_meeting_leave_open",
        "meeting_leave",
        ["meeting_id", "member_id"],
        unique=True,
        postgresql_where=sa.text("status IN ('pending', 'approved')"),
        sqlite_where=sa.text("status IN ('pending', 'approved')"),
    )
    # Batch: SQLite cannot add a foreign key to an existing table (it rebuilds it instead).
    with op.batch_alter_table("member") as batch:
        batch.add_column(sa.Column("group_id", sa.Uuid(), nullable=True))
        batch.create_index(batch.f("ix_member_group_id"), ["group_id"], unique=False)
        batch.create_foreign_key(batch.f("fk_member_group_id_party_org"), "party_org", ["group_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("member") as batch:
        batch.drop_constraint(batch.f("fk_member_group_id_party_org"), type_="foreignkey")
        batch.drop_index(batch.f("ix_member_group_id"))
        batch.drop_column("group_id")
    op.drop_index(
        "uq_meeting_leave_open",
        table_name="meeting_leave",
        postgresql_where=sa.text("status IN ('pending', 'approved')"),
        sqlite_where=sa.text("status IN ('pending', 'approved')"),
    )
    op.drop_index(op.f("ix_meeting_leave_meeting_id"), table_name="meeting_leave")
    op.drop_table("meeting_leave")
    op.drop_index(op.f("ix_meeting_invitation_member_id"), table_name="meeting_invitation")
    op.drop_index(op.f("ix_meeting_invitation_meeting_id"), table_name="meeting_invitation")
    op.drop_table("meeting_invitation")
    op.drop_index(op.f("ix_meeting_attendance_member_id"), table_name="meeting_attendance")
    op.drop_index(op.f("ix_meeting_attendance_meeting_id"), table_name="meeting_attendance")
    op.drop_table("meeting_attendance")
    op.drop_index(op.f("ix_meeting_session_starts_at"), table_name="meeting_session")
    op.drop_index(op.f("ix_meeting_session_meeting_id"), table_name="meeting_session")
    op.drop_table("meeting_session")
    op.drop_table("meeting_obligation")
    op.drop_index(op.f("ix_meeting_correction_meeting_id"), table_name="meeting_correction")
    op.drop_table("meeting_correction")
    op.drop_index(op.f("ix_meeting_org_id"), table_name="meeting")
    op.drop_table("meeting")
