from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from assessment.views import person_options

from . import selectors, services
from .forms import RewardRecordForm
from .models import RewardKind


@login_required
def record_list(request):
    if not selectors.can_manage_any(request.user):
        raise PermissionDenied
    units = list(selectors.record_units(request.user))
    unit_id = request.GET.get("unit", "")
    unit_id = int(unit_id) if unit_id.isdigit() and int(unit_id) in {u.pk for u in units} else None
    kind = request.GET.get("kind", "")
    kind = kind if kind in RewardKind.values else ""
    rows = selectors.records_for_user(request.user, unit_id=unit_id, kind=kind)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "rewards/record_list.html",
        {
            "page": page,
            "units": units,
            "unit_id": unit_id,
            "kind": kind,
            "kinds": RewardKind.choices,
            "can_enter": selectors.can_enter_any(request.user),
        },
    )


@login_required
def record_create(request):
    if not selectors.can_enter_any(request.user):
        raise PermissionDenied
    form = RewardRecordForm(
        request.POST or None,
        request.FILES or None,
        people=selectors.enterable_people(request.user),
        search_url=reverse("rewards:person-search"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            record = services.reward_record_create(record=form.save(commit=False), by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("奖惩记录已保存。"))
            return redirect("rewards:record-detail", pk=record.pk)
    if form.errors and request.FILES:
        messages.warning(request, _("出于安全原因，佐证材料需要重新选择。"))
    return render(request, "rewards/record_form.html", {"form": form})


@login_required
def person_search(request):
    if not selectors.can_enter_any(request.user):
        raise PermissionDenied
    return person_options(request, selectors.enterable_people(request.user))


@login_required
def record_detail(request, pk):
    record = selectors.record_for_user(request.user, pk)
    return render(request, "rewards/record_detail.html", {"record": record})


@login_required
def record_evidence(request, pk):
    record = selectors.record_for_user(request.user, pk)
    if not record.evidence:
        raise Http404
    try:
        handle = record.evidence.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=record.evidence_name or "evidence",
        content_type=record.evidence_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
