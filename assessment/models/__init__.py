"""assessment models, split by sub-domain: org (tree, people, roles, audit), periods."""

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

__all__ = [
    "REGION_ROLES",
    "SECTION_ROLES",
    "SEPARATED_ADMIN_ROLES",
    "UNIT_ROLES",
    "AssessmentYear",
    "AuditEvent",
    "CityPlatform",
    "Lockout",
    "LoginFailure",
    "Membership",
    "PasswordHistory",
    "Person",
    "Quarter",
    "Region",
    "Role",
    "Section",
    "Unit",
    "UnitCategory",
    "User",
]
