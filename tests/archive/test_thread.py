from __future__ import annotations

import threading

import pytest
from django.urls import reverse

from archive import services
from archive.models import ExportJob
from tests.archive.helpers import assessed


@pytest.mark.django_db(transaction=True)
def test_without_broker_the_job_runs_in_a_thread_and_the_page_polls(
    settings, client, personas, monkeypatch
):
    settings.EXPORT_IN_THREAD = True
    started: list[threading.Thread] = []

    class RecordedThread(threading.Thread):
        def start(self) -> None:
            started.append(self)
            super().start()

    # wait for the export thread itself rather than polling against a wall-clock deadline
    # (30 s once ran out on a loaded machine)
    monkeypatch.setattr(services.threading, "Thread", RecordedThread)
    assessed(personas.a.people["staff"])
    client.force_login(personas.a.hr)
    response = client.post(
        reverse("archive:export"),
        {"sheet": "quarterly", "period": "2026Q3", "unit": personas.a.unit.pk, "output": "list"},
    )
    job = ExportJob.objects.get()
    assert response["Location"].endswith(f"/{job.pk}/")
    assert len(started) == 1 and started[0].daemon
    started[0].join(timeout=600)
    assert not started[0].is_alive()
    job.refresh_from_db()
    assert job.status == "done", job.error
    page = client.get(reverse("archive:export-job", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert "下载" in page.content.decode()
