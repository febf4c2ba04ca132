"""The audit trail as an auditor reads it (issue 17): a Chinese label for every action the code
records, objects by name, details as Chinese pairs, refusals as 拒绝."""

from __future__ import annotations

import ast
from pathlib import Path

from handlers import audit, audit_log
from handlers.policy import Actor
from models import LessonStatus, OrgKind

ROOT = Path(__file__).resolve().parents[1]


def _recorded_actions() -> set[str]:
    """Every action code passed as a literal to audit.record, audited_as or the approvals'
    _audit (which prefixes "approval."), anywhere in the product."""
    found: set[str] = set()
    for path in ROOT.rglob("*.py"):
        if {".venv", "tests", "bench", "migrations"} & set(path.parts):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            literals = [
                a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
            ]
            literals += [
                k.value.value
                for k in node.keywords
                if k.arg == "action" and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)
            ]
            if name in ("record", "audited_as"):
                found.update(v for v in literals if "." in v and " " not in v)
            elif name == "_audit" and "approvals" in path.parts:
                found.update(f"approval.{v}" for v in literals if v.isidentifier())
    return found


def test_every_recorded_action_has_a_chinese_label():
    recorded = _recorded_actions()
    assert len(recorded) > 50  # the scan found the product's calls, not nothing
    # Built at run time: lesson.<status>, reminder.pause/resume, access.denied, person.deactivate.
    recorded |= {f"lesson.{s.value}" for s in LessonStatus} | {"reminder.pause", "reminder.resume"}
    recorded |= {audit.ACCESS_DENIED, "person.deactivate", "lesson.create", "lesson.edit", "lesson.propose"}
    missing = sorted(a for a in recorded if a not in audit_log.ACTION_LABELS)
    assert not missing, f"no Chinese label for {missing}"
    assert all(not any("a" <= c <= "z" for c in label) for label in audit_log.ACTION_LABELS.values())


def test_lines_name_objects_and_details_and_say_refused(db_session, make_org, make_member):
    committee = make_org(OrgKind.committee, name="医院党委")
    branch = make_org(OrgKind.branch, parent=committee, name="心内科党支部")
    member = make_member(branch=branch)
    cli = Actor.cli("组织部")
    events = [
        audit.record(
            db_session,
            cli,
            "org.rename",
            object_type="party_org",
            object_id=branch.id,
            detail={"old": "心内科支部", "new": "心内科党支部"},
        ),  # fmt: skip
        audit.record(
            db_session,
            cli,
            "org.committee.end",
            object_type="party_org",
            object_id=branch.id,
            detail={"member": str(member.id), "post": "secretary", "reason": "调离"},
        ),  # fmt: skip
        audit.record(
            db_session,
            cli,
            "study.beat_refused",
            object_type="lesson",
            object_id=committee.id,
            result="refused",
            detail={"reason": "overclaim"},
        ),  # fmt: skip
        audit.record(
            db_session, cli, "rule.override", object_type="rule", object_id="meeting.assembly_per_year"
        ),
    ]
    renamed, ended, refused, rule = audit_log.read(db_session, events)
    assert (renamed.action, renamed.object_kind, renamed.object_name, renamed.result) == (
        "党组织更名",
        "党组织",
        "心内科党支部",
        "成功",
    )
    assert renamed.link == ("party_org", str(branch.id))
    assert ("原值", "心内科支部") in renamed.details and ("新值", "心内科党支部") in renamed.details
    assert ("党员", member.person.name) in ended.details  # an id in the details, named
    assert refused.result == "拒绝" and ("原因", "申报时长超过实际经过时间") in refused.details
    assert refused.object_name == "（已删除）" and refused.link is None  # no such lesson
    assert rule.object_name and "assembly" not in rule.object_name
    assert str(member.id) in audit_log.objects_named(db_session, member.person.name)
