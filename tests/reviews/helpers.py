"""Shared steps for quarterly review tests: open a quarter for a persona region and walk a
record along its chain."""

from __future__ import annotations

from datetime import date

from assessment.models import QuarterlyAssessment
from indicators.models import NegativeRecord
from reviews import services
from reviews.models import Decision
from reviews.opening import quarter_open


def open_quarter(cast, year: int = 2026, number: int = 3):
    return quarter_open(region=cast.region, year=year, number=number).quarter


def record(cast, key: str, quarter) -> QuarterlyAssessment:
    return QuarterlyAssessment.objects.get(quarter=quarter, person=cast.people[key])


def submit(cast, key: str, quarter, *, summary: str = "本季度完成各项工作。", self_grade="good"):
    qa = record(cast, key, quarter)
    return services.summary_save(
        assessment=qa, by=cast.users[key], summary=summary, self_grade=self_grade, submit=True
    )


def to_decision(cast, key: str, quarter, grade: str = "good") -> QuarterlyAssessment:
    """Submit and approve at every level below the last; returns the record at the last level."""
    qa = submit(cast, key, quarter)
    users = {u.pk: u for u in cast.users.values()}
    while qa.chain and qa.pending_level != qa.chain[-1][0]:
        qa = services.quarterly_review(
            assessment=qa,
            by=users[qa.pending_user_id],
            decision=Decision.APPROVE,
            comment="同意",
            suggested_grade=grade,
        )
    return qa


def decided(cast, key: str, quarter, grade: str = "good") -> QuarterlyAssessment:
    qa = to_decision(cast, key, quarter, grade)
    return services.quarterly_decide(assessment=qa, by=cast.users["principal"], grade=grade)


def at_decision(cast, records) -> list[QuarterlyAssessment]:
    """Put records straight at the principal's decision (people without accounts, or tests of
    the decision alone): one update, then the rows as saved, in id order."""
    ids = [qa.pk for qa in records]
    QuarterlyAssessment.objects.filter(pk__in=ids).update(
        status="in_review",
        chain=[[3, cast.principal.pk]],
        pending_level=3,
        pending_user=cast.principal,
    )
    return list(QuarterlyAssessment.objects.filter(pk__in=ids).order_by("pk"))


def sanction(cast, key: str, day: date = date(2026, 8, 10)) -> NegativeRecord:
    """A serious (sanction-weight) negative record in force until the year's end."""
    return NegativeRecord.objects.create(
        region=cast.region,
        person=cast.people[key],
        source="discipline",
        type="violation",
        severity="serious",
        date=day,
        in_force_until=date(2026, 12, 31),
        recorded_by=cast.discipline,
    )
