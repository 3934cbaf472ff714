"""Ratings benchmark (issue 11), run by hand on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres ratings_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ratings_bench \\
        python bench/bench_ratings.py [--seconds 15] [--clients 4] [--workers 2]

1. Aggregation: one peer round of 1,300 people × 20 ballots (26,000 ballots, five dimensions)
   aggregated by `round_results` (per-person distribution, means, trimmed mean). Target < 1 s.
2. Public POST: gunicorn (production settings, TRUSTED_PROXY_COUNT=1) serves /r/<token>/;
   `--clients` processes post ratings on keep-alive connections, each request from a distinct
   client address (X-Forwarded-For) and a distinct device cookie with a valid form stamp, over
   500 cards, with every abuse check on (address and device limits, burst, fill time: the stamps
   are made older than the minimum). Target ≥ 300 req/s with p95 < 50 ms.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "bench-only-" + "k" * 60,
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_STATIC_ROOT": str(Path(tempfile.gettempdir()) / "ratings-bench-static"),
    "TRUSTED_PROXY_COUNT": "1",
}
os.environ.update(SERVER_ENV)
PORT = 8197
CARDS = 500


def setup_data() -> list[str]:
    """A fresh district with 1,300 people in one unit and 500 cards; returns card paths."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from datetime import date

    from assessment.models import CityPlatform, Person, Region, Unit, UnitCategory, User
    from reviews.ratings.models import PublicCard, PublicRating, RatingSettings
    from reviews.ratings.public import card_token

    region = Region.objects.filter(code="bench").first()
    if region is None:
        platform = CityPlatform.objects.create(name="bench", code="bench")
        region = Region.objects.create(platform=platform, code="bench", name="bench区")
        category = UnitCategory.objects.create(region=region, code="window", name="窗口服务")
        unit = Unit.objects.create(region=region, category=category, code="b1", name="政务中心")
        Person.objects.bulk_create(
            Person(region=region, unit=unit, name=f"人员{i}", staff_no=f"{i:05d}", gender="M")
            for i in range(1300)
        )
    unit = Unit.objects.get(region=region, code="b1")
    User.objects.get_or_create(username="bench_admin")
    PublicRating.objects.filter(region=region).delete()
    RatingSettings.objects.update_or_create(
        region=region, year=date.today().year, defaults={"min_fill_seconds": 3}
    )
    paths = []
    people = list(Person.objects.filter(unit=unit).order_by("pk")[:CARDS])
    for person in people:
        card = PublicCard.objects.filter(person=person).first()
        if card is None:
            card = PublicCard.objects.create(
                region=region, unit=unit, person=person, nonce="bench" + str(person.pk)
            )
        paths.append(f"/r/{card_token(card)}/")
    return paths


def bench_aggregation() -> float:
    import random
    import uuid
    from datetime import date

    from assessment.models import Person, Region, Unit, User
    from reviews.ratings.models import PeerBallot, PeerRound, PeerRoundMember
    from reviews.ratings.peer import rating_settings
    from reviews.ratings.selectors import round_results

    region = Region.objects.get(code="bench")
    unit = Unit.objects.get(region=region, code="b1")
    PeerRound.objects.filter(region=region).delete()
    rules = rating_settings(region, 2026)
    round_ = PeerRound.objects.create(
        region=region,
        unit=unit,
        year=2026,
        quarter=3,
        scope="unit",
        dimensions=rules.dimensions,
        levels=rules.levels,
        opens_on=date(2026, 10, 1),
        closes_on=date(2026, 10, 9),
        status="closed",
        created_by=User.objects.get(username="bench_admin"),
    )
    ids = list(Person.objects.filter(unit=unit).values_list("pk", flat=True))
    PeerRoundMember.objects.bulk_create(PeerRoundMember(round=round_, person_id=p) for p in ids)
    rng = random.Random(1)
    codes = [c for c, _l, _p in rules.levels]
    dims = [d for d, _l in rules.dimensions]
    PeerBallot.objects.bulk_create(
        (
            PeerBallot(
                id=uuid.uuid4(),
                round=round_,
                ratee_id=p,
                scores={d: rng.choice(codes) for d in dims},
                comment="评语" if rng.random() < 0.1 else "",
            )
            for p in ids
            for _ in range(20)
        ),
        batch_size=5000,
    )
    times = []
    for _ in range(3):
        t = time.perf_counter()
        results = round_results(round_)
        times.append(time.perf_counter() - t)
    assert len(results) == 1300 and all(r.ballots == 20 and r.shown for r in results)
    return min(times)


def make_requests(paths: list[str], n: int, offset: int) -> list[tuple[str, str, bytes]]:
    """n POSTs (path, cookie, body) with distinct devices and stamps made 10 s ago."""
    from unittest import mock

    from reviews.ratings import public
    from reviews.ratings.models import PublicCard

    cards = {
        f"/r/{public.card_token(c)}/": c for c in PublicCard.objects.filter(region__code="bench")
    }
    out = []
    real = time.time
    with mock.patch.object(public.time, "time", lambda: real() - 10):
        for i in range(n):
            path = paths[(offset + i) % len(paths)]
            device = f"dev{offset + i:09d}"
            stamp = public.form_stamp(cards[path], device)
            body = urllib.parse.urlencode(
                {"level": "5", "stamp": stamp, "efficiency": "5"}
            ).encode()
            out.append((path, f"rd={device}", body))
    return out


def client(args) -> list[float]:
    requests, start_index, deadline = args
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    latencies = []
    for i, (path, cookie, body) in enumerate(requests):
        if time.time() > deadline:
            break
        n = start_index + i
        address = f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"
        headers = {
            "Cookie": cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Forwarded-For": address,
        }
        t = time.perf_counter()
        conn.request("POST", path, body, headers)
        response = conn.getresponse()
        text = response.read().decode()
        latencies.append(time.perf_counter() - t)
        if response.status != 200 or "评价成功" not in text:
            raise SystemExit(f"unexpected answer {response.status}: {text[:300]}")
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    paths = setup_data()
    agg = bench_aggregation()
    print(f"aggregation 1,300 people x 20 ballots: {agg * 1000:.0f} ms")
    per_client = 2000 * args.seconds // args.clients
    batches = [make_requests(paths, per_client, k * per_client) for k in range(args.clients)]
    from django.db import connections

    connections.close_all()
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    server = subprocess.Popen(
        [
            gunicorn,
            "config.wsgi",
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=dict(os.environ),
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        warm = make_requests(paths, 50, 10**7)
        client((warm, 10**7, time.time() + 5))
        start = time.time()
        deadline = start + args.seconds
        with multiprocessing.Pool(args.clients) as pool:
            results = pool.map(
                client, [(b, k * per_client, deadline) for k, b in enumerate(batches)]
            )
        elapsed = time.time() - start
        latencies = sorted(x for r in results for x in r)
        n = len(latencies)
        p50, p95 = latencies[n // 2] * 1000, latencies[int(n * 0.95)] * 1000
        print(
            f"public POST: {n} ratings in {elapsed:.1f} s = {n / elapsed:.0f} req/s, "
            f"p50 {p50:.1f} ms, p95 {p95:.1f} ms ({args.clients} clients, {args.workers} workers)"
        )
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
