"""/api/v1/applicants: the people on the way to membership the token's scope develops — their
stage, the steps done with dates, the next step and its deadline (never the training's notes,
which stay with the branch)."""

from __future__ import annotations

from typing import Any

from flask import g
from flask.typing import ResponseReturnValue

from handlers import recruitment
from handlers.recruitment import board
from web import db_session
from web.api.frame import bp, listing_response, page_args, parse_uuid


def _summary(line: board.Line) -> dict[str, Any]:
    return {
        "id": str(line.recruit_id),
        "name": line.name,
        "org_id": str(line.org_id),
        "stage": line.stage.value,
        "applied_on": line.applied_on.isoformat(),
        "next_step": line.next_step.number if line.next_step else None,
        "next_step_label": line.next_step.label if line.next_step else None,
        "deadline": line.deadline.isoformat() if line.deadline else None,
    }


@bp.get("/applicants")
def applicant_list() -> ResponseReturnValue:
    page, per_page = page_args()
    lines = board.lines(db_session(), g.actor)
    start = (page - 1) * per_page
    return listing_response(
        [_summary(line) for line in lines[start : start + per_page]], page, per_page, len(lines)
    )


@bp.get("/applicants/<applicant_id>")
def applicant_one(applicant_id: str) -> ResponseReturnValue:
    session = db_session()
    recruit = recruitment.find(session, g.actor, parse_uuid(applicant_id, "applicant_id"))
    step = board.next_step(recruit)
    line = board.Line(
        recruit.id,
        recruit.person.name,
        recruit.org_id,
        recruit.org.name,
        recruit.stage,
        recruit.applied_on,
        step,
        board.deadline(session, recruit, step),
    )
    body = _summary(line)
    body["probation_ends_on"] = recruit.probation_ends_on.isoformat() if recruit.probation_ends_on else None
    body["steps"] = [
        {
            "step": s.step,
            "label": recruitment.step(s.step).label,
            "done_on": s.done_on.isoformat(),
            "evidence": s.evidence,
        }
        for s in recruit.steps
    ]
    return body
