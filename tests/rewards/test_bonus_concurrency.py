"""Concurrent lock/unlock/edit of one pool (PostgreSQL, real threads): exactly one transition,
and an edit never lands on a locked pool."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from rewards.models import BonusLock, BonusPayout, BonusPool
from rewards.services import bonus_pool_lock, bonus_pool_save, bonus_pool_unlock
from tests.concurrency import race
from tests.rewards.bonus_helpers import graded_pool

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_double_lock_creates_one_lock(personas):
    a = personas.a
    pool = graded_pool(a)
    for round_ in range(10):
        outcomes = race([lambda: bonus_pool_lock(pool=pool, by=a.principal)] * 4)
        wins = [o for o in outcomes if isinstance(o, BonusLock)]
        losses = [o for o in outcomes if isinstance(o, ValidationError)]
        assert len(wins) == 1 and len(losses) == 3, outcomes
        assert BonusLock.objects.filter(pool=pool, unlocked_at__isnull=True).count() == 1
        total = sum(BonusPayout.objects.filter(lock=wins[0]).values_list("amount_fen", flat=True))
        assert total == pool.amount_fen
        outcomes = race(
            [lambda r=round_: bonus_pool_unlock(pool=pool, by=a.principal, reason=f"r{r}")] * 3
        )
        assert sum(isinstance(o, BonusPool) for o in outcomes) == 1, outcomes
    assert BonusLock.objects.filter(pool=pool).count() == 10


def test_edit_racing_a_lock_never_changes_a_locked_pool(personas):
    a = personas.a
    pool = graded_pool(a)
    for amount in range(1_000_100, 1_000_110):
        fresh = BonusPool.objects.get(pk=pool.pk)
        if fresh.is_locked:
            bonus_pool_unlock(pool=fresh, by=a.principal, reason="重算")
            fresh = BonusPool.objects.get(pk=pool.pk)
        fresh.amount_fen = amount

        outcomes = race(
            [
                lambda f=fresh: bonus_pool_save(pool=f, by=a.unit_admin),
                lambda: bonus_pool_lock(pool=pool, by=a.principal),
            ]
        )
        assert not [
            o for o in outcomes if not isinstance(o, (BonusPool, BonusLock, ValidationError))
        ]
        lock = BonusLock.objects.get(pool=pool, unlocked_at__isnull=True)
        # the lock froze the amount the pool had when it was locked, and it still has it
        assert BonusPool.objects.get(pk=pool.pk).amount_fen == lock.amount_fen
