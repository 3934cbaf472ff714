"""Audit events for authentication (SECURITY.md "Audit"): login, logout, failures."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.utils import timezone

from .models import AuditEvent


def client_ip(request) -> str | None:
    """The address the connection came from. X-Forwarded-For is never trusted here, so a
    client cannot rotate it to slip past the lockout; the proxy sets REMOTE_ADDR."""
    return request.META.get("REMOTE_ADDR") if request is not None else None


def audit(kind: str, *, request=None, user=None, username: str = "", region=None, **detail):
    if user is not None and not username:
        username = user.get_username()
    return AuditEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.pk else None,
        username=username[:150],
        ip=client_ip(request),
        region=region,
        detail=detail,
    )


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs) -> None:
    request.session["login_at"] = timezone.now().timestamp()
    audit(AuditEvent.Kind.LOGIN, request=request, user=user)


@receiver(user_logged_out)
def _on_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit(AuditEvent.Kind.LOGOUT, request=request, user=user)
