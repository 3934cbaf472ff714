"""Audit events for authentication (SECURITY.md "Audit"): login, logout, failures."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .models import AuditEvent


def client_ip(request) -> str | None:
    """The address the connection came from. Behind N reverse proxies (settings
    TRUSTED_PROXY_COUNT, default 0) each proxy appends the address it saw to X-Forwarded-For,
    so the N-th entry from the end is the client as the outermost proxy saw it: entries a client
    sends itself sit further left and are never read, and rotating them cannot slip past the
    lockout. Without proxies the header is ignored and REMOTE_ADDR is the client."""
    if request is None:
        return None
    hops = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if hops and len(forwarded) >= hops:
        try:
            return str(ipaddress.ip_address(forwarded[-hops]))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR")


def current_request():
    """The request being served on this thread (simple-history's middleware keeps it), so
    services audited without a request argument still record the client address."""
    return getattr(HistoricalRecords.context, "request", None)


def audit(
    kind: str,
    *,
    request=None,
    user=None,
    username: str = "",
    region=None,
    region_id: int | None = None,
    **detail,
):
    if request is None:
        request = current_request()
    if user is not None and not username:
        username = user.get_username()
    return AuditEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.pk else None,
        username=username[:150],
        ip=client_ip(request),
        region_id=region.pk if region is not None else region_id,
        detail=detail,
    )


def audit_object(kind: str, *, by, obj, outcome: str, request=None, person=None, **detail):
    """A result-changing or data-leaving action on one record: who (by, and the client address
    of the current request), what (the model and id, and the person it concerns), and the
    outcome. `detail` stays flat JSON of strings and numbers so the audit page can show it."""
    person = person or getattr(obj, "person", None)
    data = {"object": obj._meta.model_name, "object_id": obj.pk, "outcome": outcome}
    if person is not None:
        data.update(person_id=person.pk, person=person.name, staff_no=person.staff_no)
    return audit(
        kind,
        request=request,
        user=by,
        region_id=getattr(obj, "region_id", None),
        **data,
        **detail,
    )


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs) -> None:
    request.session["login_at"] = timezone.now().timestamp()
    audit(AuditEvent.Kind.LOGIN, request=request, user=user)


@receiver(user_logged_out)
def _on_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit(AuditEvent.Kind.LOGOUT, request=request, user=user)
