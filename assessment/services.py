"""State-changing operations on the organisation: people, sections, roles."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from .audit import audit
from .models import (
    SEPARATED_ADMIN_ROLES,
    AuditEvent,
    Membership,
    Person,
    Role,
    Section,
    Unit,
    User,
)
from .selectors import can_manage_unit
from .tenancy import scope_for


def _require_manager(user, unit: Unit) -> None:
    if not can_manage_unit(user, unit):
        raise PermissionDenied(_("您无权管理该单位。"))


def may_change_role(by, *, role: str, region_id: int | None, unit_id: int | None) -> bool:
    """One rule for every role-changing path (grant, revoke, deactivate, edit, admin site):
    you may only change what you may grant. The separated admin roles only through the setup
    command; region-wide roles and the principal leader (who decides the unit admin's own
    grade) only by the region's district admin; other unit and section roles by whoever keeps
    the unit's roster."""
    if role in SEPARATED_ADMIN_ROLES or region_id is None:
        return False
    if _is_district_admin(by, region_id):
        return True
    if unit_id is None or role == Role.PRINCIPAL_LEADER:
        return False
    return unit_id in scope_for(by).units_with(Role.UNIT_ADMIN)


def _require_may_change(by, memberships, message: str) -> None:
    for m in memberships:
        if not may_change_role(by, role=m.role, region_id=m.region_id, unit_id=m.unit_id):
            raise PermissionDenied(message % {"role": m.get_role_display()})


def may_change_person(by, person: Person) -> bool:
    """Edit, transfer or deactivate a person: only when the actor may grant every role they hold."""
    if not person.user_id:
        return True
    held = Membership.objects.current().filter(user_id=person.user_id)
    return all(
        may_change_role(by, role=m.role, region_id=m.region_id, unit_id=m.unit_id) for m in held
    )


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
        if person.user_id:
            _require_may_change(
                by,
                Membership.objects.current().filter(user_id=person.user_id),
                _("该人员担任“%(role)s”，您无权授予该角色，因此也不能修改其信息。"),
            )
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
    _require_may_change(
        by, held, _("该人员担任“%(role)s”，您无权授予该角色，因此也不能停用其账号。")
    )
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
    if not may_change_role(by, role=role, region_id=unit.region_id, unit_id=unit.pk):
        # the principal leader decides every grade in the unit, the unit admin's included
        raise PermissionDenied(_("主要领导角色只能由区管理员授予。"))
    if user.pk == by.pk:  # an admin may not raise their own powers (e.g. to principal leader)
        raise ValidationError(_("不能给自己授予角色。"))
    if user.memberships.current().filter(role__in=SEPARATED_ADMIN_ROLES).exists():
        raise ValidationError(_("三员账号不能兼任其他角色。"))
    if section is not None and section.unit_id != unit.pk:
        raise ValidationError({"section": _("组室必须属于该单位。")})
    # Idempotent and race-safe: the account row is locked, so concurrent grants to one account
    # queue here and each sees the others' rows; the partial unique constraint
    # (membership_one_open_per_node) is the backstop for any other writer.
    User.objects.select_for_update().filter(pk=user.pk).first()
    held = (
        Membership.objects.current()
        .filter(user=user, role=role, unit=unit, section=section)
        .order_by("pk")
        .first()
    )
    if held is not None:
        held.already_held = True
        return held
    membership = Membership(
        user=user, role=role, region_id=unit.region_id, unit=unit, section=section
    )
    try:
        with transaction.atomic():
            _save(membership, _("授予角色"))
    except IntegrityError:
        held = Membership.objects.filter(
            user=user, role=role, unit=unit, section=section, valid_to__isnull=True
        ).get()
        held.already_held = True
        return held
    membership.already_held = False
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
    _require_may_change(by, [membership], _("您无权授予“%(role)s”角色，因此也不能撤销。"))
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
    "may_change_role",
    "may_change_person",
    "separated_admin_grant",
    "Role",
]
