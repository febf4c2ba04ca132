"""Campaigns: audiences by org, role or a hand-picked list within the launcher's scope; news cards
shared by everyone at once (or one each when personalised); a short quiz on its own card; the
branch's completion by counts with one reminder for those not started; repeating series."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from handlers import learning, reminders
from handlers.errors import Conflict, Forbidden
from handlers.learning import campaigns, quizzes
from handlers.policy import Actor
from models import (
    CampaignRecipient,
    MemberStatus,
    OrgKind,
    OutboundMessage,
    Reminder,
    ReminderStatus,
    Role,
)

NOW = datetime(2026, 11, 20, 2, tzinfo=UTC)  # 10:00 Beijing
SEND, DEADLINE = NOW + timedelta(hours=1), NOW + timedelta(days=5)


def published(session, title="党章学习", tags="", kind="article", quiz=""):
    draft = learning.LessonDraft(
        kind=kind,
        title=title,
        body_html="<p>正文</p>",
        credit_hours="1",
        min_minutes="1",
        tags=tags,
        quiz_text=quiz,
    )
    lesson = learning.save_lesson(session, Actor.cli(), draft)
    learning.set_status(session, Actor.cli(), lesson.id, status="published")
    return lesson


@pytest.fixture
def wards(make_org, make_member, make_actor):
    committee = make_org(OrgKind.committee, name="医院党委")
    cardio = make_org(OrgKind.branch, parent=committee, name="心内科党支部")
    ortho = make_org(OrgKind.branch, parent=committee, name="骨科党支部")
    cardio_members = [make_member(branch=cardio) for _ in range(3)]
    ortho_members = [make_member(branch=ortho) for _ in range(2)]
    newcomer = make_member(branch=ortho, status=MemberStatus.probationary)
    secretary = make_actor(Role.secretary, cardio, person=cardio_members[0].person)
    return {
        "cardio": cardio,
        "ortho": ortho,
        "cardio_members": cardio_members,
        "ortho_members": ortho_members,
        "newcomer": newcomer,
        "secretary": secretary,
    }


def launch(session, actor=None, **fields):
    fields.setdefault("title", "十一月学习")
    fields.setdefault("send_at", SEND)
    fields.setdefault("deadline", DEADLINE)
    return campaigns.launch(session, actor or Actor.cli(), now=NOW, **fields)


def test_audiences_by_role_and_by_hand_picked_list(db_session, wards):
    lesson = published(db_session)
    secretaries = launch(db_session, lesson_ids=[lesson.id], roles=["secretary"])
    newcomers = launch(db_session, lesson_ids=[lesson.id], roles=["new_member"], org_ids=[wards["ortho"].id])
    picked = [wards["ortho_members"][1].person.id, wards["cardio_members"][2].person.id]
    chosen = launch(db_session, lesson_ids=[lesson.id], person_ids=picked)

    def reached(campaign):
        return set(
            db_session.scalars(
                select(CampaignRecipient.member_id).where(CampaignRecipient.campaign_id == campaign.id)
            )
        )

    assert reached(secretaries) == {wards["cardio_members"][0].id}
    assert reached(newcomers) == {wards["newcomer"].id}
    assert reached(chosen) == {wards["ortho_members"][1].id, wards["cardio_members"][2].id}


def test_a_secretary_pushes_only_within_their_branch(db_session, wards):
    lesson = published(db_session)
    secretary = wards["secretary"]
    with pytest.raises(Forbidden):
        launch(db_session, secretary, lesson_ids=[lesson.id], org_ids=[wards["ortho"].id])
    with pytest.raises(Forbidden):
        launch(
            db_session, secretary, lesson_ids=[lesson.id], person_ids=[wards["ortho_members"][0].person.id]
        )
    own = launch(db_session, secretary, lesson_ids=[lesson.id], org_ids=[wards["cardio"].id])
    assert own.recipients == 3


def test_news_cards_go_one_call_for_all_or_one_each_when_personalised(db_session, wards):
    lesson = published(db_session)
    launch(db_session, lesson_ids=[lesson.id], org_ids=[wards["cardio"].id])
    launch(
        db_session, lesson_ids=[lesson.id], org_ids=[wards["ortho"].id], personalised=True, title="骨科学习"
    )
    reminders.dispatch_due(db_session, now=SEND + timedelta(hours=12))
    cards = db_session.scalars(select(OutboundMessage).where(OutboundMessage.kind == "lesson_push")).all()
    shared = [c for c in cards if "|" in c.to_users]
    personal = [c for c in cards if "|" not in c.to_users]
    assert len(shared) == 1 and len(shared[0].to_users.split("|")) == 3
    assert len(personal) == 3 and all("同志，骨科学习" in c.params["reason"] for c in personal)
    assert shared[0].params["cover"] == "/static/lesson-cover.png"


def test_a_short_quiz_goes_as_a_vote_card_and_a_long_one_opens_in_h5(db_session, wards):
    short = published(db_session, "小测", kind="quiz", quiz="[判断] 党员应当按期交纳党费。\n答案：对")
    long_one = published(
        db_session,
        "长测",
        kind="quiz",
        quiz="\n\n".join(f"[判断] 第{n}题：党员应当按期交纳党费。\n答案：对" for n in range(4)),
    )
    assert quizzes.card_params(db_session, long_one, "x") is None
    launch(db_session, lesson_ids=[short.id, long_one.id], org_ids=[wards["cardio"].id])
    reminders.dispatch_due(db_session, now=SEND + timedelta(hours=12))
    [vote] = db_session.scalars(select(OutboundMessage).where(OutboundMessage.kind == "quiz_card")).all()
    assert vote.params["layout"] == "vote" and len(vote.to_users.split("|")) == 3
    [news] = db_session.scalars(select(OutboundMessage).where(OutboundMessage.kind == "lesson_push")).all()
    assert news.params["path"] == f"/m/lessons/{long_one.id}"


def test_completion_is_counted_by_branch_and_the_reminder_comes_once(db_session, wards):
    lesson = published(db_session)
    campaign = launch(db_session, lesson_ids=[lesson.id], org_ids=[wards["cardio"].id, wards["ortho"].id])
    done, started, *_ = wards["cardio_members"]
    learning.open_lesson(db_session, done.person, lesson.id, now=NOW + timedelta(hours=2))
    for n in range(1, 5):
        learning.beat(db_session, done.person, lesson.id, now=NOW + timedelta(hours=2, seconds=15 * n))
    learning.open_lesson(db_session, started.person, lesson.id, now=NOW + timedelta(hours=2))
    secretary = wards["secretary"]
    [cardio] = campaigns.completion(db_session, secretary, campaign)  # only the branch they manage
    assert (cardio.recipients, cardio.completed, cardio.in_progress, cardio.not_started) == (3, 1, 1, 1)
    office = campaigns.completion(db_session, Actor.cli(), campaign)
    assert sorted(b.org.name for b in office) == ["心内科党支部", "骨科党支部"]
    with pytest.raises(Forbidden):
        campaigns.remind_not_started(db_session, secretary, campaign.id, branch_id=wards["ortho"].id, now=NOW)
    # One tap: the one not started gets their one deadline reminder now instead of in the last day.
    later = NOW + timedelta(days=1)
    assert (
        campaigns.remind_not_started(
            db_session, secretary, campaign.id, branch_id=wards["cardio"].id, now=later
        )
        == 1
    )
    assert (
        campaigns.remind_not_started(
            db_session, secretary, campaign.id, branch_id=wards["cardio"].id, now=later
        )
        == 0
    )
    idle = wards["cardio_members"][2].person
    nudged = db_session.scalar(
        select(Reminder).where(Reminder.person_id == idle.id, Reminder.category == "campaign_deadline")
    )
    assert later <= nudged.deliver_at < later + timedelta(hours=12) and "书记提醒" in nudged.plan_note
    reminders.dispatch_due(db_session, now=later + timedelta(hours=12))
    assert nudged.status == ReminderStatus.sent
    # The last day comes: nobody in the branch gets a second reminder from this campaign.
    report = reminders.dispatch_due(db_session, now=DEADLINE - timedelta(hours=2))
    deadline_rows = db_session.scalars(
        select(Reminder).where(Reminder.category == "campaign_deadline", Reminder.person_id == idle.id)
    ).all()
    assert len(deadline_rows) == 1 and report.sent >= 1  # the started member's one reminder
    with pytest.raises(Conflict):
        campaigns.remind_not_started(
            db_session, secretary, campaign.id, branch_id=wards["cardio"].id, now=DEADLINE
        )


def test_a_monthly_series_pushes_new_lessons_with_its_tag_on_the_first_monday(db_session, wards):
    first_monday_dec = datetime(2026, 12, 7, 1, tzinfo=UTC)  # 09:00 Beijing
    series = launch(
        db_session,
        title="微党课",
        lesson_ids=[],
        org_ids=[wards["cardio"].id],
        repeat="monthly_first_monday",
        series_tag="微党课",
        send_at=first_monday_dec,
        deadline=first_monday_dec + timedelta(days=14),
    )
    assert series.recipients == 0 and series.next_run_at == first_monday_dec
    assert campaigns.run_series(db_session, now=first_monday_dec - timedelta(minutes=1)) == 0  # not yet
    published(db_session, "无关课程", tags="党章")
    december = published(db_session, "十二月微党课", tags="微党课,党史")
    assert campaigns.run_series(db_session, now=first_monday_dec) == 1
    assert series.next_run_at == datetime(2027, 1, 4, 1, tzinfo=UTC)  # first Monday of January
    [occurrence] = [c for c in campaigns.recent(db_session, Actor.cli()) if c.series_id == series.id]
    assert occurrence.lesson_ids == [str(december.id)] and occurrence.recipients == 3
    assert occurrence.deadline == first_monday_dec + timedelta(days=14)
    # January: nothing new under the tag, so no empty card; February gets the new one only.
    assert campaigns.run_series(db_session, now=datetime(2027, 1, 4, 1, tzinfo=UTC)) == 0
    february = published(db_session, "二月微党课", tags="微党课")
    assert campaigns.run_series(db_session, now=datetime(2027, 2, 1, 1, tzinfo=UTC)) == 1
    latest = campaigns.recent(db_session, Actor.cli())[0]
    assert latest.lesson_ids == [str(february.id)]


def test_progress_sums_the_branches_and_breaks_down_only_groups_of_five_or_more(
    db_session, wards, make_org, make_member
):
    from web import charts

    lesson = published(db_session)
    big = make_org(OrgKind.branch, parent=wards["cardio"].parent, name="急诊科党支部")
    big_members = [make_member(branch=big) for _ in range(6)]
    campaign = campaigns.launch(
        db_session,
        Actor.cli(),
        title="全会精神",
        lesson_ids=[lesson.id],
        org_ids=[wards["cardio"].id, wards["ortho"].id, big.id],
        send_at=SEND,
        deadline=DEADLINE,
        now=NOW,
    )
    for member in big_members[:3]:
        learning.open_lesson(db_session, member.person, lesson.id, now=NOW + timedelta(hours=2))
        for n in range(1, 5):
            learning.beat(db_session, member.person, lesson.id, now=NOW + timedelta(hours=2, seconds=15 * n))
    progress = campaigns.progress(db_session, Actor.cli(), campaign)
    by_name = {b.org.name: b for b in progress.branches}
    assert not by_name["心内科党支部"].shown and by_name["急诊科党支部"].shown
    assert (progress.total.recipients, progress.total.completed, progress.total.not_started) == (12, 3, 9)
    assert by_name["急诊科党支部"].completed_percent == 50
    chart = charts.completion_chart(progress)
    assert chart["yAxis"]["data"] == ["合计", "急诊科党支部"]  # the small branches are not drawn
    assert chart["series"][0]["data"] == [25, 50] and chart["series"][2]["data"] == [75, 50]
    # One tap reminds everyone not started in every branch the office sees, each once.
    assert (
        campaigns.remind_not_started(db_session, Actor.cli(), campaign.id, now=NOW + timedelta(days=1)) == 9
    )
    said = campaigns.remind_and_say(db_session, Actor.cli(), campaign.id, now=NOW + timedelta(days=1))
    assert said == "未开始学习的党员都已提醒过，不再重复提醒。"
