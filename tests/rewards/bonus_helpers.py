"""Builders for bonus rules, pools and the final quarterly grades they read (tests, probes)."""

from __future__ import annotations

from datetime import date

from assessment.models import Person, QuarterlyAssessment
from assessment.periods import quarter_for
from reviews.models import ReviewState
from rewards.models import BonusPool, BonusRule
from rewards.services import bonus_pool_lock

YEAR = 2025


def make_rule(region, year: int = YEAR, **fields) -> BonusRule:
    return BonusRule.objects.create(region=region, year=year, **fields)


def grade(person, number: int, code: str, *, year: int = YEAR, participates: bool = True):
    """A decided quarterly grade ("" for 不参加考核)."""
    return QuarterlyAssessment.objects.create(
        region_id=person.region_id,
        quarter=quarter_for(person.region, year, number),
        person=person,
        unit_id=person.unit_id,
        person_kind=person.kind,
        participates=participates,
        grade=code or "ungraded",
        status=ReviewState.CONFIRMED,
    )


def grade_year(person, codes, *, year: int = YEAR):
    for n, code in enumerate(codes, start=1):
        if code is not None:
            grade(person, n, code, year=year)


def make_pool(cast, *, amount_fen: int = 1_000_000, year: int = YEAR, rule=True, **fields):
    """A draft pool of the cast's unit with a rule and graded staff."""
    if rule and not BonusRule.objects.filter(region=cast.region, year=year).exists():
        make_rule(cast.region, year)
    return BonusPool.objects.create(
        region=cast.region,
        unit=cast.unit,
        year=year,
        amount_fen=amount_fen,
        created_by=cast.users["unit_admin"],
        **fields,
    )


def graded_pool(cast, **fields):
    pool = make_pool(cast, **fields)
    grade_year(cast.people["staff"], ["good", "good", "fairly_good", "good"], year=pool.year)
    grade_year(cast.people["staff2"], ["average", "fairly_good", None, "good"], year=pool.year)
    grade_year(cast.people["chief"], ["fairly_good"] * 4, year=pool.year)
    return pool


def locked_pool(cast, **fields):
    pool = graded_pool(cast, **fields)
    bonus_pool_lock(pool=pool, by=cast.users["principal"])
    pool.refresh_from_db()
    return pool


def add_graded_people(unit, n: int, *, by, year: int = YEAR) -> None:
    """n more people in the unit, each graded in every quarter and with one reward."""
    from tests.rewards.helpers import make_record

    for i in range(n):
        p = Person.objects.create(
            region_id=unit.region_id,
            unit=unit,
            name=f"新人{i}",
            staff_no=f"n{unit.pk}-{i:03d}",
            gender="F",
        )
        grade_year(p, ["good", "average", "fairly_good", "good"], year=year)
        make_record(p, by=by, day=date(year, 3, 1))
