"""Inputs this app feeds into the indicator score (indicators.providers): key-task progress.

重点任务完成 (key-task progress) of a person in a quarter: for each of the person's own key tasks
of the year that had started by the quarter's end (not cancelled), the progress last reported
on or before the quarter's end against the progress due by then (100 % when the deadline has
passed; otherwise the share of the time from the task's creation to its deadline), capped at 1;
the person's value is the mean. A person with no such task has no value ("暂无数据": the
indicator leaves the weighted base rather than scoring 0)."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from indicators.providers import ProviderValue

from .models import KeyTask
from .models.tasks import KeyTaskProgress

ONE = Decimal(1)


def _due_share(start, deadline, end) -> Decimal:
    """The share of the task due by `end` (1 once the deadline is reached)."""
    if deadline <= end:
        return ONE
    return Decimal((end - start).days) / Decimal(max(1, (deadline - start).days))


def key_task_progress(quarter, person_ids) -> dict[int, ProviderValue]:
    end = quarter.end
    cutoff = timezone.make_aware(datetime.combine(end, time.max))
    reported = KeyTaskProgress.objects.filter(task=OuterRef("pk"), posted_at__lte=cutoff)
    tasks = (
        KeyTask.objects.filter(
            region_id=quarter.region_id,
            level=KeyTask.Level.PERSON,
            person_id__in=list(person_ids),
            year=quarter.year.year,
            created_at__lte=cutoff,
        )
        .exclude(status=KeyTask.Status.CANCELLED)
        .annotate(reported=Subquery(reported.order_by("-posted_at", "-pk").values("percent")[:1]))
        .values_list("person_id", "created_at", "deadline", "reported")
    )
    shares: dict[int, list[Decimal]] = {}
    for person_id, created_at, deadline, percent in tasks:
        start = min(timezone.localtime(created_at).date(), end)
        due = _due_share(start, deadline, end)
        done = Decimal(percent or 0) / 100
        shares.setdefault(person_id, []).append(ONE if due <= 0 else min(ONE, done / due))
    return {
        pid: ProviderValue(
            sum(values) / len(values),
            f"个人重点任务 {len(values)} 项，截至季末按期进度达成 "
            f"{sum(values) * 100 / len(values):.0f}%",
        )
        for pid, values in shares.items()
    }
