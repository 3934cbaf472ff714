from __future__ import annotations

import copy
import os

import pytest
from django.db import connection
from django.test import override_settings

from assessment.models import User
from config.celery import app as celery_app
from tests.personas import Personas, build_personas, persona_users

FAST_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "assessment.passwords.OneTimePasswordHasher",  # one-time passwords (roster accounts)
]


def _on_postgres() -> bool:
    return connection.vendor == "postgresql"


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests skip on SQLite, except in CI (REQUIRE_POSTGRES=1), where running
    on anything else is an error rather than a silent skip."""
    from django.conf import settings

    on_pg = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    if os.environ.get("REQUIRE_POSTGRES") == "1" and not on_pg:
        raise pytest.UsageError("REQUIRE_POSTGRES=1 but DATABASE_URL is not PostgreSQL")
    if on_pg:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    # Tasks run in-process in tests even where a broker is configured (CI exports one for
    # tests/test_broker.py): a test asserts on what the task did, not on a queue.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # the once-a-minute session touch would make a page's first request cost three queries more
    # than the next; tests of the idle timeout set it back (tests/test_security.py)
    settings.SESSION_TOUCH_SECONDS = 10**10
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


_cast: dict[str, object] = {}  # the personas as built, never handed out (copies are)


def _build_cast() -> Personas:
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        _cast["personas"] = build_personas()
    return _cast["personas"]


def _cast_in_database() -> bool:
    """The session's personas are still there: a transactional test (browser, threads) empties
    every table when it ends, and the next test that asks builds them again."""
    cast = _cast.get("personas")
    if cast is None:
        return False
    users = {u.pk: u.username for u in persona_users(cast)}
    return dict(User.objects.filter(pk__in=users).values_list("pk", "username")) == users


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Build the personas once per test database (each xdist worker has its own) and commit
    them: a test runs in a transaction that is rolled back, so whatever it changes is gone for
    the next one, which gets a fresh copy (tests/personas.py, ~260 queries saved per test)."""
    with django_db_blocker.unblock():
        _build_cast()


@pytest.fixture
def personas(db) -> Personas:
    """The fixed cast (`personas.a.chief` …). Rows built once per session; every test gets its
    own copies of the Python objects, so attributes a test sets or caches (scope_for) never
    reach the next test."""
    if not _cast_in_database():
        _build_cast()
    return copy.deepcopy(_cast["personas"])


@pytest.fixture
def login(client):
    """Log a user in through the real login path (signals, audit, session timestamp)."""

    def _login(user):
        client.force_login(user)  # fires user_logged_in: audit row and session start time
        return client

    return _login


@pytest.fixture(autouse=True, scope="session")
def _sqlite_flush_may_empty_the_audit_log():
    """SQLite's append-only triggers (migration 0012) refuse DELETE of audit rows unless
    assessment_audit_purge holds a row: a transactional test's flush sets it around itself."""
    if connection.vendor != "sqlite":
        yield
        return
    DatabaseOperations = type(connection.ops)
    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        if any("assessment_auditevent" in sql for sql in sql_list):
            sql_list = [
                "INSERT INTO assessment_audit_purge (flag) VALUES (1)",
                *sql_list,
                "DELETE FROM assessment_audit_purge",
            ]
        return original(self, sql_list)

    DatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    DatabaseOperations.execute_sql_flush = original


@pytest.fixture(autouse=True)
def _keep_score_providers():
    """Tests that register a stand-in provider (and unregister it) must not remove the real
    ones the apps registered at start-up (peer and public ratings, key-task progress)."""
    from indicators import providers

    saved = dict(providers._providers)
    yield
    providers._providers.clear()
    providers._providers.update(saved)
