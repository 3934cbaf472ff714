from __future__ import annotations

import random

import pytest

from rewards import demo
from rewards.models import RewardRecord

pytestmark = pytest.mark.django_db


def test_demo_records_scale_with_people_and_include_sanctions(personas):
    demo.seed_region(personas.a.region, random.Random(1))
    rows = RewardRecord.objects.filter(region=personas.a.region)
    assert rows.filter(kind="reward").count() == round(10 * demo.REWARDS_PER_PERSON)
    sanctions = rows.filter(kind="punishment")
    assert sanctions.count() == 6 and sanctions.exclude(blocks_until=None).count() == 4
    assert all(r.history.count() == 1 for r in rows)
    assert not RewardRecord.objects.filter(region=personas.b.region).exists()
    demo.seed_region(personas.a.region, random.Random(1))  # a second run adds nothing
    assert RewardRecord.objects.filter(region=personas.a.region).count() == rows.count()
