"""Thin Celery tasks: ids in, reload, call the service."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError
from django.utils.translation import gettext_lazy as _


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    # without a broker (tasks eager) the outbox runs it in a thread when EXPORT_IN_THREAD is
    # on (the default), so the request returns at once and the page shows the progress bar
    eager_thread_setting="EXPORT_IN_THREAD",
    delayed_notice=_("导出任务已记录，后台服务恢复后自动开始。"),
)
def run_export(job_id: int) -> str:
    from .models import ExportJob
    from .services import export_run

    job = ExportJob.objects.select_related("region", "unit").filter(pk=job_id).first()
    if job is None:
        return "missing"
    return export_run(job).status


@shared_task(acks_late=True)
def purge_expired_exports() -> int:
    from .services import exports_purge

    return exports_purge()


@shared_task(acks_late=True)
def fail_stale_exports() -> int:
    from .services import exports_fail_stale

    return exports_fail_stale()
