"""Page benchmark for goals/work logs (issue 3), run by hand on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres pingshi_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pingshi_bench \
        .venv/bin/python bench/bench_pages.py [--people 1300] [--logs-per-person 250] [--skip-seed]

Seeds one district (seed_demo) plus a year of work logs (≈ 250 per person, ≈ 325,000 for
1,300 people), serves the app with gunicorn (--workers, default one per core), and drives
each page with wrk (8 connections, keep-alive) for a fixed time: the log list, the file-log
page and the section chief's review queue, next to the minimal /healthz/ view served the same
way. Prints p50/p95 latency, throughput and the throughput ratio to the minimal view.
Needs `wrk` (apt-get install wrk).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The benchmark process (seeding, session cookies) and gunicorn share production settings, so
# the session cookies made here are valid there.
SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "bench-only-" + "k" * 60,
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_STATIC_ROOT": str(Path(tempfile.gettempdir()) / "pingshi-bench-static"),
}
os.environ.update(SERVER_ENV)

PORT = 8199
LUA = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %.1f %.1f %d\\n", summary.requests, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.timeout))
end
"""


def seed(people: int, per_person: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from assessment.models import Person, WorkLog
    from reviews.models import ReviewState

    if connection.vendor != "postgresql":
        sys.exit("bench_pages needs DATABASE_URL pointing at PostgreSQL")
    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    call_command("seed_demo", people=people, regions=1)
    have = WorkLog.objects.count()
    target = people * per_person
    rng = random.Random(7)
    today = date.today()
    start = date(today.year, 1, 1)
    days = [
        start + timedelta(d)
        for d in range((today - start).days)
        if (start + timedelta(d)).weekday() < 5
    ]
    persons = list(Person.objects.values_list("pk", "region_id", "unit_id"))
    batch: list[WorkLog] = []
    made = 0
    while have + made < target:
        pk, region_id, unit_id = rng.choice(persons)
        batch.append(
            WorkLog(
                region_id=region_id,
                person_id=pk,
                unit_id=unit_id,
                date=rng.choice(days),
                content="完成日常业务工作，并按要求报送材料。",
                status=ReviewState.APPROVED,
                client_token=uuid.uuid4(),
            )
        )
        made += 1
        if len(batch) == 10000:
            WorkLog.objects.bulk_create(batch)
            batch.clear()
    WorkLog.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"seeded {WorkLog.objects.count():,} logs for {people:,} people "
        f"in {time.perf_counter() - t0:.0f} s"
    )


def session_cookie(username: str) -> str:
    import django

    django.setup()
    from django.test import Client

    from assessment.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return f"sessionid={client.cookies['sessionid'].value}"


def check_page(path: str, cookie: str | None) -> None:
    """The measured page must really render (200, no redirect to the login page)."""
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}")
    if cookie:
        request.add_header("Cookie", cookie)
    with urllib.request.urlopen(request, timeout=10) as response:
        if response.status != 200 or response.url != request.full_url:
            sys.exit(f"{path} answered {response.status} at {response.url}")


def wrk(
    path: str, cookie: str | None, seconds: int, script: str
) -> tuple[float, float, float, int]:
    cmd = ["wrk", "-t2", "-c8", f"-d{seconds}s", "-s", script, f"http://127.0.0.1:{PORT}{path}"]
    if cookie:
        cmd[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT"))
    requests, duration_us, p50, p95, errors = line.split()[1:]
    return int(requests) / (int(duration_us) / 1e6), float(p50), float(p95), int(errors)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1300)
    parser.add_argument("--logs-per-person", type=int, default=250)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--skip-seed", action="store_true")
    # one per core: gunicorn shares the cores with PostgreSQL and wrk here (3 measured worse)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    if not args.skip_seed:
        seed(args.people, args.logs_per_person)
    env = dict(os.environ)
    # production settings serve hashed static files: build the manifest once
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "config.wsgi",
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(50):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
            fh.write(LUA)
        pages = [
            ("minimal view /healthz/", "/healthz/", None),
            ("log list /logs/", "/logs/", session_cookie("staff")),
            ("file-log page /logs/new/", "/logs/new/", session_cookie("staff")),
            ("review queue /logs/review/", "/logs/review/", session_cookie("section_chief")),
        ]
        print(f"{'page':32} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'ratio':>6} errors")
        baseline = None
        for label, path, cookie in pages:
            check_page(path, cookie)
            wrk(path, cookie, 3, fh.name)  # warm up
            rps, p50, p95, errors = wrk(path, cookie, args.seconds, fh.name)
            baseline = baseline or rps
            print(f"{label:32} {rps:8.0f} {p50:8.1f} {p95:8.1f} {rps / baseline:6.0%} {errors}")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
