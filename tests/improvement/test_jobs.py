"""Reminder jobs: each job's items, once a day per item (a second run adds nothing), the next
level from the second miss, constant queries, and two concurrent runs on PostgreSQL."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessment.models import AssessmentYear, WorkLog
from assessment.models.tasks import KeyTask
from notifications.models import Notification, ReminderSettings
from reviews import reminders, services
from reviews.improvement import services as improvement
from reviews.improvement.models import DeficiencyReminder, MentoringCase
from tests.concurrency import race
from tests.reviews.helpers import decided, open_quarter

pytestmark = pytest.mark.django_db


def _got(user, kind):
    return list(
        Notification.objects.filter(user=user, kind=kind)
        .exclude(event_key__endswith=":esc")
        .order_by("pk")
    )


def _escalations(user, kind):
    return list(Notification.objects.filter(user=user, kind=kind, event_key__endswith=":esc"))


def _twice_then_escalates(job, day, recipient, escalated_to, about=None):
    first = reminders.run(job, today=day)
    assert first.notices >= 1 and _got(recipient, job)
    assert reminders.run(job, today=day).notices == 0  # same day again: nothing new
    assert not _escalations(escalated_to, job)
    second = reminders.run(job, today=day + timedelta(days=1))
    assert second.escalated >= 1
    about = about or recipient.person.name
    [esc] = [n for n in _escalations(escalated_to, job) if re.search(rf"{about}(?!\d)", n.text)]
    assert esc.text.startswith("督办（第 2 次提醒）") and "您" not in esc.text
    assert len(_got(recipient, job)) == 2  # once per day


def test_log_missing_after_n_working_days(personas):
    a = personas.a
    staff2 = a.people["staff2"]
    WorkLog.objects.create(
        region=a.region, person=staff2, unit=a.unit, date=date(2026, 11, 19), content="x"
    )
    WorkLog.objects.create(
        region=a.region, person=a.people["staff"], unit=a.unit, date=date(2026, 11, 12), content="x"
    )
    day = date(2026, 11, 20)  # Friday: staff's last log 6 working days ago
    _twice_then_escalates("log_missing", day, a.staff, a.chief)
    assert not _got(a.staff2, "log_missing")
    assert "连续 6 个工作日" in _got(a.staff, "log_missing")[0].text


def test_log_missing_days_are_a_year_setting(personas):
    a = personas.a
    AssessmentYear.objects.create(region=a.region, year=2026, unfiled_log_reminder_days=10)
    WorkLog.objects.create(
        region=a.region, person=a.people["staff"], unit=a.unit, date=date(2026, 11, 12), content="x"
    )
    reminders.run("log_missing", today=date(2026, 11, 20))
    assert not _got(a.staff, "log_missing")
    assert _got(personas.b.staff, "log_missing")  # region B keeps the default (no logs at all)


def test_summary_overdue(personas):
    a = personas.a
    quarter = open_quarter(a)
    _twice_then_escalates(
        "summary_overdue", quarter.filing_deadline + timedelta(days=1), a.staff, a.chief
    )


def test_publicity_ending(personas):
    a = personas.a
    quarter = open_quarter(a)
    decided(a, "staff", quarter, "average")
    services.unit_publish(unit=a.unit, quarter=quarter, by=a.unit_admin, today=date(2026, 10, 12))
    assert reminders.run("publicity_ending", today=date(2026, 10, 15)).notices == 0
    assert reminders.run("publicity_ending", today=date(2026, 10, 18)).notices == 1
    assert (
        "10-19" in _got(a.staff, "publicity_ending")[0].text
        or "2026-10-19" in _got(a.staff, "publicity_ending")[0].text
    )
    ReminderSettings.objects.create(region=a.region, publicity_ending_days=5)
    assert reminders.run("publicity_ending", today=date(2026, 10, 14)).notices == 1


def test_goals_window_closing(personas):
    a = personas.a
    AssessmentYear.objects.create(region=a.region, year=2027, goal_window_end=date(2027, 1, 31))
    assert reminders.run("goals_closing", today=date(2027, 1, 20)).notices == 0
    _twice_then_escalates("goals_closing", date(2027, 1, 29), a.staff, a.chief)
    assert not Notification.objects.filter(region=personas.b.region).exists()


def test_keytask_overdue(personas):
    a = personas.a
    KeyTask.objects.create(
        region=a.region,
        level="person",
        unit=a.unit,
        section=a.section,
        person=a.people["staff"],
        year=2026,
        title="预算绩效评价",
        target="t",
        deadline=date(2026, 11, 10),
        progress=Decimal(40),
        created_by=a.unit_admin,
    )
    _twice_then_escalates("keytask_overdue", date(2026, 11, 11), a.staff, a.chief, "预算绩效评价")
    assert "预算绩效评价" in _got(a.staff, "keytask_overdue")[0].text


def test_return_visit_due_then_overdue(personas):
    a = personas.a
    decided(a, "staff", open_quarter(a), "average")
    case = MentoringCase.objects.get()
    MentoringCase.objects.filter(pk=case.pk).update(
        opened_at=timezone.make_aware(datetime(2026, 10, 20, 9))
    )
    improvement.mentor_assign(case=case, mentor=a.people["staff2"], by=a.unit_admin)
    assert reminders.run("return_visit_due", today=date(2026, 11, 1)).notices == 0  # not yet
    _twice_then_escalates("return_visit_due", date(2026, 12, 20), a.staff2, a.unit_admin, "astaff")
    overdue = reminders.run("return_visit_due", today=date(2027, 1, 5))
    assert overdue.notices >= 1 and "已逾期" in _got(a.staff2, "return_visit_due")[-1].text


def test_rectification_overdue_reminds_both(personas):
    a = personas.a
    r = improvement.deficiency_issue(
        person=a.people["staff"],
        by=a.chief,
        kind="random",
        category=improvement.categories_for(a.region).first(),
        shortfall="x",
        expectation="y",
        due=date(2026, 11, 10),
        today=date(2026, 11, 1),
    )
    day = date(2026, 11, 11)
    _twice_then_escalates("rectification_overdue", day, a.staff, a.principal)
    assert len(_got(a.chief, "rectification_overdue")) == 2  # the issuer too, once a day
    DeficiencyReminder.objects.filter(pk=r.pk).update(status="submitted")
    assert reminders.run("rectification_overdue", today=day + timedelta(days=2)).items == 0


def _deficiencies(a, n):
    category = improvement.categories_for(a.region).first()
    for _i in range(n):
        improvement.deficiency_issue(
            person=a.people["staff"],
            by=a.chief,
            kind="random",
            category=category,
            shortfall="x",
            expectation="y",
            due=date(2026, 11, 10),
            today=date(2026, 11, 1),
        )


def test_queries_do_not_grow_with_items(personas):
    a = personas.a
    _deficiencies(a, 1)
    with CaptureQueriesContext(connection) as one:
        assert reminders.run("rectification_overdue", today=date(2026, 11, 11)).items == 1
    _deficiencies(a, 30)
    with CaptureQueriesContext(connection) as many:
        assert reminders.run("rectification_overdue", today=date(2026, 11, 12)).items == 31
    assert len(many) <= len(one) + 1  # + the escalation's… nothing per item


def test_run_all_twice_adds_nothing(personas):
    a = personas.a
    open_quarter(a)
    _deficiencies(a, 2)
    day = date(2026, 11, 20)
    first = reminders.run_all(today=day)
    assert sum(r.notices for r in first.values()) > 0
    assert sum(r.notices for r in reminders.run_all(today=day).values()) == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_create_each_notice_once(personas):
    a = personas.a
    open_quarter(a)
    _deficiencies(a, 3)
    day = date(2026, 11, 20)
    outcomes = race([lambda: reminders.run_all(today=day) for _ in range(2)])
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    keys = list(Notification.objects.values_list("user_id", "event_key"))
    assert keys and len(keys) == len(set(keys))
    total = Notification.objects.count()
    assert sum(r.notices for r in reminders.run_all(today=day).values()) == 0
    assert Notification.objects.count() == total
