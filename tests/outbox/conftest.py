from __future__ import annotations

import pytest

from tests.brokers import using_broker

DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused


@pytest.fixture
def broker_down():
    """Tasks go to a broker that refuses connections (as in production with Redis down)."""
    with using_broker(DEAD_BROKER):
        yield
