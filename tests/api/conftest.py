from __future__ import annotations

import pytest

from api.models import ApiClient, Scope
from api.services import client_register


@pytest.fixture
def make_client(personas):
    """(client row, token) for region a (or b), holding the given scopes (default all)."""

    def make(region="a", scopes=None, **fields):
        cast = getattr(personas, region)
        client = ApiClient(
            region=cast.region,
            name=f"{region}人事系统",
            scopes=scopes or list(Scope.values),
            **fields,
        )
        token = client_register(client=client, by=cast.district_admin)
        return client, token

    return make


@pytest.fixture
def call(client):
    """Call the API with a token: call(token, "get", url, data=…, key=…)."""

    def _call(token, method, url, data=None, key=None, **extra):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        if key:
            headers["HTTP_IDEMPOTENCY_KEY"] = key
        if method == "get":
            return client.get(url, data or {}, **headers, **extra)
        return client.post(url, data, content_type="application/json", **headers, **extra)

    return _call


@pytest.fixture(autouse=True)
def _fresh_rate_limits(monkeypatch):
    """Throttle counts live in the cache, keyed by client id: start each test from zero, with a
    limit no test reaches unless it sets its own."""
    from django.core.cache import cache

    from api.auth import ClientRateThrottle

    cache.clear()
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"client": "100000/min"})
