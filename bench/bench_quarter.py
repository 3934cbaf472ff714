"""Quarterly review benchmark (issue 5), run by hand on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres bench_quarter
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_quarter \
        .venv/bin/python bench/bench_quarter.py [--regions 10] [--people 1500] [--requests 200]

1. Seeds a fresh database with a city of `regions × people` active people (25 units of 60 per
   region, sections of 10, a principal leader, leaders in charge and chiefs per unit) by bulk
   insert — seed_demo with every app's demo hook takes ~25 min for 15,000 people, and opening a
   quarter needs only the roster.
2. Times `open_quarter` (reviews.opening.quarter_open) for every region: the cold run that
   creates one record (and its history row) per person, then a second run that must create none.
3. Puts one 60-person unit's records at the principal leader's step (with level-1 trail and
   indicator-free scores) and requests the decide screen through Django's test Client
   repeatedly: p50/p95 latency and the query count.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# production settings (DEBUG off), as bench_pages.py serves the app
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-" + "k" * 60,
        "DJANGO_STATIC_ROOT": "/tmp/bench_quarter_static",
    }
)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")


def seed(regions: int, people: int) -> None:
    from django.db import transaction
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

    if Region.objects.exists():
        raise SystemExit("database not empty: use a fresh one (or --skip-seed)")
    now = timezone.now()
    with transaction.atomic():
        platform = CityPlatform.objects.create(name="bench", code="bench")
        users, persons, memberships = [], [], []
        for r in range(regions):
            region = Region.objects.create(platform=platform, code=f"r{r}", name=f"区{r}")
            cat = UnitCategory.objects.create(region=region, code="general", name="综合管理")
            units = Unit.objects.bulk_create(
                [
                    Unit(region=region, category=cat, code=f"u{u}", name=f"单位{r}-{u}")
                    for u in range(people // 60)
                ]
            )
            sections = Section.objects.bulk_create(
                [Section(region=region, unit=u, name=f"股{s}") for u in units for s in range(6)]
            )
            for i in range(people):
                unit = units[i // 60]
                section = sections[(i // 60) * 6 + (i % 60) // 10]
                users.append(User(username=f"r{r}p{i}", password="!", password_changed_at=now))
                persons.append(
                    Person(
                        region=region,
                        unit=unit,
                        section=section if i % 60 else None,
                        name=f"人{i}",
                        staff_no=f"{i:06}",
                        gender="M",
                        kind="seconded" if i % 60 > 55 else "civil_servant",
                    )
                )
        User.objects.bulk_create(users, batch_size=2000)
        by_name = dict(User.objects.values_list("username", "pk"))
        for p, u in zip(persons, users, strict=True):
            p.user_id = by_name[u.username]
        Person.objects.bulk_create(persons, batch_size=2000)
        for p in persons:
            i = int(p.staff_no)
            if i % 60 == 0:  # the unit's principal leader
                memberships.append(
                    Membership(
                        user_id=p.user_id,
                        role=Role.PRINCIPAL_LEADER,
                        region=p.region,
                        unit=p.unit,
                        valid_from=date(2020, 1, 1),
                    )
                )
            elif i % 10 == 1:  # chief of their section
                memberships.append(
                    Membership(
                        user_id=p.user_id,
                        role=Role.SECTION_CHIEF,
                        region=p.region,
                        unit=p.unit,
                        section=p.section,
                        valid_from=date(2020, 1, 1),
                    )
                )
        Membership.objects.bulk_create(memberships, batch_size=2000)


def time_open(year: int, number: int) -> list[tuple[str, float, int]]:
    from assessment.models import Region
    from reviews.opening import quarter_open

    rows = []
    started = time.perf_counter()
    created = 0
    for region in Region.objects.order_by("code"):
        created += quarter_open(region=region, year=year, number=number).created
    rows.append(("cold", time.perf_counter() - started, created))
    started = time.perf_counter()
    created = 0
    for region in Region.objects.order_by("code"):
        created += quarter_open(region=region, year=year, number=number).created
    rows.append(("second run", time.perf_counter() - started, created))
    return rows


def decide_screen(requests: int) -> tuple[float, float, int, int]:
    from django.contrib.contenttypes.models import ContentType
    from django.test import Client

    from assessment.models import Membership, QuarterlyAssessment, Role
    from reviews.models import ReviewAction, ReviewState

    m = Membership.objects.filter(role=Role.PRINCIPAL_LEADER).order_by("pk").first()
    rows = QuarterlyAssessment.objects.filter(unit_id=m.unit_id, quarter__number=3)
    quarter = rows.first().quarter
    ct = ContentType.objects.get_for_model(QuarterlyAssessment)
    ReviewAction.objects.bulk_create(
        ReviewAction(
            region_id=qa.region_id,
            content_type=ct,
            object_id=qa.pk,
            actor_id=m.user_id,
            level=1,
            decision="approve",
            from_status="in_review",
            to_status="in_review",
            suggested_grade="fairly_good",
            comment="工作扎实，同意。",
        )
        for qa in rows
    )
    rows.update(
        status=ReviewState.IN_REVIEW,
        chain=[[1, m.user_id], [3, m.user_id]],
        pending_level=3,
        pending_user_id=m.user_id,
        self_grade="good",
        summary="本季度小结",
    )
    client = Client()
    client.force_login(m.user)
    return time_page(client, f"/reviews/units/{m.unit_id}/{quarter.code}/decide/", requests)


def time_page(client, url: str, requests: int) -> tuple[float, float, int, int]:
    """p50 and p95 (ms) of `requests` GETs, the first request's query count, its grade rows."""
    from django.db import connection

    executed = []

    def counter(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):  # (request_started resets connection.queries)
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    n_rows = response.content.decode().count('name="grade-')
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], len(executed), n_rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--regions", type=int, default=10)
    parser.add_argument("--people", type=int, default=1500, help="people per region")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--skip-seed", action="store_true")
    parser.add_argument("--quarter", type=int, default=3, help="2026 quarter to open (cold)")
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)  # a fresh database needs the schema
    call_command("collectstatic", "--noinput", verbosity=0)  # the manifest DEBUG=0 needs
    print(f"database: {connection.vendor}")
    if not args.skip_seed:
        started = time.perf_counter()
        seed(args.regions, args.people)
        print(f"seeded {args.regions * args.people} people in {time.perf_counter() - started:.1f}s")
    for label, seconds, created in time_open(2026, args.quarter):
        print(f"open_quarter 2026Q{args.quarter} {label}: {seconds:.2f}s, created {created}")
    p50, p95, queries, n = decide_screen(args.requests)
    print(f"decide screen ({n} people): p50 {p50:.1f} ms, p95 {p95:.1f} ms, {queries} queries")


if __name__ == "__main__":
    main()
