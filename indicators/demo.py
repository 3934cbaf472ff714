"""Demo content for one region: indicator systems for 2026, attendance for 2026Q3 and Q4 so
far (every person, every working day, as an attendance machine's export imported in one
batch), negative records in four units, leader ratings for Q3 and — as a real quarter has by
review time — for most people of Q4, and the Q3/Q4 scores."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from assessment.calendar import WorkingCalendar
from assessment.chain import reviewer_chains
from assessment.models import Membership, Person, Role
from assessment.periods import quarter_for

from .models import (
    AttendanceRecord,
    AttendanceStatus,
    ImportBatch,
    LeaderRating,
    Method,
    NegativeRecord,
    NegativeSource,
    NegativeType,
    RatingLevel,
    Severity,
)
from .services import indicator_systems_ensure, quarter_scores_recompute

YEAR = 2026
STATUS_WEIGHTS = (
    (AttendanceStatus.PRESENT, 955),
    (AttendanceStatus.LEAVE, 28),
    (AttendanceStatus.LATE_EARLY, 14),
    (AttendanceStatus.ABSENT, 3),
)
LEVELS = (RatingLevel.EXCELLENT, RatingLevel.GOOD, RatingLevel.AVERAGE, RatingLevel.POOR)
NEGATIVE_SAMPLES = (
    (NegativeSource.DISCIPLINE, NegativeType.VIOLATION, Severity.SERIOUS, "违规发放津贴补贴"),
    (NegativeSource.PETITION, NegativeType.COMPLAINT, Severity.GENERAL, "群众反映办事推诿，经核实"),
    (
        NegativeSource.ORGANISATION,
        NegativeType.ACCOUNTABILITY,
        Severity.GENERAL,
        "督查事项逾期未办结被通报",
    ),
    (NegativeSource.OTHER, NegativeType.MISTAKE, Severity.MINOR, "公文数据错误"),
    (NegativeSource.POLICE, NegativeType.VIOLATION, Severity.MINOR, "酒后驾驶被查处（未造成后果）"),
    (NegativeSource.POLITICAL_LEGAL, NegativeType.MISTAKE, Severity.GENERAL, "案卷归档不规范"),
)


def working_days(start: date, end: date, region_id: int | None = None) -> list[date]:
    return WorkingCalendar(region_id).between(start, end)


@transaction.atomic
def seed_region(region, rng: random.Random) -> None:
    indicator_systems_ensure(region=region, year=YEAR)
    q3, q4 = quarter_for(region, YEAR, 3), quarter_for(region, YEAR, 4)
    today = min(timezone.localdate(), q4.end)
    people = list(Person.objects.filter(region=region, is_active=True).order_by("pk"))
    if not people:
        return
    recorder = _recorder(region, people)
    _attendance(region, people, working_days(q3.start, today, region.pk), rng)
    _negatives(region, people, recorder, q3.start, today, rng)
    _ratings(region, people, q3, rng)
    # by review time the chains have rated most of the open quarter (a few not yet)
    _ratings(region, people, q4, rng, share=0.9)
    quarter_scores_recompute(quarter=q3, reason="演示数据")
    quarter_scores_recompute(quarter=q4, reason="演示数据")


def _recorder(region, people):
    m = (
        Membership.objects.filter(region=region, role__in=[Role.DISCIPLINE, Role.DISTRICT_ADMIN])
        .order_by("role")
        .first()
    )
    return m.user if m else people[0].user


def _attendance(region, people, days, rng) -> None:
    batch = ImportBatch.objects.create(
        region=region,
        kind=ImportBatch.Kind.ATTENDANCE,
        status=ImportBatch.Status.APPLIED,
        file_name="考勤机导出-2026下半年.xlsx",
        applied_at=timezone.now(),
        row_count=len(people) * len(days),
    )
    statuses = [s for s, _ in STATUS_WEIGHTS]
    weights = [w for _, w in STATUS_WEIGHTS]
    rows = []
    for person in people:
        # a few people are often late or away; most are almost always present
        bias = rng.choice((1, 1, 1, 1, 2, 4))
        person_weights = [weights[0], *(w * bias for w in weights[1:])]
        for day, status in zip(
            days, rng.choices(statuses, person_weights, k=len(days)), strict=True
        ):
            rows.append(
                AttendanceRecord(
                    region_id=region.pk, person_id=person.pk, date=day, status=status, batch=batch
                )
            )
    AttendanceRecord.objects.bulk_create(rows, batch_size=5000)


def _negatives(region, people, recorder, start, end, rng) -> None:
    units = sorted({p.unit_id for p in people})
    chosen_units = rng.sample(units, min(4, len(units)))
    span = (end - start).days
    records = []
    for i, unit_id in enumerate(chosen_units):
        staff = [p for p in people if p.unit_id == unit_id and p.section_id]
        for person in rng.sample(staff, min(len(staff), 2 + (i % 2))):
            source, kind, severity, text = rng.choice(NEGATIVE_SAMPLES)
            day = start + timedelta(days=rng.randint(0, span))
            records.append(
                NegativeRecord(
                    region=region,
                    person=person,
                    source=source,
                    type=kind,
                    severity=severity,
                    date=day,
                    in_force_until=day + timedelta(days=180)
                    if severity == Severity.SERIOUS
                    else None,
                    document_no=f"示〔{YEAR}〕{len(records) + 11}号",
                    description=text,
                    recorded_by=recorder,
                )
            )
    bulk_create_with_history(records, NegativeRecord, default_change_reason="演示数据")


def _ratings(region, people, quarter, rng, share: float = 1.0) -> None:
    """The first reviewer of each person's chain rates every leader-rated indicator (for
    `share` of the people)."""
    systems = indicator_systems_ensure(region=region, year=YEAR)
    by_category = {
        cid: [i.pk for i in s.indicators.filter(method=Method.LEADER_RATING)]
        for cid, s in systems.items()
    }
    unit_category = dict(
        Person.objects.filter(region=region).values_list("unit_id", "unit__category_id")
    )
    chains = reviewer_chains(people)
    rows = []
    now = timezone.now()
    for person in people:
        chain = chains.get(person.pk)
        if not chain or rng.random() >= share:
            continue
        centre = rng.choices((0, 1, 2), (35, 55, 10))[0]
        for indicator_id in by_category.get(unit_category[person.unit_id], ()):
            level = LEVELS[min(3, max(0, centre + rng.choice((-1, 0, 0, 0, 1))))]
            rows.append(
                LeaderRating(
                    region=region,
                    person=person,
                    quarter=quarter,
                    indicator_id=indicator_id,
                    level=level,
                    rated_by_id=chain[0].user_id,
                    rated_at=now,
                )
            )
    bulk_create_with_history(rows, LeaderRating, batch_size=5000, default_change_reason="演示数据")
