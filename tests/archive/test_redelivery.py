"""A redelivered export task tells a dead runner (its advisory lock gone with its connection:
rebuild the job) from a live one (lock held: leave it)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from archive import services
from archive.models import ExportJob
from tests.archive.helpers import assessed, export_job, fill_person

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _hold_lock(job_id: int, taken: threading.Event, release: threading.Event) -> None:
    from django.db import connection as thread_connection

    with thread_connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [services.RUNNER_LOCK_SPACE, job_id])
        taken.set()
        release.wait(30)
    thread_connection.close()  # the runner "dies": its session and lock end


def test_redelivered_export_leaves_a_live_runner_and_rebuilds_a_dead_ones_job(personas):
    assessed(fill_person(personas.a.people["staff"]))
    job = export_job(personas.a, status="running")
    taken, release = threading.Event(), threading.Event()
    runner = threading.Thread(target=_hold_lock, args=(job.pk, taken, release))
    runner.start()
    try:
        assert taken.wait(10)
        assert services.export_run(job).status == "running"  # a live runner holds it
        job.refresh_from_db()
        assert job.status == "running" and not job.file_name
    finally:
        release.set()
        runner.join(10)
    assert services.export_run(job).status == "done"  # its runner is gone: rebuilt
    job.refresh_from_db()
    assert job.status == "done" and job.file_name and job.progress == 100
    with connection.cursor() as cursor:  # the lock was given back
        cursor.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
            "WHERE l.locktype = 'advisory' AND d.datname = current_database() AND l.objid = %s",
            [job.pk],
        )
        assert cursor.fetchone()[0] == 0


def test_without_postgres_locks_only_a_queued_job_is_claimed(personas, monkeypatch):
    job = export_job(personas.a, status="running")
    monkeypatch.setattr(connection, "vendor", "sqlite")
    assert services.export_run(job).status == "running"
    assert ExportJob.objects.get(pk=job.pk).status == "running"
