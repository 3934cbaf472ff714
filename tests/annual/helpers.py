"""Shared steps for year-end appraisal tests: open 2026 for a persona region, give people
quarterly grades, walk a record to the decision."""

from __future__ import annotations

from datetime import date

from assessment.models import AnnualAssessment, QuarterlyAssessment
from reviews.annual import services
from reviews.annual.opening import year_open
from reviews.models import Decision, ReviewState
from reviews.opening import quarter_open

YEAR = 2026
DECISION_DAY = date(2026, 12, 10)


def open_year(cast, year: int = YEAR):
    return year_open(region=cast.region, year=year).year


def annual(cast, key: str, year: int = YEAR) -> AnnualAssessment:
    return AnnualAssessment.objects.select_related("person", "year").get(
        year__year=year, person=cast.people[key]
    )


def quarter_grades(cast, key: str, grades: list[str], year: int = YEAR) -> None:
    """Give the person decided quarterly grades for quarters 1.. (test data, no chain)."""
    for number, grade in enumerate(grades, 1):
        quarter = quarter_open(region=cast.region, year=year, number=number).quarter
        QuarterlyAssessment.objects.filter(quarter=quarter, person=cast.people[key]).update(
            grade=grade, status=ReviewState.CONFIRMED
        )


def proposed(cast, key: str, grade: str = "competent") -> AnnualAssessment:
    """Summary submitted, levels 1–2 approved with `grade` proposed."""
    aa = annual(cast, key)
    aa = services.annual_summary_save(
        assessment=aa, by=cast.users[key], summary="全年工作总结", training="无", submit=True
    )
    users = {u.pk: u for u in cast.users.values()}
    while aa.status == ReviewState.IN_REVIEW:
        aa = services.annual_review(
            assessment=aa,
            by=users[aa.pending_user_id],
            decision=Decision.APPROVE,
            comment="工作扎实",
            suggested_grade=grade,
        )
    return annual(cast, key)


def decided(cast, key: str, grade: str = "competent") -> AnnualAssessment:
    aa = proposed(cast, key, grade)
    return services.annual_decide(
        assessment=aa, by=cast.principal, grade=grade, body="unit_head", today=DECISION_DAY
    )
