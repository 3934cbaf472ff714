"""Fault injection with real processes (PostgreSQL, a private Redis, a Celery worker, gunicorn):
the broker stopped while result-changing requests run, a worker killed mid-export, the app's
database connections terminated mid-run. Each test prints its figures (pytest -s)."""

from __future__ import annotations

import http.client
import os
import signal
import time
import zipfile
from datetime import date, timedelta
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from archive.models import ExportJob
from assessment.models import Person, QuarterlyAssessment
from assessment.periods import quarter_for
from indicators.models import NegativeRecord, QuarterScore
from indicators.services import quarter_scores_recompute
from outbox.models import OutboxMessage
from tests.indicators.helpers import negative_form

from .conftest import wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.faults, pytest.mark.django_db(transaction=True)]

TYPES = ["violation", "accountability", "complaint", "mistake"]


def _recomputed(record: NegativeRecord, quarter) -> bool:
    """The person's stored score already counts this record (its id is among the refs)."""
    score = QuarterScore.objects.filter(person_id=record.person_id, quarter=quarter).first()
    return score is not None and any(
        record.pk in entry.get("refs", [])
        for entry in score.breakdown
        if entry["code"] == record.type
    )


def test_broker_down_during_50_result_changing_requests(personas, worker_with_beat, broker):
    quarter = quarter_for(personas.a.region, 2026, 3)
    people = list(Person.objects.filter(region=personas.a.region).order_by("pk"))
    client = Client(raise_request_exception=False)
    client.force_login(personas.a.discipline)
    url = reverse("indicators:negative-create")

    # the pipeline works before the fault: a record's recompute comes back through the worker
    warm = client.post(
        url, negative_form(people[0], day=date(2026, 7, 1), kind="mistake", severity="minor")
    )
    assert warm.status_code == 302
    first = NegativeRecord.objects.get()
    wait_for(lambda: _recomputed(first, quarter), 60, "the first recompute through the worker")

    broker.stop()
    statuses, started = [], time.monotonic()
    for i in range(50):
        day = date(2026, 7, 2) + timedelta(days=i)
        response = client.post(
            url,
            negative_form(people[i % len(people)], day=day, kind=TYPES[i % 4], severity="minor"),
        )
        statuses.append(response.status_code)
    during = time.monotonic() - started
    assert statuses == [302] * 50, statuses  # 0 × 500: every change saved
    assert NegativeRecord.objects.count() == 51
    assert OutboxMessage.objects.pending().count() == 50
    notice = client.get(response["Location"]).content.decode()
    assert "得分将在后台重新计算" in notice

    broker.start()
    back = time.monotonic()
    wait_for(lambda: not OutboxMessage.objects.pending().exists(), 60, "the relay to send")
    sent = time.monotonic() - back
    records = list(NegativeRecord.objects.all())
    wait_for(lambda: all(_recomputed(r, quarter) for r in records), 90, "every recompute to finish")
    done = time.monotonic() - back
    assert quarter_scores_recompute(quarter=quarter) == 0  # nothing was left to recompute
    print(
        f"\nbroker outage: 50 requests in {during:.1f} s (0 × 500), "
        f"outbox drained {sent:.1f} s and all recomputes done {done:.1f} s after the broker returned"
    )


def _people_with_sheets(cast, n: int) -> None:
    quarter = quarter_for(cast.region, 2026, 3)
    people = Person.objects.bulk_create(
        Person(
            region=cast.region,
            unit=cast.unit,
            section=cast.section,
            name=f"测试{i:03d}",
            staff_no=f"k{i:04d}",
            gender="F",
            position="科员",
            birth_date=date(1988, 1, 1),
        )
        for i in range(n)
    )
    QuarterlyAssessment.objects.bulk_create(
        QuarterlyAssessment(
            region=cast.region,
            quarter=quarter,
            person=p,
            unit=cast.unit,
            section=cast.section,
            person_kind=p.kind,
            summary="完成本季度工作。",
            grade="fairly_good",
            status="confirmed",
        )
        for p in people
    )


def test_worker_killed_mid_export_the_job_completes(personas, worker):
    _people_with_sheets(personas.a, 150)
    client = Client(raise_request_exception=False)
    client.force_login(personas.a.hr)
    response = client.post(
        reverse("archive:export"),
        {"sheet": "quarterly", "period": "2026Q3", "unit": "", "output": "xlsx"},
    )
    assert response.status_code == 302
    job = ExportJob.objects.get()

    def running_with_progress():
        job.refresh_from_db()
        return job.status == "running" and job.done >= 25 and job.done < job.total

    wait_for(running_with_progress, 60, "the export to be under way", interval=0.05)
    children = worker.children()
    assert len(children) == 1
    os.kill(children[0], signal.SIGKILL)
    killed_at, done_when_killed = time.monotonic(), job.done

    def finished():
        job.refresh_from_db()
        return job.status in ("done", "failed")

    wait_for(finished, 90, "the export to finish or fail visibly")
    assert job.status == "done", job.error
    with zipfile.ZipFile(job.file.path) as archive:
        assert len(archive.namelist()) == job.total >= 150
    assert "WorkerLostError" in worker.output() or "SIGKILL" in worker.output()
    print(
        f"\nworker SIGKILLed at {done_when_killed}/{job.total} people: the redelivered task "
        f"rebuilt the job, done {time.monotonic() - killed_at:.1f} s after the kill"
    )


class Browser:
    """A signed-in session against the real server: session cookie from force_login, CSRF
    token from the cookie the first page sets."""

    def __init__(self, base: str, user):
        client = Client()
        client.force_login(user)
        self.host, self.port = base.removeprefix("http://").split(":")
        self.cookies = {"sessionid": client.cookies["sessionid"].value}

    def request(self, method: str, path: str, data: dict | None = None) -> int:
        conn = http.client.HTTPConnection(self.host, int(self.port), timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(header).items():
                self.cookies[key] = morsel.value
        conn.close()
        return response.status


def test_terminated_database_connections_requests_after_succeed(personas, web):
    base, log = web
    people = list(Person.objects.filter(region=personas.a.region).order_by("pk"))
    browser = Browser(base, personas.a.discipline)
    form = reverse("indicators:negative-create")
    assert browser.request("GET", form) == 200 and browser.cookies.get("csrftoken")
    before, after, terminated = [], [], 0
    for i in range(40):
        if i == 15:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                terminated = cursor.fetchone()[0]
        if i % 2:
            day = date(2026, 7, 1) + timedelta(days=i)
            status = browser.request(
                "POST",
                form,
                negative_form(people[i % len(people)], day=day, kind="mistake", severity="minor"),
            )
        else:
            status = browser.request("GET", "/")
        (before if i < 15 else after).append(status)
    assert terminated >= 1  # the server's kept connection was cut
    assert set(before) <= {200, 302} and set(after) <= {200, 302}, (before, after, log.read_text())
    assert NegativeRecord.objects.count() == 20
    print(f"\npg_terminate_backend: {terminated} app connection(s) cut, 25/25 requests after it ok")
