"""Directory sync: `flask wecom sync` against the emulator's directory, and change_contact callbacks."""

from __future__ import annotations

import requests
from sqlalchemy import func, select

from models import AuditEvent, Department, OrgKind, OutboundMessage, Person, Role, RoleGrant
from wecom.emulator import wire
from wecom.emulator.directory import load_directory

DEPARTMENTS = [
    {"id": 1, "name": "测试医院", "parentid": 0},
    {"id": 2, "name": "心血管内科", "parentid": 1},
    {"id": 3, "name": "急诊科", "parentid": 1},
]


def directory_user(userid, name, department=2, position="护师", status=1):
    return {
        "userid": userid,
        "name": name,
        "department": [department],
        "position": position,
        "status": status,
    }


def person(db_session, userid):
    return db_session.scalar(select(Person).where(Person.wecom_userid == userid))


def sync(runner, *args):
    return runner.invoke(args=["wecom", "sync", *args])


def test_full_sync_adds_changes_and_flags_leavers_without_deleting_members(
    runner, db_session, emulator, queues, make_member, make_person, make_org
):
    branch = make_org(OrgKind.branch, name="心血管内科党支部")
    secretary = make_person(wecom_userid="secretary1", name="书记甲")
    db_session.add(RoleGrant(person_id=secretary.id, role=Role.secretary, org_id=branch.id))
    leaver = make_member(branch=branch, person=make_person(wecom_userid="leaver1", name="离职者"))
    make_person(wecom_userid="renamed1", name="旧名字")
    db_session.commit()
    load_directory(
        emulator.state,
        DEPARTMENTS,
        [
            directory_user("secretary1", "书记甲", position=""),
            directory_user("renamed1", "新名字", department=3),
            directory_user("newnurse", "新护士"),
            directory_user("notyet", "未激活", status=4),  # not yet activated: still staff
            directory_user("disabled1", "已禁用", status=2),  # disabled in WeCom: not staff
        ],
    )

    result = sync(runner)

    assert result.exit_code == 0, result.output
    assert "职工：新增 2，变更 2，离开 1" in result.output
    assert "其中党员 1 人已离开通讯录" in result.output and "离职者（心血管内科党支部）" in result.output
    db_session.expire_all()
    gone = person(db_session, "leaver1")
    assert gone.is_active is False and gone.left_at is not None
    assert gone.membership is not None and gone.membership.id == leaver.id  # the record stays
    assert person(db_session, "disabled1") is None  # never imported: not staff
    assert person(db_session, "newnurse").department.name == "心血管内科"
    renamed = person(db_session, "renamed1")
    assert (renamed.name, renamed.department.name) == ("新名字", "急诊科")
    assert person(db_session, "notyet").is_active
    notice = db_session.scalar(
        select(OutboundMessage).where(OutboundMessage.dedupe_key.like("directory-left:%"))
    )
    assert notice.to_users == "secretary1" and "离职者" in notice.params["content"]
    actions = set(db_session.scalars(select(AuditEvent.action)))
    assert {"person.directory_left", "person.directory_update", "person.create", "directory.sync"} <= actions

    again = sync(runner)  # a second run finds nothing to do and tells no one twice
    assert "科室：新增 0，变更 0，撤销 0" in again.output and "职工：新增 0，变更 0，离开 0" in again.output
    assert db_session.scalar(select(func.count()).select_from(OutboundMessage)) == 1


def test_a_department_gone_from_wecom_is_flagged_not_deleted(runner, db_session, emulator, queues):
    load_directory(emulator.state, DEPARTMENTS, [directory_user("a1", "甲")])
    assert sync(runner).exit_code == 0
    load_directory(emulator.state, DEPARTMENTS[:2], [directory_user("a1", "甲")])
    result = sync(runner)
    assert "撤销 1" in result.output
    db_session.expire_all()
    assert db_session.scalar(select(Department).where(Department.wecom_id == 3)).removed is True


def test_a_mass_departure_is_refused_and_writes_nothing(runner, db_session, emulator, queues, make_person):
    staff = [make_person() for _ in range(25)]
    db_session.commit()
    load_directory(emulator.state, DEPARTMENTS, [directory_user(staff[0].wecom_userid, staff[0].name)])
    before = db_session.scalar(select(func.count()).select_from(AuditEvent))

    refused = sync(runner)

    assert refused.exit_code == 1 and "超过安全阈值" in refused.output and "未做任何修改" in refused.output
    db_session.expire_all()
    assert all(p.is_active for p in staff)
    assert db_session.scalar(select(func.count()).select_from(AuditEvent)) == before
    assert db_session.scalar(select(func.count()).select_from(Department)) == 0

    confirmed = sync(runner, "--allow-mass-departure")
    assert confirmed.exit_code == 0 and "离开 24" in confirmed.output


def test_user_list_id_pages_with_a_cursor(app, emulator, queues):
    from wecom.directory import list_userids

    load_directory(emulator.state, DEPARTMENTS, [directory_user(f"u{i:03d}", f"职工{i}") for i in range(25)])
    with app.app_context():
        userids = list_userids(app.extensions["dangjian.wecom_client"], page_size=10)
    assert len(userids) == 25 and emulator.state.api_calls["user/list_id"] == 3


def test_the_emulator_refuses_what_wecom_refuses(app, emulator, queues):
    load_directory(emulator.state, DEPARTMENTS, [])
    client = app.extensions["dangjian.wecom_client"]
    with app.app_context():
        assert (
            requests.post(
                f"{emulator.url}/cgi-bin/user/list_id",
                params={"access_token": client.access_token()},
                json={"limit": 20000},
                timeout=5,
            ).json()["errcode"]
            == 40058
        )
        for api, params, errcode in (
            ("user/get", {"userid": "nobody"}, 60111),
            ("department/get", {"id": 99}, 60123),
        ):
            body = requests.get(
                f"{emulator.url}/cgi-bin/{api}",
                params={**params, "access_token": client.access_token()},
                timeout=5,
            ).json()
            assert body["errcode"] == errcode
        # A self-built app created after 2022-06 gets no mobile, email or avatar from user/get.
        load_directory(emulator.state, DEPARTMENTS, [{**directory_user("m1", "甲"), "mobile": "13800000000"}])
        got = client.get("user/get", {"userid": "m1"})
    assert "mobile" not in got and got["name"] == "甲"


# --- change_contact -------------------------------------------------------------------------


def contact_event(app, change_type, **fields):
    return wire.message_xml(
        app.config["WECOM_CORP_ID"],
        "sys",
        "",
        "event",
        Event="change_contact",
        ChangeType=change_type,
        **fields,
    )


def test_change_contact_applies_changes_incrementally(
    app, send, run_jobs, db_session, emulator, queues, make_member, make_person
):
    member = make_member(person=make_person(wecom_userid="nurse1", name="护士甲"))
    db_session.commit()
    load_directory(emulator.state, DEPARTMENTS, [directory_user("nurse2", "护士乙", position="主管护师")])

    # create_user carries only UserID and Department: a job reads the rest with user/get.
    assert send(contact_event(app, "create_user", UserID="nurse2", Department="2")).status_code == 200
    assert person(db_session, "nurse2") is None
    run_jobs()
    db_session.expire_all()
    assert person(db_session, "nurse2").position == "主管护师"

    # delete_user is applied at once; the membership stays.
    assert send(contact_event(app, "delete_user", UserID="nurse1")).status_code == 200
    db_session.expire_all()
    gone = person(db_session, "nurse1")
    assert gone.is_active is False and gone.membership.id == member.id

    # The same delete delivered again (WeCom's retry) has no second effect.
    retried = db_session.scalar(select(func.count()).select_from(AuditEvent))
    assert send(contact_event(app, "delete_user", UserID="nurse1")).status_code == 200
    assert db_session.scalar(select(func.count()).select_from(AuditEvent)) == retried

    # An administrator renames a userid: the person keeps their records under the new id.
    send(contact_event(app, "update_user", UserID="nurse2", NewUserID="nurse2b", Department="2"))
    emulator.state.users["nurse2b"] = {**emulator.state.users.pop("nurse2"), "userid": "nurse2b"}
    run_jobs()
    db_session.expire_all()
    assert person(db_session, "nurse2") is None and person(db_session, "nurse2b").name == "护士乙"


def test_change_contact_from_a_member_is_ignored(app, send, db_session, make_person):
    make_person(wecom_userid="nurse1")
    db_session.commit()
    forged = wire.message_xml(
        app.config["WECOM_CORP_ID"],
        "nurse1",
        "",
        "event",
        Event="change_contact",
        ChangeType="delete_user",
        UserID="nurse1",
    )
    assert send(forged).status_code == 200
    db_session.expire_all()
    assert person(db_session, "nurse1").is_active


# --- what a real corp allows: the contacts secret, 48002 on user/list_id, reduced fields ------


def test_without_user_list_id_the_sync_walks_the_departments_and_says_so(
    runner, db_session, emulator, queues, make_person
):
    # The HR import named this nurse and gave her post; WeCom's per-department listing knows
    # her userid, name and department only.
    make_person(wecom_userid="hr1", name="护士丙", position="主管护师")
    db_session.commit()
    load_directory(
        emulator.state,
        DEPARTMENTS,
        [
            directory_user("hr1", "护士丙", department=3, position=""),
            {**directory_user("both1", "两科室"), "department": [2, 3]},
            directory_user("gone1", "已禁用", status=2),
        ],
    )
    emulator.state.app_denied = {"user/list_id"}

    result = sync(runner)

    assert result.exit_code == 0, result.output
    assert "读取方式：应用无 user/list_id 权限（48002）：按部门逐个读取" in result.output
    assert emulator.state.api_calls["user/simplelist"] == 3 and emulator.state.api_calls["user/get"] == 0
    db_session.expire_all()
    hr = person(db_session, "hr1")
    # Moved department as WeCom says; the post WeCom did not send is kept.
    assert (hr.name, hr.position, hr.department.name) == ("护士丙", "主管护师", "急诊科")
    assert person(db_session, "both1").department.name == "心血管内科"  # listed once, first department
    assert person(db_session, "gone1") is None
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "directory.sync"))
    assert "48002" in event.detail


def test_the_contacts_secret_lists_and_the_app_reads_what_it_may(
    app, runner, db_session, emulator, queues, make_person, monkeypatch
):
    from tests.conftest import EMULATOR_CONTACT_SECRET
    from wecom.client import WeComClient

    contacts = WeComClient(
        api_base=emulator.url,
        corp_id=app.config["WECOM_CORP_ID"],
        secret=EMULATOR_CONTACT_SECRET,
        agent_id=app.config["WECOM_AGENT_ID"],
        redis=queues.redis,
        cache_as="contacts",
    )
    monkeypatch.setitem(app.extensions, "dangjian.wecom_contacts_client", contacts)
    make_person(wecom_userid="hr2", name="医生丁", position="主任医师")
    db_session.commit()
    load_directory(
        emulator.state,
        DEPARTMENTS,
        [
            directory_user("hr2", "医生丁", department=3, position="副主任医师"),
            directory_user("new2", "新职工"),
        ],
    )
    # The app may not read one member (outside its 可见范围): only the listing knows her.
    with app.app_context():
        token = contacts.access_token()
        assert token != app.extensions["dangjian.wecom_client"].access_token()  # a token each
        # The contacts secret from a new IP reads only user/list_id and department/simplelist.
        assert (
            requests.get(
                f"{emulator.url}/cgi-bin/user/get", params={"access_token": token, "userid": "hr2"}, timeout=5
            ).json()["errcode"]
            == 48002
        )

    result = sync(runner)

    assert result.exit_code == 0, result.output
    assert "读取方式：通讯录同步 Secret" in result.output and "新增 1" in result.output
    db_session.expire_all()
    assert person(db_session, "hr2").position == "副主任医师"
    assert person(db_session, "new2").department.name == "心血管内科"
    assert emulator.state.api_calls["user/list_id"] == 1


def test_a_callback_the_app_cannot_follow_up_moves_only_the_department(
    app, send, run_jobs, db_session, emulator, queues, make_person
):
    from handlers import directory as handlers_directory
    from handlers.directory import DirectoryDepartment
    from handlers.policy import Actor

    make_person(wecom_userid="nurse5", name="护士戊", position="护师")
    handlers_directory.apply_departments(  # the departments a sync brought in before
        db_session,
        Actor.cli(),
        [DirectoryDepartment(d["id"], d["name"], d["parentid"] or None) for d in DEPARTMENTS],
        report=handlers_directory.SyncReport(),
    )
    db_session.commit()
    load_directory(emulator.state, DEPARTMENTS, [directory_user("nurse5", "护士戊")])
    emulator.state.app_denied = {"user/get"}  # this app may not read the member

    assert send(contact_event(app, "update_user", UserID="nurse5", Department="3")).status_code == 200
    run_jobs()

    db_session.expire_all()
    moved = person(db_session, "nurse5")
    assert (moved.name, moved.position, moved.department.name, moved.is_active) == (
        "护士戊",
        "护师",
        "急诊科",
        True,
    )


# --- hostile callbacks (issue 16 item 5) ------------------------------------------------------


def test_a_gbk_declaration_with_a_fake_signature_is_a_400_not_a_500(app, client, queues):
    body = "<?xml version='1.0' encoding='gbk'?><xml><Encrypt>你好</Encrypt></xml>".encode("gbk")
    answer = client.post(
        f"/wecom/callback?msg_signature={'0' * 40}&timestamp={int(__import__('time').time())}&nonce=1",
        data=body,
        content_type="application/xml",
    )
    assert answer.status_code == 400


def test_ids_beyond_what_wecom_sends_are_refused_without_a_job(app, send, queues, db_session):
    too_big = "9" * 25
    for change in (
        contact_event(app, "update_party", Id=too_big),
        contact_event(app, "create_user", UserID="nurse9", Department=f"2,{too_big}"),
        contact_event(app, "update_party", Id="-3"),
    ):
        assert send(change).status_code == 400
    assert all(queues.queue(name).count == 0 for name in ("default", "push"))
