"""The rule catalogue's entries for votes on the ballot engine (issue 21): 民主评议党员's 优秀 cap,
self-grading and who takes part, a 不合格's deadline to put it right, 换届 elections' 差额 and
turnout, and what a 两优一先 nomination needs from the branch's vote."""

from __future__ import annotations

from handlers.rule_types import Rule

ELECTION_RULES = "《中国共产党基层组织选举工作条例》（2020）"

BALLOT_RULES: tuple[Rule, ...] = (
    Rule(
        "review.excellent_cap",
        "民主评议“优秀”等次上限（不超过参评党员的几分之一）",
        "count",
        3,
        "共产党员网民主评议党员指南：评为优秀的一般不超过参评党员的三分之一（预备党员参加评议、不评定等次）",
        unit="分之一",
    ),
    Rule(
        "review.self_grade",
        "民主评议互评可否为自己评定等次",
        "flag",
        False,
        "本地做法：个人自评写自评材料，互评不为自己评定等次（各地实施办法自定）",
        local=True,
    ),
    Rule(
        "review.probationary_vote",
        "预备党员可否参加民主评议互评投票",
        "flag",
        True,
        "条例：预备党员参加民主评议，但不评定等次；是否参加互评投票由各地实施办法规定",
        local=True,
    ),
    Rule(
        "review.rectify_months",
        "评为不合格、限期改正的期限（月数）",
        "count",
        6,
        "本地做法：不合格党员限期改正，期满经教育仍无转变的劝其退党（期限由各地实施办法规定）",
        local=True,
        unit="个月",
    ),
    Rule(
        "election.margin_percent",
        "差额选举候选人多于应选人数的比例（%）",
        "percent",
        20,
        f"{ELECTION_RULES}：实行差额选举，候选人数应多于应选人数的20%",
    ),
    Rule(
        "election.turnout_percent",
        "选举有效须投票人数超过有选举权人数的比例（%）",
        "percent",
        80,
        f"{ELECTION_RULES}：有选举权的到会人数超过应到会人数的五分之四，会议有效",
    ),
    Rule(
        "nomination.pass_percent",
        "两优一先推荐须同意票超过投票人数的比例（%）",
        "percent",
        50,
        "本地做法：支部推荐人选经党员投票，同意票超过投票人数的半数方可上报（各地评选办法自定）",
        local=True,
    ),
)
