"""Races on PostgreSQL with real threads: the year opened twice at once, the last 优秀 place."""

from __future__ import annotations

import pytest

from assessment.models import AnnualAssessment, Person
from reviews.annual import services
from reviews.annual.opening import year_open
from tests.concurrency import race

from .helpers import DECISION_DAY, open_year, proposed, quarter_grades

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_year_opened_twice_at_once_creates_no_duplicates(personas):
    a = personas.a
    outcomes = race([lambda: year_open(region=a.region, year=2026) for _ in range(4)])
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert sum(o.created for o in outcomes) == Person.objects.filter(region=a.region).count()
    assert AnnualAssessment.objects.filter(region=a.region).count() == 10


def test_two_deciders_granting_the_last_excellent_place_one_succeeds(personas):
    a = personas.a
    open_year(a)  # 6 graded civil servants in a.unit × 20 % = 1.2 → 1 place
    for key in ("staff", "staff2"):
        quarter_grades(a, key, ["good", "good", "good", "good"])
    records = [proposed(a, key, "excellent") for key in ("staff", "staff2")]
    for _ in range(3):
        outcomes = race(
            [
                lambda aa=aa, by=by, body=body: services.annual_decide(
                    assessment=aa,
                    by=by,
                    grade="excellent",
                    body=body,
                    members="委员",
                    today=DECISION_DAY,
                )
                for aa, by, body in zip(
                    records, (a.principal, a.unit_admin), ("unit_head", "committee"), strict=True
                )
            ]
        )
        wins = [o for o in outcomes if isinstance(o, AnnualAssessment)]
        assert len(wins) == 1, outcomes
        assert "名额 1 已用 1" in str(next(o for o in outcomes if isinstance(o, Exception)))
        assert AnnualAssessment.objects.filter(grade="excellent").count() == 1
        AnnualAssessment.objects.filter(pk=wins[0].pk).update(grade="", status="approved")
    assert Person.objects.count() == 20
