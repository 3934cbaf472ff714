"""Thin Celery tasks around the quarterly review services: ids in, idempotent, retried."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError

RETRY = {"autoretry_for": (DatabaseError,), "retry_backoff": True, "max_retries": 5}


@shared_task(acks_late=True, **RETRY)
def open_due_quarters() -> int:
    """Daily: open (or re-sync) the current quarter of every region; creates nothing twice."""
    from .opening import quarter_open, quarters_due

    created = 0
    for region, year, number in quarters_due():
        created += quarter_open(region=region, year=year, number=number).created
    return created


@shared_task(acks_late=True, **RETRY)
def open_quarter(region_id: int, year: int, number: int) -> int:
    from assessment.models import Region

    from .opening import quarter_open

    return quarter_open(region=Region.objects.get(pk=region_id), year=year, number=number).created


@shared_task(acks_late=True, **RETRY)
def close_publicity() -> int:
    from .opening import quarter_advance_status
    from .services import publicity_close

    closed = publicity_close()
    quarter_advance_status()
    return closed


@shared_task(acks_late=True, **RETRY)
def send_review_reminders() -> int:
    """Every reminder job (reviews/reminders.py); idempotent, so the beat interval only needs
    to be shorter than a day."""
    from .reminders import run_all

    return sum(r.notices for r in run_all().values())
