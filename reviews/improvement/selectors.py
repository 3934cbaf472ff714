"""Reads of the improvement loop: lists scoped to the account, counts, the mentoring overview."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Max, Q
from django.utils import timezone

from assessment.models import Role
from assessment.periods import quarter_bounds, quarter_number
from assessment.tenancy import scope_for

from . import access
from .models import DeficiencyReminder, MentoringCase


def deficiency_rows(user, *, status: str = ""):
    rows = access.deficiencies_visible_to(user).select_related(
        "person", "category", "unit", "quarter__year"
    )
    if status == "open":
        rows = rows.exclude(status=DeficiencyReminder.Status.ACCEPTED)
    elif status in DeficiencyReminder.Status.values:
        rows = rows.filter(status=status)
    return rows


def may_see_stats(user) -> bool:
    return scope_for(user).has(Role.DISTRICT_ADMIN, Role.UNIT_ADMIN, Role.PRINCIPAL_LEADER)


def deficiency_counts(user, *, by: str) -> list[dict]:
    """Counts per person / section / unit / quarter over what the account may read; open and
    overdue beside the total."""
    field = {
        "person": ("person_id", "person__name", "unit__name"),
        "section": ("section_id", "section__name", "unit__name"),
        "unit": ("unit_id", "unit__name"),
        "quarter": ("quarter__year__year", "quarter__number"),
    }[by]
    today = timezone.localdate()
    return list(
        access.deficiencies_visible_to(user)
        .values(*field)
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=~Q(status=DeficiencyReminder.Status.ACCEPTED)),
            overdue=Count(
                "pk",
                filter=Q(status__in=DeficiencyReminder.OPEN_STATES, due__lt=today),
            ),
        )
        .order_by("-total", *field)[:200]
    )


def person_deficiency_summary(person_ids, start: date, end: date) -> dict[int, list]:
    """Reminders issued to each person in [start, end] (self-summary, sheets, archive)."""
    out: dict[int, list] = {}
    rows = (
        DeficiencyReminder.objects.filter(
            person_id__in=person_ids, issued_at__date__range=(start, end)
        )
        .select_related("category")
        .order_by("issued_at", "pk")
    )
    for r in rows:
        out.setdefault(r.person_id, []).append(r)
    return out


def deficiency_line(r: DeficiencyReminder) -> str:
    return (
        f"{r.issued_at:%Y.%m.%d} 不足提醒（{r.get_kind_display()}，{r.category.name}）："
        f"{r.shortfall[:40]}，{r.get_status_display()}"
    )


def current_quarter_bounds(today: date) -> tuple[date, date]:
    return quarter_bounds(today.year, quarter_number(today))


def case_rows(user, *, status: str = ""):
    rows = (
        access.cases_visible_to(user)
        .select_related("person", "mentor", "unit", "assessment__quarter__year")
        .annotate(last_visit=Max("visits__date"), visit_count=Count("visits"))
    )
    if status in MentoringCase.Status.values:
        rows = rows.filter(status=status)
    return rows.order_by("status", "-pk")


def visit_state(case, today: date) -> str:
    """'done' (visited this quarter), 'overdue' (the previous quarter, during which the case was
    open, passed without a visit) or 'due' (a visit is expected by this quarter's end)."""
    if case.status != MentoringCase.Status.OPEN or case.mentor_id is None:
        return ""
    start, _end = current_quarter_bounds(today)
    last = getattr(case, "last_visit", None)
    if last and last >= start:
        return "done"
    prev_start, prev_end = quarter_bounds(*_previous(today))
    if timezone.localtime(case.opened_at).date() <= prev_end and (
        last is None or last < prev_start
    ):
        return "overdue"
    return "due"


def _previous(today: date) -> tuple[int, int]:
    n = quarter_number(today)
    return (today.year - 1, 4) if n == 1 else (today.year, n - 1)


def district_overview(user) -> dict:
    rows = access.cases_visible_to(user)
    by_status = dict(rows.values_list("status").annotate(n=Count("pk")).order_by())
    by_result = dict(
        rows.filter(status=MentoringCase.Status.CLOSED)
        .values_list("result")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {"by_status": by_status, "by_result": by_result}
