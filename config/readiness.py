"""The checks behind /readyz/: the database (one query, fresh connection check) and the broker
(a connection within BROKER_TIMEOUT seconds; skipped when tasks run in-process)."""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection

from .celery import app

BROKER_TIMEOUT = 2
log = logging.getLogger("config.readiness")


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError as exc:
        log.warning("readiness: database unavailable: %s", exc)
        connection.close_if_unusable_or_obsolete()
        return False


def broker_ok() -> bool | None:
    """None: no broker configured (tasks eager)."""
    if app.conf.task_always_eager:
        return None
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT)
        return True
    except Exception as exc:  # noqa: BLE001 — any failure means "not reachable"
        log.warning("readiness: broker unavailable: %s", exc)
        return False


def readiness() -> tuple[bool, list[str]]:
    db = database_ok()
    broker = broker_ok()
    lines = [f"database: {'ok' if db else 'unavailable'}"]
    lines.append(
        "broker: " + {None: "none (tasks run in-process)", True: "ok", False: "unavailable"}[broker]
    )
    if db:
        from outbox.services import pending_summary

        summary = pending_summary()
        lines.append(f"outbox: {summary['pending']} pending, oldest {summary['oldest_seconds']} s")
    return db, lines
