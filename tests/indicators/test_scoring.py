"""Score arithmetic: table-driven and property-based (scoring.combine is pure)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.models import Grade
from indicators.scoring import Bands, combine

D = Decimal
BANDS = Bands(D(90), D(80), D(60), D(50))


@pytest.mark.parametrize(
    ("positives", "negatives", "blocked", "score", "grade"),
    [
        ([(D(50), D(1)), (D(50), D(1))], [], False, D(100), Grade.GOOD),
        ([(D(50), D(1)), (D(50), D("0.8"))], [], False, D(90), Grade.GOOD),
        ([(D(50), D(1)), (D(50), D("0.8"))], [], True, D(90), Grade.FAIRLY_GOOD),
        ([(D(50), D(1)), (D(50), D("0.8"))], [(D(30), D(5))], False, D(85), Grade.FAIRLY_GOOD),
        # the cap of a negative indicator limits its deduction
        ([(D(100), D(1))], [(D(10), D(25))], False, D(90), Grade.GOOD),
        # no data: excluded and renormalised, not free points
        ([(D(60), D("0.5")), (D(40), None)], [], False, D(50), Grade.POOR),  # covered 60 ≥ 50
        ([(D(40), D("0.7")), (D(60), None)], [], False, D(70), ""),  # covered 40 < 50: no grade
        ([(D(100), None)], [], False, None, ""),
        ([(D(100), D("0.3"))], [(D(50), D(40))], False, D(0), Grade.POOR),  # floored at 0
        ([(D(100), D("0.7999"))], [], False, D("79.99"), Grade.AVERAGE),
        ([(D(100), D("0.5999"))], [], False, D("59.99"), Grade.POOR),
    ],
)
def test_combine_table(positives, negatives, blocked, score, grade):
    result = combine(positives, negatives, BANDS, good_blocked=blocked)
    assert result.score == score
    assert result.grade == grade


weights = st.decimals(min_value=0, max_value=100, places=2)
shares = st.one_of(st.none(), st.decimals(min_value=0, max_value=1, places=4))
positives = st.lists(st.tuples(weights, shares), max_size=12)
negatives = st.lists(
    st.tuples(weights, st.decimals(min_value=0, max_value=200, places=2)), max_size=5
)


@given(positives, negatives, st.booleans())
def test_score_bounded_and_consistent(pos, neg, blocked):
    result = combine(pos, neg, BANDS, good_blocked=blocked)
    if result.score is None:
        assert all(v is None or w <= 0 for w, v in pos)
        return
    assert D(0) <= result.score <= D(100)
    assert result.deductions == sum((min(c, r) for c, r in neg), D(0)).quantize(D("0.01"))
    assert result.score == max(D(0), result.positive - result.deductions)
    if blocked:
        assert result.grade != Grade.GOOD


@given(positives, st.decimals(min_value=0, max_value=100, places=2))
def test_missing_indicator_does_not_change_the_others_ratio(pos, w):
    """Adding an indicator with no data leaves the score unchanged (excluded, renormalised)."""
    base = combine(pos, [], BANDS)
    more = combine([*pos, (w, None)], [], BANDS)
    assert base.score == more.score


@given(positives, st.decimals(min_value=0, max_value=50, places=2))
def test_more_deduction_never_raises_the_score(pos, extra):
    a = combine(pos, [(D(100), D(5))], BANDS)
    b = combine(pos, [(D(100), D(5) + extra)], BANDS)
    if a.score is not None:
        assert b.score <= a.score
