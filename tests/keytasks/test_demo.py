"""The demo seed's key tasks: the staff walk-through has tasks, one of them overdue."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from statistics import fmean

import pytest
from django.core.management import call_command

from assessment.demo.keytasks import TODAY
from assessment.keytasks import selectors
from assessment.models import KeyTask, KeyTaskProgress, SupervisionNote, User
from tests.personas import clear_personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db):
    clear_personas()  # the seed refuses to run beside the session's cast (rolled back after)
    call_command(
        "seed_demo", "--people", "150", "--regions", "2", "--other-people", "30", stdout=StringIO()
    )


def test_demo_staff_has_person_tasks_one_overdue(seeded):
    staff = User.objects.get(username="staff")
    tasks = list(selectors.my_tasks(staff, today=TODAY))
    assert tasks and all(t.level == "person" for t in tasks)
    assert any(t.flag_overdue for t in tasks)
    assert selectors.unread_notes(staff).exists()
    assert KeyTaskProgress.objects.filter(task__in=tasks).exists()


def test_demo_tree_is_consistent(seeded):
    for parent in KeyTask.objects.filter(children__isnull=False).distinct():
        mean = fmean(float(c.progress) for c in parent.children.all())
        assert abs(float(parent.progress) - mean) <= 0.06, parent
    assert KeyTask.objects.filter(level="region").count() >= 3
    assert {"unit", "section", "person"} <= set(KeyTask.objects.values_list("level", flat=True))
    assert SupervisionNote.objects.exists()
    first = KeyTask.history.order_by("history_date").first()
    assert first.history_user_id is not None


def test_demo_has_overdue_and_at_risk_tasks_for_supervision(seeded):
    district = User.objects.get(username="district_admin")
    rows = list(selectors.overdue_by_unit(district, today=TODAY))
    assert rows and rows[0].overdue > 0
    assert selectors.task_list(district, year=2026, show="at_risk", today=TODAY).exists()
    assert KeyTask.objects.filter(progress=Decimal(100), status="done").exists()
