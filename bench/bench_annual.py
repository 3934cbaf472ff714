"""Year-end appraisal benchmark (issue 10), run by hand on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres bench_annual
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_annual \
        .venv/bin/python bench/bench_annual.py [--regions 10] [--people 1500] [--requests 200]

Seeds the roster as bench_quarter.py does (its seed()), then times `open_year` for every region
(cold, then a second run that must create none), and the annual decide screen of one 60-person
unit with every record proposed: p50/p95 latency and the query count.
"""

from __future__ import annotations

import argparse
import time

from bench_quarter import seed, time_page  # also sets the production settings environment


def time_open(year: int) -> list[tuple[str, float, int]]:
    from assessment.models import Region
    from reviews.annual.opening import year_open

    out = []
    for label in ("cold", "again"):
        started = time.perf_counter()
        created = sum(year_open(region=r, year=year).created for r in Region.objects.all())
        out.append((label, time.perf_counter() - started, created))
    return out


def decide_screen(requests: int) -> tuple[float, float, int, int]:
    from django.test import Client

    from assessment.models import AnnualAssessment, Membership, Role
    from reviews.models import ReviewState

    m = Membership.objects.filter(role=Role.PRINCIPAL_LEADER).order_by("pk").first()
    rows = AnnualAssessment.objects.filter(unit_id=m.unit_id, year__year=2026)
    rows.update(
        status=ReviewState.APPROVED,
        proposed_grade="competent",
        leader_comment="工作扎实，完成年度任务。",
        summary="年度总结",
    )
    client = Client()
    client.force_login(m.user)
    return time_page(client, f"/reviews/annual/units/{m.unit_id}/2026/decide/", requests)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--regions", type=int, default=10)
    parser.add_argument("--people", type=int, default=1500, help="people per region")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--skip-seed", action="store_true")
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    print(f"database: {connection.vendor}")
    if not args.skip_seed:
        started = time.perf_counter()
        seed(args.regions, args.people)
        print(f"seeded {args.regions * args.people} people in {time.perf_counter() - started:.1f}s")
    for label, seconds, created in time_open(2026):
        print(f"open_year 2026 {label}: {seconds:.2f}s, created {created}")
    p50, p95, queries, n = decide_screen(args.requests)
    print(
        f"annual decide screen ({n} people): p50 {p50:.1f} ms, p95 {p95:.1f} ms, {queries} queries"
    )


if __name__ == "__main__":
    main()
