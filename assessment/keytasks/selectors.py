"""Read queries for key tasks, always scoped to the acting account. Lists carry the overdue and
at-risk flags as annotations (computed for a given day) and join what the rows print, so the
query count does not grow with the rows."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import BooleanField, Count, ExpressionWrapper, Prefetch, Q, QuerySet
from django.utils import timezone

from ..models import Attachment, KeyTask, KeyTaskProgress, SupervisionNote, Unit
from ..models.tasks import AT_RISK_DAYS
from ..tenancy import get_or_404, scope_for
from . import rules

Status = KeyTask.Status
AT_RISK_BELOW = 80  # percent; together with AT_RISK_DAYS, the model's is_at_risk rule
ROW_RELATED = ("region", "unit", "section__unit", "person")


def overdue_q(today: date) -> Q:
    return Q(status=Status.ACTIVE, deadline__lt=today, progress__lt=100)


def at_risk_q(today: date) -> Q:
    return Q(
        status=Status.ACTIVE,
        deadline__gte=today,
        deadline__lte=today + timedelta(days=AT_RISK_DAYS),
        progress__lt=AT_RISK_BELOW,
    )


def with_flags(qs: QuerySet, today: date | None = None) -> QuerySet:
    """Annotate flag_overdue / flag_at_risk for the given day."""
    today = today or timezone.localdate()
    return qs.annotate(
        flag_overdue=ExpressionWrapper(overdue_q(today), output_field=BooleanField()),
        flag_at_risk=ExpressionWrapper(at_risk_q(today), output_field=BooleanField()),
    )


def visible_tasks(user) -> QuerySet:
    return KeyTask.objects.visible_to(user)


def task_for_user(user, pk) -> KeyTask:
    """The task if the account may see it, else 404."""
    return get_or_404(visible_tasks(user).select_related(*ROW_RELATED, "parent"), pk=pk)


def task_list(
    user, *, year: int | None = None, show: str = "", today: date | None = None
) -> QuerySet:
    """Tasks the account sees; show = "mine" | "overdue" | "at_risk" narrows the list."""
    today = today or timezone.localdate()
    qs = visible_tasks(user)
    if year:
        qs = qs.filter(year=year)
    if show == "mine":
        qs = qs.filter(rules.assigned_q(scope_for(user)))
    elif show == "overdue":
        qs = qs.filter(overdue_q(today))
    elif show == "at_risk":
        qs = qs.filter(at_risk_q(today))
    return with_flags(qs.select_related(*ROW_RELATED), today).order_by("deadline", "pk")


def my_tasks(user, *, today: date | None = None) -> QuerySet:
    """The tasks the account answers for (person, section chief, unit owner, district admin),
    still open, overdue first. Other features link work logs and goals to these."""
    qs = KeyTask.objects.filter(rules.assigned_q(scope_for(user))).exclude(status=Status.CANCELLED)
    return with_flags(qs.select_related(*ROW_RELATED), today).order_by(
        "-flag_overdue", "status", "deadline", "pk"
    )


def unread_notes(user) -> QuerySet:
    """Supervision notes on the account's tasks that it has not read yet."""
    assigned = KeyTask.objects.filter(rules.assigned_q(scope_for(user)))
    return (
        SupervisionNote.objects.filter(task__in=assigned, read_at__isnull=True)
        .select_related("task", "author__person")
        .order_by("-created_at")
    )


def note_for_assignee(user, pk) -> SupervisionNote:
    """A note on a task the account sees (404 otherwise); the service checks it is theirs."""
    return get_or_404(
        SupervisionNote.objects.filter(task__in=visible_tasks(user)).select_related("task"), pk=pk
    )


def task_children(task: KeyTask, today: date | None = None) -> QuerySet:
    return with_flags(task.children.select_related(*ROW_RELATED), today).order_by(
        "unit__code", "section__name", "person__staff_no", "pk"
    )


def task_reports(task: KeyTask) -> QuerySet:
    return (
        KeyTaskProgress.objects.filter(task=task)
        .select_related("posted_by__person")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
        .order_by("-posted_at", "-pk")
    )


def task_notes(task: KeyTask) -> QuerySet:
    return task.supervision_notes.select_related("author__person").order_by("-created_at", "-pk")


HISTORY_FIELDS = ("title", "description", "target", "deadline", "progress", "status")


def task_history(task: KeyTask) -> list[dict]:
    """The task's history rows, newest first, each with the fields it changed (old → new)."""
    records = list(
        task.history.select_related("history_user__person").order_by("history_date", "history_id")
    )
    rows, previous = [], None
    for record in records:
        changes = []
        if previous is not None:
            delta = record.diff_against(previous, included_fields=list(HISTORY_FIELDS))
            for change in delta.changes:
                field = KeyTask._meta.get_field(change.field)
                changes.append(
                    {
                        "label": field.verbose_name,
                        "old": _display(field, change.old),
                        "new": _display(field, change.new),
                    }
                )
        rows.append({"record": record, "changes": changes})
        previous = record
    rows.reverse()
    return rows


def _display(field, value) -> str:
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    text = "" if value is None else str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def attachment_for_user(user, pk) -> Attachment:
    """Progress evidence, readable by whoever can see the task."""
    return get_or_404(Attachment.objects.filter(progress__task__in=visible_tasks(user)), pk=pk)


# -- supervision (督办) -------------------------------------------------------------------


def supervised_tasks(user) -> QuerySet:
    return KeyTask.objects.filter(rules.supervised_q(scope_for(user)))


def supervision_overdue(user, *, unit_id: int | None = None, today: date | None = None):
    today = today or timezone.localdate()
    qs = supervised_tasks(user).filter(overdue_q(today))
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    return with_flags(qs.select_related(*ROW_RELATED), today).order_by(
        "unit__code", "deadline", "pk"
    )


def supervision_at_risk(user, *, unit_id: int | None = None, today: date | None = None):
    today = today or timezone.localdate()
    qs = supervised_tasks(user).filter(at_risk_q(today))
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    return with_flags(qs.select_related(*ROW_RELATED), today).order_by(
        "unit__code", "deadline", "pk"
    )


def overdue_by_unit(user, *, today: date | None = None) -> QuerySet:
    """For the district admin: each unit of their regions with its count of overdue and
    at-risk tasks (one aggregate query), units with overdue tasks first."""
    today = today or timezone.localdate()
    regions = scope_for(user).regions_with(rules.Role.DISTRICT_ADMIN)

    def prefixed(q: Q) -> Q:
        return Q(*[(f"keytask__{k}", v) for k, v in q.children])

    return (
        Unit.objects.filter(region_id__in=regions)
        .annotate(
            overdue=Count("keytask", filter=prefixed(overdue_q(today))),
            at_risk=Count("keytask", filter=prefixed(at_risk_q(today))),
        )
        .filter(Q(overdue__gt=0) | Q(at_risk__gt=0))
        .order_by("-overdue", "-at_risk", "code")
    )


def overdue_count_in_reach(user, *, today: date | None = None) -> int:
    today = today or timezone.localdate()
    return supervised_tasks(user).filter(overdue_q(today)).count()
