"""The 同事互评 and 群众满意度 indicators score from real data through the registered providers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from assessment.periods import quarter_for
from indicators.models import Method, QuarterScore
from indicators.providers import provider_values
from reviews.ratings import peer
from reviews.ratings.models import PublicRating, RatingCase

from .helpers import open_round, vote

pytestmark = pytest.mark.django_db


def test_peer_provider_scores_from_k_ballots_of_closed_rounds_only(personas):
    a = personas.a
    quarter = quarter_for(a.region, 2026, 3)
    round_ = open_round(a, quarter=3)
    principal, staff = a.people["principal"].pk, a.people["staff"].pk
    for rater in ("staff", "staff2", "chief", "leader"):
        vote(round_, a, rater, level="fair")
    assert provider_values(Method.PEER_RATING, quarter, [principal]) == {}  # still open
    peer.peer_round_close(round_=round_, by=a.unit_admin)
    values = provider_values(Method.PEER_RATING, quarter, [principal, staff])
    assert values[principal].value == Decimal("0.8")
    assert "互评 4 票" in values[principal].note
    assert staff in values  # staff got 3 ballots (k = 3)
    assert a.people["staff"].pk not in provider_values(
        Method.PEER_RATING, quarter_for(a.region, 2026, 2), [staff]
    )


def test_closing_a_round_recomputes_the_indicator(personas, django_capture_on_commit_callbacks):
    a = personas.a
    round_ = open_round(a, quarter=3)
    for rater in ("staff", "staff2", "chief"):
        vote(round_, a, rater)
    with django_capture_on_commit_callbacks(execute=True):
        peer.peer_round_close(round_=round_, by=a.unit_admin)
    score = QuarterScore.objects.get(person=a.people["principal"], quarter__number=3)
    assert "互评 3 票" in str(score.breakdown)


def _rating(cast, level, day=date(2026, 8, 3), case=None):
    rating = PublicRating.objects.create(
        region=cast.region, unit=cast.unit, person=cast.people["staff"], day=day, level=level
    )
    if case:
        RatingCase.objects.create(
            region=cast.region, unit=cast.unit, rating=rating, due=day, status=case
        )
    return rating


def test_public_provider_counts_only_verified_bad_ratings_against_the_person(personas):
    a = personas.a
    quarter = quarter_for(a.region, 2026, 3)
    for level in (5, 4, 3):
        _rating(a, level)
    _rating(a, 1, case=RatingCase.Status.VERIFIED)
    _rating(a, 2, case=RatingCase.Status.UNFOUNDED)
    _rating(a, 2, case=RatingCase.Status.OPEN)
    _rating(a, 5, day=date(2026, 10, 1))  # next quarter
    held = _rating(a, 1)
    held.status = PublicRating.Status.HELD
    held.save()
    value = provider_values(Method.PUBLIC_RATING, quarter, [a.people["staff"].pk])
    pv = value[a.people["staff"].pk]
    assert pv.value == Decimal("0.75")  # 3 satisfied of 4 counted (3 + one verified 差评)
    assert "群众评价 4 条" in pv.note
