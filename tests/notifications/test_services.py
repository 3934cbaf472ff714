"""notify(): idempotent, preferences, digest grouping; deliveries: payloads in the robots'
documented formats, 钉钉 signing, retries with backoff, no duplicate after a timeout."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from notifications import services
from notifications.channels import dingtalk_sign
from notifications.models import Delivery, Mode, Notification, Preference, WebhookChannel
from notifications.services import Note

pytestmark = pytest.mark.django_db


def _note(cast, who="staff", kind="deficiency", key="e1", text="请整改"):
    return Note(cast.users[who].pk, cast.region.pk, kind, key, text, "/reviews/mine/")


def _hook(cast, receiver, kind="wecom", secret="", unit=None):
    path = "/cgi-bin/webhook/send?key=k1" if kind == "wecom" else "/robot/send?access_token=t1"
    return WebhookChannel.objects.create(
        region=cast.region, kind=kind, name="群", url=receiver.url(path), secret=secret, unit=unit
    )


def test_notify_twice_creates_one_notification_and_one_mail(
    personas, django_capture_on_commit_callbacks
):
    a = personas.a
    a.staff.email = "staff@example.gov.cn"
    a.staff.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notify([_note(a)]) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notify([_note(a), _note(a)]) == 0
    assert Notification.objects.filter(user=a.staff).count() == 1
    assert len(mail.outbox) == 1
    assert "https://kaohe.example.gov.cn/reviews/mine/" in mail.outbox[0].body
    assert Delivery.objects.get().status == Delivery.Status.SENT


def test_optional_kind_off_creates_nothing_mandatory_kind_cannot_be_off(personas):
    a = personas.a
    Preference.objects.create(user=a.staff, kind="log_missing", mode=Mode.OFF)
    Preference.objects.create(user=a.staff, kind="deficiency", mode=Mode.OFF)  # stray row
    assert services.notify([_note(a, kind="log_missing", key="l1")]) == 0
    assert services.notify([_note(a, kind="deficiency", key="d1")]) == 1
    with pytest.raises(ValidationError):
        services.preferences_save(by=a.staff, modes={"deficiency": Mode.OFF})
    services.preferences_save(by=a.staff, modes={"log_missing": Mode.DIGEST})
    assert Preference.objects.get(user=a.staff, kind="log_missing").mode == Mode.DIGEST


def test_digest_groups_by_kind_once_a_day(personas, django_capture_on_commit_callbacks):
    a = personas.a
    a.staff.email = "s@example.gov.cn"
    a.staff.save()
    for kind in ("log_missing", "publicity_ending"):
        Preference.objects.create(user=a.staff, kind=kind, mode=Mode.DIGEST)
    services.notify(
        [
            _note(a, kind="log_missing", key="l1", text="5 个工作日未填纪实"),
            _note(a, kind="log_missing", key="l2", text="又 5 个工作日未填纪实"),
            _note(a, kind="publicity_ending", key="p1", text="公示明日结束"),
        ]
    )
    assert not mail.outbox  # digest mode: nothing sent at once, but visible in-app
    assert Notification.objects.filter(user=a.staff, read_at__isnull=True).count() == 3
    tomorrow = timezone.localdate() + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.digests_send(today=tomorrow) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.digests_send(today=tomorrow) == 0
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "【纪实未填报】2 条" in body and "【公示即将结束】1 条" in body
    assert "（3 条）" in mail.outbox[0].subject


def test_wecom_robot_gets_its_markdown_format(
    personas, receiver, django_capture_on_commit_callbacks
):
    a = personas.a
    _hook(a, receiver)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([_note(a, text="请于 12 月 10 日前整改")])
    [req] = receiver.requests
    assert req["path"] == "/cgi-bin/webhook/send" and req["query"] == {"key": "k1"}
    assert req["content_type"].startswith("application/json")
    assert set(req["json"]) == {"msgtype", "markdown"} and req["json"]["msgtype"] == "markdown"
    content = req["json"]["markdown"]["content"]
    assert "astaff：请于 12 月 10 日前整改" in content
    assert "https://kaohe.example.gov.cn/reviews/mine/" in content
    assert Delivery.objects.get().status == Delivery.Status.SENT


def test_dingtalk_robot_signed_url_and_markdown(
    personas, receiver, django_capture_on_commit_callbacks
):
    a = personas.a
    secret = "SEC0123456789abcdef"
    _hook(a, receiver, kind="dingtalk", secret=secret)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([_note(a)])
    [req] = receiver.requests
    q = req["query"]
    assert q["access_token"] == "t1"
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{q['timestamp']}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert q["sign"] == expected  # parse_qs has decoded the url-encoding
    assert abs(int(q["timestamp"]) / 1000 - timezone.now().timestamp()) < 60
    md = req["json"]["markdown"]
    assert req["json"]["msgtype"] == "markdown" and md["title"] and "请整改" in md["text"]


def test_dingtalk_sign_matches_the_documented_example():
    # 钉钉 documentation: sign = urlEncode(base64(HmacSHA256(secret, timestamp + "\n" + secret)))
    sign = dingtalk_sign("SECabc", 1577262236757)
    raw = hmac.new(b"SECabc", b"1577262236757\nSECabc", hashlib.sha256).digest()
    assert sign == base64.b64encode(raw).decode().replace("+", "%2B").replace("/", "%2F").replace(
        "=", "%3D"
    )


def test_5xx_is_retried_with_backoff_then_marked_failed_with_reason(personas, receiver, settings):
    a = personas.a
    hook = _hook(a, receiver)
    receiver.script = [500, 502, 503]
    services.notify([_note(a)])  # the on-commit send is not run: the test drives the attempts
    delivery = Delivery.objects.get(webhook=hook)
    now = timezone.now()
    assert services.deliver(delivery.pk, now=now) == Delivery.Status.RETRY
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == now + timedelta(seconds=settings.NOTIFY_RETRY_BASE_SECONDS)
    assert services.deliver(delivery.pk, now=now) is None  # not due yet: nothing sent
    later = delivery.next_attempt_at
    assert services.deliver(delivery.pk, now=later) == Delivery.Status.RETRY
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == later + timedelta(
        seconds=2 * settings.NOTIFY_RETRY_BASE_SECONDS
    )
    assert services.deliver(delivery.pk, now=delivery.next_attempt_at) == Delivery.Status.FAILED
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_error) == (3, "HTTP 503")
    assert len(receiver.requests) == 3
    assert services.deliver(delivery.pk, now=later + timedelta(days=1)) is None


def test_retry_after_5xx_succeeds_once(personas, receiver, django_capture_on_commit_callbacks):
    a = personas.a
    _hook(a, receiver)
    receiver.script = [503]
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([_note(a)])
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.RETRY
    assert services.deliveries_due(now=delivery.next_attempt_at) == [delivery.pk]
    assert services.deliver(delivery.pk, now=delivery.next_attempt_at) == Delivery.Status.SENT
    assert services.deliver(delivery.pk, now=delivery.next_attempt_at) is None
    assert len(receiver.requests) == 2


def test_timeout_after_the_robot_got_the_message_is_not_resent(personas, receiver):
    a = personas.a
    _hook(a, receiver)
    receiver.script = [("sleep", 1.5)]
    services.notify([_note(a)])
    delivery = Delivery.objects.get()
    assert services.deliver(delivery.pk) == Delivery.Status.FAILED
    delivery.refresh_from_db()
    assert "超时" in delivery.last_error and "不再重发" in delivery.last_error
    for _ in range(3):  # the beat job and a redelivered task find nothing to send
        assert services.deliver(delivery.pk, now=timezone.now() + timedelta(days=1)) is None
    assert len(receiver.requests) == 1


def test_refused_connection_is_retried(personas):
    a = personas.a
    WebhookChannel.objects.create(
        region=a.region,
        kind="wecom",
        name="群",
        url="http://127.0.0.1:9/cgi-bin/webhook/send?key=x",
    )
    services.notify([_note(a)])
    delivery = Delivery.objects.get()
    assert services.deliver(delivery.pk) == Delivery.Status.RETRY
    delivery.refresh_from_db()
    assert delivery.last_error.startswith("连接失败")


def test_robot_error_code_fails_with_code_rate_limit_retries(personas, receiver):
    a = personas.a
    _hook(a, receiver)
    receiver.script = [("errcode", 93000), ("errcode", 45009)]
    services.notify([_note(a, key="x1"), _note(a, key="x2")])
    first, second = Delivery.objects.order_by("pk")
    assert services.deliver(first.pk) == Delivery.Status.FAILED
    assert services.deliver(second.pk) == Delivery.Status.RETRY
    first.refresh_from_db()
    assert first.last_error.startswith("errcode 93000")


def test_worker_dying_mid_send_is_marked_failed_not_resent(personas, receiver):
    a = personas.a
    _hook(a, receiver)
    services.notify([_note(a)])
    delivery = Delivery.objects.get()
    long_ago = timezone.now() - timedelta(hours=1)
    Delivery.objects.filter(pk=delivery.pk).update(status="sending", claimed_at=long_ago)
    assert services.deliveries_fail_stuck() == 1
    assert services.deliver(delivery.pk) is None
    assert not receiver.requests


def test_unit_channel_gets_only_its_units_people(personas, receiver):
    a = personas.a
    _hook(a, receiver, unit=a.other_unit)
    services.notify([_note(a, who="staff"), _note(a, who="other_staff", key="e2")])
    assert list(Delivery.objects.values_list("recipient", flat=True)) == ["aother_staff"]
