"""The rule catalogue: DOMAIN.md's defaults with their sources, and the hospital's dated overrides."""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from handlers import rules
from handlers.policy import holds
from models.base import local_today
from web import db_session
from web.admin.frame import bp
from web.outcome import form_change


@bp.get("/rules")
def rule_catalogue() -> ResponseReturnValue:
    if not holds(g.actor, "org.manage"):
        abort(403)
    on = local_today()
    entries = [
        {
            "rule": rule,
            "current": rules.display(rule, rules.value(db_session(), rule.key, on)),
            "default": rules.display(rule, rule.default),
            "history": rules.history(db_session(), rule.key),
        }
        for rule in rules.CATALOGUE
    ]
    return render_template("admin/rules.html", entries=entries, today=on, display=rules.display)


@bp.post("/rules/<key>")
def rule_override(key: str) -> ResponseReturnValue:
    back = url_for("admin.rule_catalogue")
    try:
        effective = datetime.strptime(request.form.get("effective_from", ""), "%Y-%m-%d").date()
    except ValueError:
        flash("生效日期格式应为 2026-01-01。", "error")
        return redirect(back)
    return form_change(
        lambda: rules.override(
            db_session(),
            g.actor,
            key=key,
            raw_value=request.form.get("value", ""),
            effective_from=effective,
            note=request.form.get("note", ""),
        ),  # fmt: skip
        done=f"已调整“{rules.RULES[key].label if key in rules.RULES else key}”，自 {effective} 起生效。",
        back=back,
    )
