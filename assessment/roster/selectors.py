"""Reads for the onboarding pages, scoped to the acting account."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from ..models import Person, Region, Role, RosterImport, Unit, User
from ..selectors import managed_units
from ..tenancy import get_or_404, scope_for


def onboarding_reach(user) -> tuple[Region, list[Unit], bool]:
    """The region an admin onboards, the units they may import into, and whether they may
    import the whole region (district admin). Anyone else: 403."""
    scope = scope_for(user)
    regions = scope.regions_with(Role.DISTRICT_ADMIN)
    if regions:
        region = Region.objects.get(pk=min(regions))
        return region, list(Unit.objects.filter(region=region).order_by("code")), True
    units = list(managed_units(user).select_related("region").order_by("code"))
    if not units:
        raise PermissionDenied
    return units[0].region, [u for u in units if u.region_id == units[0].region_id], False


def roster_import_for_user(user, pk) -> RosterImport:
    """An import is read back only by whoever uploaded it (the preview holds personal data)."""
    return get_or_404(
        RosterImport.objects.filter(uploaded_by=user).select_related("region", "unit"), pk=pk
    )


def roster_imports(user):
    return RosterImport.objects.filter(uploaded_by=user).select_related("unit")[:20]


def people_without_account(region: Region, unit: Unit | None):
    people = Person.objects.filter(region=region, is_active=True, user__isnull=True)
    return people.filter(unit=unit) if unit else people


def require_security_admin(user) -> None:
    if not scope_for(user).has(Role.SECURITY_ADMIN):
        raise PermissionDenied


def account_by_username(username: str) -> User | None:
    """The security admin's look-up (platform-wide: the role has no region)."""
    return User.objects.select_related("person__region").filter(username=username).first()
