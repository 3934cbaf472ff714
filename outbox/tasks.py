"""The relay: a beat job every few seconds sends what requests could not (the broker was down)."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def relay_outbox() -> int:
    """Idempotent: a second run finds nothing due (sent rows are marked, leased ones skipped)."""
    from .services import relay_due

    return relay_due()


@shared_task(acks_late=True, ignore_result=True)
def purge_sent_messages() -> int:
    from .services import purge_sent

    return purge_sent()
