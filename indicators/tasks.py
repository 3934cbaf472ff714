"""Thin Celery tasks: ids in, reload, call the service. Idempotent (a recompute writes only
rows that changed)."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from assessment.models import Quarter


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def recompute_scores(quarter_id: int, person_ids: list[int] | None = None, reason: str = "") -> int:
    from .services import quarter_scores_recompute

    quarter = Quarter.objects.select_related("region", "year").filter(pk=quarter_id).first()
    if quarter is None:
        return 0
    return quarter_scores_recompute(quarter=quarter, person_ids=person_ids, reason=reason)
