"""我的: the member's own record — every meeting with its real outcome, this year's hours by source,
and the ways into their points, reminders and requests. Only ever the member's own."""

from __future__ import annotations

from flask import g, render_template
from flask.typing import ResponseReturnValue

from handlers import compliance, learning, meetings, my_year, talks
from handlers.recruitment import training
from web import db_session
from web.h5.frame import bp, member_pages

member_pages("h5.mine")


@bp.get("/mine")
def mine() -> ResponseReturnValue:
    session = db_session()
    member = g.person.membership
    return render_template(
        "h5/mine.html",
        person=g.person,
        record=my_year.meeting_record(session, g.person),
        hours=learning.hours_this_year(session, g.person) if member else None,
        when=meetings.when_text,
        runs_a_branch=bool(compliance.managed_branches(session, g.actor)),
        mentoring=bool(training.mentored_by(session, g.person)) if member else False,
        on_committee=talks.on_committee(session, g.person) if member else False,
    )


@bp.get("/mine/archive")
def mine_archive() -> ResponseReturnValue:
    """我的档案: the member's own record in full (their own sensitive fields too), the lists on it,
    where they take part, and the way to ask their branch for a correction."""
    from handlers import archive, transfers

    session = db_session()
    member = g.person.membership
    if member is None:
        return render_template("h5/archive.html", member=None)
    return render_template(
        "h5/archive.html",
        member=member,
        rows=archive.fields.shown(member, own=True),
        entries=archive.entries.entries_for(session, None, member, own=True),
        posts_held=archive.entries.posts_held(session, member),
        entry_kinds=archive.entries.KIND_LABELS,
        participations=archive.participations.of_member(session, member),
        participation_kinds=archive.participations.KIND_LABELS,
        transfers=transfers.history(session, member),
    )
