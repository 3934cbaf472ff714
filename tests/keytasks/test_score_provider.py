"""重点任务完成 feeds the indicator score (assessment.score_providers): the progress reported by
the quarter's end against the progress due by then; no task → no data, not 0."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from assessment.models import KeyTask, KeyTaskProgress
from assessment.periods import quarter_for
from assessment.score_providers import key_task_progress
from indicators.providers import has_provider

pytestmark = pytest.mark.django_db


def _task(a, *, created, deadline, reports=(), status=KeyTask.Status.ACTIVE):
    task = KeyTask.objects.create(
        region=a.region,
        level=KeyTask.Level.PERSON,
        unit=a.unit,
        section=a.section,
        person=a.people["staff"],
        year=2026,
        title="任务",
        target="完成",
        deadline=deadline,
        status=status,
        created_by=a.district_admin,
        created_at=timezone.make_aware(datetime.combine(created, datetime.min.time())),
    )
    for day, percent in reports:
        KeyTaskProgress.objects.create(
            task=task,
            percent=percent,
            note="进展",
            posted_by=a.staff,
            posted_at=timezone.make_aware(datetime.combine(day, datetime.min.time())),
        )
    return task


def test_the_provider_is_registered():
    assert has_provider("key_task_progress")


def test_progress_against_what_is_due_by_the_quarters_end(personas):
    a = personas.a
    q3 = quarter_for(a.region, 2026, 3)  # 07-01 … 09-30
    staff = a.people["staff"].pk
    assert key_task_progress(q3, [staff]) == {}  # no task: no data
    # due 2026-06-30 (passed): 80 % reported by the quarter's end → 0.8
    _task(a, created=date(2026, 1, 1), deadline=date(2026, 6, 30), reports=[(date(2026, 6, 1), 80)])
    # due at year end, created 01-01: 272 of 364 days gone → due ≈ 74.7 %; 90 % reported → 1
    # (a later report, after the quarter, does not count)
    _task(
        a,
        created=date(2026, 1, 1),
        deadline=date(2026, 12, 31),
        reports=[(date(2026, 9, 1), 90), (date(2026, 10, 20), 10)],
    )
    # cancelled: left out; created after the quarter: left out
    _task(a, created=date(2026, 1, 1), deadline=date(2026, 6, 30), status="cancelled")
    _task(a, created=date(2026, 11, 1), deadline=date(2026, 12, 31))
    value = key_task_progress(q3, [staff])[staff]
    assert value.value == Decimal("0.9") and "2 项" in value.note
    # in Q4 the later report is the last one: 10 % of a task now due in full
    q4 = quarter_for(a.region, 2026, 4)
    value = key_task_progress(q4, [staff])[staff]
    assert value.value == (Decimal("0.8") + Decimal("0.1") + Decimal(0)) / 3
