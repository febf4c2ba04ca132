"""The rules of 发展党员 (reference/domain-notes.md §B5): the national ones from the 细则 and the
党章, and the local practice hospitals follow, each with its source and a hospital override."""

from __future__ import annotations

from handlers.rule_types import Rule

RULES_2014 = "《中国共产党发展党员工作细则》（2014）"

RECRUITMENT_RULES: tuple[Rule, ...] = (
    Rule(
        "recruit.min_age",
        "申请入党的最低年龄（周岁）",
        "count",
        18,
        f"{RULES_2014}第五条：年满十八岁",
        unit="岁",
    ),
    Rule(
        "recruit.talk_within_days",
        "收到入党申请后谈话的期限（天）",
        "count",
        30,
        f"{RULES_2014}第七条：党组织应当在一个月内派人同入党申请人谈话",
        unit="天",
    ),
    Rule(
        "recruit.activist_after_months",
        "递交申请书后可确定为积极分子的最短时间（月数）",
        "count",
        6,
        "本地做法：递交入党申请书6个月以上方可确定为入党积极分子（细则未规定）",
        local=True,
        unit="个月",
    ),
    Rule(
        "recruit.training_days",
        "积极分子培养考察的最短时间（天）",
        "count",
        365,
        f"{RULES_2014}第十三条：经过一年以上培养教育和考察；自上级党委备案之日起计算",
        unit="天",
    ),
    Rule(
        "recruit.review_months",
        "培养联系人考察的间隔（月数）",
        "count",
        6,
        f"{RULES_2014}第十一条：党支部每半年对入党积极分子进行一次考察",
        unit="个月",
    ),
    Rule(
        "recruit.report_months",
        "思想汇报的间隔（月数）",
        "count",
        3,
        "本地做法：入党积极分子、发展对象和预备党员每季度递交一次思想汇报",
        local=True,
        unit="个月",
    ),
    Rule(
        "recruit.political_review_valid_days",
        "政治审查结论的有效期（天）",
        "count",
        365,
        "本地做法：政审结论一年内有效（细则未规定，来源不一）",
        local=True,
        unit="天",
    ),
    Rule(
        "recruit.publicity_working_days",
        "公示的工作日天数（天）",
        "count",
        5,
        "本地做法：确定积极分子、发展对象、接收预备党员和转正前公示不少于5个工作日（细则未规定）",
        local=True,
        unit="天",
    ),
    Rule(
        "recruit.approval_days",
        "上级党委审批接收预备党员的期限（天）",
        "count",
        90,
        f"{RULES_2014}第二十四条：上级党委应当在三个月内审批；提前30天提醒",
        unit="天",
    ),
    Rule(
        "recruit.approval_max_days",
        "审批期限特殊情况最长（天）",
        "count",
        180,
        f"{RULES_2014}第二十四条：因特殊情况可适当延长审批时间，但不得超过六个月",
        unit="天",
    ),
    Rule(
        "recruit.probation_days",
        "预备期（天）",
        "count",
        365,
        "《中国共产党章程》第七条：预备期为一年，自支部大会通过为预备党员之日算起",
        unit="天",
    ),
)
