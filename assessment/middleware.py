"""Session limits (absolute lifetime) and password expiry."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.messages.storage import default_storage
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import audit
from .models import AuditEvent
from .passwords import password_expired


def _redirect_with_message(request, level: int, text: str, to: str):
    """Redirect with a flash message. These middlewares may run before MessageMiddleware, which
    then never sees the request they answer, so the message storage is opened and saved here."""
    response = redirect(to)
    if hasattr(request, "_messages"):
        request._messages.add(level, text)
    else:
        storage = default_storage(request)
        storage.add(level, text)
        storage.update(response)
    return response


class SessionLimitsMiddleware:
    """The absolute session limit, and the sliding idle timeout: the session (and so its expiry,
    SESSION_COOKIE_AGE) is rewritten at most once per SESSION_TOUCH_SECONDS instead of on every
    request, which saves three queries per page; the idle limit is exact to that granularity."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            started = request.session.get("login_at")
            age = timezone.now().timestamp() - started if started else None
            if age is None or age > settings.SESSION_ABSOLUTE_SECONDS:
                audit(AuditEvent.Kind.SESSION_EXPIRED, request=request, user=user)
                logout(request)
                return _redirect_with_message(
                    request,
                    messages.INFO,
                    _("登录已超过最长时限，请重新登录。"),
                    settings.LOGIN_URL,
                )
            now = timezone.now().timestamp()
            if now - request.session.get("seen_at", 0) >= settings.SESSION_TOUCH_SECONDS:
                request.session["seen_at"] = now  # modified: saved with a fresh expiry
        return self.get_response(request)


class PasswordExpiryMiddleware:
    """An account whose password is older than the maximum age must change it first."""

    EXEMPT = ("password_change", "password_change_done", "logout")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and password_expired(user):
            exempt = {reverse(name) for name in self.EXEMPT}
            if request.path not in exempt and not request.path.startswith(settings.STATIC_URL):
                text = _("密码已过期（超过 %(d)d 天），请先修改密码。") % {
                    "d": settings.PASSWORD_MAX_AGE_DAYS
                }
                return _redirect_with_message(request, messages.WARNING, text, "password_change")
        return self.get_response(request)


class FriendlyNotFoundMiddleware:
    """With DEBUG on (`make run`, the demo), Django answers an unknown address or an object out
    of reach with its English technical page listing every URL pattern; a demo user gets the
    product's Chinese 404 page instead (production, DEBUG off, renders 404.html by itself).
    Installed only when DEBUG is on and DJANGO_DEBUG_404 is not set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 404 and b"DEBUG = True" in response.content:
            return render(request, "404.html", status=404)
        return response
