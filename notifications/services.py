"""Notification centre actions. `notify()` is what every other app calls; it writes the in-app
rows and queues the deliveries, idempotently and in a constant number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.models import Person, Role, User
from assessment.tenancy import scope_for

from . import channels
from .kinds import KINDS, OPTIONAL
from .models import Delivery, Mode, Notification, Preference, WebhookChannel

SUBJECT = "平时考核提醒"


@dataclass(frozen=True)
class Note:
    """One notice to one account. `key` names the event (unique per account)."""

    user_id: int
    region_id: int | None
    kind: str
    key: str
    text: str
    link: str = ""


def _modes(notes: list[Note]) -> dict[tuple[int, str], str]:
    optional = {n.kind for n in notes if not KINDS[n.kind].mandatory}
    if not optional:
        return {}
    rows = Preference.objects.filter(
        user_id__in={n.user_id for n in notes}, kind__in=optional
    ).values_list("user_id", "kind", "mode")
    return {(u, k): m for u, k, m in rows}


def notify(notes: Iterable[Note]) -> int:
    """Create the notifications not created before and queue their immediate deliveries.
    Returns how many notifications are new. Safe to run twice, also at the same time: the
    unique (user, event_key) and Delivery.key constraints drop the second copy."""
    notes = list({(n.user_id, n.key): n for n in notes}.values())
    if not notes:
        return 0
    modes = _modes(notes)
    wanted = []
    for n in notes:
        mode = Mode.IMMEDIATE if KINDS[n.kind].mandatory else modes.get((n.user_id, n.kind))
        if mode != Mode.OFF:
            wanted.append((n, mode or Mode.IMMEDIATE))
    keys = {n.key for n, _m in wanted}
    existing = set(
        Notification.objects.filter(
            user_id__in={n.user_id for n, _m in wanted}, event_key__in=keys
        ).values_list("user_id", "event_key")
    )
    fresh = [(n, m) for n, m in wanted if (n.user_id, n.key) not in existing]
    if not fresh:
        return 0
    now = timezone.now()
    Notification.objects.bulk_create(
        [
            Notification(
                region_id=n.region_id,
                user_id=n.user_id,
                kind=n.kind,
                event_key=n.key[:160],
                text=n.text[:300],
                link=n.link,
                mode=m,
                created=now,
            )
            for n, m in fresh
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    _queue_immediate([n for n, m in fresh if m == Mode.IMMEDIATE])
    return len(fresh)


def _absolute(link: str) -> str:
    return f"{settings.NOTIFY_SITE_URL}{link}" if link.startswith("/") else link


def _queue_immediate(notes: list[Note]) -> None:
    """E-mail (when enabled and the account has an address) and the group robots whose scope
    (region, or one unit) holds the recipient's person."""
    if not notes:
        return
    users = {n.user_id for n in notes}
    emails = (
        dict(User.objects.filter(pk__in=users).exclude(email="").values_list("pk", "email"))
        if settings.NOTIFY_EMAIL
        else {}
    )
    hooks = defaultdict(list)
    regions = {n.region_id for n in notes if n.region_id}
    for hook in WebhookChannel.objects.filter(region_id__in=regions, active=True):
        hooks[hook.region_id].append(hook)
    people = {}
    if hooks:
        people = {
            uid: (name, unit_id)
            for uid, name, unit_id in Person.objects.filter(user_id__in=users).values_list(
                "user_id", "name", "unit_id"
            )
        }
    ids = dict(
        ((u, k), pk)
        for pk, u, k in Notification.objects.filter(
            user_id__in=users, event_key__in={n.key for n in notes}
        ).values_list("pk", "user_id", "event_key")
    )
    rows = []
    for n in notes:
        nid = ids.get((n.user_id, n.key))
        if nid is None:
            continue
        body = f"{n.text}\n{_absolute(n.link)}".strip()
        if n.user_id in emails:
            rows.append(
                Delivery(
                    key=f"n:{nid}:email",
                    region_id=n.region_id,
                    notification_id=nid,
                    channel=Delivery.Channel.EMAIL,
                    recipient=emails[n.user_id],
                    subject=_(SUBJECT),
                    body=body,
                )
            )
        name, unit_id = people.get(n.user_id, ("", None))
        for hook in hooks.get(n.region_id, ()):
            if hook.unit_id and hook.unit_id != unit_id:
                continue
            rows.append(
                Delivery(
                    key=f"n:{nid}:hook:{hook.pk}",
                    region_id=n.region_id,
                    notification_id=nid,
                    channel=hook.kind,
                    webhook=hook,
                    recipient=name,
                    subject=_(SUBJECT),
                    body=f"{name}：{body}" if name else body,
                )
            )
    _create_and_queue(rows)


def _create_and_queue(rows: list[Delivery]) -> None:
    if not rows:
        return
    Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    ids = list(
        Delivery.objects.filter(
            key__in=[r.key for r in rows], status=Delivery.Status.PENDING
        ).values_list("pk", flat=True)
    )
    from outbox.services import dispatch

    from .tasks import send_delivery

    for pk in ids:  # recorded with the notices; sent when the broker takes them (outbox/)
        dispatch(send_delivery, pk)


# -- delivery ---------------------------------------------------------------------------------


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=settings.NOTIFY_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0))


def _claim(delivery_id: int, now: datetime) -> bool:
    """pending/retry (due) → sending, in one UPDATE: only one worker wins the row."""
    return bool(
        Delivery.objects.filter(
            pk=delivery_id,
            status__in=(Delivery.Status.PENDING, Delivery.Status.RETRY),
            next_attempt_at__lte=now,
        ).update(status=Delivery.Status.SENDING, attempts=F("attempts") + 1, claimed_at=now)
    )


def deliver(delivery_id: int, *, now: datetime | None = None) -> str | None:
    """Send one delivery once. Returns its new status, or None when another worker has it or
    it is done already (a redelivered task, a second run) — so nothing is ever sent twice."""
    now = now or timezone.now()
    if not _claim(delivery_id, now):
        return None
    delivery = Delivery.objects.select_related("webhook").get(pk=delivery_id)
    try:
        channels.send(delivery)
    except channels.DeliveryError as exc:
        give_up = not exc.retryable or delivery.attempts >= settings.NOTIFY_MAX_ATTEMPTS
        delivery.status = Delivery.Status.FAILED if give_up else Delivery.Status.RETRY
        delivery.last_error = exc.reason[:500]
        delivery.next_attempt_at = now + backoff(delivery.attempts)
        delivery.save(update_fields=["status", "last_error", "next_attempt_at"])
        return delivery.status
    delivery.status, delivery.sent_at, delivery.last_error = Delivery.Status.SENT, now, ""
    delivery.save(update_fields=["status", "sent_at", "last_error"])
    return delivery.status


def deliveries_due(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Deliveries whose retry time has come (and pending ones whose task was lost)."""
    now = now or timezone.now()
    return list(
        Delivery.objects.filter(
            status__in=(Delivery.Status.PENDING, Delivery.Status.RETRY), next_attempt_at__lte=now
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def deliveries_fail_stuck(*, now: datetime | None = None) -> int:
    """A worker that died while sending leaves the row 'sending': the message may have gone out,
    so it is marked failed with that reason rather than sent again."""
    now = now or timezone.now()
    return Delivery.objects.filter(
        status=Delivery.Status.SENDING,
        claimed_at__lt=now - timedelta(minutes=settings.NOTIFY_STUCK_MINUTES),
    ).update(status=Delivery.Status.FAILED, last_error=_("发送中断：消息可能已送达，未重发"))


# -- daily digest -----------------------------------------------------------------------------


def digests_send(*, today: date | None = None) -> int:
    """每日汇总: one e-mail per account with its digest-mode notices of earlier days, grouped by
    kind. The delivery key (account, day) makes a second run create nothing."""
    today = today or timezone.localdate()
    start = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    rows = list(
        Notification.objects.filter(
            mode=Mode.DIGEST, digested_at__isnull=True, created__lt=start
        ).values_list("pk", "user_id", "region_id", "kind", "text", "link")
    )
    if not rows:
        return 0
    by_user: dict[int, list] = defaultdict(list)
    for row in rows:
        by_user[row[1]].append(row)
    emails = (
        dict(User.objects.filter(pk__in=by_user).exclude(email="").values_list("pk", "email"))
        if settings.NOTIFY_EMAIL
        else {}
    )
    deliveries = []
    for uid, items in by_user.items():
        if uid not in emails:
            continue
        deliveries.append(
            Delivery(
                key=f"digest:{uid}:{today}",
                region_id=items[0][2],
                channel=Delivery.Channel.EMAIL,
                recipient=emails[uid],
                subject=_("平时考核每日汇总（%(n)s 条）") % {"n": len(items)},
                body=digest_body(items),
            )
        )
    with transaction.atomic():
        _create_and_queue(deliveries)
        Notification.objects.filter(pk__in=[r[0] for r in rows]).update(digested_at=timezone.now())
    return len(deliveries)


def digest_body(items) -> str:
    groups: dict[str, list] = defaultdict(list)
    for _pk, _u, _r, kind, text, link in items:
        groups[kind].append((text, link))
    lines = []
    for kind, entries in sorted(groups.items(), key=lambda kv: str(KINDS[kv[0]].label)):
        lines.append(f"【{KINDS[kind].label}】{len(entries)} 条")
        lines.extend(f"- {text} {_absolute(link)}".rstrip() for text, link in entries)
    return "\n".join(lines)


# -- the person's own actions -----------------------------------------------------------------


def notification_read(*, notification: Notification, by) -> None:
    if notification.user_id != by.pk:
        raise PermissionDenied
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )


def notifications_read_all(*, by) -> int:
    return Notification.objects.filter(user=by, read_at__isnull=True).update(read_at=timezone.now())


def preferences_save(*, by, modes: dict[str, str]) -> None:
    """Only the optional kinds are stored; a mandatory kind posted anyway is refused."""
    optional = {k.code for k in OPTIONAL}
    bad = set(modes) - optional
    if bad:
        raise ValidationError(_("必发类通知不能关闭。"))
    with transaction.atomic():
        for kind, mode in modes.items():
            if mode not in Mode.values:
                raise ValidationError(_("请选择有效的推送方式。"))
            Preference.objects.update_or_create(user=by, kind=kind, defaults={"mode": mode})


# -- group robots (district admin) ------------------------------------------------------------


def _require_district_admin(by, region_id: int) -> None:
    if region_id not in scope_for(by).regions_with(Role.DISTRICT_ADMIN):
        raise PermissionDenied


def channel_save(*, channel: WebhookChannel, by) -> WebhookChannel:
    _require_district_admin(by, channel.region_id)
    if channel.unit_id and channel.unit.region_id != channel.region_id:
        raise ValidationError({"unit": _("单位必须属于本区。")})
    if (
        channel.kind == WebhookChannel.Kind.DINGTALK
        and channel.secret
        and not channel.secret.startswith("SEC")
    ):
        raise ValidationError({"secret": _("钉钉加签密钥以 SEC 开头。")})
    if not channel.created_by_id:
        channel.created_by = by
    channel._change_reason = _("配置群机器人")
    channel.save()
    return channel


def channel_test(*, channel: WebhookChannel, by) -> Delivery:
    """Post a test message now (not through the queue) and log it like any delivery."""
    _require_district_admin(by, channel.region_id)
    now = timezone.now()
    delivery = Delivery.objects.create(
        key=f"test:{channel.pk}:{now.timestamp()}",
        region_id=channel.region_id,
        channel=channel.kind,
        webhook=channel,
        recipient=by.username,
        subject=_("平时考核系统"),
        body=_("群机器人测试消息：配置正确。"),
        next_attempt_at=now,
    )
    deliver(delivery.pk, now=now)
    delivery.refresh_from_db()
    return delivery
