"""Read queries for organisation pages, always scoped to the acting account."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from .models import AuditEvent, Membership, Person, Role, Section, Unit
from .tenancy import get_or_404, scope_for


def managed_units(user):
    """Units whose roster the account keeps: unit admin of the unit, district admin of the region."""
    scope = scope_for(user)
    return Unit.objects.filter(
        Q(pk__in=scope.units_with(Role.UNIT_ADMIN))
        | Q(region_id__in=scope.regions_with(Role.DISTRICT_ADMIN))
    )


def can_manage_unit(user, unit: Unit) -> bool:
    scope = scope_for(user)
    return unit.pk in scope.units_with(Role.UNIT_ADMIN) or unit.region_id in scope.regions_with(
        Role.DISTRICT_ADMIN
    )


def unit_for_manager(user, pk) -> Unit:
    return get_or_404(managed_units(user).select_related("region", "category"), pk=pk)


def person_for_manager(user, pk) -> Person:
    qs = Person.objects.filter(unit__in=managed_units(user)).select_related(
        "unit", "section", "user"
    )
    return get_or_404(qs, pk=pk)


def person_for_user(user, pk) -> Person:
    return get_or_404(
        Person.objects.visible_to(user).select_related("unit", "section", "region"), pk=pk
    )


def membership_for_manager(user, pk) -> Membership:
    """A role currently held in a unit the account manages (an ended one is history: revoking
    it again would move its end date)."""
    return get_or_404(
        Membership.objects.current()
        .filter(unit__in=managed_units(user))
        .select_related("user", "unit"),
        pk=pk,
    )


def unit_list(user):
    return (
        managed_units(user)
        .select_related("category")
        .annotate(
            active_people=Count("people", filter=Q(people__is_active=True), distinct=True),
            section_count=Count("sections", distinct=True),
        )
        .order_by("code")
    )


def unit_roster(unit: Unit, *, include_inactive: bool = False):
    people = Person.objects.filter(unit=unit).select_related("section", "user")
    if not include_inactive:
        people = people.filter(is_active=True)
    return people.order_by("section__name", "staff_no")


def unit_sections(unit: Unit):
    return Section.objects.filter(unit=unit).annotate(
        people_count=Count("people", filter=Q(people__is_active=True))
    )


def unit_memberships(unit: Unit):
    return (
        Membership.objects.current()
        .filter(unit=unit)
        .select_related("user__person", "section")
        .order_by("role", "section__name")
    )


def audit_events(user):
    """Audit log for the audit admin (全平台 when the role has no region)."""
    scope = scope_for(user)
    if not scope.has(Role.AUDIT_ADMIN):
        return AuditEvent.objects.none()
    return AuditEvent.objects.select_related("user", "region")


def audit_events_filtered(user, filters: dict):
    """The audit log narrowed by AuditFilterForm's cleaned data (dates in the region's time
    zone, whole days; account and address by prefix; the search over account, address and the
    detail text)."""
    events = audit_events(user)
    if filters.get("start"):
        events = events.filter(at__gte=_day_start(filters["start"]))
    if filters.get("end"):
        events = events.filter(at__lt=_day_start(filters["end"] + timedelta(days=1)))
    if filters.get("kind"):
        events = events.filter(kind=filters["kind"])
    if filters.get("username"):
        events = events.filter(username__istartswith=filters["username"])
    if filters.get("ip"):
        events = events.filter(ip__startswith=filters["ip"])
    if query := filters.get("q"):
        # detail is JSON text with non-ASCII escaped: search its ASCII form as well
        escaped = json.dumps(query)[1:-1]
        events = events.filter(
            Q(username__icontains=query)
            | Q(ip__contains=query)
            | Q(detail__icontains=query)
            | Q(detail__icontains=escaped)
        )
    return events.order_by("-at", "-pk")


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


PERSON_SEARCH_LIMIT = 20


def person_search(people, query: str) -> list[Person]:
    """Up to PERSON_SEARCH_LIMIT people of an already-scoped queryset whose name contains the
    query or whose staff number starts with it, in one query."""
    query = query.replace("\x00", "").strip()
    if not query:
        return []
    matches = people.filter(Q(name__contains=query) | Q(staff_no__istartswith=query))
    return list(matches.select_related("unit").order_by("name", "staff_no")[:PERSON_SEARCH_LIMIT])
