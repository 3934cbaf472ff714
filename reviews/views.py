from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessment.models import Opinion, QuarterGrade, QuarterlyAssessment, Region
from assessment.params import query_id
from assessment.tenancy import get_or_404

from . import selectors, services
from .engine import actions_for, at_last_level, can_act
from .forms import (
    AppealDecideForm,
    AppealForm,
    BulkApproveForm,
    OpenQuarterForm,
    OpinionForm,
    ReviewForm,
    SummaryForm,
)
from .models import Reminder, ReviewState
from .opening import quarter_open


def _errors(exc) -> str:
    return " ".join(exc.messages if isinstance(exc, ValidationError) else [str(exc)])


# -- the person's quarter -----------------------------------------------------------------------


@login_required
def my_quarters(request):
    rows = list(selectors.my_assessments(request.user))
    if not rows and not hasattr(request.user, "person"):
        raise PermissionDenied
    return render(request, "reviews/my_quarters.html", {"rows": rows})


@login_required
def assessment_detail(request, pk):
    qa = selectors.assessment_for_user(request.user, pk)
    return render(request, "reviews/detail.html", _detail_context(request, qa))


def _detail_context(request, qa, **forms) -> dict:
    """The quarter page's context; `forms` replaces a blank form by a bound one (an error)."""
    is_author = qa.person.user_id == request.user.pk
    context = {
        "qa": qa,
        "is_author": is_author,
        "trail": actions_for([qa])[qa.pk],
        "may_review": can_act(qa, request.user) and not at_last_level(qa),
        "may_decide": can_act(qa, request.user) and at_last_level(qa),
        "appeals": qa.appeals.all(),
        "appeal_deadline": services.appeal_deadline(qa),
        "today": timezone.localdate(),
        "has_result": qa.status in services.RESULT_STATES,
    }
    if is_author and qa.is_editable:
        summary = qa.summary or selectors.prefill_text(selectors.summary_facts(qa))
        context["summary_form"] = SummaryForm(
            initial={"summary": summary, "self_grade": qa.self_grade}
        )
        context["prefilled"] = not qa.summary
    if context["may_review"]:
        band = services.current_bands([qa]).get(qa.pk, "")
        context["review_form"] = ReviewForm(initial={"suggested_grade": band})
    else:
        context["review_form"] = ReviewForm()
    context["opinion_form"] = OpinionForm(
        initial={"opinion": qa.opinion or "agree", "reason": qa.opinion_reason}
    )
    context["appeal_form"] = AppealForm(agreed=qa.opinion == Opinion.AGREE)
    context.update(forms)
    return context


def _own(request, pk) -> QuarterlyAssessment:
    qa = selectors.assessment_for_user(request.user, pk)
    if qa.person.user_id != request.user.pk:
        raise PermissionDenied
    return qa


@login_required
@require_POST
def summary_save(request, pk):
    qa = _own(request, pk)
    form = SummaryForm(request.POST)
    if form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            services.summary_save(
                assessment=qa,
                by=request.user,
                summary=form.cleaned_data["summary"],
                self_grade=form.cleaned_data["self_grade"],
                submit=submit,
            )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("已提交，等待审核。") if submit else _("已保存草稿。"))
    return redirect("reviews:detail", pk=qa.pk)


@login_required
@require_POST
def review(request, pk):
    qa = selectors.assessment_for_user(request.user, pk)
    _require_turn(qa, request.user)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.quarterly_review(assessment=qa, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("已处理。"))
    if request.POST.get("back") == "detail":
        return redirect("reviews:detail", pk=qa.pk)
    return redirect("reviews:queue")


def _require_turn(qa, user) -> None:
    """Only the pending reviewer acts; one whose step was already taken gets the clear message."""
    if can_act(qa, user):
        return
    passed = [
        level
        for level, uid in qa.chain
        if uid == user.pk and (qa.pending_level is None or level < qa.pending_level)
    ]
    if not passed:
        raise PermissionDenied


@login_required
@require_POST
def opinion(request, pk):
    qa = _own(request, pk)
    form = OpinionForm(request.POST)
    if form.is_valid():
        try:
            services.quarterly_opinion(
                assessment=qa,
                by=request.user,
                opinion=form.cleaned_data["opinion"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("本人意见已记录。"))
    return redirect("reviews:detail", pk=qa.pk)


@login_required
@require_POST
def appeal(request, pk):
    qa = _own(request, pk)
    form = AppealForm(request.POST, agreed=qa.opinion == Opinion.AGREE)
    if form.is_valid():
        try:
            services.appeal_create(
                assessment=qa,
                by=request.user,
                reason=form.cleaned_data["reason"],
                withdraw_agreement=form.cleaned_data.get("withdraw_agreement", False),
            )
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("申诉已提交，将由考核委员会或组织部复核。"))
            return redirect("reviews:detail", pk=qa.pk)
    context = _detail_context(request, qa, appeal_form=form)
    return render(request, "reviews/detail.html", context, status=400)


def _attach(form, exc: ValidationError) -> None:
    """A service's refusal shown beside the field it names (or above the form)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# -- reviewer queue -----------------------------------------------------------------------------


@login_required
def queue(request):
    if not selectors.is_reviewer(request.user):
        raise PermissionDenied
    rows = list(selectors.review_queue(request.user))
    for qa in rows:
        qa.last_level = at_last_level(qa)
    return render(
        request,
        "reviews/queue.html",
        {"rows": rows, "review_form": ReviewForm(), "bulk_form": BulkApproveForm()},
    )


@login_required
@require_POST
def queue_bulk(request):
    if not selectors.is_reviewer(request.user):
        raise PermissionDenied
    form = BulkApproveForm(request.POST)
    ids = request.POST.getlist("records")
    if form.is_valid() and ids:
        rows = selectors.review_queue(request.user).filter(pk__in=[i for i in ids if i.isdigit()])
        result = services.quarterly_bulk_approve(
            assessments=rows, by=request.user, suggested_grade=form.cleaned_data["suggested_grade"]
        )
        messages.success(request, _("已通过 %(n)s 条。") % {"n": result.done})
        for line in result.skipped:
            messages.warning(request, line)
    else:
        messages.error(request, _("请先选择记录。"))
    return redirect("reviews:queue")


# -- the principal leader's unit screen -----------------------------------------------------------


@login_required
def decide(request, unit_pk, quarter):
    unit = selectors.unit_for_decide(request.user, unit_pk)
    quarter = selectors.quarter_or_404(unit.region_id, quarter)
    section_id = query_id(request, "section")
    if request.method == "POST":
        screen = selectors.decide_screen(request.user, unit, quarter, section_id)
        decisions = [
            (row.qa, request.POST.get(f"grade-{row.qa.pk}", ""))
            for row in screen["rows"]
            if row.actionable and request.POST.get(f"grade-{row.qa.pk}")
        ]
        if not decisions:
            messages.error(request, _("请为至少一人选择等次。"))
        else:
            result = services.quarterly_bulk_decide(decisions=decisions, by=request.user)
            for line in result.refused:
                messages.error(request, line)
            if not result.refused:
                messages.success(request, _("已审定 %(n)s 人。") % {"n": result.done})
            for line in result.skipped:
                messages.error(request, line)
        return redirect(request.get_full_path())
    screen = selectors.decide_screen(request.user, unit, quarter, section_id)
    return render(
        request,
        "reviews/decide.html",
        {
            "unit": unit,
            "quarter": quarter,
            "section_id": section_id,
            # rendered once, not per row: the screen must stay fast for a 60-person unit
            "options": _grade_options(blocked=False),
            "options_blocked": _grade_options(blocked=True),
            "detail_base": reverse("reviews:detail", args=[0]).removesuffix("0/"),
            "may_publish": services.may_publish(request.user, unit),
            **screen,
        },
    )


def _grade_options(*, blocked: bool) -> str:
    choices = [c for c in QuarterGrade.choices if c[0] != QuarterGrade.UNGRADED]
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        [("", "", "—")]
        + [
            (v, " disabled" if blocked and v == QuarterGrade.GOOD else "", label)
            for v, label in choices
        ],
    )


@login_required
@require_POST
def publish(request, unit_pk, quarter):
    """发布公示. While some of the unit's people are not decided yet, first a confirmation page
    lists them; publishing then needs the confirmation's `confirm`."""
    unit = get_or_404(selectors.publish_units(request.user), pk=unit_pk)
    quarter = selectors.quarter_or_404(unit.region_id, quarter)
    undecided = list(selectors.undecided(unit, quarter))
    if undecided and request.POST.get("confirm") != "1":
        return render(
            request,
            "reviews/publish_confirm.html",
            {"unit": unit, "quarter": quarter, "undecided": undecided},
        )
    try:
        n = services.unit_publish(unit=unit, quarter=quarter, by=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("已发布公示 %(n)s 人。") % {"n": n})
    return redirect("reviews:publicity", unit_pk=unit.pk, quarter=quarter.code)


@login_required
def publicity(request, unit_pk, quarter):
    unit = get_or_404(selectors.publicity_units(request.user), pk=unit_pk)
    quarter = selectors.quarter_or_404(unit.region_id, quarter)
    return render(
        request,
        "reviews/publicity.html",
        {"unit": unit, "quarter": quarter, "rows": selectors.publicity_rows(unit, quarter)},
    )


# -- appeals and quarter admin (district admin) -----------------------------------------------


@login_required
def appeal_list(request):
    if not selectors.district_regions(request.user):
        raise PermissionDenied
    return render(
        request, "reviews/appeal_list.html", {"appeals": selectors.appeals_for_admin(request.user)}
    )


@login_required
def appeal_detail(request, pk):
    item = selectors.appeal_for_admin(request.user, pk)
    form = AppealDecideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.appeal_decide(appeal=item, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("申诉已复核。"))
            return redirect("reviews:appeal-list")
    qa = item.assessment
    return render(
        request,
        "reviews/appeal_detail.html",
        {"appeal": item, "qa": qa, "form": form, "trail": actions_for([qa])[qa.pk]},
    )


@login_required
def quarter_admin(request):
    if not selectors.district_regions(request.user):
        raise PermissionDenied
    return render(
        request,
        "reviews/quarter_admin.html",
        {
            "quarters": selectors.quarter_admin(request.user),
            "form": OpenQuarterForm(),
            "states": ReviewState.choices,
        },
    )


@login_required
@require_POST
def quarter_open_now(request):
    regions = selectors.district_regions(request.user)
    if not regions:
        raise PermissionDenied
    form = OpenQuarterForm(request.POST)
    if form.is_valid():
        year, number = form.cleaned_data["quarter"]
        for region in Region.objects.filter(pk__in=regions):
            result = quarter_open(region=region, year=year, number=number)
            messages.success(
                request,
                _("%(r)s %(q)s：新建 %(c)s 条，调动 %(t)s 人，离职 %(l)s 人。")
                % {
                    "r": region.name,
                    "q": result.quarter.code,
                    "c": result.created,
                    "t": result.transferred,
                    "l": result.left,
                },
            )
    else:
        messages.error(request, " ".join(form.errors.get("quarter", [])))
    return redirect("reviews:quarter-admin")


@login_required
@require_POST
def reminder_read(request, pk):
    reminder = get_or_404(Reminder.objects.filter(user=request.user), pk=pk)
    reminder.read_at = timezone.now()
    reminder.save(update_fields=["read_at"])
    return redirect(reminder.link or "home")
