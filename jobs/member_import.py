"""Large member imports run here, reporting how far they got, so the console can show progress.

The upload and its progress are kept by jobs/uploads.py. The import itself is
handlers.member_import.import_members, the same all-or-nothing use-case as a small upload: one
transaction, committed only if every row is right. A re-run after a crash is safe: nothing was
committed, or every row now reports "已是党员".
"""

from __future__ import annotations

import json

from handlers import member_import
from handlers.errors import DomainError
from jobs import job
from jobs.context import queues, unit_of_work
from jobs.uploads import ImportTracker, open_upload


@job(queue="default", timeout=1800, retries=1, intervals=(30,))
def import_members_file(token: str, person_id: str) -> str:
    tracker = ImportTracker(queues().redis, token)
    with unit_of_work() as session:
        upload = open_upload(session, tracker, person_id)
        if upload is None:
            return "not run"
        actor, content = upload
        try:
            report = member_import.import_members(session, actor, content, progress=tracker.progress)
        except DomainError as refused:
            session.rollback()
            tracker.finish(state="failed", message=refused.message)
            return refused.message
        if not report.ok:
            session.rollback()  # all or nothing
            tracker.finish(state="rejected", done=report.rows, total=report.rows,
                           problems=json.dumps(report.problems, ensure_ascii=False))  # fmt: skip
            return f"{len(report.problems)} problems"
    # Committed: only now say so.
    tracker.finish(state="imported", done=report.imported, total=report.imported)
    return f"imported {report.imported}"
