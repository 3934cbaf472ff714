"""What an account may reach: resolved once per request from its roles and its person."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.http import Http404
from django.utils import timezone


@dataclass(frozen=True)
class Grant:
    role: str
    region_id: int | None
    unit_id: int | None
    section_id: int | None


@dataclass
class Scope:
    """The nodes an account reaches. Person data is readable in region_ids (whole region),
    unit_ids and section_ids; member_region_ids are the regions the account belongs to at all."""

    grants: list[Grant] = field(default_factory=list)
    person_id: int | None = None
    person_region_id: int | None = None
    person_unit_id: int | None = None
    region_ids: set[int] = field(default_factory=set)
    unit_ids: set[int] = field(default_factory=set)
    section_ids: set[int] = field(default_factory=set)
    member_region_ids: set[int] = field(default_factory=set)

    def roles(self) -> set[str]:
        return {g.role for g in self.grants}

    def has(self, *roles: str) -> bool:
        return any(g.role in roles for g in self.grants)

    def regions_with(self, *roles: str) -> set[int]:
        return {g.region_id for g in self.grants if g.role in roles and g.region_id}

    def units_with(self, *roles: str) -> set[int]:
        return {g.unit_id for g in self.grants if g.role in roles and g.unit_id}

    def sections_with(self, *roles: str) -> set[int]:
        return {g.section_id for g in self.grants if g.role in roles and g.section_id}


EMPTY_SCOPE = Scope()


def scope_for(user) -> Scope:
    """The account's scope, computed with two queries and cached on the user object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return EMPTY_SCOPE
    cached = getattr(user, "_scope_cache", None)
    if cached is not None:
        return cached
    from .access import CONTENT_READ
    from .models import Membership, Person

    scope = Scope()
    try:
        p = user.person  # the reverse accessor caches it: templates' user.person costs nothing
    except Person.DoesNotExist:
        p = None
    if p is not None and p.is_active:
        scope.person_id, scope.person_region_id, scope.person_unit_id = p.id, p.region_id, p.unit_id
        scope.member_region_ids.add(p.region_id)
    today = timezone.localdate()
    rows = Membership.objects.current(today).filter(user=user)
    for m in rows.values_list("role", "region_id", "unit_id", "section_id"):
        grant = Grant(*m)
        scope.grants.append(grant)
        if grant.region_id:
            scope.member_region_ids.add(grant.region_id)
        node = CONTENT_READ.get(grant.role)
        if node == "node":  # HR: for the whole region, or for one unit
            node = "unit" if grant.unit_id else "region"
        if node == "region":
            scope.region_ids.add(grant.region_id)
        elif node == "unit":
            scope.unit_ids.add(grant.unit_id)
        elif node == "section":
            scope.section_ids.add(grant.section_id)
    user._scope_cache = scope
    return scope


class RegionScopedQuerySet(models.QuerySet):
    """Tenant-owned rows: visible to accounts that belong to the row's region."""

    def visible_to(self, user):
        return self.filter(region_id__in=scope_for(user).member_region_ids)

    def for_region(self, region):
        return self.filter(region=region)


def get_or_404(queryset, **lookup):
    """Load one row from an already-scoped queryset, or 404 (never 403: that confirms it exists)."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
