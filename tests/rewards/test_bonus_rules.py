"""Points, weights and groups: table tests for the seconded-staff modes and pro-rata quarters."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from rewards.bonus import CIVIL, SECONDED, PersonFacts, RuleSet, distribute, score
from rewards.models import SecondedMode, UngradedMode

RULES = RuleSet(
    grade_points={
        "good": Decimal(4),
        "fairly_good": Decimal(3),
        "average": Decimal(1),
        "poor": Decimal(0),
    },
    reward_points={"district": Decimal(1), "unit": Decimal("0.5")},
    negative_points={"minor": Decimal("0.5"), "general": Decimal(1), "serious": Decimal(4)},
    base_percent=Decimal(40),
    cap_fen=None,
)
YEAR = [1, 2, 3, 4]


def person(pk, grades, *, civil=True, rewards=(), negatives=()):
    return PersonFacts(
        pk,
        f"p{pk}",
        f"{pk:03d}",
        civil,
        grades=dict(enumerate(grades, start=1)),
        rewards=list(rewards),
        negatives=list(negatives),
    )


@pytest.mark.parametrize(
    ("grades", "mode", "points", "weight"),
    [
        (["good"] * 4, UngradedMode.PRO_RATA, Decimal(16), Fraction(1)),
        (["good", "", "fairly_good", "average"], UngradedMode.PRO_RATA, Decimal(8), Fraction(3, 4)),
        (["good", "", "", ""], UngradedMode.PRO_RATA, Decimal(4), Fraction(1, 4)),
        (["good", "", "", ""], UngradedMode.FULL, Decimal(4), Fraction(1)),
        (["", "", "", ""], UngradedMode.PRO_RATA, Decimal(0), Fraction(0)),
        (["", "", "", ""], UngradedMode.FULL, Decimal(0), Fraction(0)),
        (["poor", "poor", "poor", "poor"], UngradedMode.PRO_RATA, Decimal(0), Fraction(1)),
    ],
)
def test_pro_rata_quarters(grades, mode, points, weight):
    row = score(person(1, grades), RULES.with_changes(ungraded_mode=mode), YEAR)
    assert (row.points, row.weight) == (points, weight)


def test_points_by_source_rewards_add_negatives_subtract():
    row = score(
        person(
            1,
            ["good"] * 4,
            rewards=[("嘉奖", "district"), ("表扬", "unit")],
            negatives=[("投诉", "general")],
        ),
        RULES,
        YEAR,
    )
    assert row.points == Decimal("16.5")
    assert [p for _, p in row.reward_items] == [Decimal(1), Decimal("0.5")]
    assert [p for _, p in row.negative_items] == [Decimal(-1)]


def test_a_quarterly_pool_counts_only_its_quarter():
    row = score(person(1, ["good", "average", "", "good"]), RULES, [2])
    assert (row.points, row.weight, row.graded_quarters) == (Decimal(1), Fraction(1), 1)
    row = score(person(1, ["good", "average", "", "good"]), RULES, [3])
    assert row.weight == 0


PEOPLE = [
    person(1, ["good"] * 4),
    person(2, ["fairly_good"] * 4),
    person(3, ["good"] * 4, civil=False),
    person(4, ["average"] * 4, civil=False),
]


@pytest.mark.parametrize(
    ("mode", "seconded_amount", "civil_paid", "seconded_paid", "total"),
    [
        (SecondedMode.SHARED, 0, {1, 2, 3, 4}, set(), 1_000_000),
        (SecondedMode.OWN, 200_000, {1, 2}, {3, 4}, 1_200_000),
        (SecondedMode.EXCLUDED, 0, {1, 2}, set(), 1_000_000),
    ],
)
def test_seconded_staff_modes(mode, seconded_amount, civil_paid, seconded_paid, total):
    dist = distribute(
        PEOPLE,
        RULES,
        quarters=YEAR,
        amount_fen=1_000_000,
        seconded_mode=mode,
        seconded_amount_fen=seconded_amount,
    )
    assert dist.ok
    paid = {g: {r.facts.person_id for r in dist.paid if r.group == g} for g in (CIVIL, SECONDED)}
    assert paid == {CIVIL: civil_paid, SECONDED: seconded_paid}
    assert dist.total_fen == total
    assert sum(r.amount_fen for r in dist.paid if r.group == CIVIL) == 1_000_000
    if mode == SecondedMode.EXCLUDED:
        excluded = [r for r in dist.rows if r.facts.person_id in {3, 4}]
        assert all(r.amount_fen is None and "不参与" in r.note for r in excluded)


def test_shared_pool_cap_applies_to_civil_servants_only():
    rules = RULES.with_changes(base_percent=Decimal(0), cap_fen=10_000)
    dist = distribute(
        PEOPLE, rules, quarters=YEAR, amount_fen=1_000_000, seconded_mode=SecondedMode.SHARED
    )
    civil = [r.amount_fen for r in dist.paid if r.facts.civil_servant]
    assert max(civil) - min(civil) <= 10_000
    assert dist.total_fen == 1_000_000
    # the seconded 一般 keeps the low points share: the cap does not lift them
    low = next(r for r in dist.rows if r.facts.person_id == 4)
    assert low.amount_fen < min(civil)


def test_own_pool_without_seconded_people_is_an_error_not_a_wrong_sum():
    dist = distribute(
        PEOPLE[:2],
        RULES,
        quarters=YEAR,
        amount_fen=1_000_000,
        seconded_mode=SecondedMode.OWN,
        seconded_amount_fen=50_000,
    )
    assert not dist.ok
    assert "没有可参与分配的人员" in dist.errors[0][1]
