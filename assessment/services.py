"""State-changing operations on the organisation: people, sections, roles."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from .audit import audit
from .models import SEPARATED_ADMIN_ROLES, AuditEvent, Membership, Person, Role, Section, Unit
from .selectors import can_manage_unit
from .tenancy import scope_for


def _require_manager(user, unit: Unit) -> None:
    if not can_manage_unit(user, unit):
        raise PermissionDenied(_("您无权管理该单位。"))


def _save(obj, reason: str) -> None:
    obj.full_clean()
    obj.save()
    update_change_reason(obj, reason)


@transaction.atomic
def person_save(*, person: Person, by, reason: str) -> Person:
    """Create or update a person; the unit (old and new) must be one the actor manages."""
    old_unit = None
    if person.pk:
        old_unit = Person.objects.select_for_update().get(pk=person.pk).unit
        _require_manager(by, old_unit)
    _require_manager(by, person.unit)
    person.region_id = person.unit.region_id
    _save(person, reason)
    if old_unit is not None and old_unit != person.unit and person.user_id:
        # a transfer ends the posts held in the old unit (chief, leader, unit admin …)
        for membership in person.user.memberships.current().filter(unit=old_unit):
            role_revoke(membership=membership, by=by)
    return person


@transaction.atomic
def person_deactivate(*, person: Person, by) -> Person:
    """Someone who leaves the service: the person is kept (history, sheets) but every role they
    hold ends today and their account can no longer sign in (open sessions end on the next
    request). Region-wide roles (district admin, HR, discipline) are ended only by a district
    admin, so a unit admin cannot lock out the people who oversee them."""
    _require_manager(by, person.unit)
    person = Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=person.pk)
    user = person.user
    if user is not None and user.pk == by.pk:
        raise PermissionDenied(_("不能停用自己的账号。"))
    held = list(user.memberships.current().select_for_update()) if user else []
    if any(m.unit_id is None for m in held) and not _is_district_admin(by, person.region_id):
        raise PermissionDenied(_("该人员担任全区角色，只能由区管理员停用。"))
    person.is_active = False
    person.save()
    update_change_reason(person, _("停用"))
    for membership in held:
        _end_membership(membership, by)
    if user is not None and user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit(
            AuditEvent.Kind.ACCOUNT_DISABLED,
            user=by,
            region=person.region,
            target=user.username,
        )
    return person


@transaction.atomic
def section_create(*, unit: Unit, name: str, by) -> Section:
    _require_manager(by, unit)
    if Section.objects.filter(unit=unit, name=name).exists():
        raise ValidationError({"name": _("本单位已有名为“%(name)s”的组室。") % {"name": name}})
    section = Section(region_id=unit.region_id, unit=unit, name=name)
    _save(section, _("新建组室"))
    return section


@transaction.atomic
def role_grant(*, user, role: str, unit: Unit, section: Section | None, by) -> Membership:
    """Give an account a unit or section role. The three separated admin roles are granted
    only by the system itself (setup command), never here."""
    _require_manager(by, unit)
    if role in SEPARATED_ADMIN_ROLES:
        raise PermissionDenied(_("三员角色不能在此授予。"))
    if role == Role.PRINCIPAL_LEADER and not _is_district_admin(by, unit.region_id):
        # the principal leader decides every grade in the unit, the unit admin's included
        raise PermissionDenied(_("主要领导角色只能由区管理员授予。"))
    if user.pk == by.pk:  # an admin may not raise their own powers (e.g. to principal leader)
        raise ValidationError(_("不能给自己授予角色。"))
    if user.memberships.current().filter(role__in=SEPARATED_ADMIN_ROLES).exists():
        raise ValidationError(_("三员账号不能兼任其他角色。"))
    if section is not None and section.unit_id != unit.pk:
        raise ValidationError({"section": _("组室必须属于该单位。")})
    exists = (
        Membership.objects.current()
        .filter(user=user, role=role, unit=unit, section=section)
        .exists()
    )
    if exists:
        raise ValidationError(_("该账号已担任此角色。"))
    membership = Membership(
        user=user, role=role, region_id=unit.region_id, unit=unit, section=section
    )
    _save(membership, _("授予角色"))
    audit(
        AuditEvent.Kind.ROLE_GRANTED,
        user=by,
        region=unit.region,
        target=user.username,
        role=role,
        unit=unit.pk,
        section=getattr(section, "pk", None),
    )
    return membership


@transaction.atomic
def role_revoke(*, membership: Membership, by) -> Membership:
    if membership.unit is None:
        raise PermissionDenied(_("该角色不能在此撤销。"))
    _require_manager(by, membership.unit)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not Membership.objects.current().filter(pk=membership.pk).exists():
        raise ValidationError(_("该角色已不在任，无需撤销。"))
    return _end_membership(membership, by)


def _end_membership(membership: Membership, by) -> Membership:
    """End a (locked, current) membership today, with its history reason and audit row."""
    membership.valid_to = timezone.localdate()
    membership.save()
    update_change_reason(membership, _("撤销角色"))
    audit(
        AuditEvent.Kind.ROLE_REVOKED,
        user=by,
        region=membership.region,
        target=membership.user.username,
        role=membership.role,
        unit=membership.unit_id,
    )
    return membership


def _is_district_admin(user, region_id: int) -> bool:
    return region_id in scope_for(user).regions_with(Role.DISTRICT_ADMIN)


def separated_admin_grant(*, user, role: str) -> Membership:
    """Used by the setup command: one of the three admin roles, alone on its account."""
    if role not in SEPARATED_ADMIN_ROLES:
        raise ValidationError("not a separated admin role")
    if user.memberships.current().exists():
        raise ValidationError(_("三员账号不能兼任其他角色。"))
    membership = Membership.objects.create(user=user, role=role)
    audit(AuditEvent.Kind.ROLE_GRANTED, username=user.username, role=role)
    return membership


__all__ = [
    "person_save",
    "person_deactivate",
    "section_create",
    "role_grant",
    "role_revoke",
    "separated_admin_grant",
    "Role",
]
