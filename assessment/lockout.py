"""Login lockout: N failures in a window lock the username and the client address."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from .audit import audit, client_ip
from .models import AuditEvent, Lockout, LoginFailure


def _keys(username: str, request) -> list[str]:
    keys = [f"user:{username.strip().lower()}"]
    ip = client_ip(request)
    if ip:
        keys.append(f"ip:{ip}")
    return keys


def is_locked(username: str, request) -> bool:
    return Lockout.objects.filter(
        key__in=_keys(username, request), until__gt=timezone.now()
    ).exists()


def record_failure(username: str, request, *, where: str = "login") -> None:
    """A wrong password at sign-in or on the password-change page (where) counts the same."""
    now = timezone.now()
    audit(AuditEvent.Kind.LOGIN_FAILED, request=request, username=username, where=where)
    for key in _keys(username, request):
        LoginFailure.objects.create(key=key, at=now)
        recent = LoginFailure.objects.filter(key=key, at__gt=now - settings.LOCKOUT_WINDOW)
        if recent.count() >= settings.LOCKOUT_FAILURES:
            Lockout.objects.create(key=key, until=now + settings.LOCKOUT_DURATION)
            LoginFailure.objects.filter(key=key).delete()
            audit(AuditEvent.Kind.LOCKOUT, request=request, username=username, key=key)


def clear_failures(username: str) -> None:
    LoginFailure.objects.filter(key=f"user:{username.strip().lower()}").delete()
