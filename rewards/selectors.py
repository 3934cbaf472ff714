"""Read queries for reward/punishment records, scoped to the acting account."""

from __future__ import annotations

from django.db.models import Q

from assessment.models import Person, Unit
from assessment.tenancy import get_or_404, scope_for

from .models import RewardRecord, manager_q, manager_reach


def can_manage_any(user) -> bool:
    return any(manager_reach(user, read=True))


def can_enter_any(user) -> bool:
    return any(manager_reach(user, read=False))


def records_for_user(user, *, unit_id=None, kind: str = ""):
    rows = RewardRecord.objects.managed_by(user).select_related("person", "unit")
    if unit_id:
        rows = rows.filter(unit_id=unit_id)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.order_by("-date", "-pk")


def record_units(user):
    """Units the account may filter the list by."""
    return Unit.objects.filter(_unit_q(user)).order_by("code")


def _unit_q(user) -> Q:
    regions, units = manager_reach(user, read=True)
    return Q(region_id__in=regions) | Q(pk__in=units)


def enterable_people(user):
    """People the account may enter a record for (HR: region or unit; unit admin: unit)."""
    return Person.objects.filter(manager_q(user, read=False), is_active=True).select_related("unit")


def record_for_user(user, pk) -> RewardRecord:
    """A record its managers or the person themself may open; 404 for anyone else."""
    scope = scope_for(user)
    q = manager_q(user, read=True)
    if scope.person_id:
        q |= Q(person_id=scope.person_id)
    return get_or_404(
        RewardRecord.objects.filter(q).select_related("person", "unit", "created_by__person"),
        pk=pk,
    )
