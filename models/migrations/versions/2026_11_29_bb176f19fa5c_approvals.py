"""approvals: one engine for every request (leave moves in, keeping its ids), delegation, 补学确认

Revision ID: bb176f19fa5c
Revises: b3412b9754fb
Create Date: 2026-11-29 21:35:40.733967
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "bb176f19fa5c"
down_revision = "b3412b9754fb"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "approval_delegation",
        sa.Column("from_person_id", sa.Uuid(), nullable=False),
        sa.Column("to_person_id", sa.Uuid(), nullable=False),
        sa.Column("starts_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["from_person_id"], ["person.id"], name=op.f("fk_approval_delegation_from_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["to_person_id"], ["person.id"], name=op.f("fk_approval_delegation_to_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_delegation")),
    )
    op.create_index(
        op.f("ix_approval_delegation_from_person_id"), "approval_delegation", ["from_person_id"], unique=False
    )
    op.create_index(
        op.f("ix_approval_delegation_to_person_id"), "approval_delegation", ["to_person_id"], unique=False
    )
    op.create_table(
        "approval_request",
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("applicant_id", sa.Uuid(), nullable=False),
        sa.Column("form", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "pending",
                "approved",
                "rejected",
                "withdrawn",
                "expired",
                name="approval_status",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("current_step", sa.Integer(), nullable=True),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=160), nullable=True),
        sa.Column("subject_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["applicant_id"], ["person.id"], name=op.f("fk_approval_request_applicant_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["party_org.id"], name=op.f("fk_approval_request_org_id_party_org")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_request")),
    )
    op.create_index(
        op.f("ix_approval_request_applicant_id"), "approval_request", ["applicant_id"], unique=False
    )
    op.create_index(op.f("ix_approval_request_kind"), "approval_request", ["kind"], unique=False)
    op.create_index(op.f("ix_approval_request_org_id"), "approval_request", ["org_id"], unique=False)
    op.create_index(op.f("ix_approval_request_status"), "approval_request", ["status"], unique=False)
    op.create_index(op.f("ix_approval_request_subject_id"), "approval_request", ["subject_id"], unique=False)
    op.create_index(
        "uq_approval_request_open",
        "approval_request",
        ["dedupe_key"],
        unique=True,
        postgresql_where=sa.text("status IN ('draft', 'pending', 'approved')"),
        sqlite_where=sa.text("status IN ('draft', 'pending', 'approved')"),
    )
    op.create_table(
        "approval_attachment",
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["approval_request.id"],
            name=op.f("fk_approval_attachment_request_id_approval_request"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_attachment")),
    )
    op.create_index(
        op.f("ix_approval_attachment_request_id"), "approval_attachment", ["request_id"], unique=False
    )
    op.create_table(
        "approval_event",
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=24), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["approval_request.id"],
            name=op.f("fk_approval_event_request_id_approval_request"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_event")),
    )
    op.create_index(op.f("ix_approval_event_request_id"), "approval_event", ["request_id"], unique=False)
    op.create_table(
        "approval_slot",
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("step_name", sa.String(length=40), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "member",
                "group_leader",
                "secretary",
                "organizer",
                "committee_office",
                "sysadmin",
                "security_officer",
                "auditor",
                name="role",
                native_enum=False,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column("org_id", sa.Uuid(), nullable=True),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "waiting",
                "pending",
                "approved",
                "rejected",
                "skipped",
                "closed",
                name="approval_slot_status",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("due_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Uuid(), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("comment", sa.String(length=500), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["person.id"], name=op.f("fk_approval_slot_decided_by_id_person")
        ),
        sa.ForeignKeyConstraint(["org_id"], ["party_org.id"], name=op.f("fk_approval_slot_org_id_party_org")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_approval_slot_person_id_person")),
        sa.ForeignKeyConstraint(
            ["request_id"], ["approval_request.id"], name=op.f("fk_approval_slot_request_id_approval_request")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_slot")),
        sa.UniqueConstraint(
            "request_id",
            "round",
            "step",
            "position",
            name=op.f("uq_approval_slot_request_id_round_step_position"),
        ),
    )
    op.create_index(op.f("ix_approval_slot_due_at"), "approval_slot", ["due_at"], unique=False)
    op.create_index(op.f("ix_approval_slot_request_id"), "approval_slot", ["request_id"], unique=False)
    op.create_index(op.f("ix_approval_slot_status"), "approval_slot", ["status"], unique=False)
    _move_leave_requests_in()
    op.drop_index(op.f("ix_meeting_leave_meeting_id"), table_name="meeting_leave")
    op.drop_index(
        op.f("uq_meeting_leave_open"),
        table_name="meeting_leave",
    )
    op.drop_table("meeting_leave")
    op.add_column("meeting_makeup", sa.Column("confirmed_by", sa.String(length=100), nullable=True))
    op.add_column(
        "meeting_makeup", sa.Column("confirmed_at", models.base.UTCDateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("meeting_makeup", "confirmed_at")
    op.drop_column("meeting_makeup", "confirmed_by")
    op.create_table(
        "meeting_leave",
        sa.Column("meeting_id", sa.Uuid(), autoincrement=False, nullable=False),
        sa.Column("member_id", sa.Uuid(), autoincrement=False, nullable=False),
        sa.Column("reason", sa.VARCHAR(length=200), autoincrement=False, nullable=False),
        sa.Column("status", sa.VARCHAR(length=16), autoincrement=False, nullable=False),
        sa.Column(
            "requested_at", models.base.UTCDateTime(timezone=True), autoincrement=False, nullable=False
        ),
        sa.Column("decided_by", sa.VARCHAR(length=100), autoincrement=False, nullable=True),
        sa.Column("decided_at", models.base.UTCDateTime(timezone=True), autoincrement=False, nullable=True),
        sa.Column("decision_note", sa.VARCHAR(length=200), autoincrement=False, nullable=True),
        sa.Column("id", sa.Uuid(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_meeting_leave_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_meeting_leave_member_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_leave")),
    )
    op.create_index(
        op.f("uq_meeting_leave_open"),
        "meeting_leave",
        ["meeting_id", "member_id"],
        unique=True,
        postgresql_where=sa.text("status IN ('pending', 'approved')"),
        sqlite_where=sa.text("status IN ('pending', 'approved')"),
    )
    op.create_index(op.f("ix_meeting_leave_meeting_id"), "meeting_leave", ["meeting_id"], unique=False)
    _move_leave_requests_out()
    op.drop_index(op.f("ix_approval_slot_status"), table_name="approval_slot")
    op.drop_index(op.f("ix_approval_slot_request_id"), table_name="approval_slot")
    op.drop_index(op.f("ix_approval_slot_due_at"), table_name="approval_slot")
    op.drop_table("approval_slot")
    op.drop_index(op.f("ix_approval_event_request_id"), table_name="approval_event")
    op.drop_table("approval_event")
    op.drop_index(op.f("ix_approval_attachment_request_id"), table_name="approval_attachment")
    op.drop_table("approval_attachment")
    op.drop_index(
        "uq_approval_request_open",
        table_name="approval_request",
        postgresql_where=sa.text("status IN ('draft', 'pending', 'approved')"),
        sqlite_where=sa.text("status IN ('draft', 'pending', 'approved')"),
    )
    op.drop_index(op.f("ix_approval_request_subject_id"), table_name="approval_request")
    op.drop_index(op.f("ix_approval_request_status"), table_name="approval_request")
    op.drop_index(op.f("ix_approval_request_org_id"), table_name="approval_request")
    op.drop_index(op.f("ix_approval_request_kind"), table_name="approval_request")
    op.drop_index(op.f("ix_approval_request_applicant_id"), table_name="approval_request")
    op.drop_table("approval_request")
    op.drop_index(op.f("ix_approval_delegation_to_person_id"), table_name="approval_delegation")
    op.drop_index(op.f("ix_approval_delegation_from_person_id"), table_name="approval_delegation")
    op.drop_table("approval_delegation")


# -- data: meeting_leave rows become meeting_leave approvals (same ids: old card links work) -----

_leave = sa.table(
    "meeting_leave",
    sa.column("id", sa.Uuid()),
    sa.column("meeting_id", sa.Uuid()),
    sa.column("member_id", sa.Uuid()),
    sa.column("reason", sa.String()),
    sa.column("status", sa.String()),
    sa.column("requested_at", models.base.UTCDateTime(timezone=True)),
    sa.column("decided_by", sa.String()),
    sa.column("decided_at", models.base.UTCDateTime(timezone=True)),
    sa.column("decision_note", sa.String()),
)
_request = sa.table(
    "approval_request",
    sa.column("id", sa.Uuid()),
    sa.column("kind", sa.String()),
    sa.column("title", sa.String()),
    sa.column("org_id", sa.Uuid()),
    sa.column("applicant_id", sa.Uuid()),
    sa.column("form", sa.JSON()),
    sa.column("status", sa.String()),
    sa.column("current_step", sa.Integer()),
    sa.column("round", sa.Integer()),
    sa.column("dedupe_key", sa.String()),
    sa.column("subject_id", sa.Uuid()),
    sa.column("created_at", models.base.UTCDateTime(timezone=True)),
    sa.column("submitted_at", models.base.UTCDateTime(timezone=True)),
    sa.column("closed_at", models.base.UTCDateTime(timezone=True)),
    sa.column("version", sa.Integer()),
)
_slot = sa.table(
    "approval_slot",
    sa.column("id", sa.Uuid()),
    sa.column("request_id", sa.Uuid()),
    sa.column("round", sa.Integer()),
    sa.column("step", sa.Integer()),
    sa.column("position", sa.Integer()),
    sa.column("step_name", sa.String()),
    sa.column("role", sa.String()),
    sa.column("org_id", sa.Uuid()),
    sa.column("status", sa.String()),
    sa.column("due_at", models.base.UTCDateTime(timezone=True)),
    sa.column("decided_by", sa.String()),
    sa.column("decided_at", models.base.UTCDateTime(timezone=True)),
    sa.column("comment", sa.String()),
)
_event = sa.table(
    "approval_event",
    sa.column("id", sa.Uuid()),
    sa.column("request_id", sa.Uuid()),
    sa.column("at", models.base.UTCDateTime(timezone=True)),
    sa.column("actor", sa.String()),
    sa.column("action", sa.String()),
    sa.column("comment", sa.Text()),
)


def _move_leave_requests_in() -> None:
    import uuid

    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT l.id, l.meeting_id, l.member_id, l.reason, l.status, l.requested_at, l.decided_by,"
            " l.decided_at, l.decision_note, i.id AS invitation_id, mb.person_id, m.topic,"
            " CASE WHEN o.kind = 'group' THEN o.parent_id ELSE o.id END AS org_id,"
            " (SELECT max(s.ends_at) FROM meeting_session s WHERE s.meeting_id = m.id) AS ends_at"
            " FROM meeting_leave l JOIN meeting m ON m.id = l.meeting_id JOIN party_org o ON o.id = m.org_id"
            " JOIN member mb ON mb.id = l.member_id"
            " JOIN meeting_invitation i ON i.meeting_id = l.meeting_id AND i.member_id = l.member_id"
        ).columns(  # by name: typed so UUIDs and UTC times read the same on SQLite and PostgreSQL
            id=sa.Uuid(),
            meeting_id=sa.Uuid(),
            member_id=sa.Uuid(),
            requested_at=models.base.UTCDateTime(timezone=True),
            decided_at=models.base.UTCDateTime(timezone=True),
            invitation_id=sa.Uuid(),
            person_id=sa.Uuid(),
            org_id=sa.Uuid(),
            ends_at=models.base.UTCDateTime(timezone=True),
        )
    ).mappings()
    requests, slots, events = [], [], []
    for row in rows:
        requests.append(
            {
                "id": row["id"],
                "kind": "meeting_leave",
                "title": row["topic"][:120],
                "org_id": row["org_id"],
                "applicant_id": row["person_id"],
                "form": {"invitation_id": str(row["invitation_id"]), "reason": row["reason"]},
                "status": row["status"],
                "current_step": 0 if row["status"] == "pending" else None,
                "round": 1,
                # Only open requests hold the key; a rejected one may be asked again.
                "dedupe_key": f"meeting_leave:{row['meeting_id']}:{row['member_id']}",
                "subject_id": row["meeting_id"],
                "created_at": row["requested_at"],
                "submitted_at": row["requested_at"],
                "closed_at": row["decided_at"],
                "version": 1,
            }
        )
        slots.append(
            {
                "id": uuid.uuid4(),
                "request_id": row["id"],
                "round": 1,
                "step": 0,
                "position": 0,
                "step_name": "支部书记审批",
                "role": "secretary",
                "org_id": row["org_id"],
                "status": row["status"],
                "due_at": row["ends_at"],
                "decided_by": row["decided_by"],
                "decided_at": row["decided_at"],
                "comment": row["decision_note"],
            }
        )
        events.append(
            {
                "id": uuid.uuid4(),
                "request_id": row["id"],
                "at": row["requested_at"],
                "actor": "迁移",
                "action": "submitted",
                "comment": None,
            }
        )
        if row["decided_at"] is not None:
            events.append(
                {
                    "id": uuid.uuid4(),
                    "request_id": row["id"],
                    "at": row["decided_at"],
                    "actor": row["decided_by"] or "",
                    "action": row["status"],
                    "comment": row["decision_note"],
                }
            )
    if requests:
        op.bulk_insert(_request, requests)
        op.bulk_insert(_slot, slots)
        op.bulk_insert(_event, events)


def _move_leave_requests_out() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(_request, _slot.c.decided_by, _slot.c.decided_at, _slot.c.comment)
        .join(_slot, _slot.c.request_id == _request.c.id)
        .where(
            _request.c.kind == "meeting_leave",
            _request.c.status.in_(["pending", "approved", "rejected"]),
            _slot.c.round == _request.c.round,
        )
    ).mappings()
    leave = []
    for row in rows:
        member_id = bind.execute(
            sa.text("SELECT member_id FROM meeting_invitation WHERE id = :i"),
            {"i": str(row["form"]["invitation_id"])},
        ).scalar()
        leave.append(
            {
                "id": row["id"],
                "meeting_id": row["subject_id"],
                "member_id": member_id,
                "reason": row["form"]["reason"][:200],
                "status": row["status"],
                "requested_at": row["created_at"],
                "decided_by": row["decided_by"],
                "decided_at": row["decided_at"],
                "decision_note": (row["comment"] or None) and row["comment"][:200],
            }
        )
    if leave:
        op.bulk_insert(_leave, leave)
