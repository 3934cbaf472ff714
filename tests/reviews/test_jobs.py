"""Celery tasks and management commands: idempotent, scoped to the region asked for."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from assessment.models import QuarterlyAssessment
from reviews import services, tasks
from reviews.models import ReviewState

from .helpers import decided, open_quarter, record

pytestmark = pytest.mark.django_db


def test_open_quarter_command_for_one_region_twice(personas):
    out = StringIO()
    call_command("open_quarter", "--quarter", "2026Q4", "--region", "a", stdout=out)
    call_command("open_quarter", "--quarter", "2026Q4", "--region", "a", stdout=out)
    assert "created 10" in out.getvalue() and "created 0" in out.getvalue()
    assert QuarterlyAssessment.objects.count() == 10
    with pytest.raises(CommandError):
        call_command("open_quarter", "--quarter", "2026-4")
    with pytest.raises(CommandError):
        call_command("open_quarter", "--quarter", "2026Q4", "--region", "zz")


def test_open_due_quarters_task_opens_every_region_once(personas):
    assert tasks.open_due_quarters.delay().get() == 20
    assert tasks.open_due_quarters.delay().get() == 0


def test_close_publicity_command_and_task(personas):
    a = personas.a
    quarter = open_quarter(a)
    decided(a, "staff", quarter)
    services.unit_publish(unit=a.unit, quarter=quarter, by=a.principal, today=date(2026, 10, 1))
    out = StringIO()
    call_command("close_publicity", stdout=out)
    assert "confirmed 1" in out.getvalue()
    assert record(a, "staff", quarter).status == ReviewState.CONFIRMED
    assert tasks.close_publicity.delay().get() == 0


def test_beat_schedule_names_real_tasks():
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    for name in ("open_due_quarters", "close_publicity", "send_review_reminders"):
        assert f"reviews.tasks.{name}" in names
        assert hasattr(tasks, name)
