"""flask demo serve — the app with its jobs running in-process, for `make demo`; flask demo roster."""

from __future__ import annotations

import logging
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select
from werkzeug.serving import make_server

from cli._common import database
from jobs.worker import EmbeddedRunner
from models import Department, Member, Person, Role, RoleGrant, Venue
from models.base import CHINA

group = AppGroup("demo", help="演示环境。")


@group.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
def serve(host: str, port: int) -> None:
    """Serve the app; without REDIS_URL, a thread works the queues and the schedule."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    # One line per request drowns the URLs below (the nightly sync alone makes ~700).
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    staff = load_emulator_directory(app)
    # Listen before the jobs start: their first runs call the emulator mounted in this server.
    # Not app.run(): Flask ignores it inside a `flask` command.
    server = make_server(host, port, app, threaded=True)
    _banner(app.config["PUBLIC_BASE_URL"].rstrip("/"), staff)
    # The jobs start after the banner, so their log lines come below it, not inside it; their
    # first runs call the emulator mounted in this server, which is already listening.
    runner = None
    if app.extensions["dangjian.jobs"].embedded:
        runner = EmbeddedRunner(app)
        runner.start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("已停止。")
    finally:
        if runner:
            runner.stop()


def _banner(base: str, staff: int) -> None:
    """A short guided tour: where to go, and whom to be (a member, a secretary, the office)."""
    member, secretary, office = demo_user(None), demo_user(Role.secretary), console_demo_user()
    lines = ["", "智慧党建演示环境已启动。", ""]
    if staff:
        lines.append(f"  企业微信模拟器    {base}/_emulator/   （左侧选职工，右侧是他的企业微信）")
    lines += [
        f"  手机端            {base}/m/",
        f"  管理后台          {base}/admin/   （扫码页填写党委组织部账号）",
        "",
        "  可以试试：",
    ]
    for who, userid, what in (
        ("党员", member, "看会议通知卡片，点“参加”，在“我的”里看记录"),
        ("支部书记", secretary, "在卡片上一键审批，在手机上安排会议"),
        ("党委组织部", office, "登录管理后台，看组织、党员、会议与学习"),
    ):
        if userid:
            lines.append(f"    {userid:<10}{who}：{what}")
    lines += ["", f"  模拟企业通讯录已载入 {staff} 名职工；按 Ctrl+C 停止。", ""]
    click.echo("\n".join(lines))


def console_demo_user() -> str | None:
    """A committee-office userid to "scan" the console's QR code with in the demo."""
    return demo_user(Role.committee_office)


def demo_user(role: Role | None) -> str | None:
    """A demo account to try: the first holder of `role`, or (None) the first member holding none."""
    from models import Member

    with database().unit_of_work() as session:
        query = select(Person.wecom_userid).order_by(Person.wecom_userid).limit(1)
        if role is None:
            holders = select(RoleGrant.person_id)
            query = query.join(Member, Member.person_id == Person.id).where(
                Member.left_at.is_(None), Person.id.not_in(holders)
            )
        else:
            query = query.join(RoleGrant, RoleGrant.person_id == Person.id).where(
                RoleGrant.role == role, RoleGrant.revoked_at.is_(None)
            )
        return session.scalar(query)


def load_emulator_directory(app: Flask) -> int:
    """Give the emulated corp the demo hospital's directory, as if HR had entered it in WeCom."""
    from wecom.emulator.directory import load_directory

    state = app.extensions.get("wecom_emulator")
    if state is None:
        return 0
    with database().unit_of_work() as session:
        departments = session.scalars(select(Department).where(Department.removed.is_(False))).all()
        wecom_ids = {d.id: d.wecom_id for d in departments}
        staff = session.scalars(select(Person).where(Person.is_active.is_(True))).all()
        load_directory(
            state,
            [{"id": d.wecom_id, "name": d.name, "parentid": d.parent_wecom_id or 0} for d in departments],
            [
                {
                    "userid": p.wecom_userid,
                    "name": p.name,
                    "department": [wecom_ids.get(p.department_id, 1)],
                    "position": p.position or "",
                }
                for p in staff
            ],
        )
        state.demo_roles = _demo_roles(session)
        # Every demo phone stands in the first geofenced venue, so a demo check-in there passes
        # (the chat page moves a member elsewhere to see the geofence refuse).
        first = session.scalars(
            select(Venue).where(Venue.geofence_on.is_(True), Venue.retired_at.is_(None)).order_by(Venue.name)
        ).first()
        if first is not None:
            state.locations[""] = (float(first.geofence_lat), float(first.geofence_lng))
    return len(staff)


def _demo_roles(session: Any) -> dict[str, str]:
    """Each account's posts, for the emulator's staff list: whom to try as the office, a
    secretary, a member."""
    from handlers.roles import ROLE_LABELS
    from models import Member, PartyOrg, RoleGrant

    posts: dict[str, list[str]] = {}
    rows = session.execute(
        select(Person.wecom_userid, RoleGrant.role, PartyOrg.name)
        .join(RoleGrant, RoleGrant.person_id == Person.id)
        .outerjoin(PartyOrg, PartyOrg.id == RoleGrant.org_id)
        .where(RoleGrant.revoked_at.is_(None))
    )
    for userid, role, org in rows:
        posts.setdefault(userid.lower(), []).append(
            ROLE_LABELS.get(role, str(role)) + (f" · {org}" if org else "")
        )
    for (userid,) in session.execute(select(Person.wecom_userid).join(Member, Member.person_id == Person.id)):
        posts.setdefault(userid.lower(), ["党员"])
    return {userid: "；".join(sorted(set(labels))) for userid, labels in posts.items()}


@group.command("roster")
def roster() -> None:
    """Print a CSV roster for the demo's first branch (this week): the members going to the
    upcoming 党课 work a day shift the day before, so their reminders move after the shift.
    Upload it in the console's 排班 page and compare the 提醒 page before and after."""
    from datetime import timedelta

    from models import Invitation, Meeting, MeetingKind, Response, meeting_obligation
    from models.base import local_today

    today = local_today()
    with database().unit_of_work() as session:
        lecture = session.scalar(
            select(Meeting)
            .join(meeting_obligation, meeting_obligation.c.meeting_id == Meeting.id)
            .where(meeting_obligation.c.kind == MeetingKind.party_lecture, Meeting.topic.startswith("党课："))
            .order_by(Meeting.created_at.desc())
            .limit(1)
        )
        if lecture is None:
            raise click.ClickException("没有找到演示党课，请先运行 flask --app app seed demo。")
        day_before = lecture.sessions[0].starts_at.astimezone(CHINA).date() - timedelta(days=1)
        going = session.scalars(
            select(Person.wecom_userid)
            .join(Member, Member.person_id == Person.id)
            .join(Invitation, Invitation.member_id == Member.id)
            .where(Invitation.meeting_id == lecture.id, Invitation.response == Response.attending)
        ).all()
        click.echo("企业微信账号,日期,班次")
        for userid in sorted(going):
            for offset in range(7):
                day = today + timedelta(days=offset)
                click.echo(
                    f"{userid},{day},{'白班' if day == day_before else ('夜班' if offset == 5 else '休息')}"
                )
