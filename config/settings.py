"""One environment-driven settings module.

Defaults give a working single-machine system: SQLite and Celery tasks run in-process.
DATABASE_URL switches to PostgreSQL, CELERY_BROKER_URL to Redis; DJANGO_DEBUG=0 with a real
DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS gives production settings that pass check --deploy.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean, got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG=0")
    SECRET_KEY = "dev-only-insecure-key-change-me-0123456789-abcdefghijklmnopqrstuvwxyz"
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "guardian",
    "simple_history",
    "csp",
    "assessment",
    "indicators",
    "reviews",
    "rewards",
    "archive",
    "notifications",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "outbox",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.resilience.DatabaseUnavailableMiddleware",  # database down: a 503 page, not a 500
    "assessment.middleware.NoStoreMiddleware",
    "assessment.middleware.SessionLimitsMiddleware",
    "assessment.middleware.PasswordExpiryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "outbox.middleware.DelayedWorkNoticeMiddleware",  # after messages: its notice is stored
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]
if DEBUG and not env_bool("DJANGO_DEBUG_404", False):
    # the demo (make run) shows the Chinese 404 page, not Django's technical one
    MIDDLEWARE.append("assessment.middleware.FriendlyNotFoundMiddleware")
if not DEBUG:
    # Serves the collected static files under gunicorn: no separate web server is needed.
    # (runserver serves them itself in development.)
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "assessment.context_processors.roles",
            ],
        },
    },
]
FORM_RENDERER = "assessment.renderers.FormRenderer"  # built-in widgets through Jinja2

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        # a kept connection the database dropped (a restart, pg_terminate_backend) is tested
        # before each request reuses it and replaced, instead of failing that request
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "assessment.User"
AUTHENTICATION_BACKENDS = [
    "assessment.backends.AccountBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Password policy (SECURITY.md): 8+ chars, 3 of 4 classes, not the username, not one of the
# last 5, expires after 90 days.
# Django's defaults, plus the cheaper hasher for random one-time passwords (initial and reset
# passwords, replaced at the first login: assessment/passwords.py OneTimePasswordHasher).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "assessment.passwords.OneTimePasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "assessment.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 8)},
    },
    {"NAME": "assessment.passwords.CharacterClassValidator"},
    {"NAME": "assessment.passwords.NotContainingUsernameValidator"},
    {"NAME": "assessment.passwords.PasswordHistoryValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 90)
PASSWORD_HISTORY_COUNT = env_int("PASSWORD_HISTORY_COUNT", 5)

# Lockout: per username and per client address (assessment.audit.client_ip).
LOCKOUT_FAILURES = env_int("LOCKOUT_FAILURES", 5)
LOCKOUT_WINDOW = timedelta(minutes=env_int("LOCKOUT_WINDOW_MINUTES", 15))
LOCKOUT_DURATION = timedelta(minutes=env_int("LOCKOUT_DURATION_MINUTES", 30))
# Reverse proxies in front of the app that each append to X-Forwarded-For: the client address
# is the entry the outermost one added. 0 (no proxy): REMOTE_ADDR only, the header is ignored.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Outgoing mail (review reminders). Without EMAIL_HOST, mail goes to the console log only.
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "kaohe@localhost")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)  # implicit TLS (port 465)
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", not EMAIL_USE_SSL)  # STARTTLS (port 587)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Sessions in the database; idle timeout 30 min (sliding), absolute 12 h.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = False  # SessionLimitsMiddleware slides the expiry once a minute
SESSION_TOUCH_SECONDS = env_int("SESSION_TOUCH_SECONDS", 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_HOURS", 12) * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production serves hashed, compressed files from STATIC_ROOT (run collectstatic first);
# development keeps plain files so runserver needs no collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# The embedded CJK font (static/fonts, ~5 MB, for PDFs) would take minutes to brotli-compress
# at every collectstatic, and its readers (WeasyPrint, font-capable browsers) gain little.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "otf", "ttf"]
# Private files (attachments, exports): outside the web root, served only through views.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "var" / "private"))
# Generated export files (registration sheets) are deleted after this many days.
EXPORT_RETENTION_DAYS = env_int("EXPORT_RETENTION_DAYS", 7)
# A running export with no progress for this long has lost its worker and is marked failed.
EXPORT_STALE_MINUTES = env_int("EXPORT_STALE_MINUTES", 30)

# Security headers.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # NONCE becomes 'nonce-…' when a template uses request.csp_nonce ("'nonce'" written
        # out is no source at all: browsers ignore it and report an error)
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", NONCE],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# django-guardian: no anonymous user row, no default accounts after install.
ANONYMOUS_USER_NAME = None
GUARDIAN_MONKEY_PATCH_USER = False

# Celery: eager in-process unless a broker is configured.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Delivery (README "Faults"): a message is acknowledged after its task ran, and put back when
# the worker process running it dies, so a killed worker's task runs again (every task is
# idempotent); one message reserved per worker process, so a dying worker holds no others.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# on a broker connection loss a running late-ack task is redelivered anyway: cancel it rather
# than let two copies run
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# Every task is killed after CELERY_TASK_TIME_LIMIT (the longest, a district's PDF export, takes
# minutes: bench/README.md); Redis hands an unacknowledged message to another worker after the
# visibility timeout, which must exceed it, or a long task would run twice at once.
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 2 * 3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": 3,
    "socket_connect_timeout": 3,
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + 1800,
    # a publish to a broker that is down fails at once (measured: ~6 s with kombu's default
    # retries, ~0.02 s with these) and the outbox row waits for the relay
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# The transactional outbox (outbox/): requests record tasks in their transaction; this relay
# sends what could not be sent at once (the broker was down). A sent row is kept for 7 days.
OUTBOX_RELAY_SECONDS = env_int("OUTBOX_RELAY_SECONDS", 5)
# An export still queued after this long (its message never reached a worker) is failed with
# 重新导出 on its page.
EXPORT_QUEUED_MINUTES = env_int("EXPORT_QUEUED_MINUTES", 30)
# Every this many minutes the consistency sweep recomputes scores whose inputs changed since
# the previous sweep (indicators/sweep.py: the backstop for a recompute task that was lost).
SCORE_SWEEP_MINUTES = env_int("SCORE_SWEEP_MINUTES", 10)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    # registration-sheet exports: delete files past EXPORT_RETENTION_DAYS (default 7)
    "archive-purge-expired-exports": {
        "task": "archive.tasks.purge_expired_exports",
        "schedule": 3600.0,
    },
    # … and fail running exports whose worker died (no progress for EXPORT_STALE_MINUTES)
    "archive-fail-stale-exports": {"task": "archive.tasks.fail_stale_exports", "schedule": 600.0},
    # quarterly review (reviews/tasks.py): all idempotent, so plain intervals suffice
    # transactional outbox: send what requests could not (the broker was down); expires so
    # relay runs piled up while no worker ran are dropped, not run in a burst
    "outbox-relay": {
        "task": "outbox.tasks.relay_outbox",
        "schedule": float(OUTBOX_RELAY_SECONDS),
        "options": {"expires": OUTBOX_RELAY_SECONDS * 2},
    },
    "outbox-purge-sent": {"task": "outbox.tasks.purge_sent_messages", "schedule": 24 * 3600.0},
    # consistency sweep: scores whose inputs changed since the last sweep are recomputed
    "indicators-score-sweep": {
        "task": "indicators.tasks.sweep_scores",
        "schedule": SCORE_SWEEP_MINUTES * 60.0,
    },
    "reviews-open-due-quarters": {
        "task": "reviews.tasks.open_due_quarters",
        "schedule": 6 * 3600.0,
    },
    "reviews-close-publicity": {"task": "reviews.tasks.close_publicity", "schedule": 3600.0},
    "reviews-review-reminders": {
        "task": "reviews.tasks.send_review_reminders",
        "schedule": 6 * 3600.0,
    },
    # year-end appraisal (reviews/annual): opens the year in December, idempotent
    "reviews-open-due-years": {"task": "reviews.tasks.open_due_years", "schedule": 6 * 3600.0},
    # 互评 and 群众点评: close due rounds, reminders, address-hash purge, daily recompute
    "reviews-ratings-daily": {"task": "reviews.tasks.ratings_daily", "schedule": 24 * 3600.0},
    # notification centre (notifications/tasks.py): retries with backoff, daily digest
    "notifications-send-due": {"task": "notifications.tasks.send_due_deliveries", "schedule": 60.0},
    "notifications-digest": {"task": "notifications.tasks.send_digests", "schedule": 3600.0},
}

# Notification centre: e-mail copies (default on when a mail server is configured), group-robot
# timeout and retries, the site address put in front of links in messages.
NOTIFY_EMAIL = env_bool("NOTIFY_EMAIL", bool(EMAIL_HOST))
NOTIFY_SITE_URL = os.environ.get("NOTIFY_SITE_URL", "").rstrip("/")
NOTIFY_WEBHOOK_TIMEOUT = env_int("NOTIFY_WEBHOOK_TIMEOUT", 5)
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 5)
NOTIFY_RETRY_BASE_SECONDS = env_int("NOTIFY_RETRY_BASE_SECONDS", 60)
NOTIFY_STUCK_MINUTES = env_int("NOTIFY_STUCK_MINUTES", 15)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# The REST API for the region's other systems (api/): token clients only, problem details,
# per-client rate limit (API_RATE, e.g. "120/min").
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.auth.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.auth.HasScope"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.base.problem_handler",
    "DEFAULT_THROTTLE_RATES": {"client": os.environ.get("API_RATE", "120/min")},
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "平时考核系统数据接口",
    "DESCRIPTION": "供本区人事、纪检等系统同步名册、考勤、负面信息，读取考核结果。"
    "认证：Authorization: Bearer <令牌>；错误按 RFC 9457 problem details 返回。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
}
