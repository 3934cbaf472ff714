from __future__ import annotations

import random

import pytest

from assessment.models import Person, QuarterlyAssessment
from rewards import bonus_demo
from rewards.models import BonusPayout, BonusPool, BonusRule
from tests.rewards.bonus_helpers import grade

pytestmark = pytest.mark.django_db


def _demo_unit(personas):
    unit = personas.a.unit
    unit.name = bonus_demo.DEMO_UNIT
    unit.save()
    Person.objects.filter(pk=personas.a.people["staff2"].pk).update(kind=Person.Kind.SECONDED)


def test_demo_locks_2025_and_leaves_a_2026_draft_with_a_seconded_pool(personas):
    _demo_unit(personas)
    bonus_demo.seed_region(personas.a.region, random.Random(1))
    locked = BonusPool.objects.get(unit=personas.a.unit, year=2025)
    assert locked.is_locked
    payouts = BonusPayout.objects.filter(lock__pool=locked)
    assert sum(p.amount_fen for p in payouts) == locked.amount_fen
    draft = BonusPool.objects.get(unit=personas.a.unit, year=2026)
    assert (draft.status, draft.seconded_mode, draft.seconded_amount_fen) == (
        "draft",
        "own",
        150_000,
    )
    assert BonusRule.objects.get(region=personas.a.region, year=2025).cap_fen == 130_000
    graded = QuarterlyAssessment.objects.filter(region=personas.a.region, quarter__year__year=2025)
    assert graded.count() == 4 * Person.objects.filter(region=personas.a.region).count()
    # at most one quarter not assessed per person
    assert (
        max(
            [
                list(graded.filter(participates=False).values_list("person_id", flat=True)).count(p)
                for p in graded.values_list("person_id", flat=True)
            ]
            or [0]
        )
        <= 1
    )
    assert not BonusPool.objects.filter(region=personas.b.region).exists()
    bonus_demo.seed_region(personas.a.region, random.Random(1))  # a second run adds nothing
    assert BonusPool.objects.filter(region=personas.a.region).count() == 2


def test_demo_keeps_existing_2025_quarterly_data(personas):
    _demo_unit(personas)
    grade(personas.a.people["staff"], 1, "good")
    bonus_demo.seed_region(personas.a.region, random.Random(1))
    assert QuarterlyAssessment.objects.filter(quarter__year__year=2025).count() == 1
