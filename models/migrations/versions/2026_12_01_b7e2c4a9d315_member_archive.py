"""member archive: the national system's member fields on the member row, the history of every
change, the lists on a member (奖惩, 培训, 党内职务), dated participations (条例 art. 16) in place
of the single participating_org_id, 介绍信 fields on transfers (inbound ones too: no branch to
leave), members of record elsewhere (no branch of record here), and the 政治生日 switch per branch.

Existing participating_org_id values become open-ended participations from the member's creation.

Revision ID: b7e2c4a9d315
Revises: a9d4e6b2c153
Create Date: 2026-12-01 19:30:00
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

import models.base

revision = "b7e2c4a9d315"
down_revision = "a9d4e6b2c153"
branch_labels = None
depends_on = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=16)


def upgrade() -> None:
    op.create_table(
        "member_archive_change",
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("field", sa.String(32), nullable=False),
        sa.Column("old_value_ciphertext", sa.Text(), nullable=True),
        sa.Column("new_value_ciphertext", sa.Text(), nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(200), nullable=True),
        sa.Column("changed_by", sa.String(100), nullable=False),
        sa.Column("changed_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_member_archive_change_member_id_member")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_archive_change")),
    )
    op.create_index(op.f("ix_member_archive_change_member_id"), "member_archive_change", ["member_id"])
    op.create_index(op.f("ix_member_archive_change_changed_at"), "member_archive_change", ["changed_at"])
    op.create_table(
        "member_archive_entry",
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            _enum("archive_entry_kind", "reward", "sanction", "training", "party_post"),
            nullable=False,
        ),
        sa.Column("title", sa.String(100), nullable=False),
        sa.Column("issuer", sa.String(100), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("note", sa.String(500), nullable=True),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_member_archive_entry_member_id_member")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_archive_entry")),
    )
    op.create_index(op.f("ix_member_archive_entry_member_id"), "member_archive_entry", ["member_id"])
    op.create_table(
        "member_participation",
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("direction", _enum("participation_direction", "here", "away"), nullable=False),
        sa.Column(
            "kind",
            _enum("participation_kind", "residency", "visiting", "posting", "rotation", "mobile", "other"),
            nullable=False,
        ),
        sa.Column("org_id", sa.Uuid(), nullable=True),
        sa.Column("place", sa.String(200), nullable=True),
        sa.Column("certificate_number", sa.String(40), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("note", sa.String(500), nullable=True),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_member_participation_member_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["party_org.id"], name=op.f("fk_member_participation_org_id_party_org")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_participation")),
    )
    op.create_index(op.f("ix_member_participation_member_id"), "member_participation", ["member_id"])
    op.create_index(op.f("ix_member_participation_org_id"), "member_participation", ["org_id"])

    # The single participating org becomes a dated participation, open-ended from the member's creation.
    bind = op.get_bind()
    member = sa.table(
        "member",
        sa.column("id", sa.Uuid()),
        sa.column("participating_org_id", sa.Uuid()),
        sa.column("created_at", models.base.UTCDateTime(timezone=True)),
    )
    rows = bind.execute(
        sa.select(member.c.id, member.c.participating_org_id, member.c.created_at).where(
            member.c.participating_org_id.is_not(None)
        )
    ).all()
    table = sa.table(
        "member_participation",
        sa.column("id", sa.Uuid()),
        sa.column("member_id", sa.Uuid()),
        sa.column("org_id", sa.Uuid()),
        *(sa.column(c) for c in ("direction", "kind", "recorded_by")),
        sa.column("starts_on", sa.Date()),
        sa.column("created_at", models.base.UTCDateTime(timezone=True)),
    )
    moved = [
        {
            "id": uuid.uuid4(),
            "member_id": member_id,
            "direction": "here",
            "kind": "other",
            "org_id": org_id,
            "starts_on": (created_at or models.base.utcnow()).date(),
            "recorded_by": "数据迁移",
            "created_at": models.base.utcnow(),
        }
        for member_id, org_id, created_at in rows
    ]
    if moved:
        bind.execute(table.insert(), moved)

    with op.batch_alter_table("member") as batch:
        batch.drop_index("ix_member_participating_org_id")
        batch.drop_constraint("fk_member_participating_org_id_party_org", type_="foreignkey")
        batch.drop_column("participating_org_id")
        batch.alter_column("branch_id", existing_type=sa.Uuid(), nullable=True)
        batch.add_column(sa.Column("record_org_name", sa.String(200), nullable=True))
        batch.add_column(sa.Column("gender", sa.String(2), nullable=True))
        batch.add_column(sa.Column("ethnicity_ciphertext", sa.Text(), nullable=True))
        batch.add_column(sa.Column("native_place", sa.String(60), nullable=True))
        batch.add_column(sa.Column("education", sa.String(20), nullable=True))
        batch.add_column(sa.Column("degree", sa.String(10), nullable=True))
        batch.add_column(sa.Column("job_post", sa.String(20), nullable=True))
        batch.add_column(sa.Column("technical_title", sa.String(20), nullable=True))
        batch.add_column(sa.Column("applied_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("party_post", sa.String(60), nullable=True))
        batch.add_column(sa.Column("is_mobile", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("lost_contact", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("lost_contact_on", sa.Date(), nullable=True))
    with op.batch_alter_table("member_transfer") as batch:
        batch.alter_column("from_branch_id", existing_type=sa.Uuid(), nullable=True)
        batch.add_column(sa.Column("issuing_org", sa.String(200), nullable=True))
        batch.add_column(sa.Column("letter_number", sa.String(40), nullable=True))
        batch.add_column(sa.Column("letter_issued_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("valid_until", sa.Date(), nullable=True))
        batch.add_column(sa.Column("dues_paid_to", sa.String(7), nullable=True))
        batch.add_column(sa.Column("receipt_on", sa.Date(), nullable=True))
    with op.batch_alter_table("party_org") as batch:
        batch.add_column(
            sa.Column("political_birthday_cards", sa.Boolean(), nullable=False, server_default=sa.true())
        )


def downgrade() -> None:
    with op.batch_alter_table("party_org") as batch:
        batch.drop_column("political_birthday_cards")
    with op.batch_alter_table("member_transfer") as batch:
        for column in ("receipt_on", "dues_paid_to", "valid_until", "letter_issued_on", "letter_number"):
            batch.drop_column(column)
        batch.drop_column("issuing_org")
    with op.batch_alter_table("member") as batch:
        for column in (
            "lost_contact_on", "lost_contact", "is_mobile", "party_post", "applied_on", "technical_title",
            "job_post", "degree", "education", "native_place", "ethnicity_ciphertext", "gender",
            "record_org_name",
        ):  # fmt: skip
            batch.drop_column(column)
        batch.add_column(sa.Column("participating_org_id", sa.Uuid(), nullable=True))
        batch.create_foreign_key(
            "fk_member_participating_org_id_party_org", "party_org", ["participating_org_id"], ["id"]
        )
        batch.create_index("ix_member_participating_org_id", ["participating_org_id"])
    op.drop_table("member_participation")
    op.drop_table("member_archive_entry")
    op.drop_table("member_archive_change")
