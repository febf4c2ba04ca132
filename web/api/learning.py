"""/api/v1/lessons, /api/v1/campaigns and /api/v1/study-records: read-only, in the token's scope.

A campaign comes with its completion by branch (counts only, for the branches the token
covers). Study records say what the server counted for each member in scope — never points:
points are private to the member and are not exported for assessment.
"""

from __future__ import annotations

from typing import Any

from flask import g, jsonify, request
from flask.typing import ResponseReturnValue

from handlers import learning
from handlers.errors import ValidationFailed
from handlers.learning import campaigns
from models import Campaign, Lesson, StudyRecord
from web import db_session
from web.api.frame import bp, listing_response, page_args, parse_uuid


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment else None


def _lesson(lesson: Lesson) -> dict[str, Any]:
    return {
        "id": str(lesson.id),
        "kind": lesson.kind.value,
        "title": lesson.title,
        "summary": lesson.summary,
        "status": lesson.status.value,
        "credit_hours": str(lesson.credit_hours),
        "min_seconds": lesson.min_seconds,
        "tags": lesson.tag_list,
        "audience_roles": lesson.role_list,
        "source": lesson.source,
        "has_quiz": lesson.pass_percent is not None,
        "published_at": _iso(lesson.published_at),
        "proposed_for_org_id": str(lesson.proposed_for_org_id) if lesson.proposed_for_org_id else None,
    }


def _campaign(campaign: Campaign) -> dict[str, Any]:
    return {
        "id": str(campaign.id),
        "title": campaign.title,
        "lesson_ids": campaign.lesson_ids,
        "send_at": _iso(campaign.send_at),
        "deadline": _iso(campaign.deadline),
        "recipients": campaign.recipients,
        "series_id": str(campaign.series_id) if campaign.series_id else None,
        "branches": [
            {
                "org_id": str(b.org.id),
                "name": b.org.name,
                "recipients": b.recipients,
                "completed": b.completed,
                "in_progress": b.in_progress,
                "not_started": b.not_started,
            }
            for b in campaigns.completion(db_session(), g.actor, campaign)
        ],
    }


def _record(record: StudyRecord) -> dict[str, Any]:
    return {
        "id": str(record.id),
        "member_id": str(record.member_id),
        "lesson_id": str(record.lesson_id),
        "year": record.year,
        "opened_at": _iso(record.opened_at),
        "seconds": record.seconds,
        "completed_at": _iso(record.completed_at),
        "credited_hours": str(record.credited_hours),
        "quiz_passed_at": _iso(record.quiz_passed_at),
    }


@bp.get("/lessons")
def lesson_list() -> ResponseReturnValue:
    page, per_page = page_args()
    listing = learning.lessons_page(
        db_session(),
        g.actor,
        status=request.args.get("status") or None,
        tag=request.args.get("tag") or None,
        page=page,
        per_page=per_page,
    )
    return listing_response([_lesson(x) for x in listing.items], listing.page, per_page, listing.total)


@bp.get("/lessons/<lesson_id>")
def lesson_get(lesson_id: str) -> ResponseReturnValue:
    return jsonify(_lesson(learning.get_lesson(db_session(), g.actor, parse_uuid(lesson_id, "lesson_id"))))


@bp.get("/campaigns")
def campaign_list() -> ResponseReturnValue:
    page, per_page = page_args()
    listing = campaigns.campaigns_page(db_session(), g.actor, page=page, per_page=per_page)
    return listing_response([_campaign(c) for c in listing.items], listing.page, per_page, listing.total)


@bp.get("/campaigns/<campaign_id>")
def campaign_get(campaign_id: str) -> ResponseReturnValue:
    found = campaigns.get_campaign(db_session(), g.actor, parse_uuid(campaign_id, "campaign_id"))
    return jsonify(_campaign(found))


@bp.get("/study-records")
def study_record_list() -> ResponseReturnValue:
    page, per_page = page_args()
    raw_year = request.args.get("year")
    if raw_year is not None and not (raw_year.isdigit() and 2000 <= int(raw_year) <= 2100):
        raise ValidationFailed("year 应为 2000–2100 的年份。", field="year")
    listing = learning.records_page(
        db_session(),
        g.actor,
        year=int(raw_year) if raw_year else None,
        lesson_id=parse_uuid(request.args.get("lesson_id"), "lesson_id"),
        member_id=parse_uuid(request.args.get("member_id"), "member_id"),
        page=page,
        per_page=per_page,
    )
    return listing_response([_record(r) for r in listing.items], listing.page, per_page, listing.total)
