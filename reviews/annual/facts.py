"""What the year holds about people, for the rules: quarterly grades, sanctions, serious negative
records, and the 优秀 quota use of a group — each for many people in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Count, Q

from assessment.models import AnnualAssessment, AnnualGrade, AssessmentYear, QuarterlyAssessment
from indicators.models import NegativeRecord, Severity
from rewards.models import RewardKind, RewardRecord

from ..models import ReviewState
from .rules import LEADERSHIP, QuarterFacts, QuotaUse, effective_rate, excellent_places
from .rules import sanctions_in_year as _sanctions_in_year

QUARTER_RESULT_STATES = (
    ReviewState.DECIDED,
    ReviewState.PUBLICISED,
    ReviewState.CONFIRMED,
    ReviewState.APPEALED,
)
ANNUAL_GRADED_STATES = (ReviewState.DECIDED, ReviewState.CONFIRMED)


def bulk_eligibility_facts(person_ids, year: AssessmentYear) -> dict[int, tuple]:
    """{person id: (QuarterFacts, [Sanction], serious negative label)} in three queries."""
    ids = list(person_ids)
    start, end = date(year.year, 1, 1), date(year.year, 12, 31)
    grades = defaultdict(list)
    for pid, grade in (
        QuarterlyAssessment.objects.filter(
            person_id__in=ids, quarter__year=year, status__in=QUARTER_RESULT_STATES
        )
        .exclude(grade="")
        .order_by("quarter__number")
        .values_list("person_id", "grade")
    ):
        grades[pid].append(grade)
    punishments = defaultdict(list)
    for record in RewardRecord.objects.filter(
        person_id__in=ids, kind=RewardKind.PUNISHMENT, date__lte=end
    ).only("person_id", "type", "date", "blocks_until"):
        punishments[record.person_id].append(record)
    negatives = {}
    for record in (
        NegativeRecord.objects.filter(person_id__in=ids, severity=Severity.SERIOUS)
        .in_force_during(start, end)
        .only("person_id", "type", "date")
    ):
        negatives.setdefault(record.person_id, f"{record.get_type_display()}，{record.date}")
    return {
        pid: (
            QuarterFacts(grades.get(pid, [])),
            _sanctions_in_year(punishments.get(pid, ()), year),
            negatives.get(pid, ""),
        )
        for pid in ids
    }


def eligibility_facts(person_id: int, year: AssessmentYear) -> tuple:
    return bulk_eligibility_facts([person_id], year)[person_id]


def _use(group: str, percent: int, graded: int, used: int, rounding: str) -> QuotaUse:
    return QuotaUse(
        group, percent, graded, excellent_places(percent, graded, rounding), used, rounding
    )


def unit_quota(unit_id: int, year: AssessmentYear) -> dict[str, QuotaUse]:
    """Per group of the unit (civil servants, seconded staff; leadership members apart): graded
    participants, places and 优秀 granted — two queries."""
    from assessment.models import Person, UnitYear

    unit_percent = (
        UnitYear.objects.filter(unit_id=unit_id, year=year)
        .values_list("excellent_percent", flat=True)
        .first()
    )
    percent = effective_rate(year, unit_percent)
    rows = (
        AnnualAssessment.objects.filter(
            unit_id=unit_id, year=year, participates=True, is_leadership_member=False
        )
        .values("person_kind")
        .annotate(
            n=Count("pk", filter=Q(outcome_code="")),
            good=Count(
                "pk",
                filter=Q(grade=AnnualGrade.EXCELLENT, status__in=ANNUAL_GRADED_STATES),
            ),
        )
    )
    found = {r["person_kind"]: r for r in rows}
    return {
        kind: _use(
            kind,
            percent,
            found.get(kind, {}).get("n", 0),
            found.get(kind, {}).get("good", 0),
            year.excellent_rounding,
        )
        for kind in Person.Kind.values
    }


def leadership_quota(year: AssessmentYear) -> QuotaUse:
    """The region's leadership members form one group at the year's default rate."""
    row = AnnualAssessment.objects.filter(
        year=year, participates=True, is_leadership_member=True
    ).aggregate(
        n=Count("pk", filter=Q(outcome_code="")),
        good=Count("pk", filter=Q(grade=AnnualGrade.EXCELLENT, status__in=ANNUAL_GRADED_STATES)),
    )
    percent = effective_rate(year, None)
    return _use(LEADERSHIP, percent, row["n"], row["good"], year.excellent_rounding)


def quota_for(aa: AnnualAssessment) -> QuotaUse:
    if aa.is_leadership_member:
        return leadership_quota(aa.year)
    return unit_quota(aa.unit_id, aa.year)[aa.person_kind]
