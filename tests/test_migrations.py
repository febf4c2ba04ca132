"""Models and migrations agree, and there is exactly one head (redash's test_migrations)."""

from models import migrate


def test_single_head():
    assert len(migrate.heads()) == 1


def test_migrated_schema_matches_models(app):
    with app.extensions["dangjian.db"].engine.connect() as connection:
        assert migrate.drift(connection) == []


def test_migration_files_are_date_prefixed_with_real_messages():
    for path in (migrate.MIGRATIONS / "versions").glob("*.py"):
        assert path.name[:11].replace("_", "").isdigit(), path.name
        assert "empty_message" not in path.name
        first_line = path.read_text().splitlines()[0]
        assert len(first_line.strip('"')) > 10, f"{path.name} needs a real message"


def test_leave_requests_move_onto_the_approvals_engine_keeping_their_ids(tmp_path):
    """Issue 7: meeting_leave rows become meeting_leave approvals; card links (/m/leave/<id>)
    sent before the move still find them."""
    import uuid
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import create_engine, text

    engine = create_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrate.upgrade(engine, "b3412b9754fb")
    now = datetime(2026, 11, 20, 6, tzinfo=UTC)
    ids = {k: uuid.uuid4().hex for k in ("person", "org", "group", "member", "meeting", "session", "inv")}
    pending, rejected = uuid.uuid4(), uuid.uuid4()
    stamp = {"c": now.isoformat(" "), "u": now.isoformat(" ")}
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO person (id, wecom_userid, name, is_active, created_at, updated_at)"
                " VALUES (:person, 'm1', '护士甲', 1, :c, :u)"
            ),
            {**ids, **stamp},
        )
        c.execute(
            text(
                "INSERT INTO party_org (id, kind, name, code, path, created_at, updated_at) VALUES"
                " (:org, 'branch', '急诊科党支部', 'B1', '/x/', :c, :u),"
                " (:group, 'group', '第一党小组', 'G1', '/x/y/', :c, :u)"
            ),
            {**ids, **stamp},
        )
        c.execute(text("UPDATE party_org SET parent_id = :org WHERE id = :group"), ids)
        c.execute(
            text(
                "INSERT INTO member (id, person_id, status, branch_id, dues_category, created_at, updated_at)"
                " VALUES (:member, :person, 'full', :org, 'salaried', :c, :u)"
            ),
            {**ids, **stamp},
        )
        c.execute(
            text(
                "INSERT INTO meeting (id, org_id, topic, agenda, venue_mode, has_vote, status, planned_by,"
                " minutes, resolutions, version, created_at, updated_at)"
                " VALUES (:meeting, :group, '学习', '', 'online', 0, 'planned', '书记', '', '', 1, :c, :u)"
            ),
            {**ids, **stamp},
        )
        c.execute(
            text(
                "INSERT INTO meeting_session (id, meeting_id, label, starts_at, ends_at)"
                " VALUES (:session, :meeting, 'A场', :c, :e)"
            ),
            {**ids, **stamp, "e": (now + timedelta(hours=1)).isoformat(" ")},
        )
        c.execute(
            text(
                "INSERT INTO meeting_invitation (id, meeting_id, member_id, via, voting, response)"
                " VALUES (:inv, :meeting, :member, 'record', 1, 'leave_requested')"
            ),
            ids,
        )
        for leave_id, status in ((rejected, "rejected"), (pending, "pending")):
            c.execute(
                text(
                    "INSERT INTO meeting_leave (id, meeting_id, member_id, reason, status, requested_at,"
                    " decided_by, decided_at) VALUES (:id, :meeting, :member, '夜班', :s, :c, :d, :dt)"
                ),
                {
                    **ids,
                    **stamp,
                    "id": leave_id.hex,
                    "s": status,
                    "d": "书记" if status == "rejected" else None,
                    "dt": stamp["c"] if status == "rejected" else None,
                },
            )
    migrate.upgrade(engine)
    with engine.connect() as c:
        rows = {
            r.id: r
            for r in c.execute(
                text("SELECT id, kind, status, org_id, current_step, form FROM approval_request")
            )
        }
        slots = c.execute(text("SELECT request_id, status, role, org_id FROM approval_slot")).all()
    assert set(rows) == {pending.hex, rejected.hex}
    assert rows[pending.hex].status == "pending" and rows[pending.hex].current_step == 0
    assert rows[rejected.hex].status == "rejected" and rows[rejected.hex].kind == "meeting_leave"
    assert rows[pending.hex].org_id == ids["org"]  # a 党小组's meeting: its branch decides
    assert uuid.UUID(__import__("json").loads(rows[pending.hex].form)["invitation_id"]).hex == ids["inv"]
    assert sorted(s.status for s in slots) == ["pending", "rejected"] and {s.role for s in slots} == {
        "secretary"
    }


def test_attachments_move_into_one_store_and_card_updates_become_close_card(tmp_path):
    """Issue 14: every stored file keeps its id and bytes (download links already sent still
    work), and outbox rows waiting to update a card name what to show, not WeCom's fields."""
    import json
    import uuid

    from sqlalchemy import create_engine, text

    engine = create_engine(f"sqlite:///{tmp_path / 'm.db'}")  # no FK pragma: owners need not exist
    migrate.upgrade(engine, "079b5f6620ea")
    photo, form, meeting, request, row = (uuid.uuid4().hex for _ in range(5))
    when = "2026-11-30 08:00:00.000000"
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO meeting_attachment (id, meeting_id, filename, content_type, size, content,"
                " uploaded_by, uploaded_at) VALUES (:id, :owner, '合影.jpg', 'image/jpeg', 3, :b, '书记', :t)"
            ),
            {"id": photo, "owner": meeting, "b": b"\xff\xd8\xff", "t": when},
        )
        c.execute(
            text(
                "INSERT INTO approval_attachment (id, request_id, filename, content_type, size, content,"
                " uploaded_at) VALUES (:id, :owner, '申请.pdf', 'application/pdf', 5, :b, :t)"
            ),
            {"id": form, "owner": request, "b": b"%PDF-", "t": when},
        )
        c.execute(
            text(
                "INSERT INTO outbound_message (id, kind, to_users, params, dedupe_key, status, created_at,"
                " not_before, attempts) VALUES (:id, 'card_update', 'u1', :p, 'k1', 'pending', :t, :t, 0)"
            ),
            {
                "id": row,
                "t": when,
                "p": json.dumps({"card_key": "c1", "replace_name": "已请假", "fallback_text": ""}),
            },
        )
    migrate.upgrade(engine)
    with engine.connect() as c:
        files = {r.id: r for r in c.execute(text("SELECT * FROM attachment"))}
        outbox = c.execute(text("SELECT kind, params FROM outbound_message")).one()
    assert files[photo].owner_type == "meeting" and files[photo].owner_id == meeting
    assert files[photo].content == b"\xff\xd8\xff" and files[photo].uploaded_by == "书记"
    assert files[form].owner_type == "approval_request" and files[form].owner_id == request
    assert files[form].filename == "申请.pdf" and files[form].content == b"%PDF-"
    assert outbox.kind == "close_card"
    assert json.loads(outbox.params) == {"card_key": "c1", "label": "已请假", "say_instead": ""}


def test_a_participating_org_becomes_an_open_ended_participation(make_database_url):
    """Issue 18: the single participating_org_id turns into a dated participation, on both
    databases (typed columns, so the ids bind as each database stores them)."""
    import uuid
    from datetime import UTC, datetime

    import sqlalchemy as sa

    engine = sa.create_engine(make_database_url("participation"))
    migrate.upgrade(engine, "a9d4e6b2c153")
    ids = {k: uuid.uuid4() for k in ("home", "host", "person", "member")}
    now = datetime(2026, 11, 20, 6, tzinfo=UTC)
    orgs = sa.table(
        "party_org",
        *(sa.column(c) for c in ("kind", "name", "code", "path")),
        sa.column("id", sa.Uuid()),
        sa.column("created_at", sa.DateTime()),
        sa.column("updated_at", sa.DateTime()),
    )
    person = sa.table(
        "person",
        sa.column("id", sa.Uuid()),
        *(sa.column(c) for c in ("wecom_userid", "name", "is_active")),
        sa.column("created_at", sa.DateTime()),
        sa.column("updated_at", sa.DateTime()),
    )
    member = sa.table(
        "member",
        *(sa.column(c, sa.Uuid()) for c in ("id", "person_id", "branch_id", "participating_org_id")),
        *(sa.column(c) for c in ("status", "dues_category")),
        sa.column("created_at", sa.DateTime()),
        sa.column("updated_at", sa.DateTime()),
    )
    with engine.begin() as c:
        for key in ("home", "host"):
            c.execute(
                orgs.insert().values(
                    id=ids[key],
                    kind="branch",
                    name=key,
                    code=key,
                    path=f"/{ids[key].hex}/",
                    created_at=now,
                    updated_at=now,
                )
            )
        c.execute(
            person.insert().values(
                id=ids["person"], wecom_userid="u1", name="甲", is_active=True, created_at=now, updated_at=now
            )
        )
        c.execute(
            member.insert().values(
                id=ids["member"],
                person_id=ids["person"],
                branch_id=ids["home"],
                participating_org_id=ids["host"],
                status="full",
                dues_category="in_service",
                created_at=now,
                updated_at=now,
            )
        )
    migrate.upgrade(engine)
    moved = sa.table(
        "member_participation",
        sa.column("member_id", sa.Uuid()),
        sa.column("org_id", sa.Uuid()),
        sa.column("direction"),
        sa.column("starts_on", sa.Date()),
        sa.column("ends_on", sa.Date()),
    )
    with engine.connect() as c:
        rows = c.execute(
            sa.select(moved.c.member_id, moved.c.org_id, moved.c.direction, moved.c.ends_on)
        ).all()
    engine.dispose()
    assert rows == [(ids["member"], ids["host"], "here", None)]
