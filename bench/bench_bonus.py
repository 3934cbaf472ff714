"""Benchmark: bonus pool allocation for a whole district and the what-if simulator.

    DATABASE_URL=sqlite:////tmp/bench_bonus.sqlite3 .venv/bin/python bench/bench_bonus.py
    # PostgreSQL: createdb -h 127.0.0.1 -U postgres bench_bonus, then
    DATABASE_URL=postgres://postgres@127.0.0.1/bench_bonus .venv/bin/python bench/bench_bonus.py
    # again without re-seeding: add --skip-seed

It migrates and seeds the demo city (`seed_demo --people N`) into a fresh database, then, inside
a transaction it rolls back (the database is left as seeded):

1. **district allocation + explanation**: a 2025 pool for every unit of the demo district that
   has none (so all ~1,300 people are in a pool), then loads every pool's facts
   (`selectors.pool_people`, one batch), allocates each pool under its region's rule and builds
   every person's explanation (`Row.explanation()`, as a lock stores it). Best and median of
   --repeat runs; target < 1 s.
2. **simulator**: a 200-person unit with four 2025 quarterly grades and rewards per person and a
   pool; the simulator endpoint (`rewards:bonus-simulate`, one changed setting per request, as
   htmx sends it) is called through Django's test client as the unit admin — the figure is
   server time (middleware, queries, allocation, template), no network. Target < 100 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1300)
    parser.add_argument("--unit-size", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--skip-seed", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction

    if not args.skip_seed:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        call_command("seed_demo", people=args.people, regions=1, other_people=0, verbosity=0)
        print(f"seed_demo --people {args.people}: {time.perf_counter() - started:.1f} s")
    settings.ALLOWED_HOSTS = ["*"]
    print(f"database: {connection.vendor}")
    with transaction.atomic():
        district(args)
        simulator(args)
        transaction.set_rollback(True)


def district(args) -> None:
    from assessment.models import Membership, Person, Region, Role, Unit
    from rewards import selectors
    from rewards.models import BonusPool, BonusRule

    region = Region.objects.get(code="demo")
    rule = BonusRule.objects.get(region=region, year=2025)
    have = set(BonusPool.objects.filter(region=region, year=2025).values_list("unit_id", flat=True))
    admin = Membership.objects.filter(region=region, role=Role.DISTRICT_ADMIN).first().user_id
    BonusPool.objects.bulk_create(
        BonusPool(region=region, unit=u, year=2025, amount_fen=9_000_000, created_by_id=admin)
        for u in Unit.objects.filter(region=region).exclude(pk__in=have)
    )
    pools = list(BonusPool.objects.filter(region=region, year=2025))
    counted = {}

    def run():
        people = selectors.pool_people(pools)
        n = explained = 0
        for pool in pools:
            dist = selectors.pool_distribution(pool, people[pool.pk], rule)
            n += len(dist.rows)
            explained += sum(1 for r in dist.paid if r.explanation())
        counted.update(people=n, explained=explained)

    cpu_started = time.process_time()
    runs = timed(run, args.repeat)
    cpu = (time.process_time() - cpu_started) * 1000 / args.repeat
    active = Person.objects.filter(region=region, is_active=True).count()
    print(
        f"district allocation + explanation: {len(pools)} pools, {counted['people']} people "
        f"({active} active in the district), {counted['explained']} payouts explained — "
        f"best {min(runs):.0f} ms, median {statistics.median(runs):.0f} ms "
        f"wall, {cpu:.0f} ms CPU per run, over {args.repeat} runs (target < 1000 ms)"
    )


def simulator(args) -> None:
    import random
    from datetime import date

    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone
    from simple_history.utils import bulk_create_with_history

    from assessment.models import (
        Membership,
        Person,
        QuarterlyAssessment,
        Region,
        Role,
        Unit,
        UnitCategory,
        User,
    )
    from assessment.periods import quarter_for
    from reviews.models import ReviewState
    from rewards.models import BonusPool, RewardRecord

    rng = random.Random(7)
    region = Region.objects.get(code="demo")
    unit = Unit.objects.create(
        region=region,
        category=UnitCategory.objects.filter(region=region).first(),
        code="bench-200",
        name="基准测试单位",
    )
    admin = User.objects.create(username="bench_unit_admin", password_changed_at=timezone.now())
    Membership.objects.create(user=admin, role=Role.UNIT_ADMIN, region=region, unit=unit)
    people = bulk_create_with_history(
        [
            Person(
                region=region,
                unit=unit,
                name=f"测试{i:03d}",
                staff_no=f"B{i:04d}",
                gender="M",
                kind=Person.Kind.SECONDED if i % 15 == 0 else Person.Kind.CIVIL_SERVANT,
            )
            for i in range(args.unit_size)
        ],
        Person,
    )
    people = list(Person.objects.filter(unit=unit))
    grades = ["good", "fairly_good", "fairly_good", "fairly_good", "average", "poor"]
    quarters = [quarter_for(region, 2025, n) for n in range(1, 5)]
    QuarterlyAssessment.objects.bulk_create(
        QuarterlyAssessment(
            region=region,
            quarter=q,
            person=p,
            unit=unit,
            person_kind=p.kind,
            grade=rng.choice(grades),
            status=ReviewState.CONFIRMED,
        )
        for p in people
        for q in quarters
    )
    RewardRecord.objects.bulk_create(
        RewardRecord(
            region=region,
            person=p,
            unit=unit,
            kind="reward",
            type="commendation",
            level=rng.choice(["unit", "district", "city"]),
            date=date(2025, rng.randint(1, 12), 10),
            issuer="区人民政府",
            created_by=admin,
        )
        for p in people
        if rng.random() < 0.6
    )
    pool = BonusPool.objects.create(
        region=region, unit=unit, year=2025, amount_fen=60_000_000, created_by=admin
    )
    client = Client()
    client.force_login(admin)
    url = reverse("rewards:bonus-simulate", args=[pool.pk])
    base = {
        "amount": "600000",
        "points_good": "4",
        "points_fairly_good": "3",
        "points_average": "1",
        "points_poor": "0",
        "base_percent": "40",
        "cap": "",
    }
    changes = [
        {"amount": "650000"},
        {"points_good": "5"},
        {"base_percent": "60"},
        {"cap": "1300"},
        {"points_average": "0.5"},
    ]
    assert client.get(url, base).status_code == 200
    runs, cpu = [], []
    for i in range(args.repeat * 3):
        params = base | changes[i % len(changes)]
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url, params, HTTP_HX_REQUEST="true")
        runs.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200 and b'id="simulation"' in response.content
    runs.sort()
    p95 = runs[max(0, round(len(runs) * 0.95) - 1)]
    print(
        f"simulator, {args.unit_size}-person unit, one change per request: "
        f"median {statistics.median(runs):.0f} ms, p95 {p95:.0f} ms, best {runs[0]:.0f} ms "
        f"wall; median {statistics.median(cpu):.0f} ms CPU of this process "
        f"over {len(runs)} requests, {len(response.content) // 1024} KB (target < 100 ms)"
    )
    print(f"load average after the run: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
