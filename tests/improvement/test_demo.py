"""The demo district shows the improvement loop: open and closed 不足提醒 in 区财政局, a case
closed 已改进 and one with a visit due, unread notifications for staff and section_chief."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from assessment.models import QuarterlyAssessment, Region, User
from notifications.models import Notification
from reviews.improvement.models import DeficiencyReminder, MentoringCase
from reviews.improvement.selectors import visit_state

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker):
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:
        with transaction.atomic():
            call_command(
                "seed_demo",
                "--people",
                "150",
                "--regions",
                "1",
                "--other-people",
                "0",
                stdout=StringIO(),
            )
            yield
            transaction.set_rollback(True)
        assert not Region.objects.exists()


@pytest.fixture
def seeded(seeded_once, db):
    return None


def test_demo_reminders_open_and_closed(seeded):
    staff = User.objects.get(username="staff")
    mine = DeficiencyReminder.objects.filter(person__user=staff)
    assert mine.filter(status="accepted").exists() and mine.exclude(status="accepted").exists()
    assert mine.first().history.exists()


def test_demo_mentoring_cases(seeded):
    unit = User.objects.get(username="staff").person.unit
    unit_cases = MentoringCase.objects.filter(unit=unit, mentor__isnull=False)
    closed = unit_cases.get(status="closed")
    assert closed.result == "improved" and closed.visits.exists()
    open_case = unit_cases.get(status="open")
    assert visit_state(open_case, timezone.localdate()) in ("due", "overdue")
    graded = QuarterlyAssessment.objects.filter(quarter__number=3, grade__in=["average", "poor"])
    assert MentoringCase.objects.filter(assessment__in=graded).count() == graded.count()


def test_demo_unread_notifications(seeded):
    for username in ("staff", "section_chief"):
        assert (
            Notification.objects.filter(user__username=username, read_at__isnull=True).count() >= 2
        )
