"""initial schema: people, party orgs, roles, audit chain, outbox, sessions, schedule

Revision ID: 05f6c0655d5d
Revises:
Create Date: 2026-11-22 23:04:25.748588
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

# The audit trail is append-only in the database too, not just by the app's good manners:
# UPDATE and TRUNCATE always fail; DELETE only inside the retention prune's transaction,
# which says so with SET LOCAL (handlers/audit.py: prune_expired).
AUDIT_GUARD = """
CREATE FUNCTION audit_event_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('dangjian.audit_prune', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_event is append-only (% refused)', TG_OP;
END $$;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION audit_event_immutable();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_immutable();
"""

revision = "05f6c0655d5d"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_event",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False, nullable=False
        ),
        sa.Column("occurred_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_type", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=True),
        sa.Column("actor_label", sa.String(length=100), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("object_type", sa.String(length=32), nullable=True),
        sa.Column("object_id", sa.String(length=64), nullable=True),
        sa.Column("result", sa.String(length=16), nullable=False),
        sa.Column("source_ip", sa.String(length=45), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_event_hash")),
    )
    op.create_index(op.f("ix_audit_event_action"), "audit_event", ["action"], unique=False)
    op.create_index(op.f("ix_audit_event_actor_id"), "audit_event", ["actor_id"], unique=False)
    op.create_index("ix_audit_event_object", "audit_event", ["object_type", "object_id"], unique=False)
    op.create_index(op.f("ix_audit_event_occurred_at"), "audit_event", ["occurred_at"], unique=False)
    op.create_table(
        "campus",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campus")),
        sa.UniqueConstraint("code", name=op.f("uq_campus_code")),
    )
    op.create_table(
        "outbound_message",
        sa.Column("kind", sa.String(length=48), nullable=False),
        sa.Column("to_users", sa.Text(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "sending",
                "sent",
                "failed",
                "cancelled",
                name="outbound_status",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("not_before", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sent_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("errcode", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("msgid", sa.String(length=128), nullable=True),
        sa.Column("response_code", sa.String(length=256), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbound_message")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbound_message_dedupe_key")),
    )
    op.create_index(
        "ix_outbound_message_status_due", "outbound_message", ["status", "not_before"], unique=False
    )
    op.create_table(
        "schedule_entry",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("next_due_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_enqueued_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_job_id", sa.String(length=120), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_schedule_entry")),
    )
    op.create_table(
        "department",
        sa.Column("wecom_id", sa.Integer(), nullable=False),
        sa.Column("parent_wecom_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("campus_id", sa.Uuid(), nullable=True),
        sa.Column("removed", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["campus_id"], ["campus.id"], name=op.f("fk_department_campus_id_campus")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_department")),
        sa.UniqueConstraint("wecom_id", name=op.f("uq_department_wecom_id")),
    )
    op.create_table(
        "party_org",
        sa.Column(
            "kind",
            sa.Enum(
                "committee",
                "general_branch",
                "branch",
                "group",
                name="org_kind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("path", sa.String(length=400), nullable=False),
        sa.Column("campus_id", sa.Uuid(), nullable=True),
        sa.Column("established_on", sa.Date(), nullable=True),
        sa.Column("term_started_on", sa.Date(), nullable=True),
        sa.Column("term_ends_on", sa.Date(), nullable=True),
        sa.Column("dissolved_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["campus_id"], ["campus.id"], name=op.f("fk_party_org_campus_id_campus")),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["party_org.id"], name=op.f("fk_party_org_parent_id_party_org")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_org")),
        sa.UniqueConstraint("code", name=op.f("uq_party_org_code")),
    )
    op.create_index(op.f("ix_party_org_parent_id"), "party_org", ["parent_id"], unique=False)
    op.create_index(op.f("ix_party_org_path"), "party_org", ["path"], unique=False)
    op.create_table(
        "venue",
        sa.Column("campus_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("geofence_lat", sa.Numeric(precision=9, scale=6), nullable=True),
        sa.Column("geofence_lng", sa.Numeric(precision=9, scale=6), nullable=True),
        sa.Column("geofence_radius_m", sa.Integer(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["campus_id"], ["campus.id"], name=op.f("fk_venue_campus_id_campus")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venue")),
    )
    op.create_index(op.f("ix_venue_campus_id"), "venue", ["campus_id"], unique=False)
    op.create_table(
        "api_token",
        sa.Column("name", sa.String(length=100), nullable=False),
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
            nullable=False,
        ),
        sa.Column("org_id", sa.Uuid(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("token_prefix", sa.String(length=12), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["party_org.id"], name=op.f("fk_api_token_org_id_party_org")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    op.create_table(
        "party_org_department",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("department_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_party_org_department_department_id_department"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["party_org.id"],
            name=op.f("fk_party_org_department_org_id_party_org"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("org_id", "department_id", name=op.f("pk_party_org_department")),
    )
    op.create_table(
        "person",
        sa.Column("wecom_userid", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("department_id", sa.Uuid(), nullable=True),
        sa.Column("position", sa.String(length=64), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("left_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id_number_ciphertext", sa.Text(), nullable=True),
        sa.Column("id_number_bidx", sa.Integer(), nullable=True),
        sa.Column("mobile_ciphertext", sa.Text(), nullable=True),
        sa.Column("mobile_bidx", sa.Integer(), nullable=True),
        sa.Column("birth_date_ciphertext", sa.Text(), nullable=True),
        sa.Column("political_status_ciphertext", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"], ["department.id"], name=op.f("fk_person_department_id_department")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("wecom_userid", name=op.f("uq_person_wecom_userid")),
    )
    op.create_index(op.f("ix_person_department_id"), "person", ["department_id"], unique=False)
    op.create_index(op.f("ix_person_id_number_bidx"), "person", ["id_number_bidx"], unique=False)
    op.create_index(op.f("ix_person_mobile_bidx"), "person", ["mobile_bidx"], unique=False)
    op.create_table(
        "member",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("probationary", "full", name="member_status", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("joined_on", sa.Date(), nullable=True),
        sa.Column("full_on", sa.Date(), nullable=True),
        sa.Column("probation_ends_on", sa.Date(), nullable=True),
        sa.Column("branch_id", sa.Uuid(), nullable=False),
        sa.Column("participating_org_id", sa.Uuid(), nullable=True),
        sa.Column(
            "dues_category",
            sa.Enum(
                "in_service",
                "retired",
                "student",
                "unemployed",
                "on_relief",
                name="dues_category",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("dues_base_ciphertext", sa.Text(), nullable=True),
        sa.Column("shift_group", sa.String(length=32), nullable=True),
        sa.Column("left_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["party_org.id"], name=op.f("fk_member_branch_id_party_org")),
        sa.ForeignKeyConstraint(
            ["participating_org_id"], ["party_org.id"], name=op.f("fk_member_participating_org_id_party_org")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_member_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member")),
        sa.UniqueConstraint("person_id", name=op.f("uq_member_person_id")),
    )
    op.create_index(op.f("ix_member_branch_id"), "member", ["branch_id"], unique=False)
    op.create_index(op.f("ix_member_participating_org_id"), "member", ["participating_org_id"], unique=False)
    op.create_table(
        "role_grant",
        sa.Column("person_id", sa.Uuid(), nullable=False),
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
            nullable=False,
        ),
        sa.Column("org_id", sa.Uuid(), nullable=True),
        sa.Column("granted_by", sa.String(length=100), nullable=True),
        sa.Column("granted_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["party_org.id"], name=op.f("fk_role_grant_org_id_party_org")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_role_grant_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_grant")),
    )
    op.create_index(op.f("ix_role_grant_person_id"), "role_grant", ["person_id"], unique=False)
    op.create_index(
        "uq_role_grant_live",
        "role_grant",
        ["person_id", "role", "org_id"],
        unique=True,
        postgresql_where=sa.text("revoked_at IS NULL"),
        sqlite_where=sa.text("revoked_at IS NULL"),
    )
    op.create_table(
        "web_session",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("source_ip", sa.String(length=45), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_web_session_person_id_person"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_web_session")),
    )
    op.create_index(op.f("ix_web_session_expires_at"), "web_session", ["expires_at"], unique=False)
    op.create_index(op.f("ix_web_session_person_id"), "web_session", ["person_id"], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        op.execute(AUDIT_GUARD)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event")
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_immutable()")
    op.drop_index(op.f("ix_web_session_person_id"), table_name="web_session")
    op.drop_index(op.f("ix_web_session_expires_at"), table_name="web_session")
    op.drop_table("web_session")
    op.drop_index(
        "uq_role_grant_live",
        table_name="role_grant",
        postgresql_where=sa.text("revoked_at IS NULL"),
        sqlite_where=sa.text("revoked_at IS NULL"),
    )
    op.drop_index(op.f("ix_role_grant_person_id"), table_name="role_grant")
    op.drop_table("role_grant")
    op.drop_index(op.f("ix_member_participating_org_id"), table_name="member")
    op.drop_index(op.f("ix_member_branch_id"), table_name="member")
    op.drop_table("member")
    op.drop_index(op.f("ix_person_mobile_bidx"), table_name="person")
    op.drop_index(op.f("ix_person_id_number_bidx"), table_name="person")
    op.drop_index(op.f("ix_person_department_id"), table_name="person")
    op.drop_table("person")
    op.drop_table("party_org_department")
    op.drop_table("api_token")
    op.drop_index(op.f("ix_venue_campus_id"), table_name="venue")
    op.drop_table("venue")
    op.drop_index(op.f("ix_party_org_path"), table_name="party_org")
    op.drop_index(op.f("ix_party_org_parent_id"), table_name="party_org")
    op.drop_table("party_org")
    op.drop_table("department")
    op.drop_table("schedule_entry")
    op.drop_index("ix_outbound_message_status_due", table_name="outbound_message")
    op.drop_table("outbound_message")
    op.drop_table("campus")
    op.drop_index(op.f("ix_audit_event_occurred_at"), table_name="audit_event")
    op.drop_index("ix_audit_event_object", table_name="audit_event")
    op.drop_index(op.f("ix_audit_event_actor_id"), table_name="audit_event")
    op.drop_index(op.f("ix_audit_event_action"), table_name="audit_event")
    op.drop_table("audit_event")
