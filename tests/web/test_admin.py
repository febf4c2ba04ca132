"""The console: WeCom QR login and the break-glass admin, CSRF, scoped and masked member pages."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import AuditEvent, LocalAccount, Role
from tests.helpers.pages import csrf, qr_login

pytestmark = pytest.mark.usefixtures("queues")


def test_committee_office_logs_in_by_qr_and_sees_the_whole_hospital(browser, hospital):
    landed = qr_login(browser, "office01")
    assert landed.status_code == 302 and landed.headers["Location"] == "/admin/"
    home = browser.get("/admin/").get_data(as_text=True)
    assert "组织部甲，您好" in home and "党员 2 人" in home
    members = browser.get("/admin/members").get_data(as_text=True)
    assert "李护士" in members and "王医生" in members
    assert "13912345678" not in members and "139****5678" in members  # masked


def test_a_member_without_a_console_role_is_refused_and_audited(browser, hospital, db_session):
    assert qr_login(browser, "nurse01").status_code == 403
    denied = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "console.login")).one()
    assert denied.result == "denied"
    assert browser.get("/admin/").status_code == 302  # no session was created


def test_a_secretary_sees_only_their_branch_and_gets_404_elsewhere(browser, hospital):
    qr_login(browser, "sec01")
    listing = browser.get("/admin/members").get_data(as_text=True)
    assert "李护士" in listing and "王医生" not in listing
    other = browser.get(f"/admin/members/{hospital['surgeon'].id}")
    assert other.status_code == 404 and "王医生" not in other.get_data(as_text=True)


def test_revealing_needs_a_reason_and_is_audited(browser, hospital, db_session):
    qr_login(browser, "sec01")
    page = browser.get(f"/admin/members/{hospital['nurse'].id}").get_data(as_text=True)
    token = csrf(page)
    url = f"/admin/members/{hospital['nurse'].id}/reveal"

    no_reason = browser.post(
        url, data={"csrf_token": token, "field": "mobile", "reason": ""}, follow_redirects=True
    )
    assert "查看敏感信息须填写事由" in no_reason.get_data(as_text=True)

    shown = browser.post(url, data={"csrf_token": token, "field": "mobile", "reason": "办理组织关系转接"})
    assert shown.status_code == 200 and "13912345678" in shown.get_data(as_text=True)
    reveal = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "person.reveal", AuditEvent.result == "ok")
    ).one()
    assert "办理组织关系转接" in reveal.detail and reveal.actor_label == "书记乙"


def test_forms_without_the_csrf_token_are_refused(browser, hospital):
    qr_login(browser, "sec01")
    refused = browser.post(
        f"/admin/members/{hospital['nurse'].id}/reveal", data={"field": "mobile", "reason": "x"}
    )
    assert refused.status_code == 400 and "页面已过期" in refused.get_data(as_text=True)


def test_pages_need_a_login(browser):
    response = browser.get("/admin/members")
    assert response.status_code == 302 and response.headers["Location"].startswith("/admin/login")


def test_break_glass_admin_logs_in_and_is_locked_after_five_failures(app, browser, db_session, runner):
    created = runner.invoke(
        args=["users", "create-admin", "--username", "root", "--name", "应急管理员"],
        input="correct horse battery\ncorrect horse battery\n",
    )
    assert created.exit_code == 0, created.output
    token = csrf(browser.get("/admin/login").get_data(as_text=True))

    def attempt(password):
        return browser.post(
            "/admin/login/local", data={"csrf_token": token, "username": "root", "password": password}
        )

    ok = attempt("correct horse battery")
    assert ok.status_code == 302 and ok.headers["Location"] == "/admin/"
    browser.post("/admin/logout", data={"csrf_token": csrf(browser.get("/admin/").get_data(as_text=True))})
    token = csrf(browser.get("/admin/login").get_data(as_text=True))

    statuses = [attempt("wrong password!").status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    locked = attempt("correct horse battery")
    assert locked.status_code == 429 and "锁定" in locked.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.scalar(select(LocalAccount.locked_until).where(LocalAccount.username == "root"))
    attempts = db_session.scalars(
        select(AuditEvent.result).where(AuditEvent.action == "console.login_local")
    ).all()
    assert attempts.count("ok") == 1 and attempts.count("denied") == 6


def test_a_bad_filter_is_a_clear_error_not_a_crash(browser, hospital):
    qr_login(browser, "office01")
    response = browser.get("/admin/members?status=expelled")
    assert response.status_code == 422 and "党员类别不正确" in response.get_data(as_text=True)


@pytest.fixture
def auditor(hospital, make_person, db_session):
    from models import RoleGrant

    person = make_person(wecom_userid="audit01", name="审计丙")
    db_session.add(RoleGrant(person_id=person.id, role=Role.auditor, org_id=None))
    db_session.flush()
    return person


def test_the_auditor_finds_a_reveal_verifies_the_chain_and_exports(browser, hospital, auditor, app):
    qr_login(browser, "sec01")
    page = browser.get(f"/admin/members/{hospital['nurse'].id}").get_data(as_text=True)
    browser.post(
        f"/admin/members/{hospital['nurse'].id}/reveal",
        data={"csrf_token": csrf(page), "field": "mobile", "reason": "核对联系方式"},
    )
    assert browser.get("/admin/audit").status_code == 403  # a secretary does not read the audit trail
    browser.post("/admin/logout", data={"csrf_token": csrf(page)})

    qr_login(browser, "audit01")
    found = browser.get("/admin/audit?action=person.reveal&actor=书记乙").get_data(as_text=True)
    assert "核对联系方式" in found and "共 1 条" in found
    # Read as an auditor reads: the action in Chinese, the person by name with a link to their
    # record, the details as Chinese pairs, the result 成功 — no codes or ids.
    assert "查看敏感信息" in found and "person.reveal</td>" not in found
    # The auditor manages no members (三员): the name opens everything the trail holds about them.
    person_id = hospital["nurse"].person.id
    assert f'<a href="/admin/audit?object_id={person_id}">李护士</a>' in found
    assert "<dt>原因</dt><dd>核对联系方式</dd>" in found and '<td class="">成功</td>' in found
    assert f">{person_id}<" not in found and f"人员 {person_id}" not in found
    history = browser.get(f"/admin/audit?object_id={person_id}").get_data(as_text=True)
    assert "查看敏感信息" in history and "王医生" not in history  # this person's events only
    by_name = browser.get("/admin/audit?object=李护士").get_data(as_text=True)
    assert "查看敏感信息" in by_name
    verified = browser.post(
        "/admin/audit/verify", data={"csrf_token": csrf(found)}, follow_redirects=True
    ).get_data(as_text=True)
    assert "审计链校验通过" in verified
    exported = browser.get("/admin/audit/export?action=person.reveal")
    sheet = exported.get_data(as_text=True)
    assert exported.mimetype == "text/csv" and "原因：核对联系方式" in sheet
    assert "查看敏感信息,人员,李护士,成功" in sheet
    assert "导出审计日志" in browser.get("/admin/audit?action=audit.export").get_data(as_text=True)
    assert browser.get("/admin/members").status_code == 403  # the auditor does not manage members


def test_a_bad_date_is_a_clear_error(browser, auditor):
    qr_login(browser, "audit01")
    response = browser.get("/admin/audit?since=31/01/2026")
    assert response.status_code == 422 and "日期格式" in response.get_data(as_text=True)


def test_the_office_runs_a_directory_sync_and_sees_who_left(
    browser, hospital, emulator, db_session, run_jobs
):
    from wecom.emulator.directory import load_directory

    db_session.commit()
    staying = ["office01", "sec01", "surgeon01"]  # nurse01 has left the hospital
    load_directory(emulator.state, [{"id": 1, "name": "医院", "parentid": 0}], staying)
    qr_login(browser, "office01")
    page = browser.get("/admin/directory").get_data(as_text=True)
    assert "尚未同步过" in page

    started = browser.post("/admin/directory/sync", data={"csrf_token": csrf(page)}, follow_redirects=True)
    assert "已开始同步通讯录" in started.get_data(as_text=True)
    run_jobs()

    after = browser.get("/admin/directory").get_data(as_text=True)
    assert "离开 1" in after and "李护士" in after


def test_a_secretary_cannot_run_the_sync(browser, hospital):
    qr_login(browser, "sec01")
    page = browser.get("/admin/").get_data(as_text=True)
    assert "通讯录同步" not in page
    assert browser.get("/admin/directory").status_code == 403
    assert browser.post("/admin/directory/sync", data={"csrf_token": csrf(page)}).status_code == 403


def test_the_security_officer_grants_a_role_in_the_console(browser, hospital, make_person, db_session):
    from models import RoleGrant

    officer = make_person(wecom_userid="secoff01", name="安全丁")
    db_session.add(RoleGrant(person_id=officer.id, role=Role.security_officer, org_id=None))
    db_session.flush()
    qr_login(browser, "secoff01")
    page = browser.get("/admin/roles").get_data(as_text=True)
    granted = browser.post(
        "/admin/roles",
        data={
            "csrf_token": csrf(page),
            "wecom_userid": "nurse01",
            "role": "organizer",
            "org_id": hospital["cardio"].id,
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "已授予 李护士 组织委员" in granted
    self_grant = browser.post(
        "/admin/roles", data={"csrf_token": csrf(page), "wecom_userid": "secoff01", "role": "auditor"},
        follow_redirects=True,
    ).get_data(as_text=True)  # fmt: skip
    assert "不能给自己授予角色" in self_grant
    assert browser.get("/admin/members").status_code == 403  # the security officer does not manage members

    from handlers.api_tokens import authenticate, create_token
    from handlers.policy import Actor

    token, secret = create_token(db_session, Actor.cli(), name="人事系统", role="committee_office")
    db_session.commit()
    page = browser.get("/admin/roles").get_data(as_text=True)
    assert "人事系统" in page and token.token_prefix in page and secret not in page
    revoked = browser.post(
        f"/admin/api-tokens/{token.id}/revoke", data={"csrf_token": csrf(page)}, follow_redirects=True
    ).get_data(as_text=True)
    assert "已吊销接口令牌 人事系统" in revoked
    db_session.expire_all()
    assert authenticate(db_session, secret) is None


def test_the_office_reshapes_the_tree_in_the_console(browser, hospital):
    qr_login(browser, "office01")
    tree = browser.get("/admin/orgs").get_data(as_text=True)
    assert "心内科党支部" in tree and "不足 3 人" in tree
    page = browser.get(f"/admin/orgs/{hospital['cardio'].id}").get_data(as_text=True)
    renamed = browser.post(
        f"/admin/orgs/{hospital['cardio'].id}/rename",
        data={"csrf_token": csrf(page), "name": "心血管内科党支部"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "已更名" in renamed and "<h1>心血管内科党支部</h1>" in renamed
    refused = browser.post(
        f"/admin/orgs/{hospital['cardio'].id}/dissolve",
        data={"csrf_token": csrf(page), "reason": "测试"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "仍有党员" in refused


def test_the_office_records_the_committee_and_departments_in_the_console(browser, hospital, db_session):
    from models import Department

    wards = [Department(wecom_id=8800 + i, name=f"心内{i}病区") for i in range(2)]
    db_session.add_all(wards)
    db_session.commit()
    qr_login(browser, "office01")
    cardio = hospital["cardio"]
    page = browser.get(f"/admin/orgs/{cardio.id}").get_data(as_text=True)
    assert "尚未登记支部书记" in page and "李护士" in page  # offered as a candidate
    appointed = browser.post(
        f"/admin/orgs/{cardio.id}/seats",
        data={"csrf_token": csrf(page), "post": "secretary", "member_id": str(hospital["nurse"].id),
              "elected_on": "2026-01-05"},
        follow_redirects=True,
    ).get_data(as_text=True)  # fmt: skip
    assert "已登记委员" in appointed and "尚未登记支部书记" not in appointed
    assert "尚未被授予“支部书记”角色" in appointed
    # Someone from another branch cannot sit on this committee: a clear refusal, nothing written.
    refused = browser.post(
        f"/admin/orgs/{cardio.id}/seats",
        data={"csrf_token": csrf(page), "post": "publicity", "member_id": str(hospital["surgeon"].id)},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "只能从本组织的党员中登记委员" in refused and refused.count("王医生") == 0
    joint = browser.post(
        f"/admin/orgs/{cardio.id}/departments",
        data={"csrf_token": csrf(page), "department_id": [str(w.id) for w in wards]},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "已更新对应科室" in joint and "（联合支部）" in joint
    termed = browser.post(
        f"/admin/orgs/{cardio.id}/term", data={"csrf_token": csrf(page), "started_on": "2025-03-01"},
        follow_redirects=True,
    ).get_data(as_text=True)  # fmt: skip
    assert "2025-03-01 至 2028-03-01" in termed


def test_a_secretary_is_refused_committee_changes_and_it_is_audited(browser, hospital, db_session):
    qr_login(browser, "sec01")
    page = browser.get(f"/admin/orgs/{hospital['cardio'].id}").get_data(as_text=True)
    assert "<button>登记委员</button>" not in page  # no form for a role that may not use it
    refused = browser.post(
        f"/admin/orgs/{hospital['cardio'].id}/seats",
        data={"csrf_token": csrf(page), "post": "secretary", "member_id": str(hospital["nurse"].id)},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "无权" in refused
    denied = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "access.denied")).one()
    assert denied.result == "refused" and "org_appoint" in denied.detail


def test_import_shows_a_per_row_report_then_imports_and_exports_masked(browser, hospital, db_session):
    from io import BytesIO

    from openpyxl import load_workbook

    from tests.conftest import valid_id_number
    from tests.helpers.workbooks import row, workbook

    qr_login(browser, "office01")
    page = browser.get("/admin/members/import").get_data(as_text=True)
    cardio = hospital["cardio"].code
    bad = workbook(
        row("new1", valid_id_number(911), code=cardio), row("new2", valid_id_number(912), code="NOPE")
    )
    refused = browser.post(
        "/admin/members/import",
        data={"csrf_token": csrf(page), "file": (BytesIO(bad), "members.xlsx")},
        content_type="multipart/form-data",
    )
    text = refused.get_data(as_text=True)
    assert (
        refused.status_code == 422
        and "第 3 行" in text
        and "第 2 行" not in text
        and "未导入任何数据" in text
    )
    good = workbook(row("new1", valid_id_number(911), code=cardio))
    imported = browser.post(
        "/admin/members/import",
        data={"csrf_token": csrf(page), "file": (BytesIO(good), "members.xlsx")},
        content_type="multipart/form-data",
    )
    assert "已导入 1 名党员" in imported.get_data(as_text=True)

    exported = browser.get("/admin/members/export")
    sheet = load_workbook(BytesIO(exported.data)).active
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert len(values) == 4 and "13912345678" not in str(values) and "139****5678" in str(values)


def test_a_large_import_runs_in_the_background_and_shows_progress(browser, hospital, db_session, run_jobs):
    from datetime import date
    from io import BytesIO

    from models import Member
    from tests.conftest import valid_id_number
    from tests.helpers.workbooks import row, workbook

    qr_login(browser, "office01")
    page = browser.get("/admin/members/import").get_data(as_text=True)
    code = hospital["cardio"].code
    rows = [row(f"big{n}", valid_id_number(n, born=date(1991, 5, 1)), code=code) for n in range(260)]

    def upload(content):
        sent = browser.post(
            "/admin/members/import",
            data={"csrf_token": csrf(page), "file": (BytesIO(content), "members.xlsx")},
            content_type="multipart/form-data",
        )
        assert sent.status_code == 302 and "/admin/members/import/" in sent.headers["Location"]
        return sent.headers["Location"]

    bad = upload(workbook(*rows[:-1], row("big-x", "110101199105010000", code=code)))
    waiting = browser.get(bad).get_data(as_text=True)
    assert "等待处理" in waiting and 'http-equiv="refresh"' in waiting
    run_jobs(("default",))
    rejected = browser.get(bad).get_data(as_text=True)
    assert "第 261 行" in rejected and "未导入任何数据" in rejected and "refresh" not in rejected
    assert db_session.query(Member).count() == 2  # nothing of the 260 rows was written

    good = upload(workbook(*rows))
    run_jobs(("default",))
    assert "已导入 260 名党员" in browser.get(good).get_data(as_text=True)
    assert db_session.query(Member).count() == 262
    # Someone else cannot look at this upload's progress.
    qr_login(browser, "sec01")
    assert browser.get(good).status_code == 404


def test_the_office_exports_in_full_with_a_reason_and_a_secretary_cannot(browser, hospital, db_session):
    from io import BytesIO

    from openpyxl import load_workbook

    qr_login(browser, "office01")
    listing = browser.get("/admin/members").get_data(as_text=True)
    assert "导出完整信息" in listing
    exported = browser.post(
        "/admin/members/export?q=李", data={"csrf_token": csrf(listing), "reason": "报送上级党委年度统计"}
    )
    values = [[c.value for c in r] for r in load_workbook(BytesIO(exported.data)).active.iter_rows(min_row=2)]
    assert values == [[*values[0][:6], "13912345678", hospital["nurse"].person.id_number, "在职"]]
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "member.export")).one()
    assert "报送上级党委年度统计" in event.detail

    qr_login(browser, "sec01")
    listing = browser.get("/admin/members").get_data(as_text=True)
    assert "导出完整信息" not in listing
    refused = browser.post(
        "/admin/members/export", data={"csrf_token": csrf(listing), "reason": "想看看"}, follow_redirects=True
    )
    assert "无权导出完整" in refused.get_data(as_text=True) and refused.mimetype == "text/html"


def test_members_filter_by_department_campus_and_shift(browser, hospital, db_session):
    from models import Campus, Department

    campus = Campus(code="BQ", name="北区")
    db_session.add(campus)
    db_session.flush()
    ward = Department(wecom_id=7700, name="心内一病区", campus_id=campus.id)
    db_session.add(ward)
    db_session.flush()
    nurse = hospital["nurse"]
    nurse.person.department_id, nurse.shift_group = ward.id, "夜班组"
    db_session.commit()
    qr_login(browser, "office01")
    for query in (f"department={ward.id}", f"campus={campus.id}", "shift=夜班组"):
        text = browser.get(f"/admin/members?{query}").get_data(as_text=True)
        assert "李护士" in text and "王医生" not in text, query
    assert "王医生" in browser.get("/admin/members").get_data(as_text=True)


def test_the_office_adjusts_a_rule_with_its_document(browser, hospital):
    qr_login(browser, "office01")
    page = browser.get("/admin/rules").get_data(as_text=True)
    assert "32 学时" in page and "2019—2023年全国党员教育培训工作规划" in page
    done = browser.post(
        "/admin/rules/meeting.online_counts",
        data={
            "csrf_token": csrf(page),
            "value": "是",
            "effective_from": "2026-01-01",
            "note": "院党委〔2026〕3号",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "已调整“线上参会计入出勤”" in done and "院党委〔2026〕3号" in done


def test_the_secretary_transfers_a_member_out_in_the_console(browser, hospital):
    qr_login(browser, "sec01")
    url = f"/admin/members/{hospital['nurse'].id}"
    page = browser.get(url).get_data(as_text=True)
    done = browser.post(
        f"{url}/transfer",
        data={
            "csrf_token": csrf(page),
            "kind": "outbound",
            "destination": "市第二人民医院党委",
            "reason": "调离本院",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert (
        "已办理组织关系转出" in done and "市第二人民医院党委" in done and "组织关系已转出，记录保留" in done
    )


def test_the_scope_switcher_narrows_the_console(browser, hospital):
    qr_login(browser, "office01")
    page = browser.get("/admin/members").get_data(as_text=True)
    assert 'aria-label="管理范围"' in page
    browser.post(
        "/admin/scope",
        data={"csrf_token": csrf(page), "org_id": hospital["surgeon"].branch_id, "back": "/admin/members"},
    )
    narrowed = browser.get("/admin/members").get_data(as_text=True)
    assert "王医生" in narrowed and "李护士" not in narrowed
    browser.post("/admin/scope", data={"csrf_token": csrf(page), "org_id": "", "back": "/admin/members"})
    assert "李护士" in browser.get("/admin/members").get_data(as_text=True)


def test_a_secretary_cannot_switch_to_another_branch(browser, hospital):
    qr_login(browser, "sec01")
    page = browser.get("/admin/members").get_data(as_text=True)
    assert 'aria-label="管理范围"' not in page  # one branch: nothing to switch
    refused = browser.post(
        "/admin/scope", data={"csrf_token": csrf(page), "org_id": hospital["surgeon"].branch_id}
    )
    assert refused.status_code == 404  # another branch looks like no branch at all
