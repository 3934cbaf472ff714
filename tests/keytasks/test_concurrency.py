"""Two assignees reporting at once on sibling tasks: the parent ends at the mean of both
(PostgreSQL, real threads: the parent is locked before it is recomputed)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assessment.keytasks import services
from tests.concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_sibling_reports_at_once_roll_up_to_the_mean(personas, tree):
    a = personas.a
    (second,) = services.keytask_decompose(
        parent=tree.section_task,
        by=a.chief,
        assignees=[a.people["staff2"]],
        title="t",
        target="t",
        deadline=tree.section_task.deadline,
    )
    for round_ in range(1, 11):
        p1, p2 = Decimal(round_ * 5), Decimal(round_ * 7)
        outcomes = race(
            [
                lambda p1=p1: services.keytask_report_progress(
                    task=tree.person_task, by=a.staff, percent=p1, note="x"
                ),
                lambda p2=p2: services.keytask_report_progress(
                    task=second, by=a.staff2, percent=p2, note="y"
                ),
            ]
        )
        assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
        for task in (tree.section_task, tree.region_task):
            task.refresh_from_db()
            assert task.progress == ((p1 + p2) / 2).quantize(Decimal("0.1")), round_
