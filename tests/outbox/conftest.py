from __future__ import annotations

import pytest

from config.celery import app
from outbox import services

DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused


@pytest.fixture
def broker_down(settings):
    """Tasks go to a broker that refuses connections (as in production with Redis down)."""
    old = app.conf.broker_url
    app.conf.task_always_eager = False
    app.conf.broker_url = DEAD_BROKER
    app._pool = None
    services._broker_down_until = 0.0
    yield
    app.conf.task_always_eager = True
    app.conf.broker_url = old
    app._pool = None
    services._broker_down_until = 0.0
