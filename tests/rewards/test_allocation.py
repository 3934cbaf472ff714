"""The allocation is exact, fair and capped: property tests (hypothesis) and tables."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from rewards.allocation import Entry, Settings, allocate

points = st.fractions(min_value=-4, max_value=40, max_denominator=10)
weights = st.sampled_from([Fraction(k, 4) for k in range(1, 5)])


@st.composite
def pools(draw, *, equal_weight=False, cap=False):
    n = draw(st.integers(1, 40))
    entries = [
        Entry(
            key=i + 1,
            points=draw(points),
            weight=Fraction(1) if equal_weight else draw(weights),
            civil_servant=draw(st.booleans()) if not equal_weight else True,
        )
        for i in range(n)
    ]
    s = Settings(
        pool_fen=draw(st.integers(0, 50_000_000)),
        base_percent=draw(st.fractions(0, 100, max_denominator=4)),
        cap_fen=draw(st.integers(0, 2_000_000)) if cap else None,
    )
    return entries, s


@given(pools(cap=True))
@settings(max_examples=300, deadline=None)
def test_payouts_add_up_to_the_pool_exactly(case):
    entries, s = case
    result = allocate(entries, s)
    if result.ok:
        assert result.total_fen == s.pool_fen
        assert all(p.amount_fen >= 0 for p in result.payouts)
        assert all(p.rounding_fen in (0, 1) for p in result.payouts)
    else:
        assert result.error_field == "cap" and s.cap_fen is not None


@given(pools(equal_weight=True), st.data())
@settings(max_examples=300, deadline=None)
def test_more_points_never_pay_less(case, data):
    entries, s = case
    result = allocate(entries, s).by_key
    for a in entries:
        for b in entries:
            if a.points > b.points:
                assert result[a.key].amount_fen >= result[b.key].amount_fen, (a, b)


@given(pools(equal_weight=True, cap=True))
@settings(max_examples=300, deadline=None)
def test_more_points_never_pay_less_under_a_cap(case):
    entries, s = case
    result = allocate(entries, s)
    assume(result.ok)
    by_key = result.by_key
    for a in entries:
        for b in entries:
            if a.points > b.points:
                assert by_key[a.key].amount_fen >= by_key[b.key].amount_fen


@given(pools(cap=True), st.integers(0, 39))
@settings(max_examples=300, deadline=None)
def test_equal_inputs_differ_by_at_most_one_fen(case, i):
    entries, s = case
    twin = entries[i % len(entries)]
    entries = [
        *entries,
        Entry(key=10_000, points=twin.points, weight=twin.weight, civil_servant=twin.civil_servant),
    ]
    result = allocate(entries, s)
    assume(result.ok)
    by_key = result.by_key
    assert abs(by_key[twin.key].amount_fen - by_key[10_000].amount_fen) <= 1


@given(pools(cap=True))
@settings(max_examples=300, deadline=None)
def test_cap_holds_whenever_feasible(case):
    entries, s = case
    result = allocate(entries, s)
    if not result.ok:
        # infeasible means: even the by-weight split (no points) breaks the cap
        flat = allocate(
            [Entry(e.key, Fraction(0), e.weight, e.civil_servant) for e in entries],
            Settings(s.pool_fen, Fraction(100), None),
        )
        civil = [
            p.amount_fen
            for p in flat.payouts
            if p.key in {e.key for e in entries if e.civil_servant}
        ]
        assert max(civil) - min(civil) >= s.cap_fen
        return
    civil = {e.key for e in entries if e.civil_servant}
    amounts = [p.amount_fen for p in result.payouts if p.key in civil]
    if amounts:
        assert max(amounts) - min(amounts) <= s.cap_fen


@given(pools(cap=True), st.randoms())
@settings(max_examples=200, deadline=None)
def test_deterministic_whatever_the_input_order(case, rnd):
    entries, s = case
    shuffled = list(entries)
    rnd.shuffle(shuffled)
    first = {p.key: p.amount_fen for p in allocate(entries, s).payouts}
    again = {p.key: p.amount_fen for p in allocate(shuffled, s).payouts}
    assert first == again


def test_tie_break_gives_the_fen_to_more_points_then_smaller_key():
    # 100 fen over 3 people, base 100 %: 33.33 each, one fen left over
    entries = [Entry(3, Fraction(1)), Entry(1, Fraction(1)), Entry(2, Fraction(5))]
    result = allocate(entries, Settings(100, Fraction(100))).by_key
    assert (result[1].amount_fen, result[2].amount_fen, result[3].amount_fen) == (33, 34, 33)
    entries = [Entry(3, Fraction(1)), Entry(1, Fraction(1)), Entry(2, Fraction(1))]
    result = allocate(entries, Settings(100, Fraction(100))).by_key
    assert (result[1].amount_fen, result[2].amount_fen, result[3].amount_fen) == (34, 33, 33)


def test_explanation_adds_up():
    entries = [Entry(1, Fraction(16)), Entry(2, Fraction(12)), Entry(3, Fraction(4))]
    result = allocate(entries, Settings(1_000_000, Fraction(40)))
    for p in result.payouts:
        assert p.base + p.points_part == p.exact
        assert p.amount_fen == p.exact.numerator // p.exact.denominator + p.rounding_fen
    by_key = result.by_key
    # base 4,000 yuan / 3; points 6,000 yuan by 16:12:4
    assert by_key[1].points_part == Fraction(600_000 * 16, 32)
    assert by_key[1].base == Fraction(400_000, 3)


def test_cap_evens_out_the_points_share_just_enough():
    entries = [Entry(1, Fraction(16)), Entry(2, Fraction(0))]
    result = allocate(entries, Settings(200_000, Fraction(0), cap_fen=50_000))
    amounts = sorted(p.amount_fen for p in result.payouts)
    assert amounts == [75_000, 125_000]
    assert result.blend == Fraction(3, 4)


def test_cap_broken_by_pro_rata_base_names_the_setting():
    entries = [Entry(1, Fraction(16)), Entry(2, Fraction(4), weight=Fraction(1, 4))]
    result = allocate(entries, Settings(200_000, Fraction(50), cap_fen=10_000))
    assert not result.ok and result.error_field == "cap"
    assert "按季度折算" in result.error and "差额上限" in result.error


def test_cap_of_zero_that_rounding_cannot_meet_says_so():
    entries = [Entry(i, Fraction(1)) for i in range(3)]
    result = allocate(entries, Settings(100, Fraction(100), cap_fen=0))
    assert not result.ok and "按分精确分配" in result.error


def test_people_without_graded_quarters_get_nothing_and_no_one_left_is_an_error():
    result = allocate([Entry(1, Fraction(4)), Entry(2, Fraction(8), Fraction(0))], Settings(999))
    assert [(p.key, p.amount_fen) for p in result.payouts] == [(1, 999)]
    assert not allocate([Entry(2, Fraction(8), Fraction(0))], Settings(999)).ok


def test_negative_points_count_as_zero_and_all_zero_points_go_by_weight():
    result = allocate(
        [Entry(1, Fraction(-3)), Entry(2, Fraction(0), Fraction(1, 2))], Settings(300, Fraction(0))
    ).by_key
    assert (result[1].amount_fen, result[2].amount_fen) == (200, 100)
