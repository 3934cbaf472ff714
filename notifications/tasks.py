"""Thin Celery tasks: ids in, idempotent (a delivery is claimed before it is sent)."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError

RETRY = {"autoretry_for": (DatabaseError,), "retry_backoff": True, "max_retries": 5}


@shared_task(acks_late=True, **RETRY)
def send_delivery(delivery_id: int) -> str | None:
    """One attempt; a retryable failure sets the row's next attempt (backoff), which
    `send_due_deliveries` picks up — the row, not the broker, holds the retry."""
    from .services import deliver

    return deliver(delivery_id)


@shared_task(acks_late=True, **RETRY)
def send_due_deliveries() -> int:
    """Every minute: retries whose backoff has passed, pending rows whose task was lost, and
    rows left 'sending' by a dead worker (failed, never resent)."""
    from .services import deliver, deliveries_due, deliveries_fail_stuck

    deliveries_fail_stuck()
    return sum(1 for pk in deliveries_due() if deliver(pk))


@shared_task(acks_late=True, **RETRY)
def send_digests() -> int:
    from .services import digests_send

    return digests_send()
