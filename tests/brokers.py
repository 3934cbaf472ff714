"""Point this test process's Celery app at a real broker URL (tasks no longer eager) for the
duration of a test, then back to eager in-process tasks."""

from __future__ import annotations

import os
from contextlib import contextmanager

from config.celery import app
from outbox import services as outbox_services


def _reset() -> None:
    # the app and its producer pool cache connections to the previous URL
    app._pool = None
    app.amqp._producer_pool = None
    outbox_services._broker_down_until = 0.0


@contextmanager
def using_broker(url: str):
    # Celery reads the CELERY_BROKER_URL environment variable before its own setting (CI
    # exports one), so both are switched
    old, old_env = app.conf.broker_url, os.environ.get("CELERY_BROKER_URL")
    app.conf.task_always_eager = False
    app.conf.broker_url = os.environ["CELERY_BROKER_URL"] = url
    _reset()
    try:
        yield
    finally:
        app.conf.task_always_eager = True
        app.conf.broker_url = old
        if old_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = old_env
        _reset()
