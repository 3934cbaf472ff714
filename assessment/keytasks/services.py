"""State-changing operations on key tasks (目责任务): create, decompose, report progress,
supervise (督办). Every function checks the actor's right and runs in one transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    Attachment,
    KeyTask,
    KeyTaskProgress,
    Person,
    Region,
    Role,
    Section,
    SupervisionNote,
    Unit,
)
from ..tenancy import scope_for
from ..uploads import validate_upload
from . import rules

Level = KeyTask.Level
Status = KeyTask.Status
MAX_FILES = 5
HUNDRED = Decimal("100")
CHILD_LEVEL = {Level.REGION: Level.UNIT, Level.UNIT: Level.SECTION, Level.SECTION: Level.PERSON}


def _save(task: KeyTask, reason: str, by) -> None:
    # read by simple-history when it writes the history row (also outside a request)
    task._change_reason, task._history_user = reason, by
    # field checks only: the foreign keys were checked by the caller (no query per key)
    task.clean_fields(exclude=["region", "parent", "unit", "section", "person", "created_by"])
    task.save()


def _check_texts(*, title: str, target: str, deadline: date, year: int) -> None:
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("请填写任务名称。")
    if not (target or "").strip():
        errors["target"] = _("请填写量化目标。")
    if deadline is None:
        errors["deadline"] = _("请填写完成时限。")
    elif deadline.year != year:
        errors["deadline"] = _("完成时限必须在任务年度（%(year)s 年）内。") % {"year": year}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def keytask_create(
    *,
    by,
    level: str,
    region: Region | None = None,
    unit: Unit | None = None,
    title: str,
    description: str = "",
    target: str,
    deadline: date,
    year: int,
) -> KeyTask:
    """A top-level task: region level (district admin) or unit level (unit admin, principal)."""
    scope = scope_for(by)
    if level == Level.REGION:
        if region is None or region.pk not in scope.regions_with(Role.DISTRICT_ADMIN):
            raise PermissionDenied(_("只有区委组织部管理员可以创建区级任务。"))
        unit = None
    elif level == Level.UNIT:
        if unit is None or unit.pk not in scope.units_with(*rules.UNIT_OWNER_ROLES):
            raise PermissionDenied(_("只有本单位考核管理员或主要领导可以创建单位任务。"))
        region = unit.region
    else:
        raise ValidationError(_("只能创建区级或单位任务，组室和个人任务由分解产生。"))
    _check_texts(title=title, target=target, deadline=deadline, year=year)
    task = KeyTask(
        region=region,
        level=level,
        unit=unit,
        year=year,
        title=title.strip(),
        description=description.strip(),
        target=target.strip(),
        deadline=deadline,
        created_by=by,
    )
    _save(task, _("新建任务"), by)
    return task


def _child_nodes(parent: KeyTask, assignees: Sequence) -> list[dict]:
    """Check each assignee is one level below the parent and inside its node; return the
    fields of each child (the tree is denormalised: a person task carries its section and unit)."""
    children = []
    for node in assignees:
        if parent.level == Level.REGION and isinstance(node, Unit):
            ok = node.region_id == parent.region_id and node.is_active
            fields = {"unit": node}
        elif parent.level == Level.UNIT and isinstance(node, Section):
            ok = node.unit_id == parent.unit_id and node.is_active
            fields = {"unit_id": node.unit_id, "section": node}
        elif parent.level == Level.SECTION and isinstance(node, Person):
            ok = node.section_id == parent.section_id and node.is_active
            fields = {"unit_id": node.unit_id, "section_id": node.section_id, "person": node}
        else:
            ok, fields = False, {}
        if not ok:
            raise ValidationError(
                {"assignees": _("“%(name)s”不是该任务的下一级，不能分解给它。") % {"name": node}}
            )
        children.append(fields)
    return children


@transaction.atomic
def keytask_decompose(
    *,
    parent: KeyTask,
    by,
    assignees: Iterable[Unit | Section | Person],
    title: str,
    description: str = "",
    target: str,
    deadline: date,
) -> list[KeyTask]:
    """Split a task one level down: region → units, unit → sections, section → people.
    Each child gets the same title, target and deadline (no later than the parent's)."""
    parent = KeyTask.objects.select_for_update().get(pk=parent.pk)
    if not rules.can_decompose(by, parent):
        raise PermissionDenied(_("您无权分解该任务。"))
    assignees = list(assignees)
    if not assignees:
        raise ValidationError({"assignees": _("请至少选择一个分解对象。")})
    _check_texts(title=title, target=target, deadline=deadline, year=parent.year)
    if deadline > parent.deadline:
        raise ValidationError(
            {
                "deadline": _("完成时限不能晚于上级任务的时限（%(date)s）。")
                % {"date": parent.deadline.isoformat()}
            }
        )
    nodes = _child_nodes(parent, assignees)
    level = CHILD_LEVEL[parent.level]
    field = {Level.UNIT: "unit_id", Level.SECTION: "section_id", Level.PERSON: "person_id"}[level]
    ids = [getattr(KeyTask(**n), field) for n in nodes]
    taken = set(
        parent.children.exclude(status=Status.CANCELLED)
        .filter(**{f"{field}__in": ids})
        .values_list(field, flat=True)
    )
    if taken:
        names = "、".join(str(a) for a, i in zip(assignees, ids, strict=True) if i in taken)
        raise ValidationError({"assignees": _("已分解给：%(names)s。") % {"names": names}})
    children = []
    for fields in nodes:
        child = KeyTask(
            region_id=parent.region_id,
            parent=parent,
            level=level,
            year=parent.year,
            title=title.strip(),
            description=description.strip(),
            target=target.strip(),
            deadline=deadline,
            created_by=by,
            **fields,
        )
        _save(child, _("由上级任务分解"), by)
        children.append(child)
    _rollup(parent, by)
    return children


def _status_for(progress: Decimal, current: str) -> str:
    if current == Status.CANCELLED:
        return current
    return Status.DONE if progress >= HUNDRED else Status.ACTIVE


def _rollup(task: KeyTask, by) -> None:
    """Recompute a decomposed task from its children, then its parent, up to the root. The
    caller holds the lock on `task`; each ancestor is locked before it is read."""
    while task is not None:
        mean = task.children.exclude(status=Status.CANCELLED).aggregate(m=Avg("progress"))["m"]
        if mean is not None:
            progress = Decimal(mean).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            status = _status_for(progress, task.status)
            if (progress, status) != (task.progress, task.status):
                task.progress, task.status = progress, status
                _save(task, _("下级任务进度汇总"), by)
        if task.parent_id is None:
            return
        task = KeyTask.objects.select_for_update().get(pk=task.parent_id)


@transaction.atomic
def keytask_report_progress(
    *,
    task: KeyTask,
    by,
    percent: Decimal,
    value: str = "",
    note: str,
    files: Sequence = (),
) -> KeyTaskProgress:
    """The assignee reports progress; the task and every ancestor are updated."""
    task = KeyTask.objects.select_for_update().get(pk=task.pk)
    if not rules.is_assignee(by, task):
        raise PermissionDenied(_("只有任务责任人可以填报进展。"))
    if task.status == Status.CANCELLED:
        raise ValidationError(_("该任务已取消，不能填报进展。"))
    if task.children.exclude(status=Status.CANCELLED).exists():
        raise ValidationError(_("该任务已分解，进度由下级任务汇总，请在下级任务中填报。"))
    errors = {}
    if percent is None or not (0 <= percent <= HUNDRED):
        errors["percent"] = _("完成进度应在 0 到 100 之间。")
    if not (note or "").strip():
        errors["note"] = _("请填写进展说明。")
    files = [f for f in files if f]
    if len(files) > MAX_FILES:
        errors["files"] = _("一次最多上传 %(n)s 个文件。") % {"n": MAX_FILES}
    else:
        file_errors = []
        content_types = []
        for upload in files:
            try:
                content_types.append(validate_upload(upload))
            except ValidationError as exc:
                file_errors.extend(exc.messages)
        if file_errors:
            errors["files"] = file_errors
    if errors:
        raise ValidationError(errors)
    report = KeyTaskProgress(
        task=task, percent=percent, value=(value or "").strip(), note=note.strip(), posted_by=by
    )
    report._change_reason, report._history_user = _("填报进展"), by
    report.save()
    for upload, content_type in zip(files, content_types, strict=True):
        Attachment.objects.create(
            region_id=task.region_id,
            progress=report,
            file=upload,
            name=upload.name[:200],
            content_type=content_type,
            size=upload.size,
            uploaded_by=by,
        )
    progress = Decimal(percent).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    task.progress, task.status = progress, _status_for(progress, task.status)
    _save(task, _("填报进展：%(p)s%%") % {"p": progress}, by)
    if task.parent_id:
        _rollup(KeyTask.objects.select_for_update().get(pk=task.parent_id), by)
    if task.person_id:  # 重点任务完成 scores from a person's own tasks (assessment.score_providers)
        from indicators.services import score_inputs_changed_on

        score_inputs_changed_on(
            region=task.region,
            day=timezone.localdate(),
            person_ids=[task.person_id],
            reason=_("重点任务进展变化"),
        )
    return report


@transaction.atomic
def supervision_note_send(*, task: KeyTask, by, text: str) -> SupervisionNote:
    """督办: a leader or the district writes to the task's assignee; the note stays unread
    (read_at empty) until the assignee opens it."""
    if not rules.can_supervise(by, task):
        raise PermissionDenied(_("您无权督办该任务。"))
    if not (text or "").strip():
        raise ValidationError({"text": _("请填写督办意见。")})
    return SupervisionNote.objects.create(task=task, author=by, text=text.strip(), read_at=None)


@transaction.atomic
def note_mark_read(*, note: SupervisionNote, by) -> SupervisionNote:
    note = SupervisionNote.objects.select_for_update().select_related("task").get(pk=note.pk)
    if not rules.is_assignee(by, note.task):
        raise PermissionDenied(_("只有任务责任人可以标记督办意见为已读。"))
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    return note
