"""assessment models, split by sub-domain: org (tree, people, roles, audit), periods,
tasks (key tasks), work (goals, work logs, attachments)."""

from .org import (
    REGION_ROLES,
    SECTION_ROLES,
    SEPARATED_ADMIN_ROLES,
    UNIT_ROLES,
    AuditEvent,
    CityPlatform,
    Lockout,
    LoginFailure,
    Membership,
    PasswordHistory,
    Person,
    Region,
    Role,
    Section,
    Unit,
    UnitCategory,
    User,
)
from .periods import AssessmentYear, Quarter
from .quarterly import Opinion, QuarterGrade, QuarterlyAssessment
from .roster import RosterImport
from .tasks import KeyTask, KeyTaskProgress, SupervisionNote
from .work import Attachment, Goal, GoalPlan, IndicatorCategory, WorkLog, private_storage

__all__ = [
    "REGION_ROLES",
    "SECTION_ROLES",
    "SEPARATED_ADMIN_ROLES",
    "UNIT_ROLES",
    "AssessmentYear",
    "Opinion",
    "QuarterGrade",
    "QuarterlyAssessment",
    "Attachment",
    "AuditEvent",
    "CityPlatform",
    "Goal",
    "GoalPlan",
    "IndicatorCategory",
    "KeyTask",
    "KeyTaskProgress",
    "Lockout",
    "LoginFailure",
    "Membership",
    "PasswordHistory",
    "Person",
    "Quarter",
    "Region",
    "Role",
    "RosterImport",
    "Section",
    "SupervisionNote",
    "Unit",
    "UnitCategory",
    "User",
    "WorkLog",
    "private_storage",
]
