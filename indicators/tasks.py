"""Thin Celery tasks: ids in, reload, call the service. Idempotent (a recompute writes only
rows that changed)."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError
from django.utils.translation import gettext_lazy as _

from assessment.models import Quarter


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    delayed_notice=_("得分将在后台重新计算。"),
)
def recompute_scores(quarter_id: int, person_ids: list[int] | None = None, reason: str = "") -> int:
    from .services import quarter_scores_recompute

    quarter = Quarter.objects.select_related("region", "year").filter(pk=quarter_id).first()
    if quarter is None:
        return 0
    return quarter_scores_recompute(quarter=quarter, person_ids=person_ids, reason=reason)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def sweep_scores() -> int:
    """Beat job (SCORE_SWEEP_MINUTES): recompute scores whose inputs changed since the last
    sweep. Idempotent: the watermark moves forward, and a recompute writes only changed rows."""
    from .sweep import scores_sweep

    return scores_sweep()
