"""Bonus pool pages: the region's rules, a unit's pools with the what-if simulator, lock and
unlock, payroll export and the district summary."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessment.models import Region, Role
from assessment.tenancy import get_or_404, scope_for

from . import selectors, services
from .bonus import CIVIL, SECONDED, RuleSet
from .export import payroll_xlsx
from .forms import BonusPoolForm, BonusRuleForm, SimulateForm, UnlockForm, to_fen
from .models import BonusLock, BonusPool, BonusRule


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _admin_region(user) -> Region:
    regions = selectors.bonus_rule_regions(user)
    if not regions:
        raise PermissionDenied
    return Region.objects.get(pk=min(regions))


@login_required
def rule_list(request):
    region = _admin_region(request.user)
    rules = BonusRule.objects.for_region(region)
    year = timezone.localdate().year
    return render(request, "rewards/bonus/rule_list.html", {"rules": rules, "next_year": year})


@login_required
def _year_param(request) -> int:
    """?year=, else this year; anything else than a plausible year is a 404."""
    raw = request.GET.get("year", "")
    if not raw:
        return timezone.localdate().year
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        raise Http404
    return int(raw)


@login_required
def rule_edit(request):
    """The region's rules of ?year= (created on first save)."""
    region = _admin_region(request.user)
    year = _year_param(request)
    rule = BonusRule.objects.filter(region=region, year=year).first() or BonusRule(
        region=region, year=year
    )
    form = BonusRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        try:
            services.bonus_rule_save(rule=form.save(commit=False), by=request.user)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("%(year)s 年度奖金池规则已保存。") % {"year": year})
            return redirect("rewards:bonus-rules")
    return render(request, "rewards/bonus/rule_form.html", {"form": form, "year": year})


@login_required
def pool_list(request):
    if not selectors.can_read_pools(request.user):
        raise PermissionDenied
    pools = selectors.pools_for_user(request.user)
    units = selectors.bonus_units(request.user)
    return render(request, "rewards/bonus/pool_list.html", {"pools": pools, "units": units})


def _pool_form_page(request, pool: BonusPool, done: str):
    """The pool form for a new or a draft pool: validate, save through the service, or show
    the errors beside the fields with what was typed."""
    form = BonusPoolForm(request.POST or None, instance=pool)
    if request.method == "POST" and form.is_valid():
        try:
            pool = services.bonus_pool_save(pool=form.save(commit=False), by=request.user)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("rewards:bonus-pool", pk=pool.pk)
    context = {"form": form, "unit": pool.unit, "pool": pool}
    return render(request, "rewards/bonus/pool_form.html", context)


@login_required
def pool_create(request, unit_pk):
    unit = get_or_404(selectors.bonus_units(request.user).select_related("region"), pk=unit_pk)
    pool = BonusPool(unit=unit, region_id=unit.region_id, year=timezone.localdate().year)
    return _pool_form_page(request, pool, _("奖金池已设立（草稿）。"))


@login_required
def pool_edit(request, pk):
    pool = selectors.pool_for_user(request.user, pk)
    if pool.unit_id not in scope_for(request.user).units_with(Role.UNIT_ADMIN):
        raise PermissionDenied
    return _pool_form_page(request, pool, _("奖金池已保存。"))


def _simulation(pool, rule, people, data=None) -> dict:
    """The simulator's context: the saved distribution, the what-if one and each change."""
    saved = selectors.pool_distribution(pool, people, rule)
    form = SimulateForm(data, initial=SimulateForm.initial_for(pool, rule))
    sim = saved
    if data is not None and form.is_valid():
        d = form.cleaned_data
        rules = RuleSet.from_rule(rule).with_changes(
            grade_points={
                "good": d["points_good"],
                "fairly_good": d["points_fairly_good"],
                "average": d["points_average"],
                "poor": d["points_poor"],
            },
            base_percent=d["base_percent"],
            cap_fen=to_fen(d["cap"]),
        )
        sim = selectors.pool_distribution(pool, people, rule, rules, amount_fen=to_fen(d["amount"]))
        for field, message in sim.errors:
            form.add_error(field if field in form.fields else None, message)
    before = {r.facts.person_id: r.amount_fen for r in saved.rows}
    rows = []
    for r in sim.rows:
        old = before.get(r.facts.person_id)
        delta = None if r.amount_fen is None or old is None else r.amount_fen - old
        rows.append((r, old, delta))
    return {
        "sim_form": form,
        "sim": sim,
        "sim_rows": rows,
        "stats": sim.stats(CIVIL),
        "chart": {
            "names": [r.facts.name for r, _b, _d in rows if r.amount_fen is not None],
            "amounts": [r.amount_fen / 100 for r, _b, _d in rows if r.amount_fen is not None],
            "before": [(b or 0) / 100 for r, b, _d in rows if r.amount_fen is not None],
        },
    }


@login_required
def pool_detail(request, pk):
    pool = selectors.pool_for_user(request.user, pk)
    rule = BonusRule.objects.filter(region_id=pool.region_id, year=pool.year).first()
    scope = scope_for(request.user)
    context = {
        "pool": pool,
        "rule": rule,
        "can_edit": pool.unit_id in scope.units_with(Role.UNIT_ADMIN) and not pool.is_locked,
        "can_lock": pool.unit_id in scope.units_with(Role.PRINCIPAL_LEADER),
        "locks": BonusLock.objects.filter(pool=pool).select_related(
            "locked_by__person", "unlocked_by__person"
        ),
        "unlock_form": UnlockForm(),
        "SECONDED": SECONDED,
    }
    if pool.is_locked:
        context["payouts"] = selectors.current_payouts(pool)
    elif rule is not None:
        people = selectors.pool_people([pool])[pool.pk]
        dist = selectors.pool_distribution(pool, people, rule)
        data = request.GET if "amount" in request.GET else None
        context.update(_simulation(pool, rule, people, data), dist=dist)
    return render(request, "rewards/bonus/pool_detail.html", context)


@login_required
def pool_simulate(request, pk):
    """GET (writes nothing): the what-if partial for the changed settings."""
    pool = selectors.pool_for_user(request.user, pk)
    rule = BonusRule.objects.filter(region_id=pool.region_id, year=pool.year).first()
    if rule is None or pool.is_locked:
        raise Http404
    people = selectors.pool_people([pool])[pool.pk]
    context = {"pool": pool, **_simulation(pool, rule, people, request.GET)}
    return render(request, "rewards/bonus/_simulation.html", context)


@login_required
@require_POST
def pool_lock(request, pk):
    pool = selectors.pool_for_user(request.user, pk)
    try:
        services.bonus_pool_lock(pool=pool, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("奖金池已锁定，可导出发放表。"))
    return redirect("rewards:bonus-pool", pk=pool.pk)


@login_required
@require_POST
def pool_unlock(request, pk):
    pool = selectors.pool_for_user(request.user, pk)
    form = UnlockForm(request.POST)
    if form.is_valid():
        try:
            services.bonus_pool_unlock(
                pool=pool, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("奖金池已解锁，恢复为草稿。"))
    else:
        if pool.unit_id not in scope_for(request.user).units_with(Role.PRINCIPAL_LEADER):
            raise PermissionDenied
        messages.error(request, _("请填写解锁理由。"))
    return redirect("rewards:bonus-pool", pk=pool.pk)


@login_required
def pool_export(request, pk):
    pool = selectors.pool_for_user(request.user, pk)
    if not pool.is_locked:
        messages.error(request, _("奖金池锁定后才能导出发放表。"))
        return redirect("rewards:bonus-pool", pk=pool.pk)
    body = payroll_xlsx(pool, selectors.current_payouts(pool))
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"bonus-{pool.unit.code}-{pool.year}{f'Q{pool.quarter}' if pool.quarter else ''}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def summary(request):
    if not selectors.bonus_rule_regions(request.user):
        raise PermissionDenied
    year = _year_param(request)
    rows = selectors.district_summary(request.user, year)
    return render(request, "rewards/bonus/summary.html", {"rows": rows, "year": year})
