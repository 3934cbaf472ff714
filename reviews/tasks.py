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


@shared_task(acks_late=True, **RETRY)
def open_due_years() -> int:
    """Daily in December: open (or re-sync) the year-end appraisal of every region."""
    from django.utils import timezone

    from .annual.opening import year_open, years_due

    created = 0
    for region, year in years_due(timezone.localdate()):
        created += year_open(region=region, year=year).created
    return created


# -- 互评 and 群众点评 (reviews/ratings/) ------------------------------------------------------


@shared_task(acks_late=True, **RETRY)
def ratings_daily() -> dict:
    """Daily: close rounds past their date, remind raters of open rounds, remind unit admins of
    overdue 差评 cases, purge old address hashes, and recompute 群众满意度 for the people rated
    yesterday. Each step is idempotent."""
    from .ratings import peer, public

    return {
        "closed": peer.peer_rounds_close_due(),
        "reminded": peer.peer_round_reminders(),
        "cases": public.overdue_case_reminders(),
        "purged": public.address_hashes_purge(),
        "recomputed": public.public_scores_recompute_day(),
    }


@shared_task(
    acks_late=True, autoretry_for=(DatabaseError, OSError), retry_backoff=True, max_retries=5
)
def email_reminder(reminder_id: int) -> bool:
    """Idempotent: the reminder is stamped when mailed; a second run sends nothing. A mail
    server error (OSError, SMTPException) is retried."""
    from .reminders import reminder_email

    return reminder_email(reminder_id=reminder_id)
