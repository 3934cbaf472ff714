"""Year-end pages: the person's year (summary, proposal, result, notice, 本人意见, 复核/申诉), the
decide screens (unit; leadership members for the district), the district's year page (open,
rates) and the handling of 复核/申诉."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessment.formerrors import add_service_errors
from assessment.models import (
    AnnualGrade,
    AssessmentYear,
    DecidingBody,
    OutcomeCode,
    Role,
    UnitYear,
)
from assessment.models.annual import CIVIL_SERVANT_GRADES, SECONDED_GRADES
from assessment.tenancy import get_or_404, scope_for

from ..engine import actions_for, can_act
from ..forms import OpinionForm
from . import contests, selectors, services
from .forms import (
    AnnualReviewForm,
    AnnualSummaryForm,
    ContestDecideForm,
    ContestForm,
    DecideForm,
    OverrideForm,
    UnitRateForm,
)
from .opening import year_open


def _errors(exc) -> str:
    return " ".join(exc.messages if isinstance(exc, ValidationError) else [str(exc)])


@login_required
def mine(request):
    rows = list(selectors.my_annual(request.user))
    if not rows and not hasattr(request.user, "person"):
        raise PermissionDenied
    year = timezone.localdate().year
    if timezone.localdate().month < 12:
        year -= 1  # before December the year-end at hand is last year's
    return render(
        request,
        "reviews/annual/mine.html",
        {
            "rows": rows,
            "pending": selectors.pending_for(request.user),
            "decide_units": selectors.decide_units(request.user).order_by("code"),
            "admin_regions": sorted(selectors.district_regions(request.user)),
            "year": year,
        },
    )


def _detail(request, aa, **forms):
    user = request.user
    is_author = aa.person.user_id == user.pk
    context = {
        "aa": aa,
        "is_author": is_author,
        "trail": actions_for([aa])[aa.pk],
        "may_review": can_act(aa, user),
        "may_override": services.may_manage_unit(user, aa.unit_id, aa.region_id)
        and aa.status not in services.RESULT_STATES,
        "has_result": aa.status in services.RESULT_STATES,
        "quarters": selectors.quarter_summary(aa.person_id, aa.year),
        "contests": list(aa.contests.all()),
        "consequences": selectors.consequences(aa),
        "grade_choices": [(g, AnnualGrade(g).label) for g in aa.grade_choices],
    }
    if is_author and aa.is_editable and aa.participates:
        context["summary_form"] = forms.get("summary_form") or AnnualSummaryForm(
            initial={"summary": aa.summary or selectors.prefill_text(aa), "training": aa.training}
        )
        context["prefilled"] = not aa.summary
    if context["may_review"]:
        context["review_form"] = forms.get("review_form") or AnnualReviewForm()
    if context["may_override"]:
        context["override_form"] = forms.get("override_form") or OverrideForm(
            initial={"code": aa.outcome_code}
        )
    if is_author and context["has_result"]:
        context["opinion_form"] = forms.get("opinion_form") or OpinionForm(
            initial={"opinion": aa.opinion or "agree", "reason": aa.opinion_reason}
        )
        context["contest_form"] = forms.get("contest_form") or ContestForm()
        context["deadlines"] = [
            (label, *contests.filing_deadline(aa, stage)) for stage, label in contests.Stage.choices
        ]
    return render(request, "reviews/annual/detail.html", context)


@login_required
def detail(request, pk):
    return _detail(request, selectors.annual_for_user(request.user, pk))


def _own(request, pk):
    aa = selectors.annual_for_user(request.user, pk)
    if aa.person.user_id != request.user.pk:
        raise PermissionDenied
    return aa


def _post(request, aa, form_key, form, action, success):
    """Run `action(cleaned_data)` when the form is valid; on a refusal, show the page again
    with the message beside the field and everything typed kept."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("reviews:annual-detail", pk=aa.pk)
    return _detail(request, aa, **{form_key: form})


@login_required
@require_POST
def summary(request, pk):
    aa = _own(request, pk)
    submit = request.POST.get("action") == "submit"
    return _post(
        request,
        aa,
        "summary_form",
        AnnualSummaryForm(request.POST),
        lambda d: services.annual_summary_save(assessment=aa, by=request.user, submit=submit, **d),
        _("已提交主管领导。") if submit else _("已保存草稿。"),
    )


@login_required
@require_POST
def review(request, pk):
    aa = selectors.annual_for_user(request.user, pk)
    if not can_act(aa, request.user):
        raise PermissionDenied
    return _post(
        request,
        aa,
        "review_form",
        AnnualReviewForm(request.POST),
        lambda d: services.annual_review(assessment=aa, by=request.user, **d),
        _("已处理。"),
    )


@login_required
@require_POST
def override(request, pk):
    aa = selectors.annual_for_user(request.user, pk)
    if not services.may_manage_unit(request.user, aa.unit_id, aa.region_id):
        raise PermissionDenied
    return _post(
        request,
        aa,
        "override_form",
        OverrideForm(request.POST),
        lambda d: services.annual_outcome_override(assessment=aa, by=request.user, **d),
        _("考核结论代码已调整。"),
    )


@login_required
@require_POST
def opinion(request, pk):
    aa = _own(request, pk)
    return _post(
        request,
        aa,
        "opinion_form",
        OpinionForm(request.POST),
        lambda d: services.annual_opinion(assessment=aa, by=request.user, **d),
        _("本人意见已记录。"),
    )


@login_required
@require_POST
def contest(request, pk):
    aa = _own(request, pk)
    return _post(
        request,
        aa,
        "contest_form",
        ContestForm(request.POST),
        lambda d: contests.contest_file(assessment=aa, by=request.user, **d),
        _("已提出，将按法定程序办理。"),
    )


@login_required
def notice(request, pk):
    """The written notice of the result (书面通知): a printable page, or its PDF."""
    aa = selectors.annual_for_user(request.user, pk)
    if aa.status not in services.RESULT_STATES or not aa.notice_date:
        raise PermissionDenied
    context = {"aa": aa, "consequences": selectors.consequences(aa)}
    if request.GET.get("format") == "pdf":
        from archive.render_pdf import PdfRenderer

        html = render_to_string("reviews/annual/notice_body.html", context)
        response = HttpResponse(PdfRenderer().render_html(html), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="notice-{aa.year.year}-{aa.pk}.pdf"'
        )
        return response
    return render(request, "reviews/annual/notice.html", context)


# -- decide screens ---------------------------------------------------------------------------


def _decide_post(request, rows, bodies) -> None:
    form = DecideForm(request.POST, bodies=bodies)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return
    done = refused = 0
    for row in rows:
        value = request.POST.get(f"grade-{row.aa.pk}", "")
        if not row.actionable or not value:
            continue
        try:
            services.annual_decide(
                assessment=row.aa,
                by=request.user,
                grade="" if value == "code" else value,
                body=form.cleaned_data["body"],
                members=form.cleaned_data["members"],
                comment=form.cleaned_data["comment"],
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, f"{row.aa.person.name}：{_errors(exc)}")
            refused += 1
        else:
            done += 1
    if done:
        messages.success(request, _("已审定 %(n)s 人，并出具书面通知。") % {"n": done})
    elif not refused:
        messages.error(request, _("请为至少一人选择等次。"))


def _decide_page(request, template_context, bodies):
    context = {
        "form": DecideForm(bodies=bodies),
        "grades": {
            "civil_servant": [(g, AnnualGrade(g).label) for g in CIVIL_SERVANT_GRADES],
            "seconded": [(g, AnnualGrade(g).label) for g in SECONDED_GRADES],
        },
        "today": timezone.localdate(),
        **template_context,
    }
    return render(request, "reviews/annual/decide.html", context)


@login_required
def decide(request, unit_pk, year):
    unit = selectors.unit_for_decide(request.user, unit_pk)
    year_row = selectors.year_or_404(unit.region_id, year)
    scope = scope_for(request.user)
    bodies = (
        (DecidingBody.UNIT_HEAD, DecidingBody.COMMITTEE)
        if unit.pk in scope.units_with(Role.PRINCIPAL_LEADER)
        else (DecidingBody.COMMITTEE,)
    )
    if request.method == "POST":
        _decide_post(request, selectors.decide_screen(request.user, unit, year_row)["rows"], bodies)
        return redirect("reviews:annual-decide", unit_pk=unit.pk, year=year)
    screen = selectors.decide_screen(request.user, unit, year_row)
    return _decide_page(request, {"title": unit.name, "year": year_row, **screen}, bodies)


@login_required
def leadership(request, region_pk, year):
    region = selectors.region_for_admin(request.user, region_pk)
    year_row = selectors.year_or_404(region.pk, year)
    bodies = (DecidingBody.DISTRICT,)
    if request.method == "POST":
        rows = selectors.leadership_screen(request.user, region.pk, year_row)["rows"]
        _decide_post(request, rows, bodies)
        return redirect("reviews:annual-leadership", region_pk=region.pk, year=year)
    screen = selectors.leadership_screen(request.user, region.pk, year_row)
    return _decide_page(
        request,
        {"title": _("%(r)s 领导班子成员") % {"r": region.name}, "year": year_row, **screen},
        bodies,
    )


# -- the district's year ------------------------------------------------------------------------


@login_required
def year_admin(request, region_pk, year):
    region = selectors.region_for_admin(request.user, region_pk)
    year_row = AssessmentYear.objects.filter(region=region, year=year).first()
    return render(
        request,
        "reviews/annual/year_admin.html",
        {
            "region": region,
            "year_number": year,
            "year": year_row,
            "units": selectors.year_overview(region.pk, year_row) if year_row else [],
            "rate_form": UnitRateForm(),
            "outcome_codes": OutcomeCode.choices,
        },
    )


@login_required
@require_POST
def open_year(request, region_pk, year):
    region = selectors.region_for_admin(request.user, region_pk)
    if not 2000 <= year <= 2100:
        raise PermissionDenied
    result = year_open(region=region, year=year)
    messages.success(
        request,
        _("%(y)s 年度考核：新建 %(c)s 条（其中结论代码 %(k)s 条），调动 %(t)s 人，离职 %(l)s 人。")
        % {
            "y": year,
            "c": result.created,
            "k": result.coded,
            "t": result.transferred,
            "l": result.left,
        },
    )
    return redirect("reviews:annual-year", region_pk=region.pk, year=year)


@login_required
@require_POST
def unit_rate(request, pk):
    row = get_or_404(
        UnitYear.objects.filter(
            region_id__in=selectors.district_regions(request.user)
        ).select_related("year"),
        pk=pk,
    )
    form = UnitRateForm(request.POST)
    if form.is_valid():
        try:
            services.unit_rate_set(unit_year=row, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("单位优秀比例已调整。"))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("reviews:annual-year", region_pk=row.region_id, year=row.year.year)


# -- 复核 / 申诉 handling --------------------------------------------------------------------------


@login_required
def contest_list(request):
    scope = scope_for(request.user)
    if not scope.has(Role.DISTRICT_ADMIN, Role.PRINCIPAL_LEADER):
        raise PermissionDenied
    return render(
        request,
        "reviews/annual/contest_list.html",
        {"contests": selectors.contests_for(request.user)},
    )


@login_required
def contest_detail(request, pk):
    item = selectors.contest_for_decider(request.user, pk)
    form = ContestDecideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contests.contest_decide(contest=item, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已办理。"))
            return redirect("reviews:annual-contests")
    aa = item.assessment
    return render(
        request,
        "reviews/annual/contest_detail.html",
        {"contest": item, "aa": aa, "form": form, "trail": actions_for([aa])[aa.pk]},
    )
