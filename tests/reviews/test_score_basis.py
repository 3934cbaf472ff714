"""Scores show the weight they rest on ("依据 X/100 权重"), and no band is suggested from a score
resting on less than the year's minimum share (issue 16 items 1 and 3); grades read as labels
on the appeal pages and the archive's 申诉复核 table."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import IndicatorSystem, QuarterScore
from indicators.services import indicator_systems_ensure, leader_ratings_save
from indicators.templatetags.scores import basis_text
from reviews import services

from .helpers import decided, open_quarter, to_decision

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("covered", "text"),
    [
        (8, "依据 8/100 权重"),
        (Decimal("72.00"), "依据 72/100 权重"),
        (Decimal("72.5"), "依据 72.5/100 权重"),
        (None, ""),
        ("x", ""),
    ],
)
def test_basis_text(covered, text):
    assert basis_text(covered) == text


def _rate(a, quarter, key, codes, level="excellent"):
    system = indicator_systems_ensure(region=a.region, year=2026)[a.category.pk]
    ids = system.indicators.filter(method="leader_rating")
    if codes:
        ids = ids.filter(code__in=codes)
    leader_ratings_save(
        person=a.people[key],
        quarter=quarter,
        levels=dict.fromkeys(ids.values_list("pk", flat=True), level),
        by=a.chief,
    )


def test_a_score_on_little_weight_shows_it_and_suggests_no_band(
    client, personas, django_capture_on_commit_callbacks
):
    a = personas.a
    quarter = open_quarter(a)
    qa = to_decision(a, "staff", quarter)
    with django_capture_on_commit_callbacks(execute=True):
        _rate(a, quarter, "staff", ["political"])  # 8 of 100 weight points
    score = QuarterScore.objects.get(person=a.people["staff"], quarter=quarter)
    assert score.score == Decimal("100.00") and score.suggested_grade == ""
    client.force_login(a.principal)
    url = reverse("reviews:decide", args=[a.unit.pk, quarter.code])
    page = client.get(url).content.decode()
    assert '100.00 <small class="muted basis">依据 8/100 权重</small>' in page
    assert f'name="grade-{qa.pk}" data-band=""' in page
    # the minimum share is the year's setting (per indicator system): lowered, the band shows
    IndicatorSystem.objects.filter(region=a.region).update(min_coverage=5)
    with django_capture_on_commit_callbacks(execute=True):
        _rate(a, quarter, "staff", ["political"], level="good")
        _rate(a, quarter, "staff", ["political"])
    assert QuarterScore.objects.get(pk=score.pk).suggested_grade == "good"
    assert f'name="grade-{qa.pk}" data-band="good"' in client.get(url).content.decode()


def test_a_score_on_most_of_the_weight_has_its_band_and_basis_on_the_record(
    client, personas, django_capture_on_commit_callbacks
):
    a = personas.a
    quarter = open_quarter(a)
    qa = to_decision(a, "staff", quarter)
    with django_capture_on_commit_callbacks(execute=True):
        _rate(a, quarter, "staff", [], level="good")  # every leader-rated indicator: 64
    qa = services.quarterly_decide(assessment=qa, by=a.principal, grade="fairly_good")
    assert qa.score_covered == Decimal("64.00") and qa.band_grade
    client.force_login(a.staff)
    page = client.get(reverse("reviews:detail", args=[qa.pk])).content.decode()
    assert "依据 64/100 权重" in page
    assert "依据 64/100 权重" in client.get(reverse("indicators:my-scores")).content.decode()


def test_appeal_pages_and_the_archive_show_grade_labels(client, personas):
    a = personas.a
    quarter = open_quarter(a)
    qa = decided(a, "staff", quarter, grade="fairly_good")
    services.unit_publish(unit=a.unit, quarter=quarter, by=a.principal)
    qa.refresh_from_db()
    services.appeal_create(assessment=qa, by=a.staff, reason="请求复核", today=qa.publicity_start)
    client.force_login(a.district_admin)
    listing = client.get(reverse("reviews:appeal-list")).content.decode()
    assert "<td>较好</td>" in listing and "fairly_good" not in listing
    client.force_login(a.staff)
    detail = client.get(reverse("reviews:detail", args=[qa.pk])).content.decode()
    assert "审定 · 等次 较好" in detail.replace("</strong>", "").replace("<strong>", "")
    assert "建议等次 较好" in detail and "fairly_good" not in detail.split("<main")[1]
    archive = client.get(reverse("archive:person", args=[a.people["staff"].pk]))
    assert archive.status_code == 200
    assert "fairly_good" not in archive.content.decode().split("<main")[1].replace(
        'class="dot fairly_good"', ""
    )
