"""The rule catalogue: every number the Party rules give Dangjian, with its source, and the
hospital's own overrides (effective from a date, with the document that decided them).

Features read rules from here (`value(session, key, on=date)`), never from constants. The
defaults are DOMAIN.md's; where DOMAIN.md calls a rule local practice it is marked `local`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from handlers import audit
from handlers.errors import Forbidden, NotFound, ValidationFailed
from handlers.policy import Actor, holds
from handlers.validation import require_text
from models import RuleOverride
from models.base import local_today

BRANCH_RULES = "《中国共产党支部工作条例（试行）》（2018）"
STUDY_PLAN = "《2019—2023年全国党员教育培训工作规划》"
DUES_RULES = "《关于中国共产党党费收缴、使用和管理的规定》（中组发〔2008〕3号）"
TERM_RULES = "《关于党的基层组织任期的意见》（2018）"


@dataclass(frozen=True)
class Rule:
    key: str
    label: str
    #: "count", "hours" (学时), "duration_hours", "minutes", "yuan", "points", "percent", "time", "flag"
    kind: str
    default: Any
    source: str
    #: Local practice rather than a national rule (DOMAIN.md's *local*).
    local: bool = False
    #: What a count counts (人, 年, 天, 条, 个月); the kind's own unit otherwise (次, 学时, 分钟…).
    unit: str | None = None

    @property
    def label_text(self) -> str:
        """The label without the unit in brackets, now that the value carries it."""
        return re.sub(r"（(年|天|条|月数)）$", "", self.label)


CATALOGUE: tuple[Rule, ...] = (
    Rule(
        "org.branch_min_full",
        "成立党支部的正式党员人数",
        "count",
        3,
        f"{BRANCH_RULES}第二章：有正式党员3人以上的应当成立党支部",
        unit="人",
    ),
    Rule(
        "org.branch_committee_from",
        "应设支部委员会的正式党员人数",
        "count",
        7,
        f"{BRANCH_RULES}第六章：正式党员7人以上的党支部设立支部委员会",
        unit="人",
    ),
    Rule(
        "org.branch_committee_min",
        "支部委员会委员下限",
        "count",
        3,
        f"{BRANCH_RULES}第六章：一般由3至5人组成",
        unit="人",
    ),
    Rule(
        "org.branch_committee_max",
        "支部委员会委员上限",
        "count",
        5,
        f"{BRANCH_RULES}第六章：一般3至5人，最多不超过7人",
        unit="人",
    ),
    Rule(
        "org.branch_max_members",
        "党支部党员人数上限",
        "count",
        50,
        f"{BRANCH_RULES}第二章：党员人数一般不超过50人",
        unit="人",
    ),
    Rule(
        "org.branch_term_years",
        "党支部、党总支每届任期（年）",
        "count",
        3,
        f"{TERM_RULES}：一般为3年",
        unit="年",
    ),
    Rule(
        "org.committee_term_years",
        "基层党委每届任期（年）",
        "count",
        5,
        f"{TERM_RULES}：一般为5年",
        unit="年",
    ),
    Rule(
        "org.term_warning_days",
        "换届提前提醒（天）",
        "count",
        90,
        "本地做法：任期届满前3个月提醒",
        local=True,
        unit="天",
    ),
    Rule(
        "meeting.committee_per_year",
        "支委会（每年次数）",
        "count",
        12,
        f"{BRANCH_RULES}第十二条：一般每月召开1次",
    ),
    Rule(
        "meeting.group_per_year",
        "党小组会（每年次数）",
        "count",
        12,
        f"{BRANCH_RULES}第十三条：一般每月召开1次",
    ),
    Rule(
        "meeting.assembly_per_year",
        "支部党员大会（每年次数）",
        "count",
        4,
        f"{BRANCH_RULES}第十一条：一般每季度召开1次",
    ),
    Rule(
        "meeting.theme_day_per_year",
        "主题党日（每年次数）",
        "count",
        12,
        f"{BRANCH_RULES}第十六条：每月相对固定1天",
    ),
    Rule(
        "meeting.lecture_per_year",
        "党课（每年次数）",
        "count",
        4,
        f"{BRANCH_RULES}第十六条要求按期上党课；每季度1次为常见的本地做法",
        local=True,
    ),
    Rule("study.member_hours", "党员年度学习学时", "hours", 32, f"{STUDY_PLAN}：每年一般不少于32学时"),
    Rule(
        "study.leader_hours",
        "支部书记、委员年度学时",
        "hours",
        56,
        f"{STUDY_PLAN}：基层党组织书记和班子成员不少于56学时",
    ),
    Rule(
        "meeting.makeup_counts",
        "补学计入党员参加组织生活次数",
        "flag",
        True,
        "本地做法：倒班人员会后补学视同参加（记录仍为补学，不计为到会）",
        local=True,
    ),
    Rule("study.makeup_counts", "补学计入学时", "flag", True, "本地做法：倒班人员补学计入", local=True),
    Rule(
        "study.lecture_hours",
        "参加一次党课计入学时",
        "hours",
        2,
        f"{STUDY_PLAN}：集中学习按实际学时计",
        local=True,
    ),
    Rule(
        "study.training_day_hours",
        "集中培训一天计入学时（默认，可按每次培训填写）",
        "hours",
        6,
        f"{STUDY_PLAN}：集中培训按实际学时计",
        local=True,
    ),
    Rule("study.quiz_pass_percent", "测验合格线（答对百分比）", "percent", 60, "本地做法", local=True),
    # Points reward outcomes, never time on screen or logging in (DOMAIN.md, rules for the
    # product); each activity has a daily cap, and nobody's points are shown beside anyone's.
    Rule(
        "points.lesson", "完成一门课程得分", "points", 2, "本地做法：只奖励结果，不奖励在线时长", local=True
    ),
    Rule("points.quiz", "测验合格得分", "points", 3, "本地做法", local=True),
    Rule("points.meeting", "参加组织生活得分", "points", 2, "本地做法", local=True),
    Rule("points.lesson_daily_cap", "每天课程得分上限", "points", 6, "本地做法：避免突击刷分", local=True),
    Rule("points.quiz_daily_cap", "每天测验得分上限", "points", 6, "本地做法", local=True),
    Rule("points.meeting_daily_cap", "每天组织生活得分上限", "points", 4, "本地做法", local=True),
    Rule("meeting.online_counts", "线上参会计入出勤", "flag", False, "本地做法：须经党委同意", local=True),
    Rule(
        "meeting.org_life_per_year",
        "组织生活会（每年次数）",
        "count",
        1,
        f"{BRANCH_RULES}：每年至少召开1次，一般在第四季度",
    ),
    Rule(
        "meeting.member_review_per_year",
        "民主评议党员（每年次数）",
        "count",
        1,
        f"{BRANCH_RULES}：每年开展1次",
    ),
    Rule(
        "checkin.card_allowed",
        "允许在企业微信卡片上签到",
        "flag",
        True,
        "本地做法：表决的会议仍须现场扫码或由主持人确认",
        local=True,
    ),
    Rule("checkin.late_grace_minutes", "开始后多少分钟内签到不算迟到", "minutes", 5, "本地做法", local=True),
    Rule("checkin.window_before_minutes", "会前可签到（分钟）", "minutes", 30, "本地做法", local=True),
    Rule("checkin.window_after_minutes", "开始后仍可签到（分钟）", "minutes", 30, "本地做法", local=True),
    Rule(
        "approval.step_deadline_hours", "每一步审批的办理期限", "duration_hours", 48, "本地做法", local=True
    ),
    Rule(
        "approval.escalate_after_hours",
        "超期提醒后仍未办理，多久报上一级",
        "duration_hours",
        24,
        "本地做法",
        local=True,
    ),
    Rule(
        "approval.escalate_to_parent",
        "超期报上级党组织书记（否则报党委组织部）",
        "flag",
        False,
        "本地做法",
        local=True,
    ),
    Rule(
        "approval.activity_cosign_yuan",
        "活动经费超过此数须纪检委员会签",
        "yuan",
        2000,
        "本地做法：按本院党建经费管理办法",
        local=True,
    ),
    Rule("reminder.quiet_start", "免打扰开始", "time", "22:00", "本地做法：按班次避开休息时间", local=True),
    Rule("reminder.quiet_end", "免打扰结束", "time", "07:00", "本地做法", local=True),
    Rule(
        "reminder.rest_after_night_until",
        "夜班后休息至",
        "time",
        "14:00",
        "本地做法：夜班后不打扰",
        local=True,
    ),
    Rule(
        "reminder.max_per_hour",
        "每人每小时最多提醒（条）",
        "count",
        4,
        "本地做法：超出的合并为摘要稍后发送",
        local=True,
        unit="条",
    ),
    Rule(
        "dues.unpaid_warning_months",
        "未交党费提醒书记（月数）",
        "count",
        6,
        f"党章第九条；{DUES_RULES}",
        unit="个月",
    ),
)
RULES = {rule.key: rule for rule in CATALOGUE}
LIMITS = {
    "count": (0, 366),
    "hours": (0, 1000),
    "minutes": (0, 24 * 60),
    "duration_hours": (1, 24 * 30),
    "yuan": (0, 1_000_000),
    "points": (0, 100),
    "percent": (1, 100),
}


def _rule(key: str) -> Rule:
    try:
        return RULES[key]
    except KeyError:
        raise NotFound(f"没有名为 {key} 的规则。") from None


def value(session: Session, key: str, on: date | None = None) -> Any:
    """The rule's value on a date: the latest override in force then, else the default."""
    rule = _rule(key)
    on = on or local_today()
    # A request reads several rules (a check-in reads four): the hospital's overrides — a few
    # dozen rows at most, each a deliberate act in the console — are read once per transaction.
    overrides = session.info.get("rule_overrides")
    if overrides is None:
        overrides = {}
        rows = session.execute(
            select(RuleOverride.key, RuleOverride.effective_from, RuleOverride.value).order_by(
                RuleOverride.effective_from.desc(), RuleOverride.created_at.desc()
            )
        )
        for row_key, effective_from, override_value in rows:
            overrides.setdefault(row_key, []).append((effective_from, override_value))
        session.info["rule_overrides"] = overrides
    return next((v for since, v in overrides.get(key, ()) if since <= on), rule.default)


@event.listens_for(Session, "after_transaction_end")
def _forget_rule_values(session: Session, transaction: Any) -> None:
    """The cache lives for one transaction: another process may override a rule meanwhile."""
    if transaction.parent is None:
        session.info.pop("rule_overrides", None)


def history(session: Session, key: str) -> list[RuleOverride]:
    return list(
        session.scalars(
            select(RuleOverride).where(RuleOverride.key == key).order_by(RuleOverride.effective_from.desc())
        )
    )


def parse(rule: Rule, raw: str) -> Any:
    """A value typed in the console, checked against the rule's kind."""
    text = (raw or "").strip()
    if rule.kind == "flag":
        if text not in ("是", "否"):
            raise ValidationFailed("请填写“是”或“否”。", field="value")
        return text == "是"
    if rule.kind == "time":
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", text):
            raise ValidationFailed("时间格式应为 22:00。", field="value")
        return text
    low, high = LIMITS[rule.kind]
    if not text.isdigit() or not low <= int(text) <= high:
        raise ValidationFailed(f"请填写 {low}–{high} 之间的整数。", field="value")
    return int(text)


def override(
    session: Session, actor: Actor, *, key: str, raw_value: str, effective_from: date, note: str
) -> RuleOverride:
    """Record the hospital's own value for a rule from a date, with the document behind it."""
    if not holds(actor, "org.manage"):
        raise Forbidden("只有党委组织部可以调整规则。")
    rule = _rule(key)
    row = RuleOverride(
        key=key,
        value=parse(rule, raw_value),
        effective_from=effective_from,
        note=require_text(note, "note", "依据（本院文件名称或文号）", max_length=500),
        created_by=actor.label,
    )
    session.add(row)
    session.flush()
    session.info.pop("rule_overrides", None)  # what was read before this override is stale
    audit.record(session, actor, "rule.override", object_type="rule", object_id=key,
                 detail={"value": row.value, "from": effective_from.isoformat()})  # fmt: skip
    return row


def display(rule: Rule, raw: Any) -> str:
    if rule.kind == "flag":
        return "是" if raw else "否"
    unit = (
        f" {rule.unit}"
        if rule.unit
        else {
            "count": " 次",
            "hours": " 学时",
            "minutes": " 分钟",
            "duration_hours": " 小时",
            "yuan": " 元",
            "points": " 分",
            "percent": "%",
        }.get(rule.kind, "")
    )
    return f"{raw}{unit}"
