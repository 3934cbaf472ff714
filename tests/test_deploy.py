"""Production settings: `check --deploy` is clean, static files are served under gunicorn
(WhiteNoise), and bad or missing configuration fails loudly at import time."""

from __future__ import annotations

import io
import os
import runpy
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from assessment.models import SEPARATED_ADMIN_ROLES, AuditEvent, Role, User
from assessment.tenancy import scope_for

BASE_DIR = Path(__file__).resolve().parent.parent
SETTINGS_FILE = BASE_DIR / "config" / "settings.py"
PRODUCTION_HOST = "kaohe.example.gov.cn"
# 64 characters, mixed: what `python -c "import secrets; print(secrets.token_urlsafe(48))"` gives
PRODUCTION_KEY = "t3Vq9xZ-kP2mL7wR4sN8bH1cJ6dF0gY5eA_uI9oQ2rT7yU4iO1pK8lM3nB6vC0xZ"


# Settings read from these: a test starts from none of them set, whatever the shell has.
SETTINGS_ENV = ("DJANGO_", "DATABASE_", "CELERY_", "SESSION_", "PASSWORD_", "LOCKOUT_", "EMAIL_")


def production_env(**extra: str) -> dict[str, str]:
    """The process environment with production settings, nothing inherited that weakens them."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(SETTINGS_ENV)}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=PRODUCTION_KEY,
        DJANGO_ALLOWED_HOSTS=PRODUCTION_HOST,
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300
    )


def load_settings(monkeypatch, **env: str) -> dict:
    """Execute config/settings.py afresh with the given environment (not Django's settings)."""
    for key in list(os.environ):
        if key.startswith(SETTINGS_ENV):
            monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(SETTINGS_FILE))


def test_check_deploy_is_clean_with_production_settings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_without_secret_key_fails_loudly(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY"):
        load_settings(monkeypatch, DJANGO_DEBUG="0")


def test_production_without_secret_key_stops_manage_py():
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    result = run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


@pytest.mark.parametrize("value", ["sixty", "1.5", "60s"])
def test_bad_conn_max_age_is_refused(monkeypatch, value):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_CONN_MAX_AGE"):
        load_settings(monkeypatch, DATABASE_CONN_MAX_AGE=value)


@pytest.mark.parametrize(
    "name",
    ["TRUSTED_PROXY_COUNT", "LOCKOUT_FAILURES", "SESSION_IDLE_MINUTES", "EXPORT_RETENTION_DAYS"],
)
def test_integer_knobs_refuse_garbage(monkeypatch, name):
    with pytest.raises(ImproperlyConfigured, match=name):
        load_settings(monkeypatch, **{name: "many"})


def test_bad_boolean_is_refused(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_DEBUG"):
        load_settings(monkeypatch, DJANGO_DEBUG="maybe")


def test_production_settings_are_hardened(monkeypatch):
    s = load_settings(
        monkeypatch,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=PRODUCTION_KEY,
        DJANGO_ALLOWED_HOSTS=f"{PRODUCTION_HOST}, kaohe2.example.gov.cn",
        DATABASE_CONN_MAX_AGE="0",
    )
    assert s["DEBUG"] is False
    assert s["ALLOWED_HOSTS"] == [PRODUCTION_HOST, "kaohe2.example.gov.cn"]
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"] and s["SECURE_SSL_REDIRECT"]
    assert s["SECURE_HSTS_SECONDS"] >= 31536000
    assert s["DATABASES"]["default"]["CONN_MAX_AGE"] == 0
    assert s["TRUSTED_PROXY_COUNT"] == 0  # X-Forwarded-For ignored unless a proxy is declared
    assert s["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    assert s["STORAGES"]["staticfiles"]["BACKEND"].startswith("whitenoise.")
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in s["MIDDLEWARE"]


def test_development_defaults_need_no_environment(monkeypatch):
    s = load_settings(monkeypatch)
    assert s["DEBUG"] is True
    assert s["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert s["CELERY_TASK_ALWAYS_EAGER"] is True
    assert s["STORAGES"]["staticfiles"]["BACKEND"].endswith(".StaticFilesStorage")


# Runs in a production-settings process after collectstatic: the login page links hashed
# static files, and WhiteNoise serves them (the same path a request takes under gunicorn).
SERVE_STATIC = textwrap.dedent(
    """
    import re, django
    django.setup()
    from django.test import Client
    client = Client(HTTP_HOST="kaohe.example.gov.cn", HTTP_X_FORWARDED_PROTO="https")
    page = client.get("/login/")
    assert page.status_code == 200, page.status_code
    assert page["Strict-Transport-Security"].startswith("max-age=")
    csp = page["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "'nonce'" not in csp, csp
    links = re.findall(r'(/static/[^"]+\\.[0-9a-f]{12}\\.(?:css|js))"', page.content.decode())
    assert len(links) >= 2, links
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, (link, response.status_code)
        assert "max-age=315360000" in response["Cache-Control"], response["Cache-Control"]
        assert b"".join(response.streaming_content)
    insecure = Client(HTTP_HOST="kaohe.example.gov.cn").get("/login/")
    assert insecure.status_code == 301 and insecure["Location"].startswith("https://")
    print("served", len(links))
    """
)


def test_collectstatic_and_whitenoise_serve_hashed_files(tmp_path):
    env = production_env(
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}",
    )
    collected = run(["manage.py", "collectstatic", "--noinput"], env)
    assert collected.returncode == 0, collected.stdout + collected.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()
    served = run(["-c", SERVE_STATIC], env)
    assert served.returncode == 0, served.stdout + served.stderr
    assert served.stdout.startswith("served ")


# -- first accounts on a fresh install: manage.py create_admin ---------------------------------

STRONG = "Qz7#vLp2-Admin"


def create_admin(monkeypatch, *args: str, password: str = STRONG) -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    out = io.StringIO()
    call_command("create_admin", *args, "--password-stdin", stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(SEPARATED_ADMIN_ROLES))
def test_create_admin_makes_one_separated_admin_account(monkeypatch, role):
    out = create_admin(monkeypatch, "first_admin", "--role", role)

    user = User.objects.get(username="first_admin")
    assert "created first_admin" in out
    assert user.check_password(STRONG)
    assert not user.is_superuser and not user.is_staff
    assert user.password_changed_at is not None  # not sent to "password expired" at login
    assert list(user.memberships.values_list("role", "region", "unit")) == [(role, None, None)]
    assert scope_for(user).roles() == {role}
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.ROLE_GRANTED, username="first_admin")


@pytest.mark.django_db
def test_create_admin_makes_a_district_admin_for_a_region(monkeypatch, personas):
    create_admin(
        monkeypatch, "zzb", "--role", "district_admin", "--region", "b", "--name", "组织部"
    )

    user = User.objects.get(username="zzb")
    assert user.last_name == "组织部"
    assert scope_for(user).regions_with(Role.DISTRICT_ADMIN) == {personas.b.region.pk}
    assert AuditEvent.objects.filter(
        kind=AuditEvent.Kind.ROLE_GRANTED, username="zzb", region=personas.b.region
    ).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (("weak", "--role", "system_admin"), "abcdefgh", "至少"),  # one character class
        (("short", "--role", "system_admin"), "Ab1#", "8"),
        (("alice", "--role", "audit_admin"), "Alice#2026x", "用户名"),
        (("d", "--role", "district_admin"), STRONG, "--region"),
        (("d", "--role", "district_admin", "--region", "nowhere"), STRONG, "no region"),
        (("s", "--role", "security_admin", "--region", "a"), STRONG, "only for district_admin"),
        (("auditor", "--role", "audit_admin"), STRONG, "already exists"),
    ],
)
def test_create_admin_refuses_bad_input_and_creates_nothing(
    monkeypatch, personas, args, password, message
):
    before = User.objects.count()
    with pytest.raises(CommandError, match=message):
        create_admin(monkeypatch, *args, password=password)
    assert User.objects.count() == before


@pytest.mark.django_db
def test_create_admin_without_a_terminal_asks_for_password_stdin(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(CommandError, match="--password-stdin"):
        call_command("create_admin", "x_admin", "--role", "system_admin")
    assert not User.objects.filter(username="x_admin").exists()


def test_mail_goes_to_smtp_only_when_a_host_is_configured(monkeypatch):
    assert load_settings(monkeypatch)["EMAIL_BACKEND"].endswith("console.EmailBackend")
    smtp = load_settings(monkeypatch, EMAIL_HOST="smtp.example.gov.cn", EMAIL_PORT="465")
    assert smtp["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
    assert (smtp["EMAIL_HOST"], smtp["EMAIL_PORT"]) == ("smtp.example.gov.cn", 465)
    assert smtp["EMAIL_USE_TLS"] and not smtp["EMAIL_USE_SSL"]
    ssl = load_settings(monkeypatch, EMAIL_HOST="smtp.example.gov.cn", EMAIL_USE_SSL="1")
    assert ssl["EMAIL_USE_SSL"] and not ssl["EMAIL_USE_TLS"]  # Django refuses both
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT"):
        load_settings(monkeypatch, EMAIL_HOST="smtp.example.gov.cn", EMAIL_PORT="smtp")
