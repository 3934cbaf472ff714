"""Who reaches whom in the improvement loop, and the access helpers (404 for everything else)."""

from __future__ import annotations

from django.db.models import Q

from assessment.models import Person, Role
from assessment.tenancy import get_or_404, scope_for

from .models import DeficiencyReminder, MentoringCase

REVIEWER_ROLES = (Role.SECTION_CHIEF, Role.LEADER_IN_CHARGE, Role.PRINCIPAL_LEADER)


def reminder_targets(user):
    """People a reviewer may issue a 不足提醒 to: the sections they chief or lead, the units they
    lead as principal — never themselves."""
    scope = scope_for(user)
    sections = scope.sections_with(Role.SECTION_CHIEF, Role.LEADER_IN_CHARGE)
    units = scope.units_with(Role.PRINCIPAL_LEADER)
    if not sections and not units:
        return Person.objects.none()
    return (
        Person.objects.filter(Q(section_id__in=sections) | Q(unit_id__in=units), is_active=True)
        .exclude(pk=scope.person_id)
        .exclude(user_id=user.pk)
    )


def may_issue(user) -> bool:
    return scope_for(user).has(*REVIEWER_ROLES)


def deficiencies_visible_to(user):
    """The person's own, those they issued, and those of people they may read."""
    scope = scope_for(user)
    q = Q(issued_by=user) | Q(person_id__in=Person.objects.visible_to(user).values("pk"))
    if scope.person_id:
        q |= Q(person_id=scope.person_id)
    return DeficiencyReminder.objects.filter(q)


def deficiency_for_user(user, pk) -> DeficiencyReminder:
    return get_or_404(
        deficiencies_visible_to(user).select_related(
            "person", "category", "unit", "quarter__year", "issued_by__person"
        ),
        pk=pk,
    )


def may_review_deficiency(user, reminder: DeficiencyReminder) -> bool:
    """The issuer, or another reviewer who reaches the person (a chief who left is replaced)."""
    return reminder.issued_by_id == user.pk or (
        reminder.person.user_id != user.pk
        and reminder_targets(user).filter(pk=reminder.person_id).exists()
    )


def cases_visible_to(user):
    """Mentee's own case, the mentor's cases, and cases of people the account may read
    (unit admin, principal, chain, district roles)."""
    scope = scope_for(user)
    q = Q(person_id__in=Person.objects.visible_to(user).values("pk"))
    if scope.person_id:
        q |= Q(mentor_id=scope.person_id) | Q(person_id=scope.person_id)
    return MentoringCase.objects.filter(q)


def case_for_user(user, pk) -> MentoringCase:
    return get_or_404(
        cases_visible_to(user).select_related(
            "person", "mentor", "unit", "assessment__quarter__year"
        ),
        pk=pk,
    )


def may_manage_case(user, case: MentoringCase) -> bool:
    scope = scope_for(user)
    return case.unit_id in scope.units_with(
        Role.UNIT_ADMIN
    ) or case.region_id in scope.regions_with(Role.DISTRICT_ADMIN)


def is_mentor(user, case: MentoringCase) -> bool:
    person_id = scope_for(user).person_id
    return bool(person_id) and case.mentor_id == person_id
