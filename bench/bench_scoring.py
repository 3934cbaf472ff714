"""Benchmark: score one quarter for a whole region, on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres bench_scoring_1300
    DATABASE_URL=postgres://postgres@127.0.0.1/bench_scoring_1300 \
        .venv/bin/python bench/bench_scoring.py --people 1300

It migrates the (fresh) database, seeds it with `seed_demo --people N --regions 1`, then times
`quarter_scores_recompute` for 2026Q3 of the main region three ways: a cold recompute after the
stored scores are deleted (every row written with its history row), a warm recompute with no
input changed (nothing written), and a recompute after a weight change (every row rewritten).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1300)
    parser.add_argument("--regions", type=int, default=1)
    parser.add_argument("--other-people", type=int, default=60)
    parser.add_argument("--skip-seed", action="store_true")
    parser.add_argument("--no-analyze", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        sys.exit("set DATABASE_URL to a fresh PostgreSQL database")
    if not args.skip_seed:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        call_command(
            "seed_demo",
            people=args.people,
            regions=args.regions,
            other_people=args.other_people,
            verbosity=0,
        )
        print(f"seed_demo --people {args.people}: {time.perf_counter() - started:.1f} s")

    from assessment.models import Person, Region
    from assessment.periods import quarter_for
    from indicators.models import AttendanceRecord, Indicator, LeaderRating, QuarterScore
    from indicators.services import quarter_scores_recompute

    region = Region.objects.get(code="demo")
    quarter = quarter_for(region, 2026, 3)
    people = Person.objects.filter(region=region, is_active=True).count()
    print(
        f"region {region.code}: {people} people, "
        f"{AttendanceRecord.objects.filter(region=region).count()} attendance rows"
    )
    QuarterScore.history.filter(quarter_id=quarter.pk).delete()
    QuarterScore.objects.filter(quarter=quarter).delete()
    if not args.no_analyze:
        tables = [
            m._meta.db_table
            for m in (AttendanceRecord, LeaderRating, QuarterScore, QuarterScore.history.model)
        ]
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}")

    def timed(label: str) -> None:
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            written = quarter_scores_recompute(quarter=quarter, reason="bench")
            elapsed = time.perf_counter() - started
        load = os.getloadavg()[0]
        print(
            f"{label:<28} {elapsed:6.2f} s  {written:6d} rows written  {len(ctx):4d} queries"
            f"  (load average {load:.2f})"
        )

    timed("cold (all rows new)")
    timed("warm (nothing changed)")
    ind = Indicator.objects.get(
        system__region=region, system__category__code="general", code="political"
    )
    Indicator.objects.filter(pk=ind.pk).update(weight=ind.weight + 1)
    timed("after a weight change")
    Indicator.objects.filter(pk=ind.pk).update(weight=ind.weight)


if __name__ == "__main__":
    main()
