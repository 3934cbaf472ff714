"""Reads for the notification pages, scoped to the account."""

from __future__ import annotations

from django.db.models import Count, Q

from assessment.tenancy import get_or_404

from .kinds import OPTIONAL
from .models import Delivery, Mode, Notification, Preference, WebhookChannel


def notifications_for(user, *, unread: bool = False):
    rows = Notification.objects.filter(user=user).only(
        "pk", "kind", "text", "link", "created", "read_at"
    )
    return rows.filter(read_at__isnull=True) if unread else rows


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_for_user(user, pk) -> Notification:
    return get_or_404(Notification.objects.filter(user=user), pk=pk)


def preference_modes(user) -> dict[str, str]:
    stored = dict(Preference.objects.filter(user=user).values_list("kind", "mode"))
    return {k.code: stored.get(k.code, Mode.IMMEDIATE) for k in OPTIONAL}


def channels_for_admin(user):
    return (
        WebhookChannel.objects.managed_by(user)
        .select_related("unit")
        .annotate(
            failed=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED)),
            sent=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.SENT)),
        )
    )


def channel_for_admin(user, pk) -> WebhookChannel:
    return get_or_404(WebhookChannel.objects.managed_by(user), pk=pk)


def deliveries_for_admin(user, *, failed_only: bool = False):
    from assessment.models import Role
    from assessment.tenancy import scope_for

    rows = Delivery.objects.filter(
        region_id__in=scope_for(user).regions_with(Role.DISTRICT_ADMIN)
    ).select_related("webhook")
    return rows.filter(status=Delivery.Status.FAILED) if failed_only else rows
