"""The catalogue itself: every number the Party rules give Dangjian, with its source (the
defaults are DOMAIN.md's; local practice is marked `local`). Reading, overriding and showing a
rule is handlers/rules.py."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

BRANCH_RULES = "《中国共产党支部工作条例（试行）》（2018）"
STUDY_PLAN = "《2019—2023年全国党员教育培训工作规划》"
DUES_RULES = "《关于中国共产党党费收缴、使用和管理的规定》（中组发〔2008〕3号）"
TERM_RULES = "《关于党的基层组织任期的意见》（2018）"


@dataclass(frozen=True)
class Rule:
    key: str
    label: str
    #: "count", "hours" (学时), "duration_hours", "minutes", "yuan", "points", "percent", "time", "flag",
    #: "text" (a sentence the hospital words itself)
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
    Rule(
        "dues.monthly_cap",
        "每月党费上限（元）",
        "yuan",
        1000,
        "本地做法：每名党员月交纳党费一般不超过1000元，超出部分为自愿多交",
        local=True,
    ),
    Rule(
        "dues.round_up_to_jiao",
        "党费向上取整到角",
        "flag",
        False,
        "规定未明确取整方式；默认四舍五入到分",
        local=True,
    ),
    Rule(
        "dues.base_max",
        "党费计算基数上限（元/月）",
        "yuan",
        200000,
        "本地做法：超过即视为录入错误",
        local=True,
    ),
    Rule(
        "task.remind_days_before",
        "督办任务截止前提醒天数（天）",
        "count",
        3,
        "本地做法：截止日前几天提醒办理人（各地督办制度自定）",
        local=True,
        unit="天",
    ),
    Rule(
        "task.review_days",
        "任务提交后待审核提醒天数（天）",
        "count",
        3,
        "本地做法：提交后超过几天未审核即提醒发出任务的一方",
        local=True,
        unit="天",
    ),
    Rule(
        "task.monthly_report_day",
        "组织生活月报报送日（每月几日前）",
        "count",
        5,
        "本地做法：上月组织生活情况于本月几日前报送（各地党委自定）",
        local=True,
        unit="日",
    ),
    Rule(
        "notice.public_days",
        "党务公开默认公示天数（天）",
        "count",
        7,
        "本地做法：党费收缴等公示在院内公开页面展示的天数（党务公开条例未规定具体天数）",
        local=True,
        unit="天",
    ),
    Rule(
        "dues.remit_every_months",
        "党费上缴周期（月数）",
        "count",
        6,
        "本地做法：各支部按期向党委上缴（如每半年一次），党委再按上级规定上缴",
        local=True,
        unit="个月",
    ),
    Rule(
        "dues.makeup_max_months",
        "补交党费最多（月数）",
        "count",
        6,
        f"{DUES_RULES}：补交一般不超过6个月",
        unit="个月",
    ),
    Rule(
        "dues.base_components",
        "党费计算基数的构成",
        "text",
        "岗位工资、薪级工资、绩效工资、津贴补贴（税后）",
        f"{DUES_RULES}第一条（事业单位）；绩效是否计入、五险一金是否扣除各地不一，以本院决定为准",
        local=True,
    ),
    Rule(
        "transfer.letter_valid_days",
        "组织关系介绍信有效期（天）",
        "count",
        90,
        "来源不一（参考资料 §B6）：“一般不超过3个月，跨省不超过6个月”；“市内10天，市外30天，最长3个月”。"
        "本院默认3个月，可按上级组织部门规定调整",
        local=True,
        unit="天",
    ),
    Rule(
        "archive.political_birthday_text",
        "政治生日卡片寄语",
        "text",
        "不忘入党初心，牢记党员身份。支部祝您政治生日快乐！",
        "本地做法：每名党员入党纪念日收到所在支部的一张卡片，仅本人可见，支部书记可关闭",
        local=True,
    ),
)
RULES = {rule.key: rule for rule in CATALOGUE}
