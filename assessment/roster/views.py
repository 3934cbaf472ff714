"""Onboarding pages: roster import (upload → preview → confirm), accounts and slips, resets."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ..formerrors import add_service_errors
from ..selectors import person_for_manager
from ..tables import ImportFileError
from . import selectors, services
from .forms import AccountsForm, RosterConfirmForm, RosterUploadForm, UsernameForm
from .importer import HEADERS, TEMPLATE_COLUMNS


@login_required
def roster_upload(request):
    region, units, whole = selectors.onboarding_reach(request.user)
    form = RosterUploadForm(
        request.POST or None, request.FILES or None, units=units, whole_region=whole
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.roster_preview(
                region=region,
                unit=form.cleaned_data["unit"],
                name=upload.name,
                data=upload.read(),
                by=request.user,
                create_sections=form.cleaned_data["create_sections"],
            )
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("roster:detail", pk=batch.pk)
    return render(
        request,
        "roster/upload.html",
        {"form": form, "region": region, "imports": selectors.roster_imports(request.user)},
    )


@login_required
def roster_template(request):
    region, units, _whole = selectors.onboarding_reach(request.user)
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "人员名册"
    sheet.append([HEADERS[key][0] for key in TEMPLATE_COLUMNS])
    example = units[0] if units else None
    sheet.append(
        [
            "A00001",
            "张三",
            "男",
            "1985-03",
            "汉族",
            "中共党员",
            "大学本科",
            example.code if example else "",
            "综合股",
            "一级科员",
            "公务员",
            "2021-06",
            "",
        ]
    )
    codes = book.create_sheet("单位代码")
    codes.append(["单位代码", "单位名称"])
    for unit in units:
        codes.append([unit.code, unit.name])
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = "attachment; filename=roster-template.xlsx"
    return response


@login_required
def roster_detail(request, pk):
    batch = selectors.roster_import_for_user(request.user, pk)
    return _detail(request, batch, RosterConfirmForm())


def _detail(request, batch, form):
    return render(
        request,
        "roster/detail.html",
        {
            "batch": batch,
            "form": form,
            "planned": batch.planned(),
            "preview": [r for r in batch.rows if r["action"] != "unchanged"][:100],
        },
    )


@login_required
@require_POST
def roster_confirm(request, pk):
    batch = selectors.roster_import_for_user(request.user, pk)
    form = RosterConfirmForm(request.POST)
    if form.is_valid():
        try:
            result = services.roster_apply(batch=batch, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):  # about the file, not the form
                messages.error(request, " ".join(exc.messages))
                return redirect("roster:detail", pk=batch.pk)
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "名册已导入：新建 %(c)s 人，更新 %(u)s 人，未变 %(n)s 人，停用 %(d)s 人，新建组室 %(s)s 个。"
                )
                % {
                    "c": result.created,
                    "u": result.updated,
                    "n": result.unchanged,
                    "d": result.deactivated,
                    "s": result.sections,
                },
            )
            return redirect("roster:detail", pk=batch.pk)
    return _detail(request, batch, form)


@login_required
@never_cache
def accounts(request):
    """GET: who has no login yet. POST: open them and show each one-time password once."""
    region, units, whole = selectors.onboarding_reach(request.user)
    form = AccountsForm(request.POST or None, units=units, whole_region=whole)
    if request.method == "POST" and form.is_valid():
        people = selectors.people_without_account(region, form.cleaned_data["unit"])
        slips = services.accounts_create(
            people=people.order_by("unit__code", "staff_no"),
            by=request.user,
            rule=form.cleaned_data["rule"],
        )
        return render(request, "roster/slips.html", {"slips": slips, "region": region})
    waiting = selectors.people_without_account(region, None if whole else units[0])
    return render(request, "roster/accounts.html", {"form": form, "waiting": waiting.count()})


@login_required
@require_POST
@never_cache
def person_password_reset(request, pk):
    person = person_for_manager(request.user, pk)
    if person.user is None:
        messages.error(request, _("该人员还没有账号，请先开通账号。"))
        return redirect("assessment:person-edit", pk=person.pk)
    try:
        return _reset(request, person.user)
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [])) or str(exc))
        return redirect("assessment:person-edit", pk=person.pk)


def _reset(request, user):
    password = services.password_reset(user=user, by=request.user, request=request)
    return render(request, "roster/reset_done.html", {"account": user, "password": password})


@login_required
@never_cache
def account_password_reset(request):
    """The security admin's page: any account by username (not the three admins')."""
    selectors.require_security_admin(request.user)
    form = UsernameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = selectors.account_by_username(form.cleaned_data["username"])
        if user is None:
            form.add_error("username", _("没有该用户名的账号。"))
        else:
            try:
                return _reset(request, user)
            except (PermissionDenied, ValidationError) as exc:
                form.add_error(
                    "username",
                    " ".join(getattr(exc, "messages", [str(exc)])) or _("不能重置该账号的密码。"),
                )
    return render(request, "roster/reset_form.html", {"form": form})
