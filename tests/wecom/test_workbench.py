"""Workbench: the keydata template and each member's figures, kept current within WeCom's limits."""

from __future__ import annotations

import pytest
from rq.registry import ScheduledJobRegistry

from handlers import workbench
from handlers.workbench import Todo
from jobs.workbench import refresh_workbench, set_workbench_template

pytestmark = pytest.mark.usefixtures("queues")


@pytest.fixture
def pending(app):
    """A to-do source the test controls (as meetings and approvals will provide)."""
    counts: dict[str, int] = {}

    @workbench.todo_source
    def source(session, person):
        return [Todo(f"待办{i}", "/m/") for i in range(counts.get(person.wecom_userid, 0))]

    yield counts
    workbench.TODO_SOURCES.remove(source)


def figures(emulator, userid):
    data = emulator.state.workbench_data.get(userid)
    return {item["key"]: item["data"] for item in data["keydata"]["items"]} if data else None


def test_the_template_names_the_figures_and_where_they_lead(app, emulator):
    with app.app_context():
        set_workbench_template()
    template = emulator.state.workbench_template
    assert template["type"] == "keydata"
    assert template["keydata"]["items"][0] == {
        "key": "待办",
        "data": "-",
        "jump_url": f"{app.config['PUBLIC_BASE_URL']}/m/",
    }


def test_a_touched_member_gets_current_figures_after_commit(
    app, emulator, db_session, make_person, pending, run_jobs
):
    nurse = make_person(wecom_userid="nurse01")
    db_session.commit()
    pending["nurse01"] = 2
    workbench.touch(db_session, [nurse])
    db_session.rollback()  # a rolled-back change refreshes nothing
    run_jobs()
    assert figures(emulator, "nurse01") is None

    workbench.touch(db_session, [nurse])
    db_session.commit()
    run_jobs()  # no template yet: the job applies it, then sets the data
    assert figures(emulator, "nurse01")["待办"] == "2"

    with app.app_context():
        assert refresh_workbench("nurse01") == "unchanged"
    assert emulator.state.api_calls["agent/set_workbench_data"] == 2  # the refused first try, then ok


def test_a_burst_stays_within_ten_calls_a_minute_and_ends_with_the_final_figures(
    app, emulator, db_session, make_person, pending, queues
):
    make_person(wecom_userid="nurse02")
    db_session.commit()
    with app.app_context():
        set_workbench_template()
        outcomes = []
        for count in range(1, 16):
            pending["nurse02"] = count
            outcomes.append(refresh_workbench("nurse02"))
    assert emulator.state.api_calls["agent/set_workbench_data"] == 9  # never a 45009
    assert outcomes[:9] == ["sent"] * 9 and all(o.startswith("over budget") for o in outcomes[9:])
    scheduled = ScheduledJobRegistry(queue=queues.queue("default")).get_job_ids()
    assert scheduled == ["workbench-later-nurse02"]  # six refreshes coalesced into one

    queues.redis.delete(f"dj:wecom:workbench:{app.config['WECOM_AGENT_ID']}:nurse02")  # a minute later
    with app.app_context():
        assert refresh_workbench("nurse02") == "sent"
    assert figures(emulator, "nurse02")["待办"] == "15"


def test_the_emulator_refuses_an_eleventh_call_in_a_minute(app, emulator):
    with app.app_context():
        set_workbench_template()
        client = app.extensions["dangjian.wecom_client"]
        body = {"agentid": client.agent_id, "userid": "u1", "type": "keydata", "keydata": {"items": []}}
        for _ in range(10):
            client.post("agent/set_workbench_data", body)
        with pytest.raises(Exception, match="45009"):
            client.post("agent/set_workbench_data", body)


def test_opening_the_app_refreshes_the_members_workbench(
    app, send, emulator, db_session, make_person, run_jobs
):
    from wecom.emulator import wire

    make_person(wecom_userid="nurse03")
    db_session.commit()
    event = wire.message_xml(
        app.config["WECOM_CORP_ID"], "nurse03", app.config["WECOM_AGENT_ID"], "event", Event="enter_agent"
    )
    response = send(event)
    assert response.status_code == 200 and response.data == b""  # no chat reply
    run_jobs()
    assert figures(emulator, "nurse03")["待办"] == "0"
