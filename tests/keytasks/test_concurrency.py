"""Two assignees reporting at once on sibling tasks: the parent ends at the mean of both
(PostgreSQL, real threads: the parent is locked before it is recomputed)."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from assessment.keytasks import services

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(fns) -> list:
    barrier = threading.Barrier(len(fns))
    outcomes: list = [None] * len(fns)

    def run(i, fn):
        try:
            barrier.wait()
            outcomes[i] = fn()
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(fns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


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
        outcomes = _race(
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
