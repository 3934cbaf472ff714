"""With CELERY_BROKER_URL set (production, CI), the broker answers and a task round-trips
through it; the connection gives up within seconds when the broker is down."""

from __future__ import annotations

import time

import pytest
from django.conf import settings

from config.celery import app

pytestmark = pytest.mark.skipif(not settings.CELERY_BROKER_URL, reason="no broker configured")


def test_broker_accepts_a_message():
    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, timeout=3)
        queue = connection.SimpleQueue("pingshi-ci-probe")
        queue.put({"ping": 1})
        message = queue.get(timeout=3)
        assert message.payload == {"ping": 1}
        message.ack()
        queue.close()


def test_unreachable_broker_fails_fast():
    started = time.monotonic()
    with app.connection_for_write("redis://127.0.0.1:1/0") as connection:
        with pytest.raises(Exception):  # noqa: B017 - any connection error will do
            connection.ensure_connection(max_retries=1, timeout=2)
    assert time.monotonic() - started < 10
