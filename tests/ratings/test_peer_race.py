"""Exactly once on PostgreSQL: ten parallel submissions by one rater (double click, two tabs)
store one ballot set."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from reviews.ratings.models import PeerBallot, PeerParticipation
from tests.concurrency import race

from .helpers import all_levels, open_round

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_ten_parallel_submissions_by_one_rater_store_one_ballot_set(personas):
    from reviews.ratings import peer

    a = personas.a
    round_ = open_round(a)
    scores, comments = all_levels(round_, "staff", a)
    outcomes = race(
        [
            lambda: peer.peer_ballots_submit(
                round_=round_, by=a.staff, scores=scores, comments=comments
            )
            for _ in range(10)
        ]
    )
    wins = [o for o in outcomes if isinstance(o, int)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert wins == [5]
    assert len(refused) == 9, outcomes
    assert PeerParticipation.objects.filter(round=round_).count() == 1
    assert PeerBallot.objects.filter(round=round_).count() == 5


def test_parallel_raters_all_count(personas):
    from reviews.ratings import peer

    a = personas.a
    round_ = open_round(a)
    raters = ("staff", "staff2", "chief", "leader", "principal", "unit_admin")
    calls = []
    for key in raters:
        scores, comments = all_levels(round_, key, a)
        calls.append(
            lambda key=key, scores=scores, comments=comments: peer.peer_ballots_submit(
                round_=round_, by=a.users[key], scores=scores, comments=comments
            )
        )
    outcomes = race(calls)
    assert outcomes == [5] * 6
    assert PeerBallot.objects.filter(round=round_).count() == 30
