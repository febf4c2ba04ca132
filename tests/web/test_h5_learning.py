"""Learning on the phone and in the console: media with range requests, uploads checked by
content and kept under random names, the quiz form (a resubmission scores once), the member's
own points, the branch's completion with its one reminder, proposals and review, bulk import,
training days."""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from handlers import learning
from handlers.learning import campaigns
from handlers.policy import Actor
from models import Lesson, LessonStatus, QuizAttempt
from tests.helpers.pages import csrf, login, qr_login

pytestmark = pytest.mark.usefixtures("queues")

MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 4000  # an MP4's first box, then "video"
QUIZ = "[判断] 党员应当按期交纳党费。\n答案：对\n\n[单选] 预备期一般为几年？\nA. 一年\nB. 两年\n答案：A"


def media_files(app):
    return [f for f in os.listdir(app.config["MEDIA_DIR"]) if not f.startswith(".")]


def test_video_upload_and_ranges(app, db_session, hospital, emulator):  # noqa: F811
    console = app.test_client()
    qr_login(console, "office01")
    page = console.get("/admin/lessons").get_data(as_text=True)
    form = {
        "csrf_token": csrf(page),
        "kind": "video",
        "title": "微党课：初心",
        "credit_hours": "0.5",
        "min_minutes": "10",
    }
    before = set(media_files(app))
    fake = console.post(
        "/admin/lessons", data={**form, "media": (io.BytesIO(b"<html><script>x</script>"), "a.mp4")}
    )
    assert fake.status_code == 422 and "视频只能是 MP4 或 WebM 格式" in fake.get_data(as_text=True)
    assert set(media_files(app)) == before  # nothing left behind
    saved = console.post(
        "/admin/lessons",
        data={**form, "media": (io.BytesIO(MP4), "../../etc/初心.mp4")},
        follow_redirects=True,
    )
    assert "已保存为草稿" in saved.get_data(as_text=True)
    lesson = db_session.scalar(select(Lesson).where(Lesson.title == "微党课：初心"))
    assert lesson.media_type == "video/mp4" and lesson.media_size == len(MP4)
    [stored] = set(media_files(app)) - before
    assert stored == lesson.media_name and len(stored) == 32 and "初心" not in stored  # a random name
    # A new upload while it is a draft replaces the file; the old one is removed.
    edit = console.get(f"/admin/lessons/{lesson.id}").get_data(as_text=True)
    console.post(
        f"/admin/lessons/{lesson.id}",
        data={**form, "csrf_token": csrf(edit), "media": (io.BytesIO(MP4), "v2.mp4")},
    )
    db_session.expire_all()
    [stored] = set(media_files(app)) - before
    assert stored == lesson.media_name
    phone = app.test_client()
    login(phone, "nurse01", "/m/")
    assert phone.get(f"/m/lessons/{lesson.id}/media").status_code == 404  # not published yet
    learning.set_status(db_session, Actor.cli(), lesson.id, status="published")
    db_session.commit()
    assert "<video" in phone.get(f"/m/lessons/{lesson.id}").get_data(as_text=True)
    part = phone.get(f"/m/lessons/{lesson.id}/media", headers={"Range": "bytes=4-11"})
    assert part.status_code == 206 and part.data == b"ftypmp42"
    assert (
        part.headers["Content-Range"] == f"bytes 4-11/{len(MP4)}" and part.headers["Accept-Ranges"] == "bytes"
    )
    assert part.headers["Content-Security-Policy"] == "sandbox" and "private" in part.headers["Cache-Control"]
    # The cover is public (WeCom fetches it for the news card); without one, the default picture.
    assert app.test_client().get(f"/m/covers/{lesson.id}").status_code == 302


def test_bodies_over_the_limit_are_refused_unread_but_videos_fit(app, db_session, hospital, emulator):  # noqa: F811
    console = app.test_client()
    qr_login(console, "office01")
    page = console.get("/admin/lessons").get_data(as_text=True)
    big = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * (17 * 1024 * 1024)
    refused = console.post(
        "/admin/lessons/import", data={"csrf_token": csrf(page), "file": (io.BytesIO(big), "lessons.xlsx")}
    )
    assert refused.status_code == 413  # the app's 16 MB
    form = {
        "csrf_token": csrf(page),
        "kind": "video",
        "title": "长视频",
        "credit_hours": "1",
        "min_minutes": "30",
    }
    saved = console.post(
        "/admin/lessons", data={**form, "media": (io.BytesIO(big), "v.mp4")}, follow_redirects=True
    )
    assert "已保存为草稿" in saved.get_data(as_text=True)


def test_quiz_form_and_own_points(app, db_session, hospital, emulator):  # noqa: F811
    lesson = learning.save_lesson(
        db_session,
        Actor.cli(),
        learning.LessonDraft(
            kind="article",
            title="党员义务",
            body_html="<p>正文</p>",
            credit_hours="1",
            min_minutes="1",
            quiz_text=QUIZ,
        ),
    )
    learning.set_status(db_session, Actor.cli(), lesson.id, status="published")
    db_session.commit()
    phone = app.test_client()
    page = login(phone, "nurse01", f"/m/lessons/{lesson.id}").get_data(as_text=True)
    assert "课后测验" in page and "答案：" not in page  # the answers never reach the page
    token = page.split('name="token" value="')[1].split('"')[0]
    questions = {q.text: q for q in learning_questions(db_session, lesson)}
    answers = {
        "csrf_token": csrf(page),
        "token": token,
        f"q:{questions['党员应当按期交纳党费。'].id}": "0",
        f"q:{questions['预备期一般为几年？'].id}": "0",
    }
    first = phone.post(f"/m/lessons/{lesson.id}/quiz", data=answers, follow_redirects=True).get_data(
        as_text=True
    )
    assert "答对 2 / 2 题，已合格" in first and "获得 3 积分" in first
    twice = phone.post(f"/m/lessons/{lesson.id}/quiz", data=answers, follow_redirects=True).get_data(
        as_text=True
    )
    assert "已经提交过" in twice
    assert db_session.scalar(select(func.count()).select_from(QuizAttempt)) == 1
    mine = phone.get("/m/points").get_data(as_text=True)
    assert "测验合格：党员义务" in mine and "+3" in mine and "不排名" in mine
    other = app.test_client()
    theirs = login(other, "surgeon01", "/m/points").get_data(as_text=True)
    assert "党员义务" not in theirs and "还没有积分记录" in theirs


def learning_questions(session, lesson):
    from handlers.learning import quizzes

    return quizzes.questions_of(session, lesson)


def test_branch_completion_and_reminder(app, db_session, hospital, emulator):  # noqa: F811
    lesson = learning.save_lesson(
        db_session,
        Actor.cli(),
        learning.LessonDraft(
            kind="article", title="廉洁行医", body_html="<p>x</p>", credit_hours="1", min_minutes="1"
        ),
    )
    learning.set_status(db_session, Actor.cli(), lesson.id, status="published")
    now = datetime.now(UTC)
    campaign = campaigns.launch(
        db_session,
        Actor.cli(),
        title="廉洁月",
        lesson_ids=[lesson.id],
        org_ids=[hospital["cardio"].id],
        send_at=now,
        deadline=now + timedelta(days=5),
        now=now,
    )
    db_session.commit()
    phone = app.test_client()
    page = login(phone, "sec01", "/m/study/campaigns").get_data(as_text=True)
    # One person: the branch is not broken down, and the reminder does not say how many it reached.
    assert "心内科党支部" in page and "不足 5 人，不分项" in page and "未开始 1" not in page
    assert "李护士" not in page  # counts, never a list of people
    url = f"/m/study/campaigns/{campaign.id}/remind"
    done = phone.post(url, data={"csrf_token": csrf(page)}, follow_redirects=True).get_data(as_text=True)
    assert "已安排提醒未开始学习的党员" in done
    again = phone.post(url, data={"csrf_token": csrf(page)}, follow_redirects=True).get_data(as_text=True)
    assert "都已提醒过" in again
    # A member without a branch role has no such page.
    member = app.test_client()
    assert login(member, "nurse01", "/m/study/campaigns").status_code == 403
    # The console shows the same counts to the office.
    console = app.test_client()
    qr_login(console, "office01")
    counts = console.get(f"/admin/campaigns/{campaign.id}").get_data(as_text=True)
    assert "心内科党支部" in counts and "不足 5 人，不分项" in counts and "提醒全部未开始" in counts


def test_proposal_review(app, db_session, hospital, emulator):  # noqa: F811
    console = app.test_client()
    qr_login(console, "sec01")
    page = console.get("/admin/lessons").get_data(as_text=True)
    form = {
        "csrf_token": csrf(page),
        "propose_for": str(hospital["cardio"].id),
        "kind": "link",
        "title": "心内科护理伦理",
        "url": "https://intranet/ethics",
        "credit_hours": "1",
        "min_minutes": "20",
    }
    assert console.post("/admin/lessons", data={**form, "propose_for": "not-a-uuid"}).status_code == 404
    sent = console.post("/admin/lessons", data=form, follow_redirects=True).get_data(as_text=True)
    assert "已提交党委组织部审核" in sent
    lesson = db_session.scalar(select(Lesson).where(Lesson.title == "心内科护理伦理"))
    assert lesson.status == LessonStatus.proposed and lesson.proposed_for_org_id == hospital["cardio"].id
    office = app.test_client()
    qr_login(office, "office01")
    review = office.get(f"/admin/lessons/{lesson.id}").get_data(as_text=True)
    returned = office.post(
        f"/admin/lessons/{lesson.id}/status",
        data={"csrf_token": csrf(review), "status": "draft", "note": "请补充来源"},
        follow_redirects=True,
    )
    assert "已退回" in returned.get_data(as_text=True)
    db_session.expire_all()
    assert lesson.status == LessonStatus.draft and lesson.review_note == "请补充来源"
    mine = console.get(f"/admin/lessons/{lesson.id}").get_data(as_text=True)
    assert "退回意见：请补充来源" in mine
    console.post(f"/admin/lessons/{lesson.id}", data={**form, "csrf_token": csrf(mine), "source": "护理部"})
    db_session.expire_all()
    assert lesson.status == LessonStatus.proposed and lesson.source == "护理部"
    office.post(
        f"/admin/lessons/{lesson.id}/status", data={"csrf_token": csrf(review), "status": "published"}
    )
    db_session.expire_all()
    assert lesson.status == LessonStatus.published


def test_bulk_import(app, db_session, hospital, emulator):  # noqa: F811
    from handlers.learning import lesson_import

    def workbook(rows):
        book = Workbook()
        sheet = book.active
        sheet.append(list(lesson_import.COLUMNS))
        for row in rows:
            sheet.append(row)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    good = ["图文", "党章第一章", "", 0.5, 10, "党章", "新党员", "", "", "<p>正文</p>", "", ""]
    quiz = [
        "测验",
        "党章小测",
        "",
        0,
        "",
        "党章",
        "",
        "",
        "",
        "",
        "",
        "[判断] 党员应当按期交纳党费。\n答案：对",
    ]
    no_file = ["视频", "缺文件", "", 1, 5, "", "", "", "", "", "", ""]
    bad_quiz = ["测验", "坏测验", "", 0, "", "", "", "", "", "", "", "[判断] 题\n答案：也许"]
    console = app.test_client()
    qr_login(console, "office01")
    page = console.get("/admin/lessons/import").get_data(as_text=True)
    bad = console.post(
        "/admin/lessons/import",
        data={
            "csrf_token": csrf(page),
            "file": (io.BytesIO(workbook([good, no_file, quiz, bad_quiz])), "lessons.xlsx"),
        },
    )
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "共 2 行有问题，未导入任何课程" in text
    assert "<td>3</td><td>请上传文件" in text and "<td>5</td><td>第 1 题判断题的答案" in text
    assert db_session.scalar(select(func.count()).select_from(Lesson)) == 0
    done = console.post(
        "/admin/lessons/import",
        data={"csrf_token": csrf(page), "file": (io.BytesIO(workbook([good, quiz])), "lessons.xlsx")},
        follow_redirects=True,
    )
    assert "已导入 2 门课程（草稿）" in done.get_data(as_text=True)
    imported = db_session.scalars(select(Lesson).order_by(Lesson.title)).all()
    assert [(x.title, x.status, x.audience_roles) for x in imported] == [
        ("党章小测", LessonStatus.draft, ""),
        ("党章第一章", LessonStatus.draft, "new_member"),
    ]
    assert console.get("/admin/lessons/import/template.xlsx").status_code == 200


def test_a_folder_import_copies_its_files_with_progress(app, db_session, tmp_path):
    from handlers.learning import lesson_import

    book = Workbook()
    sheet = book.active
    sheet.append(list(lesson_import.COLUMNS))
    sheet.append(["视频", "微党课第一讲", "", 0.5, 12, "微党课", "", "", "", "", "第一讲.mp4", ""])
    book.save(tmp_path / "lessons.xlsx")
    (tmp_path / "第一讲.mp4").write_bytes(MP4)
    database = app.extensions["dangjian.db"]
    result = app.test_cli_runner().invoke(args=["lessons", "import", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "已导入 1 门课程" in result.output
    with database.unit_of_work() as session:
        lesson = session.scalar(select(Lesson).where(Lesson.title == "微党课第一讲"))
        assert lesson.media_type == "video/mp4" and lesson.media_name in media_files(app)


def test_training_day(app, db_session, hospital, emulator):  # noqa: F811
    console = app.test_client()
    qr_login(console, "office01")
    page = console.get("/admin/training").get_data(as_text=True)
    form = {"csrf_token": csrf(page), "title": "党务干部培训", "held_on": "2026-01-10", "hours": "6"}
    unknown = console.post("/admin/training", data={**form, "people": "nurse01 nobody"})
    assert unknown.status_code == 422 and "nobody" in unknown.get_data(as_text=True)
    saved = console.post("/admin/training", data={**form, "people": "nurse01"}, follow_redirects=True)
    assert "已记录“党务干部培训”，1 人计入学时" in saved.get_data(as_text=True)
    hours = learning.hours_this_year(
        db_session, hospital["nurse"].person, now=datetime(2026, 6, 1, tzinfo=UTC)
    )
    assert hours.training == 6 and hours.total == 6
    secretary = app.test_client()
    qr_login(secretary, "sec01")
    assert secretary.get("/admin/training").status_code == 403
