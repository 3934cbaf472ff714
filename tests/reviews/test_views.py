"""The pages: a staff member's quarter walked through the browser, the queue, the decide screen
(rules on screen, constant queries), publicity, appeal handling, quarter admin, home cards."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment.models import Person, QuarterlyAssessment
from reviews import services
from reviews.models import Appeal, ReviewState

from .helpers import decided, open_quarter, record, to_decision

pytestmark = pytest.mark.django_db


def test_staff_walks_the_quarter_through_the_pages(client, personas):
    a = personas.a
    quarter = open_quarter(a)
    qa = record(a, "staff", quarter)
    client.force_login(a.staff)
    page = client.get(reverse("reviews:detail", args=[qa.pk])).content.decode()
    assert "【工作纪实】本季度填报纪实 0 条" in page  # pre-filled
    assert "填写个人小结" in client.get("/").content.decode()
    client.post(
        reverse("reviews:summary", args=[qa.pk]),
        {"summary": "完成预算编制", "self_grade": "good", "action": "submit"},
    )
    qa.refresh_from_db()
    assert qa.status == ReviewState.IN_REVIEW and qa.summary == "完成预算编制"

    client.force_login(a.chief)
    assert "<td>astaff</td>" in client.get(reverse("reviews:queue")).content.decode()
    response = client.post(
        reverse("reviews:review", args=[qa.pk]),
        {"decision": "approve", "suggested_grade": "good", "comment": "工作扎实"},
    )
    assert response.status_code == 302
    client.force_login(a.leader)
    client.post(
        reverse("reviews:review", args=[qa.pk]),
        {"decision": "approve", "suggested_grade": "good", "back": "detail"},
    )
    client.force_login(a.principal)
    url = reverse("reviews:decide", args=[a.unit.pk, quarter.code])
    page = client.get(url).content.decode()
    assert "工作扎实" in page and "“好”名额 2，已用 0，剩余 2" in page
    client.post(url, {f"grade-{qa.pk}": "good"})
    qa.refresh_from_db()
    assert qa.grade == "good" and qa.status == ReviewState.DECIDED
    publish = reverse("reviews:publish", args=[a.unit.pk, quarter.code])
    confirm = client.post(publish).content.decode()  # the others are not decided yet
    assert "尚未审定" in confirm and "astaff2" in confirm
    assert QuarterlyAssessment.objects.get(pk=qa.pk).status == ReviewState.DECIDED
    client.post(publish, {"confirm": "1"})
    client.force_login(a.staff2)
    assert (
        "<td>astaff</td>"
        in client.get(reverse("reviews:publicity", args=[a.unit.pk, quarter.code])).content.decode()
    )

    client.force_login(a.staff)
    page = client.get(reverse("reviews:detail", args=[qa.pk])).content.decode()
    assert "得分明细" in page and "暂无得分" in page and "提出申诉" in page
    client.post(reverse("reviews:opinion", args=[qa.pk]), {"opinion": "agree"})
    # issue 16 item 10: appealing a result one agreed with needs the agreement withdrawn
    refused = client.post(reverse("reviews:appeal", args=[qa.pk]), {"reason": "请求复核"})
    body = refused.content.decode()
    assert refused.status_code == 400 and "申诉前请确认撤回同意意见" in body
    assert "请求复核</textarea>" in body  # what was typed is kept
    qa.refresh_from_db()
    assert qa.opinion == "agree" and qa.status == ReviewState.PUBLICISED
    client.post(
        reverse("reviews:appeal", args=[qa.pk]),
        {"reason": "请求复核", "withdraw_agreement": "on"},
    )
    qa.refresh_from_db()
    assert qa.opinion == "disagree" and qa.status == ReviewState.APPEALED

    client.force_login(a.district_admin)
    appeal = Appeal.objects.get()
    assert "astaff" in client.get(reverse("reviews:appeal-list")).content.decode()
    client.post(
        reverse("reviews:appeal-detail", args=[appeal.pk]),
        {"outcome": "upheld", "reason": "维持"},
    )
    appeal.refresh_from_db()
    assert appeal.status == "upheld"


def test_return_from_the_detail_page_needs_a_reason(client, personas):
    a = personas.a
    quarter = open_quarter(a)
    qa = to_decision(a, "staff", quarter)  # at the principal
    client.force_login(a.principal)
    client.post(reverse("reviews:review", args=[qa.pk]), {"decision": "return", "back": "detail"})
    qa.refresh_from_db()
    assert qa.status == ReviewState.IN_REVIEW
    client.post(
        reverse("reviews:review", args=[qa.pk]), {"decision": "return", "comment": "请补充"}
    )
    qa.refresh_from_db()
    assert qa.status == ReviewState.RETURNED


def test_decide_screen_shows_rule_message_on_quota_excess(client, personas):
    a = personas.a
    quarter = open_quarter(a)
    decided(a, "staff", quarter)
    decided(a, "staff2", quarter)
    qa = to_decision(a, "unit_admin", quarter)
    client.force_login(a.principal)
    url = reverse("reviews:decide", args=[a.unit.pk, quarter.code])
    page = client.post(url, {f"grade-{qa.pk}": "good"}, follow=True).content.decode()
    assert "名额组“a财政局 · 公务员”" in page and "已用 2" in page and "超出 1 名" in page
    assert "剩余 0" in page


def test_bulk_approve_from_the_queue(client, personas):
    a = personas.a
    quarter = open_quarter(a)
    rows = [
        services.summary_save(
            assessment=record(a, k, quarter), by=a.users[k], summary="x", submit=True
        )
        for k in ("staff", "staff2")
    ]
    client.force_login(a.chief)
    client.post(
        reverse("reviews:queue-bulk"),
        {"records": [r.pk for r in rows], "suggested_grade": "fairly_good"},
    )
    assert QuarterlyAssessment.objects.filter(pending_user=a.leader).count() == 2


def _fill_unit(a, n: int, quarter):
    for i in range(n):
        Person.objects.create(
            region=a.region,
            unit=a.unit,
            section=a.section,
            name=f"p{i}",
            staff_no=f"q{len(a.people)}{i:03}",
            gender="M",
        )
    from reviews.opening import quarter_open

    quarter_open(region=a.region, year=2026, number=quarter.number)
    rows = QuarterlyAssessment.objects.filter(quarter=quarter, unit=a.unit)
    rows.update(
        status=ReviewState.IN_REVIEW,
        chain=[[1, a.chief.pk], [3, a.principal.pk]],
        pending_level=3,
        pending_user=a.principal,
    )


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_decide_screen_queries_do_not_grow_with_the_unit(client, personas):
    a, b = personas.a, personas.b
    qa_small = open_quarter(a)
    qb = open_quarter(b)
    _fill_unit(a, 0, qa_small)  # 6 people
    _fill_unit(b, 54, qb)  # 60 people
    client.force_login(a.principal)
    small = _count(client, reverse("reviews:decide", args=[a.unit.pk, qa_small.code]))
    client.force_login(b.principal)
    url = reverse("reviews:decide", args=[b.unit.pk, qb.code])
    large = _count(client, url)
    assert small == large, (small, large)
    assert client.get(url).content.decode().count('name="grade-') == 60


def test_publicity_visible_only_during_the_period(client, personas, monkeypatch):
    a = personas.a
    quarter = open_quarter(a)
    decided(a, "staff", quarter, "fairly_good")
    services.unit_publish(unit=a.unit, quarter=quarter, by=a.principal, today=date(2026, 10, 12))
    url = reverse("reviews:publicity", args=[a.unit.pk, quarter.code])
    client.force_login(a.staff2)
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args: date(2026, 10, 19))
    assert "<td>astaff</td>" in client.get(url).content.decode()
    monkeypatch.setattr(timezone, "localdate", lambda *args: date(2026, 10, 20))
    assert "<td>astaff</td>" not in client.get(url).content.decode()


def test_quarter_admin_opens_and_counts(client, personas):
    a = personas.a
    client.force_login(a.district_admin)
    client.post(reverse("reviews:quarter-open"), {"quarter": "2026Q4"})
    assert QuarterlyAssessment.objects.filter(region=a.region, quarter__number=4).count() == 10
    assert not QuarterlyAssessment.objects.filter(region=personas.b.region).exists()
    page = client.get(reverse("reviews:quarter-admin")).content.decode()
    assert "2026Q4" in page and "a财政局" in page
    response = client.post(reverse("reviews:quarter-open"), {"quarter": "2026Q9"}, follow=True)
    assert "2026Q4 的季度" in response.content.decode()


def test_home_shows_reminders_and_review_card(client, personas):
    a = personas.a
    quarter = open_quarter(a)
    services.summary_save(
        assessment=record(a, "staff", quarter), by=a.staff, summary="x", submit=True
    )
    from notifications.models import Notification

    reminder = Notification.objects.create(
        region=a.region,
        user=a.chief,
        kind="review_overdue",
        text="逾期提醒",
        event_key="k",
        link="/reviews/queue/",
    )
    client.force_login(a.chief)
    page = client.get("/").content.decode()
    assert "逾期提醒" in page and "有 1 条季度考核待您处理" in page
    client.post(reverse("notifications:read", args=[reminder.pk]))
    reminder.refresh_from_db()
    assert reminder.read_at


def test_summary_is_prefilled_with_the_quarters_rewards(client, personas):
    from rewards.models import RewardRecord

    a = personas.a
    quarter = open_quarter(a)
    RewardRecord.objects.create(
        region=a.region,
        person=a.people["staff"],
        unit=a.unit,
        kind="reward",
        type="commendation",
        level="district",
        date=quarter.start,
        issuer="区人社局",
        created_by=a.unit_admin,
    )
    qa = record(a, "staff", quarter)
    client.force_login(a.staff)
    page = client.get(reverse("reviews:detail", args=[qa.pk])).content.decode()
    assert "奖励：嘉奖（区人社局" in page
