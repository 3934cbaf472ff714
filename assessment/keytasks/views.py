"""Key task pages: list, detail, create, decompose, progress, supervision (督办)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..formerrors import add_service_errors
from ..models import KeyTask, Role
from ..params import query_id, query_year
from ..tenancy import scope_for
from ..uploads import download
from . import rules, selectors, services
from .forms import DecomposeForm, NoteForm, ProgressForm, TaskCreateForm

SHOW_CHOICES = ("mine", "overdue", "at_risk")


def _require_sees_tasks(user) -> None:
    if not rules.sees_tasks(user):
        raise PermissionDenied


def _year(request) -> int:
    return query_year(request) or timezone.localdate().year


@login_required
def task_list(request):
    _require_sees_tasks(request.user)
    year = _year(request)
    show = request.GET.get("show", "")
    show = show if show in SHOW_CHOICES else ""
    tasks = selectors.task_list(request.user, year=year, show=show)
    page = Paginator(tasks, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "keytasks/task_list.html",
        {
            "page": page,
            "year": year,
            "show": show,
            "years": range(timezone.localdate().year + 1, timezone.localdate().year - 3, -1),
            "can_create": rules.can_create(request.user),
        },
    )


@login_required
def task_detail(request, pk):
    task = selectors.task_for_user(request.user, pk)
    return _detail(request, task)


def _detail(request, task: KeyTask, *, note_form: NoteForm | None = None, status: int = 200):
    user = request.user
    children = list(selectors.task_children(task))
    parent_visible = (
        task.parent_id is not None
        and selectors.visible_tasks(user).filter(pk=task.parent_id).exists()
    )
    can_supervise = rules.can_supervise(user, task)
    context = {
        "task": task,
        "today": timezone.localdate(),
        "children": children,
        "parent_visible": parent_visible,
        "reports": selectors.task_reports(task),
        "notes": selectors.task_notes(task),
        "history": selectors.task_history(task),
        "is_assignee": rules.is_assignee(user, task),
        "can_report": rules.is_assignee(user, task)
        and not any(c.status != KeyTask.Status.CANCELLED for c in children)
        and task.status != KeyTask.Status.CANCELLED,
        "can_decompose": rules.can_decompose(user, task),
        "can_supervise": can_supervise,
        "note_form": note_form or (NoteForm() if can_supervise else None),
    }
    return render(request, "keytasks/task_detail.html", context, status=status)


@login_required
def task_create(request):
    if not rules.can_create(request.user):
        raise PermissionDenied
    form = TaskCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        level, node = form.cleaned_data["owner"]
        data = {k: form.cleaned_data[k] for k in ("title", "description", "target", "deadline")}
        try:
            task = services.keytask_create(
                by=request.user, level=level, year=form.cleaned_data["year"], **node, **data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已创建任务“%(title)s”。") % {"title": task.title})
            return redirect("keytasks:task-detail", pk=task.pk)
    return render(request, "keytasks/task_form.html", {"form": form})


@login_required
def task_decompose(request, pk):
    task = selectors.task_for_user(request.user, pk)
    if not rules.can_decompose(request.user, task):
        raise PermissionDenied
    form = DecomposeForm(request.POST or None, parent=task)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("title", "description", "target", "deadline")}
        try:
            children = services.keytask_decompose(
                parent=task, by=request.user, assignees=form.cleaned_data["assignees"], **data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已分解为 %(n)s 项下级任务。") % {"n": len(children)})
            return redirect("keytasks:task-detail", pk=task.pk)
    return render(request, "keytasks/task_decompose.html", {"form": form, "task": task})


@login_required
def task_progress(request, pk):
    task = selectors.task_for_user(request.user, pk)
    if not rules.is_assignee(request.user, task):
        raise PermissionDenied
    if task.children.exclude(status=KeyTask.Status.CANCELLED).exists():
        messages.warning(request, _("该任务已分解，进度由下级任务汇总，请在下级任务中填报。"))
        return redirect("keytasks:task-detail", pk=task.pk)
    form = ProgressForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.keytask_report_progress(
                task=task,
                by=request.user,
                files=form.cleaned_data["files"],
                **{k: form.cleaned_data[k] for k in ("percent", "value", "note")},
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已填报进展。"))
            return redirect("keytasks:task-detail", pk=task.pk)
    return render(request, "keytasks/task_progress.html", {"form": form, "task": task})


@login_required
@require_POST
def note_send(request, pk):
    task = selectors.task_for_user(request.user, pk)
    if not rules.can_supervise(request.user, task):
        raise PermissionDenied
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.supervision_note_send(
                task=task, by=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("督办意见已发送给责任人。"))
            if request.POST.get("back") == "supervision":
                return redirect("keytasks:supervision")
            return redirect("keytasks:task-detail", pk=task.pk)
    return _detail(request, task, note_form=form, status=400)


@login_required
@require_POST
def note_read(request, pk):
    note = selectors.note_for_assignee(request.user, pk)
    services.note_mark_read(note=note, by=request.user)
    messages.success(request, _("已标记为已读。"))
    return redirect("keytasks:task-detail", pk=note.task_id)


@login_required
def supervision(request):
    if not rules.is_supervisor(request.user):
        raise PermissionDenied
    unit_id = query_id(request, "unit")
    is_district = bool(scope_for(request.user).regions_with(Role.DISTRICT_ADMIN))
    overdue = selectors.supervision_overdue(request.user, unit_id=unit_id)
    page = Paginator(overdue, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "keytasks/supervision.html",
        {
            "page": page,
            "at_risk": selectors.supervision_at_risk(request.user, unit_id=unit_id)[:50],
            "by_unit": selectors.overdue_by_unit(request.user) if is_district else None,
            "unit_id": unit_id,
            "note_form": NoteForm(),
        },
    )


@login_required
def home_card(request):
    """The home page card (loaded by htmx from keytasks/_home.html)."""
    _require_sees_tasks(request.user)
    is_supervisor = rules.is_supervisor(request.user)
    return render(
        request,
        "keytasks/_home_card.html",
        {
            "tasks": selectors.my_tasks(request.user).exclude(status=KeyTask.Status.DONE)[:8],
            "notes": selectors.unread_notes(request.user)[:5],
            "overdue_in_reach": selectors.overdue_count_in_reach(request.user)
            if is_supervisor
            else None,
        },
    )


@login_required
def attachment_download(request, pk):
    return download(selectors.attachment_for_user(request.user, pk))
