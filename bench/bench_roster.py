"""Onboarding benchmark (issue 15), run by hand on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres bench_roster
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_roster \
        .venv/bin/python bench/bench_roster.py [--people 15000] [--units 250]

Migrates the database, makes one region with `units` units and a district admin, writes a
roster csv of `people` rows (sections named in the file, created by the import), then times:
the first import (preview + apply: every person created with a history row), the same file
again (all unchanged), the file with every tenth person's 职务职级 changed (updates), and opening
one-time-password accounts for one 60-person unit and for everyone. Prints the load average.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def roster_csv(people: int, units: int, *, changed_every: int = 0) -> bytes:
    lines = ["工号,姓名,性别,出生年月,政治面貌,单位代码,组室,职务职级,人员身份,现任职时间"]
    for i in range(people):
        position = "二级主任科员" if changed_every and i % changed_every == 0 else "一级科员"
        lines.append(
            f"B{i:06d},人员{i},{'男' if i % 2 else '女'},19{70 + i % 30}-0{1 + i % 9},"
            f"中共党员,u{i % units:03d},股室{i % 6},{position},公务员,2020-0{1 + i % 9}"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=15000)
    parser.add_argument("--units", type=int, default=250)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from assessment.models import Membership, Person, Region, Role, Unit, UnitCategory, User
    from assessment.roster import services

    if Region.objects.exists():
        raise SystemExit("database not empty: use a fresh one")
    region = Region.objects.create(code="bench", name="基准区")
    category = UnitCategory.objects.create(region=region, code="general", name="综合管理")
    Unit.objects.bulk_create(
        Unit(region=region, category=category, code=f"u{i:03d}", name=f"单位{i}")
        for i in range(args.units)
    )
    admin = User.objects.create(username="bench_admin")
    Membership.objects.create(user=admin, role=Role.DISTRICT_ADMIN, region=region)

    def timed(label: str, data: bytes, **apply) -> None:
        started = time.perf_counter()
        batch = services.roster_preview(
            region=region, unit=None, name="roster.csv", data=data, by=admin, create_sections=True
        )
        previewed = time.perf_counter()
        assert not batch.errors, batch.errors[:3]
        result = services.roster_apply(batch=batch, by=admin, reason="基准测试", **apply)
        done = time.perf_counter()
        print(
            f"{label}: preview {previewed - started:.2f} s + apply {done - previewed:.2f} s"
            f" = {done - started:.2f} s  ({result})"
        )

    print(f"load average before: {os.getloadavg()}")
    timed(
        f"first import of {args.people}",
        roster_csv(args.people, args.units),
        deactivate_missing=False,
    )
    timed("same file again", roster_csv(args.people, args.units), deactivate_missing=False)
    timed(
        "every 10th changed",
        roster_csv(args.people, args.units, changed_every=10),
        deactivate_missing=False,
    )
    first = Unit.objects.get(code="u000")
    for label, people in (
        ("accounts for one unit", Person.objects.filter(unit=first)),
        ("accounts for everyone else", Person.objects.filter(region=region)),
    ):
        started = time.perf_counter()
        slips = services.accounts_create(people=people, by=admin, rule="staff_no")
        print(f"{label}: {len(slips)} accounts in {time.perf_counter() - started:.2f} s")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
