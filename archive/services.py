"""Registration-sheet exports: build the file for a unit or region, run it as a job with
progress, purge expired files. The management command and the Celery task share export_build."""

from __future__ import annotations

import re
import time
import zipfile
from collections.abc import Callable
from contextlib import closing, contextmanager, suppress
from datetime import timedelta
from io import BytesIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.audit import audit_object
from assessment.models import AssessmentYear, AuditEvent, Quarter, Region, Unit
from assessment.periods import parse_quarter_code
from outbox.services import dispatch

from . import render_xlsx, sheets
from .models import ExportJob, export_reach, queued_minutes, retention_days, stale_minutes
from .tasks import run_export

PROGRESS_EVERY = 25  # people between two progress writes
RUNNER_LOCK_SPACE = 0x45585054  # "EXPT": the advisory-lock namespace of export runners
RUNNER_LOCK_TRIES = 5  # one a second: a live runner holds the lock for minutes, a dead one not
UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def parse_period(sheet: str, code: str, region: Region) -> Quarter | int:
    """The quarter (quarterly sheets) or year (annual) a period code names in the region."""
    code = (code or "").strip().upper()
    if sheet == ExportJob.Sheet.QUARTERLY:
        try:
            year, number = parse_quarter_code(code)
        except ValueError as exc:
            raise ValidationError({"period": _("季度格式应为 2026Q3。")}) from exc
        quarter = (
            Quarter.objects.select_related("year")
            .filter(region=region, year__year=year, number=number)
            .first()
        )
        if quarter is None:
            raise ValidationError({"period": _("本区没有 %(code)s 季度。") % {"code": code}})
        return quarter
    if not re.fullmatch(r"\d{4}", code):
        raise ValidationError({"period": _("年度格式应为 2026。")})
    if not AssessmentYear.objects.filter(region=region, year=int(code)).exists():
        # only a year the region has opened: year 0 or 9999 has no sheet (and no valid date)
        raise ValidationError({"period": _("本区没有 %(code)s 考核年度。") % {"code": code}})
    return int(code)


def build_sheets(*, region: Region, unit: Unit | None, sheet: str, period: str):
    people = sheets.people_in_scope(region=region, unit=unit)
    target = parse_period(sheet, period, region)
    if isinstance(target, Quarter):
        return sheets.build_quarterly(target, people)
    return sheets.build_annual(region, target, people)


def _safe(text: str) -> str:
    return UNSAFE.sub("_", text).strip("._") or "sheet"


def export_build(
    *,
    region: Region,
    unit: Unit | None,
    sheet: str,
    period: str,
    output: str,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[bytes, str, int]:
    """(file bytes, file name, number of sheets with missing fields)."""
    built = build_sheets(region=region, unit=unit, sheet=sheet, period=period)
    total = len(built)
    incomplete = sum(1 for s in built if s.missing)
    scope_name = unit.name if unit else region.name
    kind = "平时考核登记表" if sheet == ExportJob.Sheet.QUARTERLY else "年度考核登记表"
    stem = _safe(f"{scope_name}_{period}_{kind}")
    if progress:
        progress(0, total)
    if output == ExportJob.Output.LIST:
        title = f"{scope_name}{built[0].period_label if built else period}{kind}清单"
        data = render_xlsx.list_workbook(built, title=title, summary=sheets.grade_summary(built))
        if progress:
            progress(total, total)
        return data, f"{stem}清单.xlsx", incomplete
    buffer = BytesIO()
    if output == ExportJob.Output.PDF:
        from . import render_pdf

        files = render_pdf.render_each(built, processes=render_pdf.render_processes())
        ext, compression = "pdf", zipfile.ZIP_STORED  # already compressed streams
    else:
        files = (render_xlsx.sheet_workbook(s) for s in built)
        ext, compression = "xlsx", zipfile.ZIP_DEFLATED
    with closing(files), zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for i, (s, data) in enumerate(zip(built, files, strict=True), start=1):
            name = _safe(f"{s.unit_name}_{s.staff_no}_{s.get('姓名').value}_{s.period_code}")
            archive.writestr(f"{name}.{ext}", data, compression)
            if progress and (i % PROGRESS_EVERY == 0 or i == total):
                progress(i, total)
    return buffer.getvalue(), f"{stem}.zip", incomplete


# -- jobs ------------------------------------------------------------------------------------


def export_scope_check(*, by, region: Region, unit: Unit | None) -> None:
    regions, units = export_reach(by)
    if region.pk in regions:
        return
    if unit is not None and unit.pk in units and unit.region_id == region.pk:
        return
    raise PermissionDenied(_("您无权导出该范围的登记表。"))


@transaction.atomic
def export_start(
    *, by, region: Region, unit: Unit | None, sheet: str, period: str, output: str
) -> ExportJob:
    """Record the job and its task in one transaction (outbox); the worker finds the row."""
    export_scope_check(by=by, region=region, unit=unit)
    parse_period(sheet, period, region)  # refuse a bad period now, not in the worker
    job = ExportJob.objects.create(
        region=region,
        unit=unit,
        requested_by=by,
        sheet=sheet,
        period=period.strip().upper(),
        output=output,
    )
    dispatch(run_export, job.pk)
    audit_object(
        AuditEvent.Kind.EXPORT_STARTED,
        by=by,
        obj=job,
        outcome="queued",
        sheet=sheet,
        period=job.period,
        output=output,
        unit_id=getattr(unit, "pk", None),
    )
    return job


def export_run(job: ExportJob) -> ExportJob:
    """Build the job's file; errors end up in the job row (shown on the page), not lost."""
    with _runner_lock(job.pk) as free:
        if free is False:  # a live process is building it (a duplicated message): leave it
            return job
        # a running job whose runner lock was free lost its worker (killed: the broker
        # redelivered the message): build it again from the start
        states = [ExportJob.Status.QUEUED] if free is None else ExportJob.Status.active()
        claimed = ExportJob.objects.filter(pk=job.pk, status__in=states).update(
            status=ExportJob.Status.RUNNING, heartbeat=timezone.now(), done=0, progress=0
        )
        if not claimed:  # already done or failed (a retried or duplicated task): idempotent
            return job
        return _export_build_job(job)


@contextmanager
def _runner_lock(job_id: int):
    """On PostgreSQL, a session advisory lock held by the process building the job: the
    database drops it with the connection when that process dies, so a redelivered task can
    tell a dead runner (True: lock taken) from a live one (False). Elsewhere (SQLite, tasks
    in-process) there is no redelivery: None."""
    if connection.vendor != "postgresql":
        yield None
        return
    taken = False
    for attempt in range(RUNNER_LOCK_TRIES):
        if attempt:  # a killed runner's backend may take a moment to notice and let go
            time.sleep(1)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [RUNNER_LOCK_SPACE, job_id])
            taken = cursor.fetchone()[0]
        if taken:
            break
    try:
        yield taken
    finally:
        if taken:
            with suppress(DatabaseError), connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [RUNNER_LOCK_SPACE, job_id])


def _export_build_job(job: ExportJob) -> ExportJob:

    def progress(done: int, total: int) -> None:
        percent = 100 if total == 0 else min(99, done * 100 // total)
        ExportJob.objects.filter(pk=job.pk).update(
            done=done, total=total, progress=percent, heartbeat=timezone.now()
        )

    try:
        data, name, incomplete = export_build(
            region=job.region,
            unit=job.unit,
            sheet=job.sheet,
            period=job.period,
            output=job.output,
            progress=progress,
        )
    except Exception as exc:  # noqa: BLE001 — any failure must reach the page
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED,
            error=_("导出失败：%(error)s") % {"error": " ".join(_messages(exc))[:500]},
            finished=timezone.now(),
        )
        job.refresh_from_db()
        return job
    job.refresh_from_db()
    job.file.save(name, ContentFile(data), save=False)
    job.file_name = name
    job.incomplete = incomplete
    job.status = ExportJob.Status.DONE
    job.progress = 100
    job.finished = timezone.now()
    job.expires_at = job.finished + timedelta(days=retention_days())
    job.save()
    return job


def _messages(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        return exc.messages
    return [f"{type(exc).__name__}: {exc}"]


def exports_fail_stale(now=None) -> int:
    """Fail jobs that will not finish by themselves, so the page offers 重新导出 instead of a
    bar that never moves: running jobs silent for EXPORT_STALE_MINUTES (their worker died and
    the task was not redelivered), and jobs still queued after EXPORT_QUEUED_MINUTES (their
    message never reached a worker: the broker was down, or lost it). A late task finds the job
    failed and does nothing."""
    now = now or timezone.now()
    minutes = stale_minutes()
    silent_since = now - timedelta(minutes=minutes)
    stale = ExportJob.objects.filter(
        Q(heartbeat__lt=silent_since) | Q(heartbeat__isnull=True, created__lt=silent_since),
        status=ExportJob.Status.RUNNING,
    ).update(
        status=ExportJob.Status.FAILED,
        error=_("导出中断：超过 %(m)d 分钟没有进展（处理进程可能已退出），请重新导出。")
        % {"m": minutes},
        finished=now,
    )
    waited = queued_minutes()
    never_started = ExportJob.objects.filter(
        status=ExportJob.Status.QUEUED, created__lt=now - timedelta(minutes=waited)
    ).update(
        status=ExportJob.Status.FAILED,
        error=_("导出未能开始：排队超过 %(m)d 分钟（后台服务可能中断），请重新导出。")
        % {"m": waited},
        finished=now,
    )
    return stale + never_started


def exports_purge(now=None) -> int:
    """Delete the files of expired exports; the job rows stay as a record."""
    now = now or timezone.now()
    count = 0
    for job in ExportJob.objects.filter(status=ExportJob.Status.DONE, expires_at__lt=now):
        if job.file:
            job.file.delete(save=False)
        job.status = ExportJob.Status.EXPIRED
        job.save(update_fields=["file", "status"])
        count += 1
    return count
