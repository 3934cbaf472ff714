"""Onboarding actions: import a roster, open accounts, reset a password.

One-time passwords (initial and reset) are random, shown once to the admin who made them and
never stored readable: only their hash is kept, with `password_changed_at` empty, so the
password-expiry middleware sends the person to change it at the first login.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import (
    bulk_create_with_history,
    bulk_update_with_history,
    update_change_reason,
)

from ..audit import audit
from ..models import (
    AuditEvent,
    Lockout,
    Membership,
    Person,
    Region,
    Role,
    RosterImport,
    Section,
    Unit,
    User,
)
from ..services import _end_membership, _is_district_admin, person_deactivate
from ..tables import read_table
from ..tenancy import scope_for
from .importer import PERSON_FIELDS, Context, check_roster

ONE_TIME_HASHER = "pbkdf2_onetime"


# -- roster ----------------------------------------------------------------------------------


def _require_roster_manager(by, region: Region, unit: Unit | None) -> None:
    scope = scope_for(by)
    if region.pk in scope.regions_with(Role.DISTRICT_ADMIN):
        return
    if unit is not None and unit.pk in scope.units_with(Role.UNIT_ADMIN):
        return
    raise PermissionDenied(_("您无权导入该范围的人员名册。"))


def _scope_people(region: Region, unit: Unit | None):
    people = Person.objects.filter(region=region)
    return people.filter(unit=unit) if unit else people


def roster_preview(
    *, region: Region, unit: Unit | None, name: str, data: bytes, by, create_sections: bool
) -> RosterImport:
    """Read and check a roster file; keep the checked rows, the row errors and the active
    people the file does not list (for the optional deactivation) for the preview."""
    _require_roster_manager(by, region, unit)
    table = read_table(name, data)
    checked = check_table(region=region, unit=unit, table=table, create_sections=create_sections)
    listed = {r["staff_no"].lower() for r in checked.rows}
    missing = [
        [pk, no, person_name]
        for pk, no, person_name in _scope_people(region, unit)
        .filter(is_active=True)
        .values_list("pk", "staff_no", "name")
        if no.lower() not in listed
    ]
    batch = RosterImport(
        region=region,
        unit=unit,
        file_name=name[:200],
        uploaded_by=by,
        rows=checked.rows,
        errors=checked.errors,
        missing=missing if not checked.error_count else [],
    )
    batch.save()
    update_change_reason(batch, _("上传预览"))
    return batch


@dataclass
class Applied:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    sections: int = 0


@transaction.atomic
def roster_apply(*, batch: RosterImport, by, reason: str, deactivate_missing: bool) -> Applied:
    """Apply a previewed roster: every row or none. A second import of the same file changes
    nothing; people missing from the file are deactivated only when asked (explicitly)."""
    batch = (
        RosterImport.objects.select_for_update(of=("self",))
        .select_related("region", "unit")
        .get(pk=batch.pk)
    )
    if batch.uploaded_by_id != by.pk:
        raise PermissionDenied
    _require_roster_manager(by, batch.region, batch.unit)
    if batch.status != RosterImport.Status.PREVIEW:
        raise ValidationError(_("该名册已导入，不能重复导入。"))
    if batch.errors:
        raise ValidationError(_("名册有错误，未导入任何人员。请修改后重新上传。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写导入原因（记入每个人员的修改记录）。")})
    history_reason = _("名册导入：%(reason)s") % {"reason": reason}
    result = apply_rows(
        region=batch.region, unit=batch.unit, rows=batch.rows, by=by, history_reason=history_reason
    )
    if deactivate_missing:
        result.deactivated = _deactivate_missing(batch, by)
    batch.status, batch.applied_at, batch.reason = (
        RosterImport.Status.APPLIED,
        timezone.now(),
        reason,
    )
    batch.counts = result.__dict__
    batch.save()
    update_change_reason(batch, _("确认导入"))
    return result


def check_table(*, region: Region, unit: Unit | None, table, create_sections: bool):
    """Check a roster table (a file's rows, or an API payload laid out as one)."""
    return check_roster(table, Context(region, unit), create_sections=create_sections)


def apply_rows(
    *, region: Region, unit: Unit | None, rows: list[dict], by, history_reason: str
) -> Applied:
    """Create and update the people of checked rows (the caller holds the transaction). by is
    None for an API client: history rows then carry the client in their reason."""
    unit_id = unit.pk if unit else None
    result = Applied(unchanged=sum(1 for r in rows if r["action"] == "unchanged"))
    section_ids = _create_sections(region, rows, by, result)
    stored = {
        p.staff_no.lower(): p
        for p in _scope_people(region, None)
        .filter(staff_no__in=[r["staff_no"] for r in rows])
        .select_for_update()
    }
    to_create, to_update, moved = [], [], []
    for row in rows:
        values = _values(row, section_ids)
        person = stored.get(row["staff_no"].lower())
        if row["action"] == "create":
            if person is not None:
                raise ValidationError(
                    _("预览后名册人员有变化（工号 %(no)s 已存在），请重新上传。")
                    % {"no": row["staff_no"]}
                )
            to_create.append(Person(region=region, staff_no=row["staff_no"], **values))
        elif row["action"] == "update":
            if person is None or (unit_id and person.unit_id != unit_id):
                raise ValidationError(_("预览后名册人员有变化，请重新上传。"))
            if "unit_id" in values and values["unit_id"] != person.unit_id and person.user_id:
                moved.append((person.user_id, person.unit_id))
            for key, value in values.items():
                setattr(person, key, value)
            person.is_active = True
            to_update.append(person)
    if to_create:
        bulk_create_with_history(
            to_create,
            Person,
            batch_size=1000,
            default_user=by,
            default_change_reason=history_reason,
        )
    if to_update:
        fields = sorted(
            {k for row in rows if row["action"] == "update" for k in row["changed"]} | {"is_active"}
        )
        bulk_update_with_history(
            to_update,
            Person,
            fields,
            batch_size=1000,
            default_user=by,
            default_change_reason=history_reason,
        )
    _end_posts_in_old_units(moved, by)
    result.created, result.updated = len(to_create), len(to_update)
    return result


def _create_sections(
    region: Region, rows: list[dict], by, result: Applied
) -> dict[tuple[int, str], int]:
    """The sections the file names that its unit does not have yet (asked for at upload)."""
    wanted = {(r["fields"]["unit_id"], r["new_section"]) for r in rows if "new_section" in r}
    if not wanted:
        return {}
    units = {unit_id for unit_id, _name in wanted}
    existing = {
        (unit_id, name): pk
        for pk, unit_id, name in Section.objects.filter(unit_id__in=units).values_list(
            "pk", "unit_id", "name"
        )
    }
    new = [
        Section(region_id=region.pk, unit_id=unit_id, name=name)
        for unit_id, name in sorted(wanted - existing.keys())
    ]
    bulk_create_with_history(
        new, Section, default_user=by, default_change_reason=_("名册导入新建组室")
    )
    result.sections = len(new)
    existing.update({(s.unit_id, s.name): s.pk for s in new})
    return existing


def _values(row: dict, section_ids: dict) -> dict:
    values = {}
    for key, value in row["fields"].items():
        if key not in PERSON_FIELDS:
            continue
        if key in ("birth_date", "in_post_since"):
            value = date.fromisoformat(value) if value else None
        values[key] = value
    if "new_section" in row:
        values["section_id"] = section_ids[(row["fields"]["unit_id"], row["new_section"])]
    return values


def _end_posts_in_old_units(moved: list[tuple[int, int]], by) -> None:
    """A transfer ends the posts held in the old unit, as a transfer on the person page does."""
    if not moved:
        return
    q = Q()
    for user_id, unit_id in moved:
        q |= Q(user_id=user_id, unit_id=unit_id)
    for membership in Membership.objects.current().filter(q).select_for_update():
        _end_membership(membership, by)


def _deactivate_missing(batch: RosterImport, by) -> int:
    ids = [pk for pk, _no, _name in batch.missing]
    people = _scope_people(batch.region, batch.unit).filter(pk__in=ids, is_active=True)
    count = 0
    for person in people.select_related("unit"):
        person_deactivate(person=person, by=by)
        count += 1
    return count


# -- accounts --------------------------------------------------------------------------------

ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0OoIl1")


def one_time_password(length: int = 12) -> str:
    """Random, unambiguous when read off paper, with upper, lower and digits (the policy's
    three classes): about 70 bits."""
    while True:
        pw = "".join(secrets.choice(ALPHABET) for _ in range(length))
        if (
            any(c.isupper() for c in pw)
            and any(c.islower() for c in pw)
            and any(c.isdigit() for c in pw)
        ):
            return pw


class UsernameRule:
    STAFF_NO = "staff_no"
    REGION_STAFF_NO = "region_staff_no"
    CHOICES = [
        (STAFF_NO, "工号（如 a00012）"),
        (REGION_STAFF_NO, "区代码-工号（如 demo-a00012，同一城市多个区工号可能重复时使用）"),
    ]

    @staticmethod
    def username(rule: str, person: Person, region: Region) -> str:
        no = person.staff_no.lower()
        return f"{region.code.lower()}-{no}" if rule == UsernameRule.REGION_STAFF_NO else no


@dataclass
class Slip:
    """What a person is handed: shown once, never stored."""

    person: Person
    username: str
    password: str = ""
    skipped: str = ""


def _may_manage(by, person: Person) -> bool:
    scope = scope_for(by)
    return person.unit_id in scope.units_with(Role.UNIT_ADMIN) or person.region_id in (
        scope.regions_with(Role.DISTRICT_ADMIN)
    )


@transaction.atomic
def accounts_create(*, people, by, rule: str) -> list[Slip]:
    """Open a login for each active person without one. People who left stay without one;
    a username already taken is reported, not reused."""
    people = list(people.select_related("region", "unit").select_for_update(of=("self",)))
    if any(not _may_manage(by, p) for p in people):
        raise PermissionDenied(_("名单中有您无权管理的人员。"))
    candidates = [p for p in people if p.is_active and p.user_id is None]
    names = {p.pk: UsernameRule.username(rule, p, p.region) for p in candidates}
    taken = set(User.objects.filter(username__in=names.values()).values_list("username", flat=True))
    slips, users = [], []
    for person in candidates:
        slip = Slip(person, names[person.pk])
        if slip.username in taken:
            slip.skipped = _("用户名 %(u)s 已被其他账号使用") % {"u": slip.username}
        else:
            slip.password = one_time_password()
            users.append(
                User(
                    username=slip.username,
                    first_name=person.name[:150],
                    password=make_password(slip.password, hasher=ONE_TIME_HASHER),
                )
            )
            taken.add(slip.username)
        slips.append(slip)
    User.objects.bulk_create(users, batch_size=1000)
    ids = dict(
        User.objects.filter(username__in=[u.username for u in users]).values_list("username", "pk")
    )
    linked = []
    for slip in slips:
        if slip.password:
            slip.person.user_id = ids[slip.username]
            linked.append(slip.person)
    if linked:
        bulk_update_with_history(
            linked,
            Person,
            ["user"],
            batch_size=1000,
            default_user=by,
            default_change_reason=_("开通账号"),
        )
        regions = {p.region for p in linked}
        for region in regions:
            audit(
                AuditEvent.Kind.ACCOUNTS_CREATED,
                user=by,
                region=region,
                count=sum(1 for p in linked if p.region_id == region.pk),
                usernames=[
                    s.username for s in slips if s.password and s.person.region_id == region.pk
                ][:50],
            )
    return slips


def _may_reset(by, user: User) -> bool:
    """The security admin resets any account but the three admins'; a unit or district admin
    resets the people they manage, and only when the account holds no role they could not
    grant themselves (a unit admin never takes over a principal leader's or a region-wide
    account)."""
    if user.pk == by.pk:
        return False
    held = list(Membership.objects.current().filter(user=user).values_list("role", "unit_id"))
    if any(role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN) for role, _u in held):
        return False
    if scope_for(by).has(Role.SECURITY_ADMIN):
        return True
    person = getattr(user, "person", None)
    if person is None or not _may_manage(by, person):
        return False
    if _is_district_admin(by, person.region_id):
        return not any(role == Role.DISTRICT_ADMIN for role, _u in held)
    return not any(unit_id is None or role == Role.PRINCIPAL_LEADER for role, unit_id in held)


@transaction.atomic
def password_reset(*, user: User, by, request=None) -> str:
    """A new one-time password for an account: shown once, must be changed at the next login;
    the account's open sessions end (the session hash follows the password) and its lockout
    is lifted."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not _may_reset(by, user):
        raise PermissionDenied(_("您无权重置该账号的密码。"))
    if not user.is_active:
        raise ValidationError(_("该账号已停用（人员已离开），不能重置密码。"))
    password = one_time_password()
    user.password = make_password(password, hasher=ONE_TIME_HASHER)
    user.password_changed_at = None
    user.save(update_fields=["password", "password_changed_at"])
    Lockout.objects.filter(key=f"user:{user.username}").delete()
    person = getattr(user, "person", None)
    audit(
        AuditEvent.Kind.PASSWORD_RESET,
        request=request,
        user=by,
        region=person.region if person else None,
        target=user.username,
    )
    return password
