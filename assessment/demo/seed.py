"""Build a realistic demo: a city platform, a main district of ~40 units and further regions.

Fast enough for a 15,000-person city: rows go in with bulk inserts (history rows included) and
every account shares one precomputed password hash.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from importlib import import_module, util

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from ..models import (
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
from . import names

DEMO_PASSWORD = "Kaohe@2026"
MAIN_REGION = "demo"
PILOT_UNITS = 13


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    description: str


DEMO_LOGINS = (
    DemoLogin("district_admin", "区委组织部管理员", "全区单位、指标、报表"),
    DemoLogin("unit_admin", "单位考核管理员", "区财政局名册与组室"),
    DemoLogin("principal_leader", "主要领导", "区财政局局长，决定等次"),
    DemoLogin("leader_in_charge", "分管领导", "区财政局副局长，二级审核"),
    DemoLogin("section_chief", "股组长", "区财政局办公室股长，一级审核"),
    DemoLogin("staff", "公务员", "区财政局办公室科员，填报纪实"),
    DemoLogin("hr", "人事干部", "全区登记表导出"),
    DemoLogin("discipline", "纪检/信息报送员", "负面信息录入"),
    DemoLogin("auditor", "审计管理员", "审计日志"),
    DemoLogin("security_admin", "安全管理员", "账号锁定与安全设置"),
    DemoLogin("system_admin", "系统管理员", "系统设置（管理后台）"),
)
DEMO_UNIT = "区财政局"
# Each app that has demo content provides <app>.demo.seed_region(region, rng) -> None; it runs
# after the organisation is built, in this order (later apps may use earlier apps' rows).
DEMO_HOOKS = (
    "assessment.demo.keytasks",
    "assessment.demo.work",
    "indicators.demo",
    "reviews.demo",
    "reviews.ratings.demo",
    "rewards.demo",
    "archive.demo",
    "reviews.annual.demo",  # after rewards.demo: sanctions propose coded outcomes
    "reviews.improvement.demo",  # 不足提醒, 导师帮带, demo notifications
)


def run_demo_hooks(region, rng: random.Random) -> None:
    for module_name in DEMO_HOOKS:
        if util.find_spec(module_name) is not None:
            import_module(module_name).seed_region(region, rng)


class DemoBuilder:
    def __init__(self, *, seed: int) -> None:
        self.rng = random.Random(seed)
        self.password = make_password(DEMO_PASSWORD)
        self.now = timezone.now()
        self.staff_counter = 0

    # -- helpers -------------------------------------------------------------------------
    def name(self) -> str:
        given = "".join(self.rng.choice(names.GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
        return self.rng.choice(names.SURNAMES) + given

    def birth(self) -> date:
        return date(self.rng.randint(1966, 2001), self.rng.randint(1, 12), self.rng.randint(1, 28))

    def person(self, region, unit, section, *, position, kind=Person.Kind.CIVIL_SERVANT, name=None):
        self.staff_counter += 1
        staff_no = f"{region.code.upper()}{self.staff_counter:05d}"
        return Person(
            region=region,
            unit=unit,
            section=section,
            name=name or self.name(),
            staff_no=staff_no,
            kind=kind,
            gender=self.rng.choice("MMF"),
            birth_date=self.birth(),
            ethnicity=self.rng.choice(names.ETHNICITIES),
            political_status=self.rng.choice(names.POLITICAL),
            education=self.rng.choice(names.EDUCATION),
            position=position,
            in_post_since=date(self.rng.randint(2012, 2025), self.rng.randint(1, 12), 1),
            work_in_charge=self.rng.choice(names.WORK),
        )

    # -- build ---------------------------------------------------------------------------
    def region(self, platform, index: int, people: int):
        code = MAIN_REGION if index == 0 else f"demo{index + 1}"
        region = Region.objects.create(
            platform=platform, code=code, name="示范区" if index == 0 else f"第{index + 1}区"
        )
        categories = {
            c: UnitCategory.objects.create(region=region, code=c, name=n)
            for c, n in names.CATEGORIES
        }
        unit_count = max(4, min(len(names.UNITS), round(people / 33)))
        specs = list(names.UNITS[:unit_count])
        units = bulk_create_with_history(
            [
                Unit(
                    region=region,
                    category=categories[cat],
                    name=name,
                    code=f"u{i + 1:03d}",
                    is_pilot=i < PILOT_UNITS and index == 0,
                )
                for i, (name, cat) in enumerate(specs)
            ],
            Unit,
        )
        units = list(Unit.objects.filter(region=region).order_by("code"))
        sizes = self.unit_sizes(units, people)
        persons: list[Person] = []
        roles: list[
            tuple[int, str, Unit, Section | None]
        ] = []  # (person index, role, unit, section)
        for unit in units:
            self.fill_unit(region, unit, sizes[unit.pk], persons, roles)
        return region, units, persons, roles

    def unit_sizes(self, units, people: int) -> dict[int, int]:
        weights = {u.pk: self.rng.uniform(0.6, 1.6) for u in units}
        for u in units:
            if u.name in names.SECONDED_HEAVY:
                weights[u.pk] = sum(names.SECONDED_HEAVY[u.name]) / (people / len(units))
        total = sum(weights.values())
        sizes = {pk: max(6, int(people * w / total)) for pk, w in weights.items()}
        sizes[units[0].pk] += people - sum(sizes.values())  # land exactly on the requested size
        return sizes

    def fill_unit(self, region, unit, size, persons, roles) -> None:
        section_count = max(2, min(len(names.SECTIONS), size // 8))
        sections = [
            Section(region=region, unit=unit, name=n) for n in names.SECTIONS[:section_count]
        ]
        sections = bulk_create_with_history(sections, Section)
        sections = list(Section.objects.filter(unit=unit).order_by("pk"))
        head = "局长" if unit.name.endswith("局") else "主任"
        leaders = max(1, min(3, section_count // 2))
        seconded_cs, seconded = names.SECONDED_HEAVY.get(unit.name, (size, 0))
        roles.append((len(persons), Role.PRINCIPAL_LEADER, unit, None))
        persons.append(self.person(region, unit, None, position=head))
        for i in range(leaders):
            for section in sections[i::leaders]:
                roles.append((len(persons), Role.LEADER_IN_CHARGE, unit, section))
            persons.append(self.person(region, unit, None, position=f"副{head}"))
        for section in sections:
            roles.append((len(persons), Role.SECTION_CHIEF, unit, section))
            persons.append(self.person(region, unit, section, position="股长"))
        remaining = size - 1 - leaders - len(sections)
        for i in range(max(0, remaining)):
            section = sections[i % len(sections)]
            if seconded and i >= max(0, seconded_cs - 1 - leaders - len(sections)):
                persons.append(
                    self.person(
                        region, unit, section, position="借用人员", kind=Person.Kind.SECONDED
                    )
                )
            elif self.rng.random() < 0.06:
                persons.append(
                    self.person(
                        region, unit, section, position="借用人员", kind=Person.Kind.SECONDED
                    )
                )
            else:
                persons.append(
                    self.person(region, unit, section, position=self.rng.choice(names.STAFF_RANKS))
                )
        # roster admin: a staff member of the office section keeps the unit's roster
        roles.append((len(persons) - 1, Role.UNIT_ADMIN, unit, None))

    def save_people(self, region, persons, roles) -> list[Person]:
        users = User.objects.bulk_create(
            [
                User(
                    username=p.staff_no.lower(),
                    password=self.password,
                    last_name=p.name,
                    password_changed_at=self.now,
                )
                for p in persons
            ],
            batch_size=2000,
        )
        for person, user in zip(persons, users, strict=True):
            person.user = user
        bulk_create_with_history(persons, Person, batch_size=2000)
        saved = list(Person.objects.filter(region=region).order_by("pk"))
        memberships = [
            Membership(
                user_id=saved[i].user_id,
                role=role,
                region=region,
                unit=unit,
                section=section,
                valid_from=date(2020, 1, 1),
            )
            for i, role, unit, section in roles
        ]
        bulk_create_with_history(memberships, Membership, batch_size=2000)
        return saved


def _rename(person: Person, username: str) -> None:
    User.objects.filter(pk=person.user_id).update(username=username)


@transaction.atomic
def seed_demo(*, people: int = 1300, regions: int = 2, other_people: int = 60, seed: int = 2026):
    """Build the demo city. Refuses (returns None) when any region already exists."""
    if Region.objects.exists():
        return None
    builder = DemoBuilder(seed=seed)
    platform = CityPlatform.objects.create(name="示范市平时考核平台", code="demo-city")
    main = None
    for index in range(regions):
        size = people if index == 0 else other_people
        region, units, persons, roles = builder.region(platform, index, size)
        saved = builder.save_people(region, persons, roles)
        if index == 0:
            main = (region, units, saved)
    _demo_logins(builder, *main)
    for region in Region.objects.order_by("pk"):
        run_demo_hooks(region, builder.rng)
    return main[0]


def _demo_logins(builder: DemoBuilder, region, units, people) -> None:
    """Give the README's demo usernames to people in one unit, so one walk-through works."""
    unit = (
        next(u for u in units if u.name == DEMO_UNIT)
        if any(u.name == DEMO_UNIT for u in units)
        else units[0]
    )
    current = Membership.objects.filter(unit=unit)
    principal = current.get(role=Role.PRINCIPAL_LEADER).user
    chief_m = current.filter(role=Role.SECTION_CHIEF).order_by("section_id").first()
    section = chief_m.section
    leader = current.get(role=Role.LEADER_IN_CHARGE, section=section).user
    staff = (
        Person.objects.filter(section=section, position__in=names.STAFF_RANKS)
        .order_by("pk")
        .first()
    )
    admin_person = current.get(role=Role.UNIT_ADMIN).user
    for user, username in (
        (principal, "principal_leader"),
        (leader, "leader_in_charge"),
        (chief_m.user, "section_chief"),
        (admin_person, "unit_admin"),
        (staff.user, "staff"),
    ):
        User.objects.filter(pk=user.pk).update(username=username)
    org_dept = next((u for u in units if u.name == "区委组织部"), units[-1])
    org_people = list(
        Person.objects.filter(unit=org_dept, section__isnull=False).order_by("-pk")[:3]
    )
    for person, username, role in zip(
        org_people,
        ("district_admin", "hr", "discipline"),
        (Role.DISTRICT_ADMIN, Role.HR, Role.DISCIPLINE),
        strict=False,
    ):
        _rename(person, username)
        Membership.objects.create(
            user_id=person.user_id, role=role, region=region, valid_from=date(2020, 1, 1)
        )
    for username, role in (
        ("auditor", Role.AUDIT_ADMIN),
        ("security_admin", Role.SECURITY_ADMIN),
        ("system_admin", Role.SYSTEM_ADMIN),
    ):
        user = User.objects.create(
            username=username, password=builder.password, password_changed_at=builder.now
        )
        Membership.objects.create(user=user, role=role, valid_from=date(2020, 1, 1))
