"""Pages of the improvement loop: 不足提醒 and 导师帮带."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessment.models import Region
from assessment.tenancy import scope_for

from . import access, selectors, services
from .forms import (
    AssignMentorForm,
    CloseForm,
    DeficiencyForm,
    DeficiencyReviewForm,
    RectifyForm,
    TargetsForm,
    VisitForm,
)
from .models import MentoringCase


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _has_person_or_role(user) -> None:
    scope = scope_for(user)
    if not scope.person_id and not scope.member_region_ids:
        raise PermissionDenied


# -- 不足提醒 ----------------------------------------------------------------------------------


@login_required
def deficiency_list(request):
    _has_person_or_role(request.user)
    status = request.GET.get("status", "")
    page = Paginator(selectors.deficiency_rows(request.user, status=status), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "reviews/deficiency_list.html",
        {
            "page": page,
            "status": status,
            "may_issue": access.may_issue(request.user),
            "may_see_stats": selectors.may_see_stats(request.user),
            "today": timezone.localdate(),
        },
    )


def _issuer_region(user) -> Region:
    scope = scope_for(user)
    region_id = scope.person_region_id or min(scope.member_region_ids)
    return Region.objects.get(pk=region_id)


@login_required
def deficiency_new(request):
    if not access.may_issue(request.user):
        raise PermissionDenied
    form = DeficiencyForm(
        request.POST or None,
        people=access.reminder_targets(request.user),
        categories=services.categories_for(_issuer_region(request.user)),
        initial={"kind": "random"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            reminder = services.deficiency_issue(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("不足提醒已发出。"))
            return redirect("reviews:deficiency-detail", reminder.pk)
    return render(request, "reviews/deficiency_form.html", {"form": form})


def _deficiency_context(request, reminder, **forms) -> dict:
    is_person = reminder.person.user_id == request.user.pk
    return {
        "r": reminder,
        "is_person": is_person,
        "may_review": not is_person and access.may_review_deficiency(request.user, reminder),
        "history": reminder.history.select_related("history_user").order_by("history_date"),
        "rectify_form": forms.get("rectify_form")
        or RectifyForm(initial={"rectification": reminder.rectification}),
        "review_form": forms.get("review_form") or DeficiencyReviewForm(),
        "today": timezone.localdate(),
    }


@login_required
def deficiency_detail(request, pk):
    reminder = access.deficiency_for_user(request.user, pk)
    return render(request, "reviews/deficiency_detail.html", _deficiency_context(request, reminder))


@login_required
@require_POST
def deficiency_act(request, pk):
    """One endpoint for the person's acknowledge / rectify and the reviewer's accept / return."""
    reminder = access.deficiency_for_user(request.user, pk)
    action = request.POST.get("action")
    forms = {}
    try:
        if action == "ack":
            services.deficiency_acknowledge(reminder=reminder, by=request.user)
        elif action == "rectify":
            forms["rectify_form"] = form = RectifyForm(request.POST)
            if form.is_valid():
                services.deficiency_rectify(
                    reminder=reminder, by=request.user, text=form.cleaned_data["rectification"]
                )
        elif action == "review":
            forms["review_form"] = form = DeficiencyReviewForm(request.POST)
            if form.is_valid():
                services.deficiency_review(
                    reminder=reminder,
                    by=request.user,
                    accept=form.cleaned_data["decision"] == "accept",
                    comment=form.cleaned_data["comment"],
                )
        else:
            raise PermissionDenied
    except ValidationError as exc:
        if forms:
            _apply_errors(next(iter(forms.values())), exc)
        else:
            messages.error(request, " ".join(exc.messages))
            return redirect("reviews:deficiency-detail", reminder.pk)
    if any(f.errors for f in forms.values()):
        context = _deficiency_context(request, reminder, **forms)
        return render(request, "reviews/deficiency_detail.html", context, status=400)
    messages.success(request, _("已保存。"))
    return redirect("reviews:deficiency-detail", reminder.pk)


@login_required
def deficiency_stats(request):
    if not selectors.may_see_stats(request.user):
        raise PermissionDenied
    by = request.GET.get("by", "unit")
    if by not in ("person", "section", "unit", "quarter"):
        by = "unit"
    rows = selectors.deficiency_counts(request.user, by=by)
    return render(request, "reviews/deficiency_stats.html", {"rows": rows, "by": by})


# -- 导师帮带 ----------------------------------------------------------------------------------


@login_required
def mentoring_list(request):
    _has_person_or_role(request.user)
    status = request.GET.get("status", "open")
    today = timezone.localdate()
    page = Paginator(selectors.case_rows(request.user, status=status), 30).get_page(
        request.GET.get("page")
    )
    for case in page:
        case.visit_state = selectors.visit_state(case, today)
    return render(
        request,
        "reviews/mentoring_list.html",
        {
            "page": page,
            "status": status,
            "overview": selectors.district_overview(request.user),
            "statuses": MentoringCase.Status.choices,
        },
    )


def _case_context(request, case, **forms) -> dict:
    today = timezone.localdate()
    case.last_visit = max((v.date for v in case.visits.all()), default=None)
    return {
        "case": case,
        "visits": case.visits.all(),
        "visit_state": selectors.visit_state(case, today),
        "is_mentor": access.is_mentor(request.user, case),
        "may_manage": access.may_manage_case(request.user, case),
        "mentor_load": services.mentor_load(case.mentor) if case.mentor_id else 0,
        "load_warning": services.MENTOR_LOAD_WARNING,
        "next_grade": services.next_quarter_grade(case),
        "assign_form": forms.get("assign_form") or AssignMentorForm(case=case),
        "targets_form": forms.get("targets_form") or TargetsForm(initial={"targets": case.targets}),
        "visit_form": forms.get("visit_form") or VisitForm(initial={"date": today}),
        "close_form": forms.get("close_form") or CloseForm(),
    }


@login_required
def mentoring_detail(request, pk):
    case = access.case_for_user(request.user, pk)
    return render(request, "reviews/mentoring_detail.html", _case_context(request, case))


@login_required
@require_POST
def mentoring_act(request, pk):
    case = access.case_for_user(request.user, pk)
    action = request.POST.get("action")
    form_classes = {
        "assign": ("assign_form", lambda d: AssignMentorForm(d, case=case)),
        "targets": ("targets_form", TargetsForm),
        "visit": ("visit_form", VisitForm),
        "close": ("close_form", CloseForm),
    }
    if action not in form_classes:
        raise PermissionDenied
    if action == "assign" and not access.may_manage_case(request.user, case):
        raise PermissionDenied
    if action in ("targets", "visit") and not access.is_mentor(request.user, case):
        raise PermissionDenied
    if action == "close" and not (
        access.is_mentor(request.user, case) or access.may_manage_case(request.user, case)
    ):
        raise PermissionDenied
    name, make = form_classes[action]
    form = make(request.POST)
    if form.is_valid():
        try:
            _mentoring_apply(request, case, action, form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
    if form.errors:
        context = _case_context(request, case, **{name: form})
        return render(request, "reviews/mentoring_detail.html", context, status=400)
    messages.success(request, _("已保存。"))
    return redirect("reviews:mentoring-detail", case.pk)


def _mentoring_apply(request, case, action: str, data: dict) -> None:
    if action == "assign":
        _case, load = services.mentor_assign(case=case, mentor=data["mentor"], by=request.user)
        if load > services.MENTOR_LOAD_WARNING:
            messages.warning(
                request,
                _("注意：该导师已帮带 %(n)s 人，超过 %(m)s 人。")
                % {"n": load, "m": services.MENTOR_LOAD_WARNING},
            )
    elif action == "targets":
        services.mentoring_targets_set(case=case, by=request.user, targets=data["targets"])
    elif action == "visit":
        services.return_visit_record(
            case=case,
            by=request.user,
            day=data["date"],
            summary=data["summary"],
            progress=data["progress"],
            next_step=data["next_step"],
        )
    else:
        services.mentoring_close(
            case=case, by=request.user, result=data["result"], note=data["note"]
        )
