"""Ratings on the quarterly sheet's 互评/群众评议情况 row and in the personal archive."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from archive.sheets import build_quarterly, people_in_scope
from assessment.periods import quarter_for
from reviews.ratings import peer
from reviews.ratings.models import PublicRating

from .helpers import open_round, vote

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated(personas):
    a = personas.a
    round_ = open_round(a, quarter=3)
    for rater in ("staff", "staff2", "chief", "leader"):
        vote(round_, a, rater, level="fair")
    peer.peer_round_close(round_=round_, by=a.unit_admin)
    for level in (5, 4, 2):
        PublicRating.objects.create(
            region=a.region,
            unit=a.unit,
            person=a.people["principal"],
            day=date(2026, 8, 3),
            level=level,
        )
    return a


def test_sheet_row_shows_peer_and_public_aggregates(rated):
    a = rated
    quarter = quarter_for(a.region, 2026, 3)
    sheets = {
        s.person_id: s
        for s in build_quarterly(quarter, people_in_scope(region=a.region, unit=a.unit))
    }
    text = sheets[a.people["principal"].pk].get("互评/群众评议情况").value
    assert "同事互评 4 票，平均 80.00 分" in text
    assert "群众评价 2 条，满意率 100.00%" in text  # the open 差评 does not count against him
    assert "同事互评 3 票" in sheets[a.people["leader"].pk].get("互评/群众评议情况").value


def test_sheet_row_below_k_says_so_without_figures(rated):
    from reviews.ratings.models import RatingSettings

    a = rated
    RatingSettings.objects.filter(region=a.region, year=2026).update(k_min=4)
    quarter = quarter_for(a.region, 2026, 3)
    sheets = {
        s.person_id: s
        for s in build_quarterly(quarter, people_in_scope(region=a.region, unit=a.unit))
    }
    assert (
        sheets[a.people["leader"].pk].get("互评/群众评议情况").value
        == "同事互评票数不足，不显示结果"
    )


def test_archive_section_shows_aggregates_only(rated, client):
    a = rated
    client.force_login(a.principal)
    body = client.get(reverse("archive:mine"), follow=True).content.decode()
    assert "同事互评 4 票" in body and "群众评价 2 条" in body


def test_reviewers_see_the_aggregates_on_the_quarterly_screen(rated, client):
    from assessment.models import QuarterlyAssessment
    from reviews.opening import quarter_open

    a = rated
    quarter = quarter_open(region=a.region, year=2026, number=3).quarter
    qa = QuarterlyAssessment.objects.get(quarter=quarter, person=a.people["chief"])
    client.force_login(a.leader)
    body = client.get(reverse("reviews:detail", args=[qa.pk])).content.decode()
    assert "同事互评 3 票" in body
