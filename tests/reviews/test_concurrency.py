"""Races on PostgreSQL with real threads: one transition per step, the 好 quota under a storm of
decisions, a quarter opened twice at once."""

from __future__ import annotations

import pytest

from assessment.models import AssessmentYear, Person, QuarterlyAssessment
from reviews import services
from reviews.models import Decision, Delegation, ReviewAction
from reviews.opening import quarter_open
from tests.concurrency import race

from .helpers import at_decision, decided, open_quarter, submit

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_reviewers_on_one_step_make_exactly_one_transition(personas):
    a = personas.a
    quarter = open_quarter(a)
    qa = submit(a, "staff", quarter)
    Delegation.objects.create(
        region=a.region,
        reviewer=a.chief,
        delegate=a.staff2,
        start=qa.submitted_at.date(),
        end=qa.submitted_at.date(),
        created_by=a.unit_admin,
    )
    for _ in range(20):
        outcomes = race(
            [
                lambda by=by, qa=qa: services.quarterly_review(
                    assessment=qa, by=by, decision=Decision.APPROVE, suggested_grade="good"
                )
                for by in (a.chief, a.staff2)
            ]
        )
        wins = [o for o in outcomes if isinstance(o, QuarterlyAssessment)]
        assert len(wins) == 1, outcomes
        assert ReviewAction.objects.filter(object_id=qa.pk, level=1).count() == 1
        # back to level 1 for the next race
        qa = services.quarterly_review(
            assessment=wins[0], by=a.leader, decision=Decision.RETURN, comment="再来"
        )
        ReviewAction.objects.filter(object_id=qa.pk, level=1).delete()
        qa = services.summary_save(assessment=qa, by=a.staff, summary="x", submit=True)


def test_twenty_concurrent_good_decisions_with_three_places_grant_exactly_three(personas):
    a = personas.a
    for i in range(20):
        Person.objects.create(
            region=a.region,
            unit=a.unit,
            section=a.section,
            name=f"p{i}",
            staff_no=f"r{i:03}",
            gender="M",
        )
    AssessmentYear.objects.update_or_create(
        region=a.region, year=2026, defaults={"good_quota_percent": 20}
    )
    quarter = open_quarter(a)  # 26 participants × 20 % → 5 places
    decided(a, "staff", quarter)
    decided(a, "staff2", quarter)  # 3 places left
    racers = at_decision(
        a, QuarterlyAssessment.objects.filter(quarter=quarter, person__staff_no__startswith="r")
    )
    outcomes = race(
        [
            lambda qa=qa: services.quarterly_decide(assessment=qa, by=a.principal, grade="good")
            for qa in racers
        ]
    )
    granted = [o for o in outcomes if isinstance(o, QuarterlyAssessment)]
    assert len(granted) == 3, outcomes
    refused = [o for o in outcomes if not isinstance(o, QuarterlyAssessment)]
    assert all("名额 5 已用 5" in " ".join(o.messages) for o in refused), refused
    assert QuarterlyAssessment.objects.filter(quarter=quarter, grade="good").count() == 5


def test_opening_a_quarter_twice_at_once_creates_no_duplicates(personas):
    a = personas.a
    outcomes = race([lambda: quarter_open(region=a.region, year=2026, number=4) for _ in range(4)])
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert sum(o.created for o in outcomes) == 10
    assert QuarterlyAssessment.objects.filter(quarter__number=4).count() == 10
