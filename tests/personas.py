"""The fixed cast: every role in two regions (A and B), so wrong-role and other-tenant cases
are one attribute away in every test."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from assessment.models import (
    CityPlatform,
    Membership,
    Person,
    Region,
    Role,
    Section,
    Unit,
    UnitCategory,
    User,
)

PASSWORD = "Persona#2026"
REGION_ROLES = {
    "district_admin": Role.DISTRICT_ADMIN,
    "hr": Role.HR,
    "discipline": Role.DISCIPLINE,
}
UNIT_ROLES = {"unit_admin": Role.UNIT_ADMIN, "principal": Role.PRINCIPAL_LEADER}
SECTION_ROLES = {"leader": Role.LEADER_IN_CHARGE, "chief": Role.SECTION_CHIEF}
PERSON_NAMES = [
    "principal",
    "leader",
    "chief",
    "staff",
    "staff2",
    "unit_admin",
    "district_admin",
    "hr",
    "discipline",
    "other_staff",
]


@dataclass
class Cast:
    region: Region
    category: UnitCategory
    unit: Unit
    section: Section
    other_section: Section
    other_unit: Unit
    users: dict[str, User] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)

    def __getattr__(self, name: str):
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


def _user(username: str) -> User:
    user = User(username=username, password_changed_at=timezone.now())
    user.set_password(PASSWORD)
    user.save()
    return user


def _membership(user, role, region=None, unit=None, section=None) -> None:
    Membership.objects.create(
        user=user, role=role, region=region, unit=unit, section=section, valid_from=date(2020, 1, 1)
    )


def build_region(code: str, platform: CityPlatform) -> Cast:
    region = Region.objects.create(platform=platform, code=code, name=f"{code}区")
    category = UnitCategory.objects.create(region=region, code="general", name="综合管理")
    unit = Unit.objects.create(
        region=region, category=category, code=f"{code}-u1", name=f"{code}财政局"
    )
    other_unit = Unit.objects.create(
        region=region, category=category, code=f"{code}-u2", name=f"{code}教育局"
    )
    section = Section.objects.create(region=region, unit=unit, name="综合股")
    other_section = Section.objects.create(region=region, unit=unit, name="业务股")
    cast = Cast(region, category, unit, section, other_section, other_unit)
    for i, key in enumerate(PERSON_NAMES):
        user = _user(f"{code}_{key}")
        in_section = key in {"chief", "staff", "staff2", "unit_admin"}
        person_unit = (
            other_unit if key in {"district_admin", "hr", "discipline", "other_staff"} else unit
        )
        cast.users[key] = user
        cast.people[key] = Person.objects.create(
            region=region,
            unit=person_unit,
            user=user,
            name=f"{code}{key}",
            staff_no=f"{code}{i:03d}",
            gender="M",
            section=section if in_section else None,
            position="科员",
            birth_date=date(1990, 1, 1),
        )
    for key, role in REGION_ROLES.items():
        _membership(cast.users[key], role, region=region)
    for key, role in UNIT_ROLES.items():
        _membership(cast.users[key], role, region=region, unit=unit)
    for key, role in SECTION_ROLES.items():
        _membership(cast.users[key], role, region=region, unit=unit, section=section)
    return cast


@dataclass
class Personas:
    a: Cast
    b: Cast
    system_admin: User
    security_admin: User
    auditor: User


def build_personas() -> Personas:
    platform = CityPlatform.objects.create(name="测试市", code="test-city")
    a, b = build_region("a", platform), build_region("b", platform)
    admins = {}
    for key, role in (
        ("system_admin", Role.SYSTEM_ADMIN),
        ("security_admin", Role.SECURITY_ADMIN),
        ("auditor", Role.AUDIT_ADMIN),
    ):
        admins[key] = _user(key)
        _membership(admins[key], role)
    return Personas(a=a, b=b, **admins)


def persona_users(cast: Personas) -> list[User]:
    """Every account of the cast."""
    users = [*cast.a.users.values(), *cast.b.users.values()]
    return [*users, cast.system_admin, cast.security_admin, cast.auditor]


def clear_personas() -> None:
    """Delete the cast (inside a transaction the caller rolls back): for tests that need a
    database without it, such as the demo seed, which refuses to run once a region exists."""
    Person.objects.all().delete()
    User.objects.all().delete()
    Section.objects.all().delete()
    Unit.objects.all().delete()
    UnitCategory.objects.all().delete()
    Region.objects.all().delete()
    CityPlatform.objects.all().delete()
