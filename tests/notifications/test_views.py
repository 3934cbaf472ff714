"""Pages: list with unread badge outside the cached nav, read / read all, preferences, the
district admin's group robots and failed deliveries; constant queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from notifications.models import Delivery, Notification, Preference, WebhookChannel

pytestmark = pytest.mark.django_db


def _notes(cast, n, who="staff"):
    Notification.objects.bulk_create(
        Notification(
            region=cast.region,
            user=cast.users[who],
            kind="deficiency",
            event_key=f"k{i}",
            text=f"提醒{i}",
            link="/reviews/mine/",
        )
        for i in range(n)
    )


def test_unread_count_shows_beside_nav_per_user(client, personas):
    a = personas.a
    _notes(a, 3)
    client.force_login(a.chief)
    assert 'id="unread-count"' not in client.get("/").content.decode()  # nav cached by roles…
    client.force_login(a.staff2)
    client.get("/")
    client.force_login(a.staff)  # …same role combination as staff2, different count
    assert 'id="unread-count" title="未读通知">3</span>' in client.get("/").content.decode()


def test_read_one_then_all(client, personas):
    a = personas.a
    _notes(a, 3)
    client.force_login(a.staff)
    first = Notification.objects.filter(user=a.staff).first()
    response = client.post(reverse("notifications:read", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == "/reviews/mine/"
    assert Notification.objects.filter(user=a.staff, read_at__isnull=True).count() == 2
    client.post(reverse("notifications:read-all"))
    assert not Notification.objects.filter(user=a.staff, read_at__isnull=True).exists()


def test_read_does_not_redirect_off_site(client, personas):
    a = personas.a
    n = Notification.objects.create(
        region=a.region,
        user=a.staff,
        kind="result",
        event_key="x",
        text="t",
        link="https://evil.example/",
    )
    client.force_login(a.staff)
    response = client.post(reverse("notifications:read", args=[n.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_someone_elses_notification_is_404(client, personas):
    a = personas.a
    _notes(a, 1)
    client.force_login(a.staff2)
    n = Notification.objects.get()
    assert client.post(reverse("notifications:read", args=[n.pk])).status_code == 404
    assert Notification.objects.get().read_at is None


def test_get_of_list_writes_nothing(client, personas):
    a = personas.a
    _notes(a, 2)
    client.force_login(a.staff)
    page = client.get(reverse("notifications:list") + "?unread=1").content.decode()
    assert "提醒0" in page and "提醒1" in page
    assert Notification.objects.filter(read_at__isnull=True).count() == 2


@pytest.mark.parametrize("rows", [1, 60])
def test_list_queries_constant(client, personas, django_assert_max_num_queries, rows):
    a = personas.a
    _notes(a, rows)
    client.force_login(a.staff)
    client.get(reverse("notifications:list"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("notifications:list")).status_code == 200


def test_preferences_form_offers_only_optional_kinds(client, personas):
    a = personas.a
    client.force_login(a.staff)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "纪实未填报" in page and 'name="deficiency"' not in page
    data = {
        "log_missing": "digest",
        "return_visit_due": "off",
        "publicity_ending": "immediate",
        "goals_closing": "immediate",
        "keytask_overdue": "bogus",
    }
    response = client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 200 and "has-error" in response.content.decode()
    assert not Preference.objects.exists()
    data["keytask_overdue"] = "off"
    data["deficiency"] = "off"  # not a field: ignored
    client.post(reverse("notifications:preferences"), data)
    assert dict(Preference.objects.values_list("kind", "mode"))["log_missing"] == "digest"
    assert not Preference.objects.filter(kind="deficiency").exists()


def test_district_admin_configures_channel_in_own_region_only(client, personas):
    a, b = personas.a, personas.b
    client.force_login(a.district_admin)
    bad = client.post(
        reverse("notifications:channel-create"),
        {
            "kind": "dingtalk",
            "name": "组织部群",
            "url": "ftp://x",
            "secret": "abc",
            "unit": b.unit.pk,
        },
    )
    page = bad.content.decode()
    assert bad.status_code == 200 and "组织部群" in page and "has-error" in page
    ok = client.post(
        reverse("notifications:channel-create"),
        {
            "kind": "dingtalk",
            "name": "组织部群",
            "url": "https://oapi.dingtalk.com/robot/send?access_token=t",
            "secret": "SECxyz",
            "unit": a.unit.pk,
            "active": "on",
        },
    )
    assert ok.status_code == 302
    channel = WebhookChannel.objects.get()
    assert channel.region == a.region and channel.created_by == a.district_admin
    assert channel.history.first().history_change_reason == "配置群机器人"
    client.force_login(b.district_admin)
    assert client.get(reverse("notifications:channel-edit", args=[channel.pk])).status_code == 404
    assert "组织部群" not in client.get(reverse("notifications:channel-list")).content.decode()


def test_dingtalk_secret_must_look_like_one(client, personas):
    client.force_login(personas.a.district_admin)
    response = client.post(
        reverse("notifications:channel-create"),
        {
            "kind": "dingtalk",
            "name": "群",
            "url": "https://oapi.dingtalk.com/robot/send",
            "secret": "abc",
        },
    )
    assert "SEC 开头" in response.content.decode()


def test_failed_delivery_visible_with_reason_and_retry(client, personas, receiver):
    a = personas.a
    channel = WebhookChannel.objects.create(
        region=a.region,
        kind="wecom",
        name="财政群",
        url=receiver.url("/cgi-bin/webhook/send?key=k"),
    )
    d = Delivery.objects.create(
        key="x",
        region=a.region,
        channel="wecom",
        webhook=channel,
        subject="s",
        body="b",
        status="failed",
        attempts=5,
        last_error="HTTP 503",
    )
    client.force_login(a.district_admin)
    page = client.get(reverse("notifications:channel-list")).content.decode()
    assert "HTTP 503" in page and "财政群" in page
    client.post(reverse("notifications:delivery-retry", args=[d.pk]))
    d.refresh_from_db()
    assert d.status == "sent" and len(receiver.requests) == 1
    client.force_login(personas.b.district_admin)
    assert "HTTP 503" not in client.get(reverse("notifications:channel-list")).content.decode()


def test_channel_test_message(client, personas, receiver):
    a = personas.a
    channel = WebhookChannel.objects.create(
        region=a.region,
        kind="wecom",
        name="财政群",
        url=receiver.url("/cgi-bin/webhook/send?key=k"),
    )
    client.force_login(a.district_admin)
    response = client.post(reverse("notifications:channel-test", args=[channel.pk]), follow=True)
    assert "测试消息已发送" in response.content.decode()
    assert "测试" in receiver.requests[0]["json"]["markdown"]["content"]
