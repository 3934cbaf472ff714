"""不足提醒: issue within reach (else 404/refused), a due date in the past refused beside the
field, acknowledge → rectify → accept / return, notices both ways, counts, history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from reviews.improvement import selectors, services
from reviews.improvement.models import DeficiencyCategory, DeficiencyReminder

pytestmark = pytest.mark.django_db


def _issue(cast, who="staff", by="chief", due_days=10, **kw):
    return services.deficiency_issue(
        person=cast.people[who],
        by=cast.users[by],
        kind=kw.get("kind", "random"),
        category=services.categories_for(cast.region).get(name=kw.get("category", "作风")),
        shortfall=kw.get("shortfall", "会议迟到两次"),
        expectation="按时参会",
        due=timezone.localdate() + timedelta(days=due_days),
    )


def test_categories_are_a_region_setting_with_defaults(personas):
    a = personas.a
    assert [c.name for c in services.categories_for(a.region)] == [
        "思想",
        "作风",
        "能力",
        "纪律",
        "工作",
    ]
    DeficiencyCategory.objects.filter(region=a.region, name="思想").update(active=False)
    assert "思想" not in [c.name for c in services.categories_for(a.region)]
    assert services.categories_for(personas.b.region).count() == 5


def test_reach_chief_leader_principal_only(personas):
    a = personas.a
    for by in ("chief", "leader", "principal"):
        assert _issue(a, by=by).issued_by == a.users[by]
    with pytest.raises(PermissionDenied):
        _issue(a, who="other_staff", by="chief")  # another unit
    with pytest.raises(PermissionDenied):
        _issue(a, who="staff", by="unit_admin")
    with pytest.raises(PermissionDenied):
        _issue(a, who="chief", by="chief")  # never oneself


def test_past_due_date_refused_on_the_field(client, personas):
    a = personas.a
    client.force_login(a.chief)
    category = services.categories_for(a.region).first()
    response = client.post(
        reverse("reviews:deficiency-new"),
        {
            "person": a.people["staff"].pk,
            "kind": "random",
            "category": category.pk,
            "shortfall": "材料报送不及时",
            "expectation": "建立台账",
            "due": (timezone.localdate() - timedelta(days=1)).isoformat(),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "整改期限不能早于今天" in page
    assert "材料报送不及时" in page and "建立台账" in page
    assert not DeficiencyReminder.objects.exists()


def test_person_out_of_reach_not_offered_and_refused(client, personas):
    a = personas.a
    client.force_login(a.chief)
    page = client.get(reverse("reviews:deficiency-new")).content.decode()
    assert "astaff" in page and "aother_staff" not in page
    response = client.post(
        reverse("reviews:deficiency-new"),
        {
            "person": a.people["other_staff"].pk,
            "kind": "random",
            "category": services.categories_for(a.region).first().pk,
            "shortfall": "x",
            "expectation": "y",
            "due": (timezone.localdate() + timedelta(days=3)).isoformat(),
        },
    )
    assert "has-error" in response.content.decode() and not DeficiencyReminder.objects.exists()


def test_full_loop_through_the_pages(client, personas):
    a = personas.a
    r = _issue(a)
    assert r.quarter.code.startswith(str(timezone.localdate().year))
    assert Notification.objects.filter(user=a.staff, kind="deficiency").count() == 1
    url = reverse("reviews:deficiency-act", args=[r.pk])
    client.force_login(a.staff)
    assert client.post(url, {"action": "ack"}).status_code == 302
    empty = client.post(url, {"action": "rectify", "rectification": "  "})
    assert empty.status_code == 400 and "has-error" in empty.content.decode()
    client.post(url, {"action": "rectify", "rectification": "已提前十分钟到会"})
    r.refresh_from_db()
    assert r.status == "submitted"
    assert Notification.objects.filter(user=a.chief, kind="rectification").count() == 1
    assert client.post(url, {"action": "review", "decision": "accept"}).status_code == 403
    client.force_login(a.chief)
    no_reason = client.post(url, {"action": "review", "decision": "return", "comment": ""})
    assert no_reason.status_code == 400 and "退回时请说明理由" in no_reason.content.decode()
    client.post(url, {"action": "review", "decision": "return", "comment": "请附签到记录"})
    r.refresh_from_db()
    assert r.status == "returned"
    client.force_login(a.staff)
    client.post(url, {"action": "rectify", "rectification": "附签到记录"})
    client.force_login(a.chief)
    client.post(url, {"action": "review", "decision": "accept", "comment": "同意销号"})
    r.refresh_from_db()
    assert r.status == "accepted" and r.closed_at
    reasons = [h.history_change_reason for h in r.history.order_by("history_date")]
    assert reasons == [
        "发出不足提醒",
        "本人确认不足提醒",
        "提交整改情况",
        "整改退回：请附签到记录",
        "提交整改情况",
        "整改验收通过，销号",
    ]
    assert Notification.objects.filter(user=a.staff, kind="rectification").count() == 2


def test_others_cannot_act_or_see(client, personas):
    a, b = personas.a, personas.b
    r = _issue(a)
    with pytest.raises(PermissionDenied):
        services.deficiency_acknowledge(reminder=r, by=a.staff2)
    client.force_login(a.staff2)
    assert client.get(reverse("reviews:deficiency-detail", args=[r.pk])).status_code == 404
    client.force_login(b.chief)
    assert (
        client.post(reverse("reviews:deficiency-act", args=[r.pk]), {"action": "ack"}).status_code
        == 404
    )
    assert "会议迟到" not in client.get(reverse("reviews:deficiency-list")).content.decode()


def test_rectify_after_accept_refused(personas):
    a = personas.a
    r = _issue(a)
    services.deficiency_rectify(reminder=r, by=a.staff, text="已整改")
    services.deficiency_review(reminder=r, by=a.chief, accept=True)
    with pytest.raises(ValidationError):
        services.deficiency_rectify(reminder=r, by=a.staff, text="再次")


def test_counts_per_unit_person_quarter(client, personas):
    a = personas.a
    _issue(a)
    _issue(a, category="纪律")
    _issue(a, who="staff2")
    client.force_login(a.unit_admin)
    for by, expect in (("unit", "a财政局"), ("person", "astaff（a财政局）"), ("section", "综合股")):
        page = client.get(reverse("reviews:deficiency-stats") + f"?by={by}").content.decode()
        assert expect in page
    counts = selectors.deficiency_counts(a.unit_admin, by="person")
    rows = {r["person__name"]: r["total"] for r in counts}
    assert rows == {"astaff": 2, "astaff2": 1}
    client.force_login(personas.b.unit_admin)
    assert "a财政局" not in client.get(reverse("reviews:deficiency-stats")).content.decode()


@pytest.mark.parametrize("rows", [1, 40])
def test_list_constant_queries(client, personas, django_assert_max_num_queries, rows):
    a = personas.a
    for _ in range(rows):
        _issue(a)
    client.force_login(a.chief)
    client.get(reverse("reviews:deficiency-list"))
    with django_assert_max_num_queries(12):
        page = client.get(reverse("reviews:deficiency-list")).content.decode()
    assert page.count("astaff") >= min(rows, 30)
