"""Who may do what with a key task: pure predicates on the account's scope (no queries beyond
the two that resolve the scope). Visibility itself is KeyTask.objects.visible_to(user)."""

from __future__ import annotations

from django.db.models import Q

from ..models import KeyTask, Role
from ..tenancy import Scope, scope_for

Level = KeyTask.Level

# The roles that may see tasks at all are every role with a region, and every person.
SUPERVISOR_ROLES = (
    Role.DISTRICT_ADMIN,
    Role.PRINCIPAL_LEADER,
    Role.LEADER_IN_CHARGE,
    Role.UNIT_ADMIN,
)
UNIT_OWNER_ROLES = (Role.UNIT_ADMIN, Role.PRINCIPAL_LEADER)
SECTION_DECOMPOSER_ROLES = (Role.LEADER_IN_CHARGE, Role.SECTION_CHIEF)


def sees_tasks(user) -> bool:
    return bool(scope_for(user).member_region_ids)


def assigned_q(scope: Scope) -> Q:
    """The tasks an account answers for: its own person tasks; the section tasks of the
    sections it is chief of; the unit tasks of the units it administers or leads; the region
    tasks of the regions it is district admin of."""
    q = (
        Q(level=Level.SECTION, section_id__in=scope.sections_with(Role.SECTION_CHIEF))
        | Q(level=Level.UNIT, unit_id__in=scope.units_with(*UNIT_OWNER_ROLES))
        | Q(level=Level.REGION, region_id__in=scope.regions_with(Role.DISTRICT_ADMIN))
    )
    if scope.person_id:
        q |= Q(level=Level.PERSON, person_id=scope.person_id)
    return q


def is_assignee(user, task: KeyTask) -> bool:
    scope = scope_for(user)
    if task.level == Level.PERSON:
        return bool(scope.person_id) and task.person_id == scope.person_id
    if task.level == Level.SECTION:
        return task.section_id in scope.sections_with(Role.SECTION_CHIEF)
    if task.level == Level.UNIT:
        return task.unit_id in scope.units_with(*UNIT_OWNER_ROLES)
    return task.region_id in scope.regions_with(Role.DISTRICT_ADMIN)


def supervised_q(scope: Scope) -> Q:
    """The tasks an account may supervise (督办): the district admin every task of the region;
    the principal leader and unit admin every task of their unit below the region level; a
    leader in charge the tasks of the sections in their charge (their reach, see DESIGN.md)."""
    return (
        Q(region_id__in=scope.regions_with(Role.DISTRICT_ADMIN))
        | Q(unit_id__in=scope.units_with(*UNIT_OWNER_ROLES))
        | Q(section_id__in=scope.sections_with(Role.LEADER_IN_CHARGE))
    )


def can_supervise(user, task: KeyTask) -> bool:
    scope = scope_for(user)
    return (
        task.region_id in scope.regions_with(Role.DISTRICT_ADMIN)
        or (task.unit_id is not None and task.unit_id in scope.units_with(*UNIT_OWNER_ROLES))
        or (
            task.section_id is not None
            and task.section_id in scope.sections_with(Role.LEADER_IN_CHARGE)
        )
    )


def is_supervisor(user) -> bool:
    return scope_for(user).has(*SUPERVISOR_ROLES)


def can_decompose(user, task: KeyTask) -> bool:
    scope = scope_for(user)
    if task.status != KeyTask.Status.ACTIVE:
        return False
    if task.level == Level.REGION:
        return task.region_id in scope.regions_with(Role.DISTRICT_ADMIN)
    if task.level == Level.UNIT:
        return task.unit_id in scope.units_with(*UNIT_OWNER_ROLES)
    if task.level == Level.SECTION:
        return task.section_id in scope.sections_with(*SECTION_DECOMPOSER_ROLES)
    return False


def can_create(user) -> bool:
    scope = scope_for(user)
    return bool(scope.regions_with(Role.DISTRICT_ADMIN) or scope.units_with(*UNIT_OWNER_ROLES))
