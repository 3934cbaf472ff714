"""The per-person PDF zip rendered by several forked processes (archive.render_pdf.render_each):
the same files as one process, progress in order, errors reaching the job row, no worker left."""

from __future__ import annotations

import os
import zipfile
from io import BytesIO

import billiard.process
import pytest

from archive import render_pdf, services
from archive.models import ExportJob
from archive.tasks import run_export
from tests.archive.helpers import assessed, fill_person
from tests.archive.pdftext import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def region_a(personas):
    for key, grade in (("staff", "good"), ("staff2", "ungraded")):
        assessed(fill_person(personas.a.people[key]), grade=grade)
    return personas.a


def _zip(settings, region, processes, progress=None) -> dict[str, bytes]:
    settings.SHEET_RENDER_PROCESSES = processes
    data, name, _ = services.export_build(
        region=region.region,
        unit=None,
        sheet="quarterly",
        period="2026Q3",
        output=ExportJob.Output.PDF,
        progress=progress,
    )
    assert name.endswith(".zip")
    with zipfile.ZipFile(BytesIO(data)) as archive:
        return {n: archive.read(n) for n in archive.namelist()}


def test_two_processes_write_the_same_files_as_one(region_a, settings, monkeypatch, tmp_path):
    pids = tmp_path / "pids"
    original = render_pdf.PdfRenderer.render

    def render(self, sheets):  # in the forked workers, the class as patched before the fork
        with pids.open("a") as f:
            f.write(f"{os.getpid()}\n")
        return original(self, sheets)

    monkeypatch.setattr(render_pdf.PdfRenderer, "render", render)
    serial = _zip(settings, region_a, 1)
    assert set(pids.read_text().split()) == {str(os.getpid())}
    pids.unlink()
    parallel = _zip(settings, region_a, 2)
    workers = set(pids.read_text().split())
    assert len(workers) == 2 and str(os.getpid()) not in workers
    assert len(serial) == 10
    assert list(parallel) == list(serial)  # same names, same order
    assert parallel == serial  # byte for byte
    staff = next(n for n in parallel if "astaff_" in n)
    assert "完成预算编制任务" in pdf_text(parallel[staff])


def test_parallel_progress_counts_up_in_order(region_a, settings, monkeypatch):
    monkeypatch.setattr(services, "PROGRESS_EVERY", 3)
    calls = []
    _zip(settings, region_a, 2, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(0, 10), (3, 10), (6, 10), (9, 10), (10, 10)]


def test_small_exports_render_in_one_process(region_a):
    sheets = services.build_sheets(
        region=region_a.region, unit=region_a.unit, sheet="quarterly", period="2026Q3"
    )
    assert len(sheets) < 2 * render_pdf.MIN_SHEETS_PER_PROCESS
    pdfs = list(render_pdf.render_each(sheets, processes=2))
    assert len(pdfs) == len(sheets) and not billiard.process.active_children()


def _pdf_job(region_a) -> ExportJob:
    return ExportJob.objects.create(
        region=region_a.region,
        requested_by=region_a.hr,
        sheet="quarterly",
        period="2026Q3",
        output=ExportJob.Output.PDF,
    )


def test_celery_task_runs_the_parallel_export(region_a, settings):
    """Eager Celery (as in tests and without a broker): the task renders in worker processes."""
    settings.SHEET_RENDER_PROCESSES = 2
    job = _pdf_job(region_a)
    assert run_export.delay(job.pk).get() == "done"
    job.refresh_from_db()
    assert (job.done, job.total, job.progress) == (10, 10, 100)
    with zipfile.ZipFile(job.file.open("rb")) as archive:
        assert len(archive.namelist()) == 10


def test_worker_failure_fails_the_job_and_leaves_no_worker(region_a, settings, monkeypatch):
    settings.SHEET_RENDER_PROCESSES = 2
    original = render_pdf.PdfRenderer.render

    def render(self, sheets):  # runs in the forked workers
        if sheets[0].get("姓名").value == "astaff2":
            raise RuntimeError("字体文件损坏")
        return original(self, sheets)

    monkeypatch.setattr(render_pdf.PdfRenderer, "render", render)
    job = _pdf_job(region_a)
    services.export_run(job)
    job.refresh_from_db()
    assert job.status == "failed" and "字体文件损坏" in job.error
    assert not billiard.process.active_children()


def test_stopping_early_ends_the_workers(region_a):
    """A consumer that stops (the zip failed) terminates the pool; the process lives on."""
    sheets = services.build_sheets(
        region=region_a.region, unit=None, sheet="quarterly", period="2026Q3"
    )
    pdfs = render_pdf.render_each(sheets, processes=2)
    first = next(pdfs)
    pdfs.close()
    assert first.startswith(b"%PDF-")
    assert not billiard.process.active_children()
