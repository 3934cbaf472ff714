"""复核 and 申诉: statutory periods from the notice date (edges), who decides, never worse."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessment.models import AnnualContest
from reviews.annual.contests import contest_decide, contest_file

from .helpers import DECISION_DAY, annual, decided, open_year, quarter_grades

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("days", "ok"), [(0, True), (30, True), (31, False)])
def test_reexamination_within_30_days_of_the_notice(personas, days, ok):
    a = personas.a
    open_year(a)
    aa = decided(a, "staff")
    today = DECISION_DAY + timedelta(days=days)
    if ok:
        contest = contest_file(
            assessment=aa, by=a.staff, stage="reexam", reason="不服", today=today
        )
        assert contest.due == today + timedelta(days=30)
    else:
        with pytest.raises(ValidationError) as exc:
            contest_file(assessment=aa, by=a.staff, stage="reexam", reason="不服", today=today)
        assert "书面通知 2026-12-10，截止 2027-01-09，今天 2027-01-10" in str(exc.value)
        assert not AnnualContest.objects.exists()


@pytest.mark.parametrize(("days", "ok"), [(30, True), (31, False)])
def test_direct_appeal_within_30_days(personas, days, ok):
    a = personas.a
    open_year(a)
    aa = decided(a, "staff")
    today = DECISION_DAY + timedelta(days=days)
    if ok:
        contest = contest_file(
            assessment=aa, by=a.staff, stage="appeal", reason="不服", today=today
        )
        assert contest.due == today + timedelta(days=60)
    else:
        with pytest.raises(ValidationError, match="直接申诉"):
            contest_file(assessment=aa, by=a.staff, stage="appeal", reason="不服", today=today)


@pytest.mark.parametrize(("days", "ok"), [(15, True), (16, False)])
def test_appeal_within_15_days_of_the_reexamination_decision(personas, days, ok):
    a = personas.a
    open_year(a)
    aa = decided(a, "staff")
    reexam = contest_file(
        assessment=aa, by=a.staff, stage="reexam", reason="不服", today=date(2026, 12, 20)
    )
    with pytest.raises(ValidationError, match="尚未处理完毕"):
        contest_file(
            assessment=aa, by=a.staff, stage="appeal", reason="x", today=date(2026, 12, 21)
        )
    contest_decide(
        contest=reexam, by=a.principal, outcome="upheld", reason="事实清楚", today=date(2027, 1, 5)
    )
    today = date(2027, 1, 5) + timedelta(days=days)
    aa = annual(a, "staff")
    if ok:
        contest_file(assessment=aa, by=a.staff, stage="appeal", reason="仍不服", today=today)
    else:
        with pytest.raises(ValidationError, match="自复核决定之日起 15 日内申诉"):
            contest_file(assessment=aa, by=a.staff, stage="appeal", reason="仍不服", today=today)


def test_reexamination_by_the_deciding_organ_appeal_by_the_district(personas):
    a = personas.a
    open_year(a)
    aa = decided(a, "staff", "basically_competent")
    reexam = contest_file(
        assessment=aa, by=a.staff, stage="reexam", reason="不服", today=DECISION_DAY
    )
    for user in (a.district_admin, a.chief, a.staff, personas.b.principal):
        with pytest.raises(PermissionDenied):
            contest_decide(
                contest=reexam, by=user, outcome="upheld", reason="x", today=DECISION_DAY
            )
    contest_decide(
        contest=reexam, by=a.principal, outcome="upheld", reason="维持", today=DECISION_DAY
    )
    appeal = contest_file(
        assessment=annual(a, "staff"),
        by=a.staff,
        stage="appeal",
        reason="再申诉",
        today=DECISION_DAY,
    )
    with pytest.raises(PermissionDenied):
        contest_decide(contest=appeal, by=a.principal, outcome="upheld", reason="x")
    appeal = contest_decide(
        contest=appeal,
        by=a.district_admin,
        outcome="changed",
        new_grade="competent",
        reason="依据不足，改为称职",
        today=date(2027, 1, 20),
    )
    aa = annual(a, "staff")
    assert aa.grade == "competent" and appeal.new_grade == "competent"
    assert "申诉变更等次：基本称职 → 称职" in aa.history.first().history_change_reason


def test_an_outcome_worse_than_the_original_is_refused(personas):
    a = personas.a
    open_year(a)
    aa = decided(a, "staff", "competent")
    reexam = contest_file(
        assessment=aa, by=a.staff, stage="reexam", reason="不服", today=DECISION_DAY
    )
    with pytest.raises(ValidationError, match="更不利"):
        contest_decide(
            contest=reexam,
            by=a.principal,
            outcome="changed",
            new_grade="basically_competent",
            reason="x",
        )
    assert annual(a, "staff").grade == "competent"


def test_a_changed_grade_passes_the_excellent_rules(personas):
    a = personas.a
    open_year(a)
    quarter_grades(a, "staff", ["good", "fairly_good", "fairly_good", "fairly_good"])
    aa = decided(a, "staff", "competent")
    reexam = contest_file(
        assessment=aa, by=a.staff, stage="reexam", reason="应为优秀", today=DECISION_DAY
    )
    with pytest.raises(ValidationError, match="少于已评季度"):
        contest_decide(
            contest=reexam, by=a.principal, outcome="changed", new_grade="excellent", reason="x"
        )
    reexam.refresh_from_db()
    assert reexam.status == "pending"


def test_only_the_person_files_and_only_after_the_decision(personas):
    a = personas.a
    open_year(a)
    with pytest.raises(ValidationError, match="尚未审定"):
        contest_file(assessment=annual(a, "staff"), by=a.staff, stage="reexam", reason="x")
    aa = decided(a, "staff")
    with pytest.raises(PermissionDenied):
        contest_file(assessment=aa, by=a.staff2, stage="reexam", reason="x")
