"""The demo's ratings: a closed 2026Q3 round with visible results, an open 2026Q4 round the
`staff` login can vote in, window staff with cards and a few hundred public ratings."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessment.models import User
from indicators.models import QuarterScore
from reviews.ratings.models import (
    PeerParticipation,
    PeerRound,
    PublicCard,
    PublicRating,
    RatingCase,
)
from reviews.ratings.selectors import round_results
from tests.reviews.test_demo import seeded_once  # noqa: F401 - the seeded district fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_once")]


def test_closed_q3_round_has_results():
    round_ = PeerRound.objects.get(quarter=3, status=PeerRound.Status.CLOSED)
    results = round_results(round_)
    assert results and sum(r.shown for r in results) >= len(results) // 2
    assert PeerParticipation.objects.filter(round=round_).count() == round_.members.count()


def test_staff_can_vote_in_the_open_q4_round(client):
    staff = User.objects.get(username="staff")
    round_ = PeerRound.objects.get(quarter=4, status=PeerRound.Status.OPEN)
    client.force_login(staff)
    body = client.get(reverse("reviews:peer-vote", args=[round_.pk])).content.decode()
    assert "匿名提交" in body


def test_public_ratings_and_cases():
    assert PublicCard.objects.count() > 0
    assert PublicRating.objects.count() >= 400
    assert RatingCase.objects.exists()
    assert PublicRating.objects.filter(status=PublicRating.Status.HELD).exists()
    rated = PublicRating.objects.values("person_id").distinct()
    scores = QuarterScore.objects.filter(person_id__in=rated, quarter__number=3)
    assert any("群众评价" in str(score.breakdown) for score in scores)
