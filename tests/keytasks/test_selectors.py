"""Overdue and at-risk flags on fixed days; supervision lists; the tasks an account answers for."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from assessment.keytasks import selectors, services
from assessment.models import KeyTask

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 27)


def _task(personas, *, deadline, progress=0, status="active", unit=None):
    a = personas.a
    return KeyTask.objects.create(
        region=a.region,
        level="unit",
        unit=unit or a.unit,
        year=deadline.year,
        title=f"任务{deadline}",
        target="t",
        deadline=deadline,
        progress=Decimal(progress),
        status=status,
        created_by=a.unit_admin,
    )


@pytest.mark.parametrize(
    ("deadline", "progress", "status", "overdue", "at_risk"),
    [
        (date(2026, 11, 26), 50, "active", True, False),  # yesterday, unfinished
        (date(2026, 11, 26), 100, "active", False, False),  # finished counts as not overdue
        (date(2026, 11, 26), 50, "done", False, False),
        (date(2026, 11, 26), 50, "cancelled", False, False),
        (date(2026, 11, 27), 50, "active", False, True),  # due today: not yet overdue
        (date(2026, 12, 11), 79, "active", False, True),  # 14 days left, below 80 %
        (date(2026, 12, 11), 80, "active", False, False),
        (date(2026, 12, 12), 10, "active", False, False),  # 15 days left
    ],
)
def test_flags_on_a_fixed_day(personas, deadline, progress, status, overdue, at_risk):
    task = _task(personas, deadline=deadline, progress=progress, status=status)
    row = selectors.with_flags(KeyTask.objects.filter(pk=task.pk), TODAY).get()
    assert (row.flag_overdue, row.flag_at_risk) == (overdue, at_risk)
    # the annotation and the model's own rule agree
    assert (task.is_overdue(TODAY), task.is_at_risk(TODAY)) == (overdue, at_risk)


def test_list_filters_overdue_and_at_risk(personas):
    late = _task(personas, deadline=date(2026, 11, 1))
    risky = _task(personas, deadline=date(2026, 12, 1))
    _task(personas, deadline=date(2026, 12, 31))
    user = personas.a.principal
    overdue = selectors.task_list(user, year=2026, show="overdue", today=TODAY)
    at_risk = selectors.task_list(user, year=2026, show="at_risk", today=TODAY)
    assert [t.pk for t in overdue] == [late.pk]
    assert [t.pk for t in at_risk] == [risky.pk]
    assert selectors.task_list(user, year=2026, today=TODAY).count() == 3


def test_supervision_counts_overdue_per_unit_in_one_query(personas, django_assert_num_queries):
    a = personas.a
    for day in (1, 2, 3):
        _task(personas, deadline=date(2026, 11, day))
    _task(personas, deadline=date(2026, 11, 5), unit=a.other_unit)
    _task(personas, deadline=date(2026, 12, 5), unit=a.other_unit)  # at risk
    _task(personas, deadline=date(2026, 12, 31), unit=a.other_unit)  # neither
    scope_user = a.district_admin
    selectors.scope_for(scope_user)  # resolve the scope first: count only the report
    with django_assert_num_queries(1):
        rows = [
            (u.name, u.overdue, u.at_risk)
            for u in selectors.overdue_by_unit(scope_user, today=TODAY)
        ]
    assert rows == [("a财政局", 3, 0), ("a教育局", 1, 1)]


def test_unit_leaders_see_their_units_overdue_only(personas):
    a = personas.a
    mine = _task(personas, deadline=date(2026, 11, 1))
    _task(personas, deadline=date(2026, 11, 1), unit=a.other_unit)
    assert [t.pk for t in selectors.supervision_overdue(a.principal, today=TODAY)] == [mine.pk]
    assert selectors.overdue_by_unit(a.principal, today=TODAY).count() == 0
    assert selectors.supervision_overdue(personas.b.district_admin, today=TODAY).count() == 0


def test_leader_in_charge_supervises_their_sections(personas, tree):
    a = personas.a
    KeyTask.objects.update(deadline=date(2026, 11, 1), year=2026)
    ids = {t.pk for t in selectors.supervision_overdue(a.leader, today=TODAY)}
    assert ids == {tree.section_task.pk, tree.person_task.pk}
    assert selectors.overdue_count_in_reach(a.district_admin, today=TODAY) == 4


def test_my_tasks_and_unread_notes(personas, tree):
    a = personas.a
    assert [t.pk for t in selectors.my_tasks(a.staff)] == [tree.person_task.pk]
    assert [t.pk for t in selectors.my_tasks(a.chief)] == [tree.section_task.pk]
    assert {t.pk for t in selectors.my_tasks(a.principal)} == {tree.unit_task.pk}
    assert [t.pk for t in selectors.my_tasks(a.district_admin)] == [tree.region_task.pk]
    assert not selectors.my_tasks(a.staff2).exists()
    note = services.supervision_note_send(task=tree.person_task, by=a.principal, text="快")
    assert list(selectors.unread_notes(a.staff)) == [note]
    assert not selectors.unread_notes(a.staff2).exists()
    services.note_mark_read(note=note, by=a.staff)
    assert not selectors.unread_notes(a.staff).exists()


def test_history_lists_changed_fields(personas, tree):
    services.keytask_report_progress(
        task=tree.person_task, by=personas.a.staff, percent=40, note="x"
    )
    newest = selectors.task_history(tree.person_task)[0]
    assert newest["record"].history_change_reason == "填报进展：40.0%"
    assert [(c["label"], c["old"], c["new"]) for c in newest["changes"]] == [
        ("完成进度（%）", "0.0", "40.0")
    ]
