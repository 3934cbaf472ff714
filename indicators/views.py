"""Pages: indicator-system editor, unit weight tuning, scores and their breakdown, leader
ratings, imports with preview, negative records. Each view: access helper → form → service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessment.chain import reviewer_chain
from assessment.formerrors import add_service_errors
from assessment.models import Quarter, Region
from assessment.periods import quarter_of_day
from assessment.tenancy import scope_for
from assessment.views import person_options

from . import selectors, services
from .forms import (
    IndicatorFormSet,
    NegativeRecordForm,
    NegativeRevokeForm,
    RatingForm,
    SystemSettingsForm,
    UnitWeightsForm,
    UploadForm,
)
from .imports import ImportFileError
from .models import Category, ImportBatch, Indicator, LeaderRating, UnitIndicatorWeight

KIND_TITLES = {
    ImportBatch.Kind.ATTENDANCE: "导入考勤记录",
    ImportBatch.Kind.NEGATIVE: "导入负面信息",
}


def _current_year() -> int:
    return timezone.localdate().year


# -- indicator systems ---------------------------------------------------------------------


@login_required
def system_list(request):
    regions = selectors.district_regions(request.user)
    if not regions:
        raise PermissionDenied
    for region in Region.objects.filter(pk__in=regions):
        services.indicator_systems_ensure(region=region, year=_current_year())
    return render(
        request,
        "indicators/system_list.html",
        {"systems": selectors.systems_for_admin(request.user)},
    )


@login_required
def system_edit(request, pk):
    system = selectors.system_for_admin(request.user, pk)
    queryset = Indicator.objects.filter(system=system)
    data = request.POST if request.method == "POST" else None
    form = SystemSettingsForm(data, instance=system, prefix="s")
    formset = IndicatorFormSet(data, queryset=queryset, prefix="i")
    if data is not None and form.is_valid() and formset.is_valid():
        try:
            services.indicator_system_update(
                system=system,
                settings=form.cleaned_data,
                indicators=formset.rows(),
                by=request.user,
            )
        except ValidationError as exc:
            formset._non_form_errors = formset.error_class(exc.messages)
        else:
            messages.success(request, _("指标体系已保存，本年度各季度得分已按新规则重新计算。"))
            return redirect("indicators:system-edit", pk=system.pk)
    return render(
        request,
        "indicators/system_edit.html",
        {"system": system, "form": form, "formset": formset, "Category": Category},
    )


@login_required
def unit_weights(request, unit_pk):
    unit = selectors.unit_for_tuning(request.user, unit_pk)
    systems = services.indicator_systems_ensure(region=unit.region, year=_current_year())
    system = systems.get(unit.category_id)
    if system is None:
        raise Http404
    indicators = list(system.indicators.all())
    current = dict(
        UnitIndicatorWeight.objects.filter(unit=unit, indicator__system=system).values_list(
            "indicator_id", "weight"
        )
    )
    form = UnitWeightsForm(request.POST or None, indicators=indicators, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_weights_set(
                unit=unit, system=system, weights=form.weights(), by=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存本单位指标权重。"))
            return redirect("indicators:unit-weights", unit_pk=unit.pk)
    fixed = [i for i in indicators if not i.unit_tunable]
    return render(
        request,
        "indicators/unit_weights.html",
        {"unit": unit, "system": system, "form": form, "fixed": fixed},
    )


# -- scores --------------------------------------------------------------------------------


@login_required
def my_scores(request):
    person = getattr(request.user, "person", None)
    if person is None or scope_for(request.user).person_id != person.pk:
        raise Http404
    return render(
        request,
        "indicators/my_scores.html",
        {"person": person, "scores": selectors.person_scores(person)},
    )


@login_required
def score_detail(request, person_pk, quarter):
    person = selectors.person_for_scores(request.user, person_pk)
    quarter = selectors.quarter_or_404(person.region_id, quarter)
    score = selectors.person_scores(person).filter(quarter=quarter).select_related("system").first()
    return render(
        request,
        "indicators/score_detail.html",
        {
            "person": person,
            "quarter": quarter,
            "score": score,
            "groups": _group_breakdown(score.breakdown if score else []),
            "inputs": selectors.score_inputs(person, quarter),
            "can_rate": any(s.user_id == request.user.pk for s in reviewer_chain(person)),
        },
    )


def _group_breakdown(entries: list[dict]) -> list[tuple[str, list[dict]]]:
    labels = dict(Category.choices)
    groups: dict[str, list[dict]] = {c: [] for c in Category.values}
    for entry in entries:
        groups.setdefault(entry["cat"], []).append(entry)
    return [(labels.get(c, c), rows) for c, rows in groups.items() if rows]


@login_required
def unit_scores(request, unit_pk):
    unit = selectors.unit_for_scores(request.user, unit_pk)
    code = request.GET.get("q", "")
    if code:
        quarter = selectors.quarter_or_404(unit.region_id, code)
    else:
        quarter = quarter_of_day(unit.region, timezone.localdate())
    quarters = Quarter.objects.filter(region_id=unit.region_id, start__lte=timezone.localdate())
    page = Paginator(selectors.unit_scores(unit, quarter), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "indicators/unit_scores.html",
        {
            "unit": unit,
            "quarter": quarter,
            "page": page,
            "quarters": quarters.select_related("year"),
        },
    )


# -- leader ratings ------------------------------------------------------------------------


@login_required
def rating_list(request):
    scope = scope_for(request.user)
    if not scope.has("section_chief", "leader_in_charge", "principal_leader"):
        raise PermissionDenied
    region_id = min(scope.member_region_ids)
    code = request.GET.get("q", "")
    if code:
        quarter = selectors.quarter_or_404(region_id, code)
    else:
        quarter = quarter_of_day(Region.objects.get(pk=region_id), timezone.localdate())
    people = selectors.people_i_rate(request.user, quarter)
    rated = set(
        LeaderRating.objects.filter(quarter=quarter, rated_by=request.user).values_list(
            "person_id", flat=True
        )
    )
    return render(
        request,
        "indicators/rating_list.html",
        {
            "quarter": quarter,
            "people": people,
            "rated": rated,
            "quarters": selectors.rating_quarters(request.user).filter(region_id=region_id),
        },
    )


@login_required
def rating_edit(request, person_pk, quarter):
    person = selectors.person_for_rating(request.user, person_pk)
    quarter = selectors.quarter_or_404(person.region_id, quarter)
    system = services.indicator_systems_ensure(region=person.region, year=quarter.year.year).get(
        person.unit.category_id
    )
    if system is None:
        raise Http404
    current = dict(
        LeaderRating.objects.filter(
            person=person, quarter=quarter, rated_by=request.user
        ).values_list("indicator_id", "level")
    )
    form = RatingForm(request.POST or None, indicators=system.indicators.all(), current=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.leader_ratings_save(
                person=person, quarter=quarter, levels=form.levels(), by=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存对 %(name)s 的评价。") % {"name": person.name})
            return redirect(f"{reverse('indicators:rating-list')}?q={quarter.code}")
    return render(
        request,
        "indicators/rating_edit.html",
        {"person": person, "quarter": quarter, "form": form},
    )


# -- imports -------------------------------------------------------------------------------


def _import_page(request, kind: str):
    region = selectors.import_region(request.user, kind)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.import_preview(
                kind=kind, region=region, name=upload.name, data=upload.read(), by=request.user
            )
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("indicators:import-detail", pk=batch.pk)
    batches = selectors.import_batches(request.user, kind)[:20]
    return render(
        request,
        "indicators/import_upload.html",
        {"form": form, "kind": kind, "title": KIND_TITLES[kind], "batches": batches},
    )


@login_required
def attendance_import(request):
    return _import_page(request, ImportBatch.Kind.ATTENDANCE)


@login_required
def negative_import(request):
    return _import_page(request, ImportBatch.Kind.NEGATIVE)


@login_required
def import_detail(request, pk):
    batch = selectors.import_batch_for_user(request.user, pk)
    return render(
        request,
        "indicators/import_detail.html",
        {
            "batch": batch,
            "title": KIND_TITLES[batch.kind],
            "preview": batch.rows[:50],
            "more": max(0, len(batch.rows) - 50),
        },
    )


@login_required
@require_POST
def import_confirm(request, pk):
    batch = selectors.import_batch_for_user(request.user, pk)
    try:
        count = services.import_apply(batch=batch, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("indicators:import-detail", pk=batch.pk)
    messages.success(request, _("已导入 %(n)s 条记录，相关得分已重新计算。") % {"n": count})
    return redirect("indicators:import-detail", pk=batch.pk)


# -- negative records ----------------------------------------------------------------------


@login_required
def negative_units(request):
    if not selectors.negative_editor_regions(request.user):
        raise PermissionDenied
    year = _current_year()
    return render(
        request,
        "indicators/negative_units.html",
        {"units": selectors.negative_units(request.user, year), "year": year},
    )


@login_required
def negative_unit(request, unit_pk):
    unit = selectors.unit_for_negatives(request.user, unit_pk)
    page = Paginator(selectors.unit_negative_records(unit), 50).get_page(request.GET.get("page"))
    return render(request, "indicators/negative_unit.html", {"unit": unit, "page": page})


@login_required
def negative_create(request):
    if not selectors.negative_editor_regions(request.user):
        raise PermissionDenied
    form = NegativeRecordForm(
        request.POST or None,
        request.FILES or None,
        people=selectors.negative_people(request.user),
        search_url=reverse("indicators:negative-person-search"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            record = services.negative_record_create(
                record=form.save(commit=False), by=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已录入负面信息，相关得分已重新计算。"))
            return redirect("indicators:negative-detail", pk=record.pk)
    return render(request, "indicators/negative_form.html", {"form": form})


@login_required
def negative_person_search(request):
    if not selectors.negative_editor_regions(request.user):
        raise PermissionDenied
    return person_options(request, selectors.negative_people(request.user))


@login_required
def negative_detail(request, pk):
    record = selectors.negative_record_for_user(request.user, pk)
    return _negative_detail_page(request, record, NegativeRevokeForm())


def _negative_detail_page(request, record, revoke_form):
    return render(
        request,
        "indicators/negative_detail.html",
        {
            "record": record,
            "quarter": quarter_of_day(record.person.region, record.date),
            "can_see_score": selectors.can_see_scores_of(request.user, record.person),
            "can_revoke": record.revoked_at is None
            and selectors.may_edit_negatives(request.user, record.region_id),
            "revoke_form": revoke_form,
        },
    )


@login_required
@require_POST
def negative_revoke(request, pk):
    record = selectors.negative_record_for_user(request.user, pk)
    if not selectors.may_edit_negatives(request.user, record.region_id):
        raise PermissionDenied  # the person and their chain read the record, nothing more
    form = NegativeRevokeForm(request.POST)
    if form.is_valid():
        try:
            services.negative_record_revoke(
                record=record, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):  # revoked meanwhile: nothing left to fix here
                messages.error(request, " ".join(exc.messages))
                return redirect("indicators:negative-detail", pk=record.pk)
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已撤销该负面信息，相关得分已重新计算。"))
            return redirect("indicators:negative-detail", pk=record.pk)
    return _negative_detail_page(request, record, form)


@login_required
def negative_evidence(request, pk):
    record = selectors.negative_record_for_user(request.user, pk)
    if not record.evidence:
        raise Http404
    try:
        handle = record.evidence.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    name = record.evidence.name.rsplit("/", 1)[-1]
    response = FileResponse(handle, as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
