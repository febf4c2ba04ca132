"""其他事项: a free-text request with optional attachments, decided by the branch secretary.

The smallest kind, and the template for a new one: fields, clean, steps, summary, register.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from handlers.approval_kinds.registry import ApprovalKind, Cleaned, Field, branch_of, register, secretary_step
from models import Person


def _clean(session: Session, person: Person, form: dict, now: datetime) -> Cleaned:
    return Cleaned(form=form, org=branch_of(person), title=form["subject"])


KIND = register(
    ApprovalKind(
        name="general",
        label="其他事项",
        description="需要支部书记同意的其他事项，可附照片或 PDF。",
        fields=(
            Field("subject", "事项", max_length=60),
            Field("content", "具体内容", kind="textarea", max_length=2000),
        ),
        clean=_clean,
        steps=(secretary_step(),),
        summary=lambda session, request: [
            ("事项", request.form["subject"][:26]),
            ("内容", request.form["content"][:26]),
        ],
        attachments=True,
    )
)
