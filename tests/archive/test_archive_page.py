from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from rewards.models import RewardKind, RewardType
from tests.archive.helpers import assessed, fill_person
from tests.rewards.helpers import make_record

pytestmark = pytest.mark.django_db


def _url(person):
    return reverse("archive:person", args=[person.pk])


@pytest.fixture
def staff(personas):
    person = fill_person(personas.a.people["staff"])
    assessed(person, year=2025, number=4, grade="fairly_good")
    assessed(person, year=2026, number=1, grade="good")
    assessed(person, year=2026, number=2, grade="average")
    make_record(person, document_no="区府发〔2026〕99号")
    make_record(
        person,
        day=date(2025, 5, 1),
        kind=RewardKind.PUNISHMENT,
        type=RewardType.WARNING,
        blocks_until=date(2026, 5, 1),
        document_no="处分〔2025〕1号",
    )
    return person


def test_archive_gathers_every_module(staff, personas, login):
    body = login(personas.a.staff).get(_url(staff)).content.decode()
    for text in (
        "个人电子档案",
        "中共党员",  # basic information
        "2025Q4",
        "2026Q2",  # quarterly results
        "区府发〔2026〕99号",
        "处分〔2025〕1号",  # rewards and sanctions
        "暂无负面信息",  # negative records: empty state
        "不足提醒",
        "导师帮带",
        "暂无申诉记录",  # appeals: empty state
        "奖金分配",  # modules not built yet: empty state
        "时间轴",
        "<svg",
        "<polyline",  # the grade chart
    ):
        assert text in body, text
    assert body.count('class="dot ') == 3


def test_archive_links_sheet_downloads(staff, personas, login):
    body = login(personas.a.hr).get(_url(staff)).content.decode()
    assert reverse("archive:person-sheet", args=[staff.pk, "2026Q1", "pdf"]) in body
    assert reverse("archive:person-sheet", args=[staff.pk, "2026", "xlsx"]) in body


def test_score_breakdown_shown(staff, personas, login):
    from assessment.periods import quarter_for
    from indicators.models import QuarterScore
    from tests.indicators.helpers import system_a

    system = system_a(personas)
    QuarterScore.objects.create(
        region=staff.region,
        person=staff,
        quarter=quarter_for(staff.region, 2026, 1),
        system=system,
        score=Decimal("91.50"),
        breakdown=[{"name": "政治素质", "pts": 9.5}],
    )
    body = login(personas.a.staff).get(_url(staff)).content.decode()
    assert "91.50" in body and "政治素质 9.5" in body


@pytest.mark.parametrize(
    "key", ["staff", "chief", "leader", "principal", "unit_admin", "hr", "district_admin"]
)
def test_readers_open_the_archive(staff, personas, login, key):
    assert login(personas.a.users[key]).get(_url(staff)).status_code == 200


@pytest.mark.parametrize("key", ["staff2", "discipline", "other_staff"])
def test_wrong_role_gets_404(staff, personas, login, key):
    assert login(personas.a.users[key]).get(_url(staff)).status_code == 404


@pytest.mark.parametrize("key", ["hr", "district_admin", "unit_admin", "principal"])
def test_other_region_gets_404(staff, personas, login, key):
    assert login(personas.b.users[key]).get(_url(staff)).status_code == 404


def test_anonymous_goes_to_login(staff, client):
    response = client.get(_url(staff))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_mine_redirects_to_own_archive(personas, login):
    response = login(personas.a.staff).get(reverse("archive:mine"))
    assert response["Location"] == _url(personas.a.people["staff"])
    assert login(personas.system_admin).get(reverse("archive:mine")).status_code == 403


@pytest.mark.parametrize("rows", [1, 30])
def test_archive_query_count_is_constant(personas, login, django_assert_max_num_queries, rows):
    person = fill_person(personas.a.people["staff"])
    for i in range(rows):
        make_record(person, document_no=f"DOC{i}")
    for i in range(min(rows, 12)):
        assessed(person, year=2024 + i // 4, number=i % 4 + 1)
    client = login(personas.a.hr)
    with django_assert_max_num_queries(20):
        response = client.get(_url(person))
    assert response.content.decode().count("DOC") == rows


def test_appeals_are_listed(staff, personas, login):
    from reviews.models import Appeal

    qa = staff.quarterly.get(quarter__number=2, quarter__year__year=2026)
    Appeal.objects.create(
        region=staff.region,
        assessment=qa,
        reason="评价不公",
        original_grade="average",
        due=date(2026, 8, 1),
        outcome_reason="维持原等次的理由ABC",
        status="upheld",
    )
    body = login(personas.a.staff).get(_url(staff)).content.decode()
    assert "维持原等次的理由ABC" in body and "2026Q2" in body


def test_the_last_quarter_label_fits_inside_the_chart(staff):
    from archive.archive_data import LABEL_HALF_WIDTH, grade_chart
    from assessment.models import QuarterlyAssessment

    chart = grade_chart(list(QuarterlyAssessment.objects.filter(person=staff).order_by("pk")))
    last = chart["points"][-1]
    assert last.x + LABEL_HALF_WIDTH <= chart["width"]  # was 624 + ~20 > 640: clipped
    assert chart["points"][0].x - LABEL_HALF_WIDTH >= 0
