"""The audit log and the lockout list in words: readable details, filters, search, paging."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment import services
from assessment.audit import audit
from assessment.models import AuditEvent, Lockout, Role

pytestmark = pytest.mark.django_db

URL = reverse("assessment:audit-log")


def _event(kind=AuditEvent.Kind.LOGIN, *, at=None, username="a_staff", ip="10.0.0.1", **detail):
    event = AuditEvent(kind=kind, username=username, ip=ip, detail=detail)
    if at is not None:
        event.at = at
    event.save()
    return event


def test_details_are_chinese_words_not_dict_text(login, personas):
    a = personas.a
    services.role_grant(
        user=a.staff, role=Role.SECTION_CHIEF, unit=a.unit, section=a.other_section, by=a.unit_admin
    )
    _event(AuditEvent.Kind.LOCKOUT, key="ip:127.0.0.2")
    _event(AuditEvent.Kind.PASSWORD_CHANGED, first=True)
    _event(AuditEvent.Kind.LOGIN_FAILED, brand_new_key="x")  # a key no label knows yet
    body = login(personas.auditor).get(URL).content.decode()
    assert "{&#x27;" not in body and "{}" not in body and "&#x27;:" not in body
    assert "角色：股组长" in body and "单位：a财政局" in body and "组室：业务股" in body
    assert "对象账号：a_staff" in body
    assert "锁定对象：地址 127.0.0.2" in body
    assert "首次设置密码：是" in body
    assert "brand_new_key：x" in body  # shown generically, never dropped


def test_filters_by_time_account_kind_and_address(login, personas):
    now = timezone.now()
    _event(username="zz_staff", ip="10.0.0.1", at=now - timedelta(days=10))
    _event(username="zz_chief", ip="10.0.0.2")
    _event(AuditEvent.Kind.LOGIN_FAILED, username="zz_staff", ip="192.168.1.9")
    client = login(personas.auditor)

    def rows(**params):
        body = client.get(URL, params).content.decode()
        return body.count("<tr><td>")

    today = timezone.localdate()
    assert rows(start=today - timedelta(days=1)) >= 2  # the 10-day-old login left out
    assert rows(start=today - timedelta(days=1), username="zz_staff", kind="login") == 0
    assert rows(username="zz_chief") == 1
    assert rows(kind="login_failed") == 1
    assert rows(ip="192.168.") == 1
    assert rows(end=today - timedelta(days=5), username="zz_staff") == 1
    assert rows(q="192.168.1.9") == 1


def test_search_finds_text_inside_the_details(login, personas):
    _event(AuditEvent.Kind.ROLE_GRANTED, username="zz_admin", target="zz_leader")
    _event(AuditEvent.Kind.ROLE_GRANTED, username="zz_admin", target="zz_chief", why="调岗")
    client = login(personas.auditor)
    body = client.get(URL, {"q": "zz_leader"}).content.decode()
    assert body.count("<tr><td>") == 1 and "对象账号：zz_leader" in body
    assert client.get(URL, {"q": "调岗"}).content.decode().count("<tr><td>") == 1


def test_bad_filter_is_a_message_beside_the_field_and_keeps_the_input(login, personas):
    body = login(personas.auditor).get(
        URL, {"start": "2026-11-30", "end": "2026-11-01", "username": "a_staff"}
    )
    text = body.content.decode()
    assert body.status_code == 200 and "截止日期不能早于起始日期" in text
    assert 'value="a_staff"' in text


def test_paging_keeps_the_filters(login, personas):
    AuditEvent.objects.bulk_create(
        AuditEvent(kind=AuditEvent.Kind.LOGIN, username=f"bulk{i}") for i in range(120)
    )
    body = login(personas.auditor).get(URL, {"username": "bulk"}).content.decode()
    assert body.count("<tr><td>") == 100
    assert "page=2&amp;username=bulk" in body or "page=2&username=bulk" in body


@pytest.mark.parametrize("rows", [1, 60])
def test_query_count_does_not_grow_with_rows(login, personas, django_assert_max_num_queries, rows):
    a = personas.a
    for i in range(rows):
        audit(
            AuditEvent.Kind.ROLE_GRANTED,
            username=f"u{i}",
            target="x",
            role=Role.SECTION_CHIEF,
            unit=a.unit.pk if i % 2 else a.other_unit.pk,
            section=a.section.pk,
        )
    client = login(personas.auditor)
    with django_assert_max_num_queries(12):
        response = client.get(URL, {"q": "u"})
    assert response.status_code == 200


def test_audit_log_refuses_others(client, login, personas):
    assert client.get(URL)["Location"].startswith(reverse("login"))
    for user in (personas.security_admin, personas.a.district_admin, personas.b.district_admin):
        assert login(user).get(URL).status_code == 403


def test_lockouts_are_listed_in_words(login, personas):
    until = timezone.now() + timedelta(minutes=30)
    Lockout.objects.create(key="user:unit_admin", until=until)
    Lockout.objects.create(key="ip:127.0.0.2", until=until)
    body = login(personas.security_admin).get(reverse("assessment:lockouts")).content.decode()
    assert "user:unit_admin" not in body and "ip:127.0.0.2" not in body
    assert "账号 unit_admin" in body and "地址 127.0.0.2" in body
