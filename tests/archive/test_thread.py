from __future__ import annotations

import time

import pytest
from django.urls import reverse

from archive.models import ExportJob
from tests.archive.helpers import assessed
from tests.personas import build_personas


@pytest.mark.django_db(transaction=True)
def test_without_broker_the_job_runs_in_a_thread_and_the_page_polls(settings, client):
    settings.EXPORT_IN_THREAD = True
    personas = build_personas()
    assessed(personas.a.people["staff"])
    client.force_login(personas.a.hr)
    response = client.post(
        reverse("archive:export"),
        {"sheet": "quarterly", "period": "2026Q3", "unit": personas.a.unit.pk, "output": "list"},
    )
    job = ExportJob.objects.get()
    assert response["Location"].endswith(f"/{job.pk}/")
    deadline = time.monotonic() + 30
    while job.status in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.1)
        job.refresh_from_db()
    assert job.status == "done", job.error
    page = client.get(reverse("archive:export-job", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert "下载" in page.content.decode()
