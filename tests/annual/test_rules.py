"""The annual rules, table-driven over their parameters: 优秀 places and rounding, eligibility
(rule kinds, shares, counts, blocking grades, sanctions), the sanction table, coded outcomes."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessment.models import AssessmentYear
from assessment.models.periods import default_sanction_table
from reviews.annual.rules import (
    QuarterFacts,
    Sanction,
    effective_rate,
    excellent_places,
    excellent_refusal,
    proposed_outcome,
    sanctions_in_year,
)


def year(**kw) -> AssessmentYear:
    return AssessmentYear(year=2026, **kw)


@pytest.mark.parametrize(
    ("percent", "graded", "rounding", "places"),
    [
        (20, 0, "half_up", 0),
        (20, 1, "half_up", 0),  # 0.2
        (20, 3, "half_up", 1),  # 0.6
        (20, 12, "half_up", 2),  # 2.4
        (20, 13, "half_up", 3),  # 2.6
        (20, 5, "half_up", 1),  # 1.0
        (15, 10, "half_up", 2),  # 1.5 rounds up
        (15, 10, "down", 1),
        (15, 10, "up", 2),
        (20, 11, "up", 3),  # 2.2
        (35, 60, "half_up", 21),
    ],
)
def test_excellent_places(percent, graded, rounding, places):
    assert excellent_places(percent, graded, rounding) == places


@given(st.integers(0, 100), st.integers(0, 500))
def test_places_bounded_by_rounding(percent, graded):
    down = excellent_places(percent, graded, "down")
    half = excellent_places(percent, graded, "half_up")
    up = excellent_places(percent, graded, "up")
    assert down <= half <= up <= down + 1
    assert up <= graded


def test_unit_rate_never_above_the_ceiling():
    y = year(excellent_quota_percent=20, excellent_quota_max_percent=30)
    assert effective_rate(y, None) == 20
    assert effective_rate(y, 25) == 25
    assert effective_rate(y, 35) == 30


G, FG, A, P = "good", "fairly_good", "average", "poor"


@pytest.mark.parametrize(
    ("params", "grades", "refused_with"),
    [
        ({}, [G, G, FG, FG], None),  # half of 4
        ({}, [G, FG, FG, FG], "“好”1次，少于已评季度（4个）的50%"),
        ({}, [G, G, FG, A], "季度等次有“一般”1次"),
        ({}, [G, G, G, P], "季度等次有“较差”1次"),
        ({}, [G, "ungraded"], None),  # 1 of 1 graded quarter
        ({}, [], "“好”0次，少于已评季度（0个）的50%"),
        ({"excellent_min_good_share": 75}, [G, G, FG, FG], "少于已评季度（4个）的75%"),
        ({"excellent_rule": "good_count", "excellent_min_good_count": 1}, [G, FG, FG], None),
        (
            {"excellent_rule": "good_count", "excellent_min_good_count": 2},
            [G, FG],
            "少于规则要求的2次",
        ),
        ({"excellent_rule": "none"}, [FG, FG], None),
        ({"excellent_rule": "none", "excellent_blocking_grades": []}, [A, P], None),
        ({"excellent_blocking_grades": ["poor"]}, [G, G, A, FG], None),
    ],
)
def test_excellent_eligibility(params, grades, refused_with):
    y = year(**params)
    refusal = excellent_refusal(y, QuarterFacts(grades), [])
    if refused_with is None:
        assert refusal is None
    else:
        assert refused_with in refusal


@pytest.mark.parametrize(
    ("effect", "refused"),
    [("no_excellent", True), ("undetermined", True), ("no_good", False)],
)
def test_sanction_effect_on_excellent(effect, refused):
    s = Sanction("警告（2026-03-01）", date(2026, 3, 1), date(2026, 8, 31), effect)
    refusal = excellent_refusal(year(), QuarterFacts([G, G, G, G]), [s])
    assert (refusal is not None) == refused
    if refused:
        assert "处分影响期内（警告（2026-03-01），至 2026-08-31）" in refusal


def _punishment(kind, on, blocks_until=None):
    return SimpleNamespace(
        type=kind, date=on, blocks_until=blocks_until, get_type_display=lambda: kind
    )


@pytest.mark.parametrize(
    ("kind", "on", "in_year", "end"),
    [
        ("warning", date(2025, 7, 2), True, date(2026, 1, 1)),  # 6 months: into 2026
        ("warning", date(2025, 7, 1), False, None),  # ends 2025-12-31
        ("demerit", date(2025, 3, 1), True, date(2026, 2, 28)),  # 12 months
        ("major_demerit", date(2024, 12, 1), True, date(2026, 5, 31)),  # 18 months
        ("demotion", date(2024, 1, 1), False, None),  # 24 months, ends 2025-12-31
        ("demotion", date(2024, 1, 2), True, date(2026, 1, 1)),
        ("warning", date(2027, 1, 1), False, None),  # after the year
    ],
)
def test_sanction_table_periods(kind, on, in_year, end):
    y = year(sanction_table=default_sanction_table())
    found = sanctions_in_year([_punishment(kind, on)], y)
    if in_year:
        assert found and found[0].end == end
    else:
        assert not found


def test_sanction_without_table_entry_uses_blocks_until():
    y = year(sanction_table={})
    found = sanctions_in_year(
        [_punishment("other_sanction", date(2026, 2, 1), date(2026, 5, 1))], y
    )
    assert found[0].end == date(2026, 5, 1) and found[0].effect == "no_excellent"


@pytest.mark.parametrize(
    ("facts", "code"),
    [
        ({}, ""),
        ({"hire_date": date(2026, 3, 1)}, "5A"),
        ({"hire_date": date(2026, 1, 1)}, ""),  # a full year by 12-31
        ({"hire_date": date(2026, 1, 2)}, "5A"),
        ({"investigation": "纪立〔2026〕3号"}, "5B"),
        (
            {"sanctions": [Sanction("记过", date(2026, 1, 5), date(2027, 1, 4), "undetermined")]},
            "5C",
        ),
        ({"sanctions": [Sanction("警告", date(2026, 1, 5), date(2026, 7, 4), "no_excellent")]}, ""),
        ({"leave_days": 125, "working_days": 248}, "6A"),
        ({"leave_days": 124, "working_days": 248}, ""),
        ({"leave_days": 200, "working_days": 248, "investigation": "x"}, "6A"),
    ],
)
def test_proposed_outcome(facts, code):
    args = {
        "hire_date": None,
        "investigation": "",
        "sanctions": [],
        "leave_days": 0,
        "working_days": 248,
    }
    args.update(facts)
    assert proposed_outcome(year=year(), **args)[0] == code
