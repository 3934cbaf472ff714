from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reviews.engine import actions_for, can_act
from reviews.models import Delegation

from ..formerrors import add_service_errors
from ..models import Attachment, Person, Role, WorkLog
from ..params import query_month, query_year
from ..selectors import person_for_user
from ..tenancy import get_or_404, scope_for
from ..uploads import download
from . import selectors, services
from .forms import BulkApproveForm, CommentForm, GoalForm, LogForm, ReopenForm, ReviewForm

REVIEWER_ROLES = (Role.SECTION_CHIEF, Role.LEADER_IN_CHARGE, Role.PRINCIPAL_LEADER)


def _my_person(request) -> Person:
    """The signed-in account's own (active) person; scope_for has already loaded it."""
    if not scope_for(request.user).person_id:
        raise PermissionDenied(_("当前账号没有关联人员档案。"))
    return request.user.person


# -- work logs -----------------------------------------------------------------------------


@login_required
def log_list(request):
    """My logs by month and week; a leader may open a colleague's (?person=) in their reach."""
    if request.GET.get("person"):
        person = person_for_user(request.user, request.GET["person"])
    else:
        person = _my_person(request)
    start, end = selectors.month_bounds(query_month(request))
    return render(
        request,
        "work/log_list.html",
        {
            "person": person,
            "is_mine": person.user_id == request.user.pk,
            "logs": selectors.person_logs(person, start, end),
            "start": start,
            "end": end,
            "weeks": selectors.weekly_counts(person, start, end),
            "prev_month": f"{start - timedelta(days=1):%Y-%m}",
            "next_month": f"{end + timedelta(days=1):%Y-%m}",
        },
    )


@login_required
def team_logs(request):
    """Leaders: everyone in their reach with this month's log counts."""
    _require_reviewer(request.user)
    start, end = selectors.month_bounds(query_month(request))
    people = selectors.team_log_counts(request.user, start, end)
    return render(
        request,
        "work/team_logs.html",
        {
            "page": Paginator(people, 100).get_page(request.GET.get("page")),
            "start": start,
            "month": f"{start:%Y-%m}",
            "prev_month": f"{start - timedelta(days=1):%Y-%m}",
            "next_month": f"{end + timedelta(days=1):%Y-%m}",
        },
    )


@login_required
def log_create(request):
    person = _my_person(request)
    form = LogForm(request.POST or None, request.FILES or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            log, created = services.log_create(
                person=person,
                by=request.user,
                data=form.to_input(),
                client_token=form.cleaned_data["client_token"],
                files=form.cleaned_data["files"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if created:
                messages.success(request, _("纪实已提交，等待审核。"))
            return redirect("work:log-list")
    if form.errors and request.FILES:
        messages.warning(request, _("出于安全原因，附件需要重新选择。"))
    return render(request, "work/log_form.html", {"form": form})


@login_required
def log_edit(request, pk):
    log = get_or_404(
        WorkLog.objects.filter(person__user=request.user).select_related("person"), pk=pk
    )
    if not services.log_is_editable(log):
        messages.error(request, _("该纪实已审核，不能再修改。"))
        return redirect("work:log-detail", pk=log.pk)
    form = LogForm(request.POST or None, request.FILES or None, instance=log, person=log.person)
    if request.method == "POST" and form.is_valid():
        try:
            services.log_update(
                log=log, by=request.user, data=form.to_input(), files=form.cleaned_data["files"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("纪实已保存。"))
            return redirect("work:log-detail", pk=log.pk)
    return render(request, "work/log_form.html", {"form": form, "log": log})


@login_required
def log_detail(request, pk):
    log = selectors.log_for_user(request.user, pk)
    return render(
        request,
        "work/log_detail.html",
        {
            "log": log,
            "trail": actions_for([log])[log.pk],
            "attachments": log.attachments.all(),
            "is_author": log.person.user_id == request.user.pk,
            "editable": services.log_is_editable(log),
            "may_review": can_act(log, request.user),
            "may_comment": services.may_comment(request.user, log),
            "review_form": ReviewForm(),
            "comment_form": CommentForm(),
        },
    )


@login_required
@require_POST
def log_review(request, pk):
    log = selectors.log_for_user(request.user, pk)
    _require_turn(log, request.user)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            log = services.log_review(
                log=log,
                by=request.user,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
            )
            messages.success(request, _("已%(d)s。") % {"d": log.get_status_display()})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    if request.htmx:
        return render(request, "work/_queue_row.html", {"log": log, "done": True})
    if request.POST.get("back") == "detail":
        return redirect("work:log-detail", pk=log.pk)
    return redirect("work:log-review-queue")


@login_required
@require_POST
def log_comment(request, pk):
    log = selectors.log_for_user(request.user, pk)
    form = CommentForm(request.POST)
    if not services.may_comment(request.user, log):
        raise PermissionDenied
    if form.is_valid():
        services.log_comment(log=log, by=request.user, text=form.cleaned_data["comment"])
        messages.success(request, _("点评已发送。"))
    else:
        messages.error(request, _("点评内容不能为空。"))
    return redirect("work:log-detail", pk=log.pk)


def _own_plan(user, pk):
    plan = selectors.goalplan_for_user(user, pk)
    if plan.person.user_id != user.pk:
        raise PermissionDenied
    return plan


def _require_turn(obj, user) -> None:
    """Only the pending reviewer acts; a reviewer whose step has already been taken (a double
    click, a colleague at the same level) gets the engine's clear message, not a bare 403."""
    if can_act(obj, user):
        return
    passed = [
        level
        for level, uid in obj.chain
        if uid == user.pk and (obj.pending_level is None or level < obj.pending_level)
    ]
    if not passed:
        raise PermissionDenied


def _require_reviewer(user) -> None:
    """Review queues are for the chain's roles (and their delegates)."""
    if not (
        scope_for(user).has(*REVIEWER_ROLES) or Delegation.objects.filter(delegate=user).exists()
    ):
        raise PermissionDenied


@login_required
def log_review_queue(request):
    _require_reviewer(request.user)
    queue = selectors.log_review_queue(request.user)
    page = Paginator(queue, 100).get_page(request.GET.get("page"))
    return render(request, "work/log_queue.html", {"page": page, "review_form": ReviewForm()})


@login_required
@require_POST
def log_bulk_approve(request):
    _require_reviewer(request.user)
    form = BulkApproveForm(request.POST, queue=selectors.log_review_queue(request.user))
    if form.is_valid():
        result = services.log_bulk_approve(
            logs=form.cleaned_data["logs"].select_related("person"), by=request.user
        )
        messages.success(request, _("已通过 %(n)d 条纪实。") % {"n": result.done})
        for line in result.skipped:
            messages.warning(request, line)
    else:
        messages.error(request, _("请先勾选要通过的纪实（只能选择待您审核的）。"))
    return redirect("work:log-review-queue")


@login_required
def attachment_download(request, pk):
    attachment = get_or_404(Attachment.objects.filter(log__isnull=False), pk=pk)
    selectors.log_for_user(request.user, attachment.log_id)  # 404 unless the log is visible
    return download(attachment)


# -- annual goals --------------------------------------------------------------------------


@login_required
def goal_plan(request):
    """My plan for a year the region has opened (?year=, default this year). A GET only shows:
    a missing plan is started by POST, and only for an opened year."""
    person = _my_person(request)
    if request.method == "POST":
        year = query_year(request.POST)
    else:
        year = query_year(request) if "year" in request.GET else timezone.localdate().year
    if year is None:
        raise Http404
    plan = selectors.goalplan_of(person, year)
    if plan is not None:
        return redirect("work:goal-detail", pk=plan.pk)
    is_open = selectors.goal_year_is_open(person.region_id, year)
    if request.method == "POST" and is_open:
        plan = services.goalplan_get_or_create(person=person, year=year)
        return redirect("work:goal-detail", pk=plan.pk)
    if "year" in request.GET and not is_open:
        raise Http404
    return render(request, "work/goal_start.html", {"year": year, "is_open": is_open})


@login_required
def goal_detail(request, pk):
    plan = selectors.goalplan_for_user(request.user, pk)
    is_author = plan.person.user_id == request.user.pk
    return render(
        request,
        "work/goal_detail.html",
        {
            "plan": plan,
            "goals": plan.goals.select_related("key_task"),
            "trail": actions_for([plan])[plan.pk],
            "is_author": is_author,
            "goal_form": GoalForm(person=plan.person) if is_author and plan.is_editable else None,
            "may_review": can_act(plan, request.user),
            "review_form": ReviewForm(),
            "reopen_form": ReopenForm(),
            "history": plan.history.select_related("history_user")[:20],
        },
    )


@login_required
@require_POST
def goal_add(request, pk):
    plan = _own_plan(request.user, pk)
    form = GoalForm(request.POST, person=plan.person)
    if form.is_valid():
        goal = form.save(commit=False)
        goal.plan = plan
        try:
            services.goal_save(goal=goal, by=request.user)
            messages.success(request, _("已添加目标。"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("请填写目标内容。"))
    return redirect("work:goal-detail", pk=plan.pk)


@login_required
def goal_edit(request, pk):
    goal = selectors.goal_for_author(request.user, pk)
    form = GoalForm(request.POST or None, instance=goal, person=goal.plan.person)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_save(goal=form.save(commit=False), by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("work:goal-detail", pk=goal.plan_id)
    return render(request, "work/goal_form.html", {"form": form, "goal": goal})


@login_required
@require_POST
def goal_delete(request, pk):
    goal = selectors.goal_for_author(request.user, pk)
    try:
        services.goal_delete(goal=goal, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("work:goal-detail", pk=goal.plan_id)


@login_required
@require_POST
def goal_submit(request, pk):
    plan = _own_plan(request.user, pk)
    try:
        services.goalplan_submit(plan=plan, by=request.user)
        messages.success(request, _("年度目标已提交审核。"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("work:goal-detail", pk=plan.pk)


@login_required
@require_POST
def goal_review(request, pk):
    plan = selectors.goalplan_for_user(request.user, pk)
    _require_turn(plan, request.user)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.goalplan_review(
                plan=plan,
                by=request.user,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
            )
            messages.success(request, _("审核意见已提交。"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("work:goal-detail", pk=plan.pk)


@login_required
@require_POST
def goal_reopen(request, pk):
    plan = _own_plan(request.user, pk)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.goalplan_reopen(plan=plan, by=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("已转为草稿，修改后请重新提交审核。"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("请填写修改理由。"))
    return redirect("work:goal-detail", pk=plan.pk)


@login_required
def goal_review_queue(request):
    _require_reviewer(request.user)
    plans = selectors.goal_review_queue(request.user)
    return render(request, "work/goal_queue.html", {"plans": plans})
