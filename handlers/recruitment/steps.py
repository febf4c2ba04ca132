"""The 25 steps of 发展党员 (细则, reference/domain-notes.md §B5): which stage each belongs to, who
records it, which steps must be done before it, and which step moves the person on. A step is a
recorded fact with its date and evidence; the stage follows from the steps, never the reverse."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.errors import ValidationFailed
from models.recruitment import RecruitStage

S = RecruitStage


@dataclass(frozen=True)
class Step:
    number: int
    stage: RecruitStage
    label: str
    #: Who records it: "branch" (书记 or 组织委员), "office" (the 上级党委), "applicant".
    by: str
    #: Steps that must be done first.
    after: tuple[int, ...] = ()
    #: The stage the person is at once this step is done (None: it does not move them).
    moves_to: RecruitStage | None = None
    #: What to put down as its evidence (shown beside the field).
    evidence: str = ""


STEPS: tuple[Step, ...] = (
    Step(1, S.applicant, "递交入党申请书", "applicant"),
    Step(2, S.applicant, "党组织派人谈话", "branch", (1,), evidence="谈话人"),
    Step(3, S.applicant, "推荐和确定入党积极分子", "branch", (2,), S.activist, "支委会会议记录"),
    Step(4, S.activist, "上级党委备案", "office", (3,), evidence="备案文号"),
    Step(5, S.activist, "指定培养联系人", "branch", (3,), evidence="培养联系人"),
    Step(6, S.activist, "培养教育考察", "branch", (4, 5), evidence="考察登记表"),
    Step(7, S.activist, "确定发展对象", "branch", (6,), S.candidate, "支委会会议记录"),
    Step(8, S.candidate, "报上级党委备案", "office", (7,), evidence="备案文号"),
    Step(9, S.candidate, "确定入党介绍人", "branch", (7,), evidence="入党介绍人"),
    Step(10, S.candidate, "进行政治审查", "branch", (7,), evidence="政审结论"),
    Step(11, S.candidate, "开展集中培训", "office", (7,), evidence="培训班名称和学时"),
    Step(12, S.candidate, "支部委员会审查", "branch", (8, 9, 10, 11), evidence="支委会会议记录"),
    Step(13, S.candidate, "上级党委预审", "office", (12,), evidence="预审意见"),
    Step(14, S.candidate, "填写入党志愿书", "applicant", (13,), evidence="志愿书编号"),
    Step(15, S.candidate, "支部大会讨论", "branch", (14,), evidence="表决结果"),
    Step(16, S.candidate, "上级党委派人谈话", "office", (15,), evidence="谈话人"),
    Step(17, S.candidate, "上级党委审批", "office", (16,), S.probationary, "审批文号"),
    Step(18, S.probationary, "再上一级党委组织部门备案", "office", (17,), evidence="备案文号"),
    Step(19, S.probationary, "编入党支部和党小组", "branch", (17,), evidence="党小组"),
    Step(20, S.probationary, "入党宣誓", "branch", (17,), evidence="宣誓仪式"),
    Step(21, S.probationary, "继续教育考察", "branch", (19,), evidence="考察登记表"),
    Step(22, S.probationary, "提出转正申请", "applicant", (17,), evidence="转正申请书"),
    Step(23, S.probationary, "支部大会讨论", "branch", (20, 21, 22), evidence="表决结果"),
    Step(24, S.probationary, "上级党委审批", "office", (23,), S.full, "审批文号"),
    Step(25, S.full, "材料归档", "office", (24,), evidence="归档清单"),
)
BY_NUMBER = {step.number: step for step in STEPS}
#: 材料归档 (step 25): what goes into the 人事档案 after 转正, each confirmed before the step.
ARCHIVE_FILES = ("入党申请书", "入党志愿书", "政治审查材料", "培养考察材料", "转正申请书")

STAGE_LABELS = {
    S.applicant: "入党申请人",
    S.activist: "入党积极分子",
    S.candidate: "发展对象",
    S.probationary: "预备党员",
    S.full: "正式党员",
    S.not_admitted: "不予发展",
    S.cancelled: "取消预备资格",
    S.transferred: "已转出",
}
OPEN = (S.applicant, S.activist, S.candidate, S.probationary)

#: The steps a vote of the 支部党员大会 decides, and the question each puts.
VOTED = {15: "admit", 23: "full"}
#: The stages a 公示 precedes (the step it must run before).
PUBLICITY_BEFORE = {3: S.activist, 7: S.candidate, 15: S.probationary, 23: S.full}


def step(number: int) -> Step:
    try:
        return BY_NUMBER[int(number)]
    except (KeyError, ValueError):
        raise ValidationFailed("没有这个步骤。", field="step") from None
