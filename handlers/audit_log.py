"""The audit trail as an auditor reads it: every action code in Chinese, the object by its name,
the details as Chinese key/value pairs and the result as 成功 or 拒绝 — on the page and in the
CSV alike. The codes stay what they are in the chain (audit.py hashes them); only their reading
is here. tests/test_audit_log.py fails when an action recorded anywhere has no label here."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.people import REVEALABLE
from handlers.reminders import CATEGORY_LABELS
from handlers.rules import RULES
from models import (
    ApiToken,
    ApprovalRequest,
    AuditEvent,
    Campaign,
    Campus,
    Lesson,
    Meeting,
    Member,
    PartyOrg,
    Person,
    TrainingDay,
    Venue,
)

ACTION_LABELS = {
    "access.denied": "越权访问被拒绝",
    "api_token.create": "创建接口令牌",
    "api_token.revoke": "吊销接口令牌",
    "approval.create": "创建申请",
    "approval.submit": "提交申请",
    "approval.decide": "审批",
    "approval.withdraw": "撤回申请",
    "approval.escalate": "审批超时上报",
    "approval.export": "导出审批记录",
    "approval.delegate": "设置代理审批",
    "approval.delegate.revoke": "取消代理审批",
    "audit.export": "导出审计日志",
    "audit.verify": "校验审计链",
    "campaign.launch": "推送学习",
    "campaign.series": "设置定期推送",
    "campaign.remind_not_started": "提醒未开始学习的党员",
    "console.create_admin": "创建管理员账号",
    "console.login": "登录管理后台",
    "console.login_local": "账号密码登录",
    "directory.sync": "同步通讯录",
    "directory.sync_requested": "请求同步通讯录",
    "dues.import": "导入党费记录",
    "dues.record": "登记党费",
    "keys.rotate": "轮换加密密钥",
    "lesson.create": "新建课程",
    "lesson.edit": "修改课程",
    "lesson.propose": "支部提交课程",
    "lesson.draft": "课程退回草稿",
    "lesson.proposed": "课程待审核",
    "lesson.published": "发布课程",
    "lesson.archived": "下架课程",
    "lesson.import": "批量导入课程",
    "meeting.plan": "安排会议",
    "meeting.cancel": "取消会议",
    "meeting.checkin": "会议签到",
    "meeting.roster": "确认到会",
    "meeting.minutes": "保存会议记录",
    "meeting.sign_off": "签署会议记录",
    "meeting.correction": "追加更正",
    "meeting.attach": "上传会议附件",
    "meeting.makeup_material": "保存补学材料",
    "meeting.makeup_sent": "发送补学材料",
    "meeting.record_export": "导出会议记录",
    "member.enrol": "登记党员",
    "member.edit": "修改党员信息",
    "member.import": "导入党员",
    "member.export": "导出党员名册",
    "member.transfer": "支部间转接",
    "member.transfer_out": "转出组织关系",
    "org.create": "设立党组织",
    "org.rename": "党组织更名",
    "org.move": "调整上级党组织",
    "org.merge": "合并党支部",
    "org.dissolve": "撤销党组织",
    "org.departments": "设置对应科室",
    "org.term": "登记换届",
    "org.committee.appoint": "任命委员",
    "org.committee.end": "委员离任",
    "person.create": "新增人员",
    "person.deactivate": "停用人员",
    "person.reveal": "查看敏感信息",
    "person.directory_update": "通讯录更新人员信息",
    "person.directory_rename": "通讯录更名",
    "person.directory_left": "离开通讯录",
    "person.directory_return": "重新加入通讯录",
    "reminder.pause": "暂停提醒",
    "reminder.resume": "恢复提醒",
    "role.grant": "授予角色",
    "role.revoke": "撤销角色",
    "roster.import": "导入排班",
    "roster.shift_code": "设置班次代码",
    "rule.override": "修改规则",
    "study.beat_refused": "学习计时被拒绝",
    "training.record": "登记集中培训",
    "campus.create": "添加院区",
    "campus.update": "修改院区",
    "campus.map": "上传院区地图",
    "venue.create": "添加会场",
    "venue.update": "修改会场",
    "venue.retire": "停用会场",
    "venue.restore": "恢复会场",
    "venue.delete": "删除会场",
}

OBJECT_LABELS = {
    "api_token": "接口令牌",
    "approval": "申请",
    "campaign": "学习推送",
    "dues_month": "党费月份",
    "endpoint": "页面或接口",
    "lesson": "课程",
    "meeting": "会议",
    "member": "党员",
    "party_org": "党组织",
    "person": "人员",
    "reminder_category": "提醒类别",
    "roster": "排班",
    "rule": "规则",
    "shift_code": "班次代码",
    "training_day": "集中培训",
    "campus": "院区",
    "venue": "会场",
}

RESULT_LABELS = {"ok": "成功", "denied": "拒绝", "refused": "拒绝", "broken": "异常", "error": "失败"}

DETAIL_LABELS = {
    "active_key": "当前密钥",
    "anchor_hash": "锚定哈希",
    "approved": "同意",
    "attachment": "附件",
    "attendees": "到会人数",
    "band": "距离范围",
    "branch": "党支部",
    "branches": "党支部",
    "broken_at": "断裂位置",
    "bytes": "字节数",
    "checked": "已校验条数",
    "claimed": "页面申报秒数",
    "correction": "更正内容",
    "cutoff": "截止",
    "destination": "转往",
    "elapsed": "实际经过秒数",
    "ends": "结束",
    "field": "字段",
    "fields": "字段",
    "from": "从",
    "hours": "学时",
    "in_full": "完整导出条数",
    "into": "并入",
    "invited": "应到人数",
    "kind": "类型",
    "kinds": "类型",
    "label": "名称",
    "lessons": "课程数",
    "masked": "已脱敏",
    "member": "党员",
    "members": "党员人数",
    "members_moved": "转入党员人数",
    "name": "名称",
    "geofence": "签到范围",
    "radius": "范围（米）",
    "new": "新值",
    "old": "原值",
    "org": "党组织",
    "parent": "上级党组织",
    "post": "职务",
    "present": "实到人数",
    "reason": "原因",
    "recipients": "接收人数",
    "reencrypted": "重新加密条数",
    "reminded": "提醒人数",
    "removed": "删除条数",
    "role": "角色",
    "round": "轮次",
    "rows": "条数",
    "sent": "已发送",
    "sessions": "场次",
    "sessions_ended": "结束的登录会话",
    "shifts": "班次数",
    "source": "来源",
    "starts": "开始",
    "step": "步骤",
    "to": "至",
    "up_to_id": "截至序号",
    "value": "值",
    "where": "位置",
    "added": "新增",
    "changed": "变更",
    "left": "离开",
    "returned": "恢复",
    "departments_added": "新增科室",
    "departments_changed": "变更科室",
    "departments_removed": "撤销科室",
    "members_left": "离开的党员",
    "path": "读取方式",
}

#: Reason codes and other coded values that appear in details, read out.
VALUE_LABELS = {
    "not_opened": "课程未打开",
    "overclaim": "申报时长超过实际经过时间",
    "qr_token": "二维码无效或已过期",
    "unknown": "会议或党员不存在",
    "window": "不在签到时间内",
    "geofence": "不在会场范围内",
    "on": "开启",
    "off": "未开启",
    "no_location": "未获取到位置",
    "card_not_allowed": "本会议不允许卡片签到",
    "cancelled": "会议已取消",
    "signed_off": "记录已签署",
    "locked": "账号已锁定",
    "unknown user": "账号不存在",
    "wrong password": "密码错误",
    "wrong password: locked for 15 minutes": "密码错误，账号锁定 15 分钟",
    "True": "是",
    "False": "否",
    **REVEALABLE,  # the field a reveal showed: 身份证号, 手机号 …
}


@dataclass(frozen=True)
class AuditLine:
    """One event as the page and the CSV show it."""

    event: AuditEvent
    action: str
    object_kind: str
    object_name: str
    result: str
    details: list[tuple[str, str]]
    #: What the object's name opens: (kind, id) — a person opens their member record.
    link: tuple[str, str] | None = None


def action_label(code: str) -> str:
    return ACTION_LABELS.get(code, code)


def action_choices() -> list[tuple[str, str]]:
    """The filter's choices: every action, by its label."""
    return sorted(ACTION_LABELS.items(), key=lambda item: item[1])


def _ids(values: set[str]) -> list[uuid.UUID]:
    ids = []
    for value in values:
        try:
            ids.append(uuid.UUID(value))
        except (TypeError, ValueError):
            continue
    return ids


#: How each kind of object is named: (model, the attribute that names it).
NAMERS = {
    "person": (Person, "name"),
    "party_org": (PartyOrg, "name"),
    "meeting": (Meeting, "topic"),
    "approval": (ApprovalRequest, "title"),
    "lesson": (Lesson, "title"),
    "campaign": (Campaign, "title"),
    "api_token": (ApiToken, "name"),
    "training_day": (TrainingDay, "title"),
    "campus": (Campus, "name"),
    "venue": (Venue, "name"),
}


def _names(session: Session, events: list[AuditEvent], detail_ids: set[str]) -> dict[str, str]:
    """Every object's name by id, in one query per kind; ids inside details are looked up as
    党组织, people and members (the ones details carry)."""
    wanted: dict[str, set[str]] = {}
    for e in events:
        if e.object_type in NAMERS and e.object_id:
            wanted.setdefault(e.object_type, set()).add(e.object_id)
    for kind in ("party_org", "person"):
        wanted.setdefault(kind, set()).update(detail_ids)
    names: dict[str, str] = {}
    for kind, ids in wanted.items():
        model, attribute = NAMERS[kind]
        column = getattr(model, attribute)
        for key, name in session.execute(select(model.id, column).where(model.id.in_(_ids(ids)))):
            names[str(key)] = name
    members = detail_ids | {e.object_id for e in events if e.object_type == "member" and e.object_id}
    for member_id, name in session.execute(
        select(Member.id, Person.name)
        .join(Person, Person.id == Member.person_id)
        .where(Member.id.in_(_ids(members)))
    ):
        names[str(member_id)] = name
    return names


def _object_name(event: AuditEvent, names: dict[str, str]) -> str:
    """The object as its reader knows it: a name, a rule's label, a month — never a bare id."""
    key = event.object_id or ""
    if not key:
        return ""
    if event.object_type in NAMERS or event.object_type == "member":
        return names.get(key, "（已删除）")
    if event.object_type == "rule":
        return RULES[key].label_text if key in RULES else key
    if event.object_type == "reminder_category":
        return CATEGORY_LABELS.get(key, key)
    if event.object_type == "roster":
        return "一次排班导入"
    return key


def objects_named(session: Session, text: str, limit: int = 500) -> list[str]:
    """The ids of the objects whose name contains `text` (a person, an org, a meeting, …), or
    the text itself when it is an id or a code (a rule key, a month): the audit page's object
    filter. Names are searched only by someone who may read the trail anyway."""
    found = [text]
    for model, attribute in NAMERS.values():
        column = getattr(model, attribute)
        found += [
            str(i)
            for i in session.scalars(
                select(model.id).where(column.contains(text, autoescape=True)).limit(limit)
            )
        ]
    found += [
        str(i)
        for i in session.scalars(
            select(Member.id)
            .join(Person, Person.id == Member.person_id)
            .where(Person.name.contains(text, autoescape=True))
            .limit(limit)
        )
    ]
    found += [key for key, rule in RULES.items() if text in rule.label]
    return found


def _value_text(value: Any, names: dict[str, str]) -> str:
    if isinstance(value, list):
        return "、".join(_value_text(v, names) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{DETAIL_LABELS.get(k, k)}：{_value_text(v, names)}" for k, v in value.items())
    text = str(value)
    return names.get(text) or VALUE_LABELS.get(text) or text


def _detail_of(event: AuditEvent) -> dict[str, Any]:
    if not event.detail:
        return {}
    try:
        parsed = json.loads(event.detail)
    except ValueError:
        return {"value": event.detail}
    return parsed if isinstance(parsed, dict) else {"value": parsed}


LINKED = {"party_org", "meeting", "approval", "lesson", "campaign", "member", "venue"}


def _links(session: Session, events: list[AuditEvent]) -> dict[int, tuple[str, str]]:
    people = {e.object_id for e in events if e.object_type == "person" and e.object_id}
    member_of = {
        str(person_id): str(member_id)
        for member_id, person_id in session.execute(
            select(Member.id, Member.person_id).where(Member.person_id.in_(_ids(people)))
        )
    }
    links = {}
    for e in events:
        if e.object_type in LINKED and e.object_id:
            links[e.id] = (e.object_type, e.object_id)
        elif e.object_type == "person" and e.object_id in member_of:
            links[e.id] = ("member", member_of[e.object_id])
    return links


def read(session: Session, events: list[AuditEvent]) -> list[AuditLine]:
    """The events as lines an auditor reads, names looked up in bulk."""
    details = [_detail_of(e) for e in events]
    detail_ids: set[str] = set()
    for detail in details:
        for value in detail.values():
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and len(item) == 36:
                    detail_ids.add(item)
    names = _names(session, events, detail_ids)
    links = _links(session, events)
    lines = []
    for event, detail in zip(events, details, strict=True):
        kind = OBJECT_LABELS.get(event.object_type or "", event.object_type or "")
        lines.append(
            AuditLine(
                event=event,
                action=action_label(event.action),
                object_kind=kind,
                object_name=_object_name(event, names),
                result=RESULT_LABELS.get(event.result, event.result),
                details=[(DETAIL_LABELS.get(k, k), _value_text(v, names)) for k, v in detail.items()],
                link=links.get(event.id) if _object_name(event, names) != "（已删除）" else None,
            )
        )
    return lines
