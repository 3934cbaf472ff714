"""The year-end pages: the person's year walked through the browser, bad input beside the field
with nothing lost, the decide screen (constant queries, refusals named), notice and PDF, the
district's year page, 复核 handled on its page."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from assessment.models import AnnualAssessment, AnnualContest, Person, UnitYear
from reviews.annual.contests import contest_file
from reviews.models import ReviewState

from .helpers import DECISION_DAY, annual, decided, open_year, proposed, quarter_grades

pytestmark = pytest.mark.django_db


def test_staff_and_chain_walk_the_year_through_the_pages(client, personas):
    a = personas.a
    open_year(a)
    quarter_grades(a, "staff", ["good", "fairly_good"])
    aa = annual(a, "staff")
    client.force_login(a.staff)
    page = client.get(reverse("reviews:annual-detail", args=[aa.pk])).content.decode()
    assert "2026年度平时考核情况：“好” 1 次，“较好” 1 次" in page  # pre-filled
    client.post(
        reverse("reviews:annual-summary", args=[aa.pk]),
        {"summary": "全年总结", "training": "脱产培训 3 天", "action": "submit"},
    )
    assert annual(a, "staff").status == ReviewState.IN_REVIEW
    client.force_login(a.chief)
    assert "astaff" in client.get(reverse("reviews:annual-mine")).content.decode()
    url = reverse("reviews:annual-review", args=[aa.pk])
    response = client.post(url, {"decision": "approve", "comment": "工作认真负责"})
    page = response.content.decode()
    assert response.status_code == 200 and "请选择建议等次" in page
    assert "工作认真负责" in page  # kept
    client.post(
        url, {"decision": "approve", "comment": "工作认真负责", "suggested_grade": "competent"}
    )
    client.force_login(a.leader)
    client.post(url, {"decision": "approve", "comment": "同意", "suggested_grade": "competent"})
    assert annual(a, "staff").status == ReviewState.APPROVED
    client.force_login(a.principal)
    decide = reverse("reviews:annual-decide", args=[a.unit.pk, 2026])
    assert "astaff" in client.get(decide).content.decode()
    client.post(decide, {"body": "unit_head", f"grade-{aa.pk}": "competent"})
    aa = annual(a, "staff")
    assert aa.grade == "competent" and aa.notice_date
    client.force_login(a.staff)
    page = client.get(reverse("reviews:annual-detail", args=[aa.pk])).content.decode()
    assert "享受年终奖金。【公务员法第八十条】" in page
    client.post(reverse("reviews:annual-opinion", args=[aa.pk]), {"opinion": "agree"})
    assert annual(a, "staff").opinion == "agree"


def test_decide_screen_names_the_rule_and_refuses_ineligible_excellent(client, personas):
    a = personas.a
    open_year(a)
    quarter_grades(a, "staff", ["good", "average", "good", "good"])
    aa = proposed(a, "staff", "excellent")
    client.force_login(a.principal)
    url = reverse("reviews:annual-decide", args=[a.unit.pk, 2026])
    page = client.get(url).content.decode()
    assert "本年度季度等次有“一般”1次" in page
    assert "剩余" in page
    response = client.post(url, {"body": "unit_head", f"grade-{aa.pk}": "excellent"}, follow=True)
    assert "本年度季度等次有“一般”1次" in response.content.decode()
    assert annual(a, "staff").grade == ""


def test_decide_screen_committee_without_members_is_refused(client, personas):
    a = personas.a
    open_year(a)
    aa = proposed(a, "staff")
    client.force_login(a.principal)
    url = reverse("reviews:annual-decide", args=[a.unit.pk, 2026])
    response = client.post(url, {"body": "committee", f"grade-{aa.pk}": "competent"}, follow=True)
    assert "须填写委员会成员" in response.content.decode()
    assert annual(a, "staff").status == ReviewState.APPROVED


def test_decide_screen_queries_do_not_grow_with_rows(
    client, personas, django_assert_max_num_queries
):
    a = personas.a
    open_year(a)
    client.force_login(a.principal)
    url = reverse("reviews:annual-decide", args=[a.unit.pk, 2026])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    Person.objects.bulk_create(
        Person(
            region=a.region,
            unit=a.unit,
            section=a.section,
            name=f"m{i}",
            staff_no=f"m{i}",
            gender="M",
        )
        for i in range(50)
    )
    open_year(a)
    for key in ("staff", "staff2"):
        quarter_grades(a, key, ["good"] * 4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert "m49" in page


def test_notice_page_and_pdf(client, personas):
    a = personas.a
    open_year(a)
    aa = decided(a, "staff")
    client.force_login(a.staff)
    url = reverse("reviews:annual-notice", args=[aa.pk])
    page = client.get(url).content.decode()
    assert "2026 年度考核结果通知书" in page and "称职" in page and "2026年12月10日" in page
    response = client.get(url + "?format=pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    client.force_login(a.staff2)
    assert client.get(url).status_code in (403, 404)


def test_late_reexamination_is_refused_on_the_page_with_the_dates(client, personas):
    a = personas.a
    open_year(a)
    aa = decided(a, "staff")
    AnnualAssessment.objects.filter(pk=aa.pk).update(notice_date=date(2026, 1, 5))
    client.force_login(a.staff)
    response = client.post(
        reverse("reviews:annual-contest", args=[aa.pk]), {"stage": "reexam", "reason": "我的理由"}
    )
    page = response.content.decode()
    assert "已超过期限" in page and "截止 2026-02-04" in page and "我的理由" in page
    assert not AnnualContest.objects.exists()


def test_reexamination_handled_by_the_principal_on_its_page(client, personas):
    a = personas.a
    open_year(a)
    aa = decided(a, "staff", "basically_competent")
    contest = contest_file(
        assessment=aa, by=a.staff, stage="reexam", reason="不服", today=DECISION_DAY
    )
    client.force_login(a.principal)
    assert "astaff" in client.get(reverse("reviews:annual-contests")).content.decode()
    url = reverse("reviews:annual-contest-detail", args=[contest.pk])
    response = client.post(url, {"outcome": "changed", "new_grade": "incompetent", "reason": "x"})
    assert "更不利" in response.content.decode()
    client.post(url, {"outcome": "changed", "new_grade": "competent", "reason": "改为称职"})
    assert annual(a, "staff").grade == "competent"
    client.force_login(a.district_admin)
    assert client.get(url).status_code == 404  # a unit's 复核 is the unit's


def test_district_year_page_opens_and_sets_rates(client, personas):
    a = personas.a
    client.force_login(a.district_admin)
    page_url = reverse("reviews:annual-year", args=[a.region.pk, 2026])
    assert client.get(page_url).status_code == 200
    client.post(reverse("reviews:annual-open", args=[a.region.pk, 2026]))
    client.post(reverse("reviews:annual-open", args=[a.region.pk, 2026]))
    assert AnnualAssessment.objects.filter(region=a.region).count() == 10
    unit_year = UnitYear.objects.get(unit=a.unit)
    rate = reverse("reviews:annual-rate", args=[unit_year.pk])
    response = client.post(rate, {"percent": "40", "reason": "试试"}, follow=True)
    assert "15%–35%" in response.content.decode()
    client.post(rate, {"percent": "30", "reason": "优秀单位"})
    unit_year.refresh_from_db()
    assert unit_year.excellent_percent == 30
    assert "优秀单位" in client.get(page_url).content.decode()


def test_gets_never_write(client, personas):
    a = personas.a
    open_year(a)
    aa = decided(a, "staff")
    before = (AnnualAssessment.history.count(), AnnualContest.objects.count())
    for user, url in (
        (a.staff, reverse("reviews:annual-detail", args=[aa.pk])),
        (a.staff, reverse("reviews:annual-mine")),
        (a.principal, reverse("reviews:annual-decide", args=[a.unit.pk, 2026])),
        (a.district_admin, reverse("reviews:annual-year", args=[a.region.pk, 2026])),
        (a.district_admin, reverse("reviews:annual-leadership", args=[a.region.pk, 2026])),
    ):
        client.force_login(user)
        assert client.get(url).status_code == 200
    assert (AnnualAssessment.history.count(), AnnualContest.objects.count()) == before
