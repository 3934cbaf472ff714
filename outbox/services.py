"""Durable dispatch of Celery tasks (the transactional outbox).

`dispatch(task, *args, **kwargs)` is called inside the transaction that makes the work
necessary: it writes an `OutboxMessage` row there, and after the commit tries to send it at
once. Whatever the broker does, the request succeeds when its own transaction commits; an
unsent row stays due and the relay (`relay_due`, a beat job every few seconds) sends it when the
broker is back. A rollback takes the row with it, so nothing is sent for a change that never
happened.

Sending is at least once: a row is marked sent after the broker accepted it, so a relay that
dies in between sends it again, with the same task id. Every task is idempotent (tests/outbox).

Without a broker (`make run`, tests: tasks eager) "sending" runs the task in-process right
after the commit; a task declaring `eager_thread_setting` (the export job) runs in a daemon
thread instead when that setting is on, so the request does not wait for it.
"""

from __future__ import annotations

import contextvars
import importlib
import logging
import threading
import time
from contextlib import suppress
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import KombuError

from config.celery import app

from .models import OutboxMessage

log = logging.getLogger(__name__)

# after a failed send, requests stop trying for this long (the beat relay keeps trying):
# a broker that is down must not cost every request a connection attempt
BREAKER_SECONDS = 10
# how long a relay may hold a row it is sending before another relay may take it
LEASE = timedelta(seconds=60)
# a message that failed for a reason other than the broker waits this long
RETRY_LATER = timedelta(minutes=5)
# what a broker that is down or unreachable raises on publish (kombu wraps most as
# OperationalError; a socket error can come through as OSError)
BROKER_ERRORS = (KombuError, OSError)
BATCH = 200

_broker_down_until = 0.0
# the messages dispatched during the current request that are not sent yet (see middleware)
_unsent: contextvars.ContextVar[dict[int, str] | None] = contextvars.ContextVar(
    "outbox_unsent", default=None
)


def dispatch(task, *args, **kwargs) -> OutboxMessage:
    """Record `task(*args, **kwargs)` in the current transaction; send it after the commit.
    Arguments must be JSON (ids, strings), as for any task."""
    message = OutboxMessage.objects.create(task=task.name, args=list(args), kwargs=kwargs)
    unsent = _unsent.get()
    if unsent is not None:
        unsent[message.pk] = str(getattr(task, "delayed_notice", "") or _("后台任务将稍后执行。"))
    transaction.on_commit(lambda: send_after_commit(message.pk))
    return message


def send_after_commit(pk: int) -> bool:
    """The first attempt, right after the commit. Never raises: the request already succeeded."""
    if not _eager() and time.monotonic() < _broker_down_until:
        return False
    try:
        sent, _refused = _send_claimed(_claim([pk]))
    except Exception:  # noqa: BLE001 — logged; the relay sends it later
        log.warning("outbox: message %s not sent after commit", pk, exc_info=True)
        return False
    return sent > 0


def relay_due(*, limit: int = 5000) -> int:
    """Send every due message, oldest first, until none is left or the broker refuses one
    (then the rest waits for the next run). Returns the number sent."""
    sent = 0
    while sent < limit:
        with transaction.atomic():
            ids = list(
                OutboxMessage.objects.due()
                .select_for_update(skip_locked=True)
                .order_by("pk")
                .values_list("pk", flat=True)[:BATCH]
            )
            messages = _claim(ids)
        if not messages:
            break
        done, refused = _send_claimed(messages)
        sent += done
        if refused:
            break
    return sent


def pending_summary() -> dict:
    """For the readiness probe and operators: how many messages wait and since when."""
    oldest = OutboxMessage.objects.pending().order_by("created").values_list("created", flat=True)
    first = oldest.first()
    return {
        "pending": OutboxMessage.objects.pending().count(),
        "oldest_seconds": int((timezone.now() - first).total_seconds()) if first else 0,
    }


def purge_sent(*, days: int = 7) -> int:
    cutoff = timezone.now() - timedelta(days=days)
    return OutboxMessage.objects.filter(sent_at__lt=cutoff).delete()[0]


# -- the request's unsent messages ------------------------------------------------------------


def start_request() -> contextvars.Token:
    return _unsent.set({})


def end_request(token: contextvars.Token) -> list[str]:
    """The notices of the messages this request dispatched that are still unsent."""
    unsent = _unsent.get() or {}
    _unsent.reset(token)
    return list(dict.fromkeys(unsent.values()))


# -- sending ----------------------------------------------------------------------------------


def _eager() -> bool:
    return bool(app.conf.task_always_eager)


def _claim(ids: list[int]) -> list[OutboxMessage]:
    """Lease the due rows among ids: one conditional UPDATE, so of two relays (or a relay and
    a request) reaching for the same row only one sends it."""
    if not ids:
        return []
    now = timezone.now()
    due = OutboxMessage.objects.due(now).filter(pk__in=ids)
    if len(ids) > 1:  # relay_due holds the row locks: nobody else can take them meanwhile
        claimed = list(due.order_by("pk"))
        OutboxMessage.objects.filter(pk__in=[m.pk for m in claimed]).update(
            next_attempt=now + LEASE
        )
        return claimed
    return (
        list(OutboxMessage.objects.filter(pk__in=ids))
        if due.update(next_attempt=now + LEASE)
        else []
    )


def _send_claimed(messages: list[OutboxMessage]) -> tuple[int, bool]:
    """Send leased messages in order. At the first the broker refuses, stop (the broker is
    down: the others would fail too) and give back the leases of the unsent ones. A message
    that fails for another reason (a task name no longer known, an in-process task's error)
    waits RETRY_LATER and does not hold up the others. Returns (sent, the broker refused)."""
    global _broker_down_until
    sent = 0
    for i, message in enumerate(messages):
        try:
            _send(message)
        except BROKER_ERRORS as exc:
            _broker_down_until = time.monotonic() + BREAKER_SECONDS
            log.warning("outbox: broker refused %s: %s", message, exc)
            now = timezone.now()
            _failed(message, exc, now)
            rest = [m.pk for m in messages[i + 1 :]]
            OutboxMessage.objects.filter(pk__in=rest, sent_at__isnull=True).update(next_attempt=now)
            return sent, True
        except Exception as exc:  # noqa: BLE001 — recorded on the row, retried later
            log.exception("outbox: %s failed", message)
            _failed(message, exc, timezone.now() + RETRY_LATER)
            continue
        OutboxMessage.objects.filter(pk=message.pk).update(
            sent_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
        )
        _forget(message.pk)
        sent += 1
    return sent, False


def _failed(message: OutboxMessage, exc: Exception, next_attempt) -> None:
    OutboxMessage.objects.filter(pk=message.pk).update(
        attempts=F("attempts") + 1,
        next_attempt=next_attempt,
        last_error=f"{type(exc).__name__}: {exc}"[:300],
    )


def _send(message: OutboxMessage) -> None:
    if message.task not in app.tasks:  # a task is named after its module: import that
        with suppress(ImportError):
            importlib.import_module(message.task.rpartition(".")[0])
    task = app.tasks[message.task]
    options = {"task_id": str(message.task_id)}
    if not _eager():
        task.apply_async(message.args, message.kwargs, retry=False, **options)
        return
    thread_setting = getattr(task, "eager_thread_setting", "")
    if thread_setting and getattr(settings, thread_setting, True):
        threading.Thread(target=_run_in_thread, args=(task, message), daemon=True).start()
        return
    task.apply(message.args, message.kwargs, throw=True, **options)


def _run_in_thread(task, message: OutboxMessage) -> None:
    try:
        task.apply(message.args, message.kwargs, task_id=str(message.task_id))
    finally:
        connection.close()


def _forget(pk: int) -> None:
    unsent = _unsent.get()
    if unsent is not None:
        unsent.pop(pk, None)
