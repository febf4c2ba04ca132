"""Large roster uploads run here (issue 16 item 4): the console keeps the file in Redis (jobs/uploads.py,
as member imports), this job checks every row and imports all or nothing, and the
rosters page follows its progress. A small roster is still imported within the request."""

from __future__ import annotations

import json
from datetime import date

from handlers import rosters
from handlers.errors import DomainError
from jobs import job
from jobs.context import queues, unit_of_work
from jobs.uploads import ImportTracker, open_upload

KIND = "roster-import"


@job(queue="default", timeout=1800, retries=1, intervals=(30,))
def import_roster_file(token: str, person_id: str) -> str:
    tracker = ImportTracker(queues().redis, token, KIND)
    facts = tracker.fields()
    with unit_of_work() as session:
        upload = open_upload(session, tracker, person_id)
        if upload is None:
            return "not run"
        actor, content = upload
        tracker.progress("check", 0, None)
        try:
            rows = rosters.read_file(facts["filename"], content)
            report = rosters.import_roster(
                session,
                actor,
                rows,
                period_start=date.fromisoformat(facts["period_start"]),
                period_end=date.fromisoformat(facts["period_end"]),
                source="upload",
            )
        except DomainError as refused:
            session.rollback()
            tracker.finish(state="failed", message=refused.message)
            return refused.message
        if report.errors:
            session.rollback()  # all or nothing
            problems = [[e.line, e.message] for e in report.errors]
            tracker.finish(state="rejected", problems=json.dumps(problems, ensure_ascii=False))
            return f"{len(problems)} problems"
    tracker.finish(state="imported", members=report.members, shifts=report.shifts, replanned=report.replanned)
    return f"imported {report.shifts} shifts"
