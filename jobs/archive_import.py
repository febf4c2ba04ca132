"""Large archive imports (a member list from the national system, thousands of rows) run here,
reporting how far they got; the console follows. The import is handlers/archive's, the same
all-or-nothing use-case as a small upload; a dry run writes nothing but its audit event."""

from __future__ import annotations

import json
from pathlib import Path

from handlers.archive import exchange
from handlers.errors import DomainError
from jobs import job
from jobs.context import queues, unit_of_work
from jobs.uploads import ImportTracker, open_upload

KIND = "archive-import"


@job(queue="default", timeout=1800, retries=1, intervals=(30,))
def import_archive_file(token: str, person_id: str) -> str:
    tracker = ImportTracker(queues().redis, token, KIND)
    facts = tracker.fields()
    with unit_of_work() as session:
        upload = open_upload(session, tracker, person_id)
        if upload is None:
            return "not run"
        actor, content = upload
        tracker.progress("check", 0, None)
        try:
            target = exchange.column_map(
                facts["target"], Path(facts["maps_dir"]) if facts.get("maps_dir") else None
            )
            report = exchange.import_members(
                session,
                actor,
                facts["filename"],
                content,
                target,
                dry_run=facts.get("dry_run") == "1",
                progress=tracker.progress,
            )
        except DomainError as refused:
            session.rollback()
            tracker.finish(state="failed", message=refused.message)
            return refused.message
        if not report.ok:
            session.rollback()  # nothing written until the file is clean
    tracker.finish(state="done", summary=json.dumps(report.summary(), ensure_ascii=False))
    return f"{report.rows} rows, {len(report.problems)} problems, applied={report.applied}"
