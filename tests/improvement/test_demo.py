"""The demo district shows the improvement loop: open and closed 不足提醒 in 区财政局, a case
closed 已改进 and one with a visit due, unread notifications for staff and section_chief."""

from __future__ import annotations

import pytest
from django.utils import timezone

from assessment.models import QuarterlyAssessment, User
from notifications.models import Notification
from reviews.improvement.models import DeficiencyReminder, MentoringCase
from reviews.improvement.selectors import visit_state
from tests.reviews.test_demo import seeded, seeded_once  # noqa: F401 - the seeded demo city

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


def test_demo_reminders_open_and_closed():
    staff = User.objects.get(username="staff")
    mine = DeficiencyReminder.objects.filter(person__user=staff)
    assert mine.filter(status="accepted").exists() and mine.exclude(status="accepted").exists()
    assert mine.first().history.exists()


def test_demo_mentoring_cases():
    unit = User.objects.get(username="staff").person.unit
    unit_cases = MentoringCase.objects.filter(unit=unit, mentor__isnull=False)
    closed = unit_cases.get(status="closed")
    assert closed.result == "improved" and closed.visits.exists()
    open_case = unit_cases.get(status="open")
    assert visit_state(open_case, timezone.localdate()) in ("due", "overdue")
    graded = QuarterlyAssessment.objects.filter(
        quarter__year__year=2026, quarter__number=3, grade__in=["average", "poor"]
    )
    assert MentoringCase.objects.filter(assessment__in=graded).count() == graded.count()


def test_demo_unread_notifications():
    for username in ("staff", "section_chief"):
        assert (
            Notification.objects.filter(user__username=username, read_at__isnull=True).count() >= 2
        )
