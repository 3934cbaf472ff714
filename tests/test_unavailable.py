"""While the database is unreachable pages answer a Chinese 503 (no traceback, no "Internal
Server Error" log); /healthz/ stays a liveness probe; /readyz/ reports the database and broker."""

from __future__ import annotations

import logging

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client, RequestFactory

from config.resilience import server_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')

    def down():
        monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refuse)

    return down


def _assert_unavailable_page(response, caplog):
    body = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "系统暂时无法使用" in body and "数据库暂时无法连接" in body
    assert "Traceback" not in body and "OperationalError" not in body
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("database unavailable" in r.getMessage() for r in caplog.records)


def test_signed_in_page_answers_503_while_the_database_is_down(personas, database_down, caplog):
    client = Client(raise_request_exception=False)
    client.force_login(personas.a.staff)
    database_down()
    with caplog.at_level(logging.WARNING):
        response = client.get("/")
    _assert_unavailable_page(response, caplog)


def test_a_view_losing_the_database_answers_503(personas, monkeypatch, caplog):
    from assessment import views

    def lost(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    client = Client(raise_request_exception=False)
    client.force_login(personas.a.staff)
    monkeypatch.setattr(views, "render", lost)
    with caplog.at_level(logging.WARNING):
        response = client.get("/")
    _assert_unavailable_page(response, caplog)


def test_handler500_answers_503_for_a_database_error_raised_outside_views(caplog):
    request = RequestFactory().get("/")
    with caplog.at_level(logging.WARNING):
        try:
            raise OperationalError("terminating connection due to administrator command")
        except OperationalError:
            response = server_error(request)
    assert response.status_code == 503 and "数据库暂时无法连接" in response.content.decode()
    try:
        raise ValueError("a bug")
    except ValueError:
        assert server_error(request).status_code == 500


def test_the_page_recovers_when_the_database_is_back(personas, database_down, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(personas.a.staff)
    database_down()
    assert client.get("/").status_code == 503
    monkeypatch.undo()
    assert client.get("/").status_code == 200


def test_healthz_is_liveness_only(client, database_down):
    database_down()
    response = client.get("/healthz/")
    assert response.status_code == 200 and response.content == b"ok"


def test_readyz_reports_database_broker_and_outbox(client):
    response = client.get("/readyz/")
    body = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert "database: ok" in body and "broker: none" in body and "outbox: 0 pending" in body


def test_readyz_is_503_without_the_database(client, database_down, caplog):
    database_down()
    with caplog.at_level(logging.WARNING):
        response = client.get("/readyz/")
    assert response.status_code == 503 and "database: unavailable" in response.content.decode()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_readyz_reports_a_broker_that_is_down_but_stays_ready(client):
    from tests.brokers import using_broker

    with using_broker("redis://127.0.0.1:1/0"):
        response = client.get("/readyz/")
    body = response.content.decode()
    assert response.status_code == 200 and "broker: unavailable" in body
