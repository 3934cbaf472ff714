from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .audit import audit
from .audit_display import attach_details, lock_key_kind, lock_key_words
from .formerrors import add_service_errors
from .forms import AuditFilterForm, LoginForm, PersonForm, RoleGrantForm, SectionForm
from .models import AuditEvent, Lockout, Role
from .tenancy import get_or_404, scope_for
from .work import selectors as work_selectors


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@login_required
def home(request):
    scope = scope_for(request.user)
    person = getattr(request.user, "person", None) if scope.person_id else None
    return render(
        request,
        "assessment/home.html",
        {
            "scope": scope,
            "person": person,
            "managed_units": selectors.unit_list(request.user)[:50]
            if scope.has(Role.UNIT_ADMIN, Role.DISTRICT_ADMIN)
            else [],
            "Role": Role,
            "pending": work_selectors.pending_counts(request.user),
        },
    )


@login_required
def unit_list(request):
    units = selectors.unit_list(request.user)
    if not units.exists():
        raise PermissionDenied
    return render(request, "assessment/unit_list.html", {"units": units})


@login_required
def unit_detail(request, pk):
    unit = selectors.unit_for_manager(request.user, pk)
    query = request.GET.get("q", "").replace("\x00", "").strip()  # NUL breaks PostgreSQL
    people = selectors.unit_roster(unit, include_inactive=request.GET.get("all") == "1")
    if query:
        people = people.filter(Q(name__contains=query) | Q(staff_no__contains=query))
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "assessment/unit_detail.html",
        {
            "unit": unit,
            "page": page,
            "query": query,
            "sections": selectors.unit_sections(unit),
            "memberships": selectors.unit_memberships(unit),
            "section_form": SectionForm(),
            "role_form": RoleGrantForm(unit=unit),
        },
    )


@login_required
def person_create(request, unit_pk):
    unit = selectors.unit_for_manager(request.user, unit_pk)
    return _person_form(
        request,
        unit,
        PersonForm(
            request.POST or None,
            units=selectors.managed_units(request.user),
            initial={"unit": unit},
        ),
    )


@login_required
def person_edit(request, pk):
    person = selectors.person_for_manager(request.user, pk)
    return _person_form(
        request,
        person.unit,
        PersonForm(
            request.POST or None, instance=person, units=selectors.managed_units(request.user)
        ),
    )


def _person_form(request, unit, form):
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_save(
                person=form.save(commit=False),
                by=request.user,
                reason=_("编辑人员信息") if form.instance.pk else _("新增人员"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存 %(name)s。") % {"name": person.name})
            return redirect("assessment:unit-detail", pk=person.unit_id)
    return render(request, "assessment/person_form.html", {"form": form, "unit": unit})


@login_required
@require_POST
def person_deactivate(request, pk):
    person = selectors.person_for_manager(request.user, pk)
    try:
        services.person_deactivate(person=person, by=request.user)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已停用 %(name)s，其账号已不能登录。") % {"name": person.name})
    return redirect("assessment:unit-detail", pk=person.unit_id)


@login_required
@require_POST
def section_create(request, unit_pk):
    unit = selectors.unit_for_manager(request.user, unit_pk)
    form = SectionForm(request.POST)
    if form.is_valid():
        try:
            services.section_create(unit=unit, name=form.cleaned_data["name"], by=request.user)
            messages.success(request, _("已新建组室。"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("请填写组室名称。"))
    return redirect("assessment:unit-detail", pk=unit.pk)


@login_required
@require_POST
def role_grant(request, unit_pk):
    unit = selectors.unit_for_manager(request.user, unit_pk)
    form = RoleGrantForm(request.POST, unit=unit)
    if form.is_valid():
        try:
            services.role_grant(
                user=form.user,
                role=form.cleaned_data["role"],
                unit=unit,
                section=form.cleaned_data["section"],
                by=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied as exc:  # a role this admin may not grant
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已授予角色。"))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("assessment:unit-detail", pk=unit.pk)


@login_required
@require_POST
def role_revoke(request, pk):
    membership = selectors.membership_for_manager(request.user, pk)
    try:
        services.role_revoke(membership=membership, by=request.user)
    except ValidationError as exc:  # revoked meanwhile by someone else
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已撤销角色。"))
    return redirect("assessment:unit-detail", pk=membership.unit_id)


@login_required
def audit_log(request):
    if not scope_for(request.user).has(Role.AUDIT_ADMIN):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = selectors.audit_events_filtered(request.user, filters)
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    page.object_list = attach_details(page.object_list)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "assessment/audit_log.html",
        {"page": page, "form": form, "pager_params": params.urlencode()},
    )


@login_required
def lockouts(request):
    if not scope_for(request.user).has(Role.SECURITY_ADMIN):
        raise PermissionDenied
    if request.method == "POST":
        lock = get_or_404(Lockout.objects.all(), pk=request.POST.get("pk"))
        Lockout.objects.filter(pk=lock.pk).update(until=timezone.now())
        audit(AuditEvent.Kind.UNLOCKED, request=request, user=request.user, key=lock.key)
        messages.success(request, _("已解除锁定。"))
        return redirect("assessment:lockouts")
    active = list(Lockout.objects.filter(until__gt=timezone.now()).order_by("-until"))
    for lock in active:
        lock.kind_words, lock.words = lock_key_kind(lock.key), lock_key_words(lock.key)
    return render(request, "assessment/lockouts.html", {"lockouts": active})


def person_options(request, people):
    """The <option>s of a person picker's <datalist> (PersonRecordForm): the people of `people`
    (the caller's reach) matching what was typed. The caller checks the right to pick."""
    query = request.GET.get("staff_no", "")[:30]
    return render(
        request,
        "assessment/_person_options.html",
        {"people": selectors.person_search(people, query)},
    )
