"""SQLAlchemy models, one aggregate per file. Importing this package registers them all."""

from models.api_token import ApiToken
from models.approval import (
    ApprovalDelegation,
    ApprovalEvent,
    ApprovalRequest,
    ApprovalSlot,
    ApprovalStatus,
    SlotStatus,
)
from models.archive import (
    ArchiveChange,
    ArchiveEntry,
    EntryKind,
    MemberParticipation,
    ParticipationDirection,
    ParticipationKind,
)
from models.assessment import AssessmentGrade, AssessmentItem, AssessmentScore
from models.attachment import Attachment, AttachmentOwner
from models.audit import AuditEvent
from models.ballot import Ballot, BallotQuestion, BallotSubmission, BallotVoter
from models.base import Base
from models.business import VANGUARD_KINDS, BusinessMeasure, DepartmentMeasure, Vanguard
from models.callback_receipt import CallbackReceipt
from models.campus import Campus, Venue
from models.committee import CommitteePost, CommitteeSeat
from models.data_pack import PACK_KINDS, DataPack
from models.department import Department
from models.dues import DuesAssessment, DuesPayment, DuesReliefMonth, DuesRemittance, DuesVoluntary
from models.learning import (
    Campaign,
    CampaignRecipient,
    Lesson,
    LessonKind,
    LessonStatus,
    PointEntry,
    QuestionKind,
    QuizAttempt,
    QuizQuestion,
    StudyRecord,
    TrainingAttendance,
    TrainingDay,
)
from models.local_account import LocalAccount
from models.mailbox import FaqEntry, MailboxCategory, MailboxMessage
from models.meeting import (
    Attendance,
    CheckInMethod,
    Invitation,
    InvitationVia,
    MakeupStudy,
    Meeting,
    MeetingCorrection,
    MeetingKind,
    MeetingSession,
    MeetingStatus,
    Response,
    VenueMode,
    meeting_obligation,
)
from models.member import DuesCategory, Member, MemberStatus
from models.notice import Notice, NoticeRecipient, Publication
from models.org import OrgKind, PartyOrg
from models.outbox import OutboundMessage, OutboundStatus
from models.person import Person
from models.recruitment import (
    CalendarDay,
    CalendarYear,
    DocumentTemplate,
    Recruit,
    RecruitNote,
    RecruitPlan,
    RecruitPublicity,
    RecruitRole,
    RecruitStage,
    RecruitStep,
    RecruitVote,
)
from models.reminder import Reminder, ReminderPause, ReminderPreference, ReminderPriority, ReminderStatus
from models.review import (
    AWARDS,
    FOLLOW_UPS,
    GRADES,
    MemberReview,
    Nomination,
    NominationStatus,
    ReviewEntry,
    ReviewStage,
)
from models.role import Role, RoleGrant
from models.roster import RosterImport, RosterShift, ShiftCode, ShiftKind
from models.rule import RuleOverride
from models.schedule import ScheduleEntry
from models.talk import Talk, TalkGap
from models.task import AssignmentStatus, DoneBy, Task, TaskAssignment, TaskEvent, TaskKind
from models.transfer import MemberTransfer, TransferKind
from models.web_session import WebSession

__all__ = [
    "PACK_KINDS",
    "DataPack",
    "AssessmentGrade",
    "AssessmentItem",
    "AssessmentScore",
    "VANGUARD_KINDS",
    "BusinessMeasure",
    "DepartmentMeasure",
    "Vanguard",
    "AWARDS",
    "Nomination",
    "NominationStatus",
    "FOLLOW_UPS",
    "GRADES",
    "MemberReview",
    "ReviewEntry",
    "ReviewStage",
    "Talk",
    "TalkGap",
    "Ballot",
    "BallotQuestion",
    "BallotSubmission",
    "BallotVoter",
    "CalendarDay",
    "CalendarYear",
    "DocumentTemplate",
    "Recruit",
    "RecruitNote",
    "RecruitPlan",
    "RecruitPublicity",
    "RecruitRole",
    "RecruitStage",
    "RecruitStep",
    "RecruitVote",
    "AssignmentStatus",
    "DoneBy",
    "Task",
    "TaskAssignment",
    "TaskEvent",
    "TaskKind",
    "ArchiveChange",
    "ArchiveEntry",
    "EntryKind",
    "MemberParticipation",
    "ParticipationDirection",
    "ParticipationKind",
    "Attachment",
    "AttachmentOwner",
    "Campaign",
    "CampaignRecipient",
    "DuesAssessment",
    "DuesPayment",
    "DuesReliefMonth",
    "DuesRemittance",
    "DuesVoluntary",
    "PointEntry",
    "QuestionKind",
    "QuizAttempt",
    "QuizQuestion",
    "TrainingAttendance",
    "TrainingDay",
    "Lesson",
    "LessonKind",
    "LessonStatus",
    "StudyRecord",
    "Reminder",
    "ReminderPause",
    "ReminderPreference",
    "ReminderPriority",
    "ReminderStatus",
    "RosterImport",
    "RosterShift",
    "ShiftCode",
    "ShiftKind",
    "ApprovalDelegation",
    "ApprovalEvent",
    "ApprovalRequest",
    "ApprovalSlot",
    "ApprovalStatus",
    "SlotStatus",
    "Attendance",
    "CheckInMethod",
    "Invitation",
    "InvitationVia",
    "MakeupStudy",
    "Meeting",
    "MeetingCorrection",
    "MeetingKind",
    "MeetingSession",
    "MeetingStatus",
    "Response",
    "VenueMode",
    "meeting_obligation",
    "ApiToken",
    "AuditEvent",
    "Base",
    "CallbackReceipt",
    "Campus",
    "CommitteePost",
    "CommitteeSeat",
    "Department",
    "DuesCategory",
    "LocalAccount",
    "FaqEntry",
    "MailboxCategory",
    "MailboxMessage",
    "Member",
    "MemberStatus",
    "MemberTransfer",
    "Notice",
    "NoticeRecipient",
    "Publication",
    "OrgKind",
    "OutboundMessage",
    "OutboundStatus",
    "PartyOrg",
    "Person",
    "Role",
    "RoleGrant",
    "RuleOverride",
    "ScheduleEntry",
    "TransferKind",
    "Venue",
    "WebSession",
]
