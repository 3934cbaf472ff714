"""Demo bonus pools: 2025 rules (the seed's observed 1,300-yuan gap as the cap) and locked 2025
pools for the pilot units and 区财政局; 2026 rules and a 2026 draft for 区财政局 whose seconded
staff have their own pool.

The pools read final 2025 quarterly grades. When the region has none (the quarterly demo covers
2026), this module writes 2025 Q1–Q4 as decided and confirmed — only if no 2025 quarterly record
exists, so another module's 2025 data is never overwritten or doubled."""

from __future__ import annotations

import random
from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, update_change_reason

from assessment.models import (
    Membership,
    Person,
    Quarter,
    QuarterGrade,
    QuarterlyAssessment,
    Role,
    Unit,
    User,
)
from assessment.periods import quarter_for
from reviews.models import ReviewState
from reviews.opening import _ensure_unit_quarters

from .models import BonusPool, BonusRule, SecondedMode
from .services import bonus_pool_lock

LOCKED_YEAR, DRAFT_YEAR = 2025, 2026
DEMO_UNIT = "区财政局"
OBSERVED_GAP_FEN = 130_000  # "最大差距达1300元" (seed report): demo data, not a default
GOOD_PERCENT = 40
ABSENT_REASON = "病假超过季度一半，不参加本季度考核。"


@transaction.atomic
def seed_region(region, rng: random.Random) -> None:
    if BonusRule.objects.filter(region=region).exists():
        return
    people = list(Person.objects.filter(region=region, is_active=True).order_by("pk"))
    if not people:
        return
    _grades_2025(region, people, rng)
    BonusRule.objects.create(
        region=region,
        year=LOCKED_YEAR,
        cap_fen=OBSERVED_GAP_FEN,
        per_capita_limit_fen=500_000,
    )
    BonusRule.objects.create(region=region, year=DRAFT_YEAR, per_capita_limit_fen=500_000)
    for rule in BonusRule.objects.filter(region=region):
        update_change_reason(rule, "演示数据")
    units = list(
        Unit.objects.filter(
            Q(is_pilot=True) | Q(name=DEMO_UNIT), region=region, is_active=True
        ).order_by("code")
    )
    holders = _holders(region)
    heads = {p.unit_id: 0 for p in people}
    seconded = dict(heads)
    for p in people:
        if p.kind == Person.Kind.SECONDED:
            seconded[p.unit_id] += 1
        else:
            heads[p.unit_id] += 1
    pools = []
    for unit in units:
        admin = holders.get((Role.UNIT_ADMIN, unit.pk)) or holders.get(Role.DISTRICT_ADMIN)
        if admin is None or not heads.get(unit.pk):
            continue
        per_person = rng.choice((2_800, 3_000, 3_200)) * 100
        pools.append(
            BonusPool(
                region=region,
                unit=unit,
                year=LOCKED_YEAR,
                amount_fen=(heads[unit.pk] + seconded[unit.pk]) * per_person,
                created_by_id=admin,
            )
        )
        if unit.name == DEMO_UNIT:
            own = seconded[unit.pk] > 0  # a seconded-staff pool needs seconded staff
            pools.append(
                BonusPool(
                    region=region,
                    unit=unit,
                    year=DRAFT_YEAR,
                    amount_fen=heads[unit.pk] * 300_000,
                    seconded_mode=SecondedMode.OWN if own else SecondedMode.SHARED,
                    seconded_amount_fen=seconded[unit.pk] * 150_000 if own else 0,
                    created_by_id=admin,
                )
            )
    pools = bulk_create_with_history(pools, BonusPool, default_change_reason="演示数据")
    for pool in BonusPool.objects.filter(region=region, year=LOCKED_YEAR).select_related("unit"):
        principal = holders.get((Role.PRINCIPAL_LEADER, pool.unit_id))
        if principal is not None:
            try:
                bonus_pool_lock(pool=pool, by=User.objects.get(pk=principal))
            except ValidationError:  # the page shows the conflicting setting; stays a draft
                continue


def _holders(region) -> dict:
    """(role, unit id) → the lowest user id holding it; district admin under its role alone."""
    out: dict = {}
    for user_id, role, unit_id in (
        Membership.objects.current()
        .filter(
            region=region, role__in=(Role.UNIT_ADMIN, Role.PRINCIPAL_LEADER, Role.DISTRICT_ADMIN)
        )
        .order_by("user_id")
        .values_list("user_id", "role", "unit_id")
    ):
        key = role if role == Role.DISTRICT_ADMIN else (role, unit_id)
        out.setdefault(key, user_id)
    return out


def _grades_2025(region, people: list[Person], rng: random.Random) -> None:
    """Final 2025 quarterly grades, 好 within 40 % of each unit's civil servants and seconded
    staff, a few 一般/较差 and for some people one quarter not assessed (pro rata in the pool)."""
    if QuarterlyAssessment.objects.filter(region=region, quarter__year__year=LOCKED_YEAR).exists():
        return
    groups: dict[tuple[int, str], list[Person]] = {}
    for p in people:
        groups.setdefault((p.unit_id, p.kind), []).append(p)
    records = []
    absent: set[int] = set()  # at most one quarter not assessed per person
    for number in range(1, 5):
        quarter = quarter_for(region, LOCKED_YEAR, number)
        _ensure_unit_quarters(region, quarter)
        decided = timezone.make_aware(datetime.combine(quarter.end, time(10)))
        for members in groups.values():
            order = list(members)
            rng.shuffle(order)
            good = len(order) * GOOD_PERCENT // 100
            good = rng.randint(good // 2, good) if good else 0
            for i, p in enumerate(order):
                participates = p.pk in absent or rng.random() > 0.02
                if not participates:
                    absent.add(p.pk)
                if not participates:
                    grade = QuarterGrade.UNGRADED
                elif i < good:
                    grade = QuarterGrade.GOOD
                else:
                    grade = rng.choices(
                        (QuarterGrade.FAIRLY_GOOD, QuarterGrade.AVERAGE, QuarterGrade.POOR),
                        weights=(88, 11, 1),
                    )[0]
                records.append(
                    QuarterlyAssessment(
                        region_id=region.pk,
                        quarter=quarter,
                        person_id=p.pk,
                        unit_id=p.unit_id,
                        section_id=p.section_id,
                        person_kind=p.kind,
                        participates=participates,
                        grade=grade,
                        ungraded_reason="" if participates else ABSENT_REASON,
                        status=ReviewState.CONFIRMED,
                        decided_at=decided,
                        confirmed_at=decided,
                    )
                )
        Quarter.objects.filter(pk=quarter.pk).update(status=Quarter.Status.CLOSED)
    QuarterlyAssessment.objects.bulk_create(records, batch_size=1000)
    QuarterlyAssessment.history.bulk_history_create(
        records, batch_size=1000, default_change_reason="演示数据（2025年度季度等次，奖金池用）"
    )
