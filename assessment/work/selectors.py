"""Reads for goals and work logs, scoped to the acting account."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone

from reviews.models import Delegation, ReviewState

from ..models import AssessmentYear, Attachment, Goal, GoalPlan, KeyTask, Person, WorkLog
from ..tenancy import get_or_404


def linkable_tasks(person: Person):
    """Key tasks a person may link a log or goal to: the active ones assigned to them, to
    their section or to their unit."""
    return KeyTask.objects.filter(
        Q(person=person)
        | Q(section_id=person.section_id, person__isnull=True)
        | Q(unit_id=person.unit_id, section__isnull=True, person__isnull=True),
        status=KeyTask.Status.ACTIVE,
    )


def linkable_goals(person: Person, year: int):
    return Goal.objects.filter(plan__person=person, plan__year=year)


def log_for_user(user, pk) -> WorkLog:
    return get_or_404(
        WorkLog.objects.visible_to(user).select_related(
            "person__section", "person__unit", "goal", "key_task", "pending_user__person"
        ),
        pk=pk,
    )


def month_bounds(first: date | None) -> tuple[date, date]:
    """The month starting on `first` (from params.query_month) or the current month."""
    start = first or timezone.localdate().replace(day=1)
    end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return start, end


def _with_attachment_count(logs):
    """Annotate attachment_count with a correlated subquery rather than a join + GROUP BY, so
    that the paginator's count() drops it and counts the logs alone on their index."""
    per_log = (
        Attachment.objects.filter(log=OuterRef("pk"))
        .order_by()
        .values("log")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return logs.annotate(
        attachment_count=Coalesce(Subquery(per_log, output_field=IntegerField()), 0)
    )


def person_logs(person: Person, start: date, end: date):
    return _with_attachment_count(
        WorkLog.objects.filter(person=person, date__range=(start, end)).select_related(
            "goal", "key_task"
        )
    ).order_by("-date", "-pk")


def weekly_counts(person: Person, start: date, end: date) -> list[dict]:
    """Logs per week of the period (Monday-based), counted in the database."""
    return list(
        WorkLog.objects.filter(person=person, date__range=(start, end))
        .annotate(week=TruncWeek("date"))
        .values("week")
        .annotate(total=Count("pk"), approved=Count("pk", filter=Q(status=ReviewState.APPROVED)))
        .order_by("-week")
    )


def _pending_for(model, user):
    """Records waiting for this user's review, or for a reviewer they stand in for today."""
    today = timezone.localdate()
    absent = Delegation.objects.filter(delegate=user, start__lte=today, end__gte=today)
    # a plain id list (not an OR with a subquery) lets PostgreSQL use the (pending_user, status)
    # index instead of scanning every log
    reviewers = [user.pk, *absent.values_list("reviewer_id", flat=True)]
    return model.objects.filter(pending_user_id__in=reviewers, status=ReviewState.IN_REVIEW)


def log_review_queue(user):
    return _with_attachment_count(_pending_for(WorkLog, user).select_related("person")).order_by(
        "date", "pk"
    )


def goal_review_queue(user):
    return (
        _pending_for(GoalPlan, user)
        .select_related("person__section", "person__unit")
        .annotate(goal_count=Count("goals"))
        .order_by("submitted_at")
    )


def goalplan_of(person: Person, year: int) -> GoalPlan | None:
    return GoalPlan.objects.filter(person=person, year=year).first()


def goal_year_is_open(region_id: int, year: int) -> bool:
    """A year the region has opened (its AssessmentYear exists): goals may be set for it."""
    return AssessmentYear.objects.filter(region_id=region_id, year=year).exists()


def goalplan_for_user(user, pk) -> GoalPlan:
    return get_or_404(
        GoalPlan.objects.visible_to(user).select_related(
            "person__unit", "person__section", "pending_user__person"
        ),
        pk=pk,
    )


def goal_for_author(user, pk) -> Goal:
    return get_or_404(
        Goal.objects.filter(plan__person__user=user).select_related("plan__person"), pk=pk
    )


def pending_counts(user) -> dict[str, int]:
    return {
        "logs": _pending_for(WorkLog, user).count(),
        "goals": _pending_for(GoalPlan, user).count(),
    }


def team_log_counts(user, start: date, end: date):
    """People whose logs the account reviews or leads (not the account itself), with the
    period's log counts aggregated in the database."""
    in_period = Q(work_logs__date__range=(start, end))
    return (
        Person.objects.visible_to(user)
        .active()
        .exclude(user=user)
        .select_related("unit", "section")
        .annotate(
            total=Count("work_logs", filter=in_period),
            waiting=Count(
                "work_logs", filter=in_period & Q(work_logs__status=ReviewState.IN_REVIEW)
            ),
            returned=Count(
                "work_logs", filter=in_period & Q(work_logs__status=ReviewState.RETURNED)
            ),
        )
        .order_by("unit__code", "section__name", "staff_no")
    )
