"""Annual goals and work logs: every state change is one function here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from reviews import engine
from reviews.models import Decision, ReviewState

from ..models import AssessmentYear, Attachment, Goal, GoalPlan, Person, Role, WorkLog
from ..periods import assessment_year, quarter_of_day
from ..tenancy import scope_for
from ..uploads import validate_upload
from .selectors import linkable_tasks

LOG_FLOW = engine.Flow(first_level_only=True)  # a log is reviewed by the first level only
GOAL_FLOW = engine.Flow()  # a goal plan goes through the whole chain


# -- work logs ---------------------------------------------------------------------------


def _check_filing_date(person: Person, day: date) -> None:
    today = timezone.localdate()
    if day > today:
        raise ValidationError({"date": _("不能填报未来日期（%(d)s）的纪实。") % {"d": day}})
    quarter = quarter_of_day(person.region, day)
    if not quarter.accepts_logs_on(today):
        raise ValidationError(
            {
                "date": _("%(q)s 的纪实填报已于 %(deadline)s 截止，不能再补录该季度的纪实。")
                % {"q": quarter.code, "deadline": quarter.filing_deadline}
            }
        )


def _check_links(person: Person, goal, key_task) -> None:
    if goal is not None and goal.plan.person_id != person.pk:
        raise ValidationError({"goal": _("只能关联本人的年度目标。")})
    if key_task is not None and not linkable_tasks(person).filter(pk=key_task.pk).exists():
        raise ValidationError({"key_task": _("只能关联本人可见的目责任务。")})


def _attach(files, *, log: WorkLog, by) -> None:
    for upload in files:
        content_type = validate_upload(upload)
        Attachment.objects.create(
            region_id=log.region_id,
            log=log,
            file=upload,
            name=upload.name[:200],
            content_type=content_type,
            size=upload.size,
            uploaded_by=by,
        )


def validate_files(files) -> None:
    errors = []
    for upload in files:
        try:
            validate_upload(upload)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"files": errors})


@dataclass
class LogInput:
    date: date
    content: str
    goal: Goal | None = None
    key_task: object | None = None
    category: str = ""


def log_create(
    *, person: Person, by, data: LogInput, client_token, files=()
) -> tuple[WorkLog, bool]:
    """File a log and hand it to the first reviewer. The form's one-time token makes a double
    submission return the first log instead of creating a second one."""
    if person.user_id != by.pk:
        raise PermissionDenied(_("只能为本人填报纪实。"))
    existing = WorkLog.objects.filter(person=person, client_token=client_token).first()
    if existing:
        return existing, False
    _check_filing_date(person, data.date)
    _check_links(person, data.goal, data.key_task)
    validate_files(files)
    try:
        with transaction.atomic():
            log = WorkLog.objects.create(
                region_id=person.region_id,
                person=person,
                unit_id=person.unit_id,
                date=data.date,
                content=data.content,
                goal=data.goal,
                key_task=data.key_task,
                category=data.category,
                client_token=client_token,
            )
            _attach(files, log=log, by=by)
            log = engine.submit(log, by=by, person=person, flow=LOG_FLOW)
    except IntegrityError:  # the same token raced in from a second click
        return WorkLog.objects.get(person=person, client_token=client_token), False
    return log, True


def log_is_editable(log: WorkLog) -> bool:
    """Editable until a reviewer has acted: while waiting for the first review, or returned."""
    return log.status == ReviewState.RETURNED or (
        log.status == ReviewState.IN_REVIEW and log.chain and log.pending_level == log.chain[0][0]
    )


@transaction.atomic
def log_update(*, log: WorkLog, by, data: LogInput, files=()) -> WorkLog:
    log = WorkLog.objects.select_for_update().select_related("person__region").get(pk=log.pk)
    if log.person.user_id != by.pk:
        raise PermissionDenied(_("只能修改本人的纪实。"))
    if not log_is_editable(log):
        raise ValidationError(_("该纪实已审核，不能再修改。"))
    _check_filing_date(log.person, data.date)
    _check_filing_date(log.person, log.date)
    _check_links(log.person, data.goal, data.key_task)
    validate_files(files)
    for field in ("date", "content", "goal", "key_task", "category"):
        setattr(log, field, getattr(data, field))
    log.save()
    update_change_reason(log, _("修改纪实"))
    _attach(files, log=log, by=by)
    if log.status == ReviewState.RETURNED:  # fixing a returned log sends it back to review
        log = engine.submit(
            log, by=by, person=log.person, flow=LOG_FLOW, comment=_("修改后重新提交")
        )
    return log


def log_review(*, log: WorkLog, by, decision: str, comment: str = "") -> WorkLog:
    log, _action = engine.act(log, by=by, decision=decision, flow=LOG_FLOW, comment=comment)
    return log


@dataclass
class BulkResult:
    done: int
    skipped: list[str]


def log_bulk_approve(*, logs, by) -> BulkResult:
    """Approve many logs, each through the same per-record transition."""
    result = BulkResult(0, [])
    for log in logs:
        try:
            log_review(log=log, by=by, decision=Decision.APPROVE)
        except (ValidationError, PermissionDenied) as exc:
            result.skipped.append(f"{log.person.name} {log.date}: {' '.join(_messages(exc))}")
        else:
            result.done += 1
    return result


def _messages(exc) -> list[str]:
    return exc.messages if isinstance(exc, ValidationError) else [str(exc)]


def may_comment(user, log: WorkLog) -> bool:
    """Leaders comment on any log in their reach: chiefs and leaders in charge of the author's
    section, the principal leader of the author's unit."""
    scope = scope_for(user)
    return (
        log.person.section_id in scope.sections_with(Role.SECTION_CHIEF, Role.LEADER_IN_CHARGE)
        or log.person.unit_id in scope.units_with(Role.PRINCIPAL_LEADER)
    ) and log.person.user_id != user.pk


def log_comment(*, log: WorkLog, by, text: str):
    if not may_comment(by, log):
        raise PermissionDenied(_("只有该人员的领导可以点评。"))
    return engine.comment(log, by=by, text=text)


# -- annual goals ------------------------------------------------------------------------


def goalplan_get_or_create(*, person: Person, year: int) -> GoalPlan:
    """The person's plan for a year the region has opened (an AssessmentYear row exists)."""
    if not AssessmentYear.objects.filter(region_id=person.region_id, year=year).exists():
        raise ValidationError(_("本区尚未开放 %(year)s 年度。") % {"year": year})
    plan, _created = GoalPlan.objects.get_or_create(
        person=person, year=year, defaults={"region_id": person.region_id}
    )
    return plan


def _check_author_editing(plan: GoalPlan, by) -> None:
    if plan.person.user_id != by.pk:
        raise PermissionDenied(_("只能修改本人的年度目标。"))
    if not plan.is_editable:
        raise ValidationError(_("年度目标已提交或已通过，如需修改请先“申请修改”。"))


def _in_goal_window(plan: GoalPlan) -> bool:
    """The goal window binds a first submission; a change after approval may come any time."""
    settings = assessment_year(plan.person.region, plan.year)
    today = timezone.localdate()
    start = settings.goal_window_start or date(plan.year, 1, 1)
    end = settings.goal_window_end or date(plan.year, 12, 31)
    was_approved = plan.history.filter(status=ReviewState.APPROVED).exists()
    return was_approved or start <= today <= end


@transaction.atomic
def goal_save(*, goal: Goal, by) -> Goal:
    plan = GoalPlan.objects.select_for_update().select_related("person").get(pk=goal.plan_id)
    _check_author_editing(plan, by)
    _check_links(plan.person, None, goal.key_task)
    goal.full_clean()
    goal.save()
    update_change_reason(goal, _("编辑目标"))
    return goal


@transaction.atomic
def goal_delete(*, goal: Goal, by) -> None:
    plan = GoalPlan.objects.select_for_update().select_related("person").get(pk=goal.plan_id)
    _check_author_editing(plan, by)
    goal.delete()


def goalplan_submit(*, plan: GoalPlan, by) -> GoalPlan:
    if plan.person.user_id != by.pk:
        raise PermissionDenied(_("只能提交本人的年度目标。"))
    if not plan.goals.exists():
        raise ValidationError(_("请至少填写一项目标再提交。"))
    if not _in_goal_window(plan):
        settings = assessment_year(plan.person.region, plan.year)
        raise ValidationError(
            _("年初定标时间为 %(s)s 至 %(e)s，当前不在定标期内。")
            % {"s": settings.goal_window_start, "e": settings.goal_window_end}
        )
    return engine.submit(plan, by=by, person=plan.person, flow=GOAL_FLOW)


def goalplan_review(*, plan: GoalPlan, by, decision: str, comment: str = "") -> GoalPlan:
    plan, _action = engine.act(plan, by=by, decision=decision, flow=GOAL_FLOW, comment=comment)
    return plan


def goalplan_reopen(*, plan: GoalPlan, by, reason: str) -> GoalPlan:
    return engine.reopen(plan, by=by, person=plan.person, reason=reason)
