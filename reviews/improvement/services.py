"""Actions of the improvement loop: 不足提醒 (issue → acknowledge → rectify → accept/return) and
导师帮带 (opened by a 一般/较差 grade, mentor assigned, return visits, closed with a result).
Each action checks the actor, locks the row, records a history reason and notifies."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from assessment.models import Membership, Person, QuarterGrade, QuarterlyAssessment, Role
from assessment.periods import quarter_for, quarter_number
from notifications.services import Note, notify

from . import access
from .models import (
    DEFAULT_CATEGORIES,
    DeficiencyCategory,
    DeficiencyReminder,
    MentoringCase,
    ReturnVisit,
)

MENTORING_GRADES = (QuarterGrade.AVERAGE, QuarterGrade.POOR)
MENTOR_LOAD_WARNING = 3  # more open mentees than this: the unit admin is warned


def categories_for(region):
    """The region's active categories, created with the defaults on first use."""
    rows = DeficiencyCategory.objects.filter(region=region)
    if not rows.exists():
        DeficiencyCategory.objects.bulk_create(
            [
                DeficiencyCategory(region=region, name=name, position=i)
                for i, name in enumerate(DEFAULT_CATEGORIES)
            ],
            ignore_conflicts=True,
        )
    return rows.filter(active=True)


def _save(obj, reason: str) -> None:
    obj.save()
    update_change_reason(obj, reason)


def _link(reminder) -> str:
    return reverse("reviews:deficiency-detail", args=[reminder.pk])


# -- 不足提醒 ----------------------------------------------------------------------------------


def deficiency_issue(
    *,
    person: Person,
    by,
    kind: str,
    category: DeficiencyCategory,
    shortfall: str,
    expectation: str,
    due: date,
    today: date | None = None,
) -> DeficiencyReminder:
    today = today or timezone.localdate()
    if not access.reminder_targets(by).filter(pk=person.pk).exists():
        raise PermissionDenied(_("只能向本人审核范围内的人员发出不足提醒。"))
    errors = {}
    if kind not in DeficiencyReminder.Kind.values:
        errors["kind"] = _("请选择提醒方式。")
    if category.region_id != person.region_id or not category.active:
        errors["category"] = _("请选择本区启用的类别。")
    if not shortfall.strip():
        errors["shortfall"] = _("请填写存在的不足。")
    if not expectation.strip():
        errors["expectation"] = _("请填写整改要求。")
    if due < today:
        errors["due"] = _("整改期限不能早于今天。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        reminder = DeficiencyReminder(
            region_id=person.region_id,
            unit_id=person.unit_id,
            section_id=person.section_id,
            person=person,
            quarter=quarter_for(person.region, today.year, quarter_number(today)),
            issued_by=by,
            kind=kind,
            category=category,
            shortfall=shortfall.strip(),
            expectation=expectation.strip(),
            due=due,
        )
        _save(reminder, _("发出不足提醒"))
        if person.user_id:
            notify(
                [
                    Note(
                        person.user_id,
                        person.region_id,
                        "deficiency",
                        f"deficiency:{reminder.pk}",
                        _("您收到一条不足提醒（%(c)s），请于 %(d)s 前整改。")
                        % {"c": category.name, "d": due},
                        _link(reminder),
                    )
                ]
            )
    return reminder


def _locked(reminder) -> DeficiencyReminder:
    return (
        DeficiencyReminder.objects.select_for_update().select_related("person").get(pk=reminder.pk)
    )


def deficiency_acknowledge(*, reminder: DeficiencyReminder, by) -> DeficiencyReminder:
    with transaction.atomic():
        row = _locked(reminder)
        if row.person.user_id != by.pk:
            raise PermissionDenied
        if row.status != DeficiencyReminder.Status.ISSUED:
            raise ValidationError(_("该提醒已确认。"))
        row.status, row.acknowledged_at = DeficiencyReminder.Status.ACKNOWLEDGED, timezone.now()
        _save(row, _("本人确认不足提醒"))
    return row


def deficiency_rectify(*, reminder: DeficiencyReminder, by, text: str) -> DeficiencyReminder:
    if not text.strip():
        raise ValidationError({"rectification": _("请填写整改情况。")})
    with transaction.atomic():
        row = _locked(reminder)
        if row.person.user_id != by.pk:
            raise PermissionDenied
        if row.status not in DeficiencyReminder.OPEN_STATES:
            raise ValidationError(_("当前状态不能提交整改。"))
        if row.acknowledged_at is None:
            row.acknowledged_at = timezone.now()
        row.status = DeficiencyReminder.Status.SUBMITTED
        row.rectification, row.rectified_at = text.strip(), timezone.now()
        _save(row, _("提交整改情况"))
        notify(
            [
                Note(
                    row.issued_by_id,
                    row.region_id,
                    "rectification",
                    f"rectified:{row.pk}:{row.rectified_at.isoformat()}",
                    _("%(n)s 已提交不足提醒的整改情况，请验收。") % {"n": row.person.name},
                    _link(row),
                )
            ]
        )
    return row


def deficiency_review(
    *, reminder: DeficiencyReminder, by, accept: bool, comment: str = ""
) -> DeficiencyReminder:
    if not accept and not comment.strip():
        raise ValidationError({"comment": _("退回时请说明理由。")})
    with transaction.atomic():
        row = _locked(reminder)
        if not access.may_review_deficiency(by, row):
            raise PermissionDenied
        if row.status != DeficiencyReminder.Status.SUBMITTED:
            raise ValidationError(_("没有待验收的整改。"))
        row.review_comment = comment.strip()
        if accept:
            row.status, row.closed_at = DeficiencyReminder.Status.ACCEPTED, timezone.now()
            reason, text = _("整改验收通过，销号"), _("您的整改已验收通过（销号）。")
        else:
            row.status = DeficiencyReminder.Status.RETURNED
            reason = _("整改退回：%(r)s") % {"r": row.review_comment}
            text = _("您的整改被退回：%(r)s") % {"r": row.review_comment}
        _save(row, reason)
        if row.person.user_id:
            notify(
                [
                    Note(
                        row.person.user_id,
                        row.region_id,
                        "rectification",
                        f"reviewed:{row.pk}:{timezone.now().isoformat()}",
                        text,
                        _link(row),
                    )
                ]
            )
    return row


# -- 导师帮带 ----------------------------------------------------------------------------------


def _unit_admins(unit_id: int) -> list[int]:
    return list(
        Membership.objects.current(timezone.localdate())
        .filter(unit_id=unit_id, role=Role.UNIT_ADMIN)
        .values_list("user_id", flat=True)
    )


def mentoring_sync(*, assessment: QuarterlyAssessment) -> MentoringCase | None:
    """Call inside the transaction that set the grade (decide or appeal). A 一般/较差 grade opens
    the record's case once; a grade raised above them cancels an open case as 撤销."""
    case = MentoringCase.objects.select_for_update().filter(assessment_id=assessment.pk).first()
    if assessment.grade in MENTORING_GRADES:
        if case is not None:
            if case.grade != assessment.grade and case.status == MentoringCase.Status.OPEN:
                case.grade = assessment.grade
                _save(case, _("申诉变更等次：%(g)s") % {"g": assessment.get_grade_display()})
            return case
        case = MentoringCase(
            region_id=assessment.region_id,
            unit_id=assessment.unit_id,
            person_id=assessment.person_id,
            assessment=assessment,
            grade=assessment.grade,
        )
        _save(case, _("季度考核等次为%(g)s，启动导师帮带") % {"g": assessment.get_grade_display()})
        notify(
            Note(
                uid,
                case.region_id,
                "mentoring",
                f"mentoring-opened:{case.pk}",
                _("%(n)s 季度考核为%(g)s，请指定帮带导师。")
                % {"n": assessment.person.name, "g": assessment.get_grade_display()},
                reverse("reviews:mentoring-detail", args=[case.pk]),
            )
            for uid in _unit_admins(case.unit_id)
        )
        return case
    if case is not None and case.status == MentoringCase.Status.OPEN:
        case.status, case.closed_at = MentoringCase.Status.CANCELLED, timezone.now()
        _save(case, _("申诉后等次为%(g)s，帮带撤销") % {"g": assessment.get_grade_display()})
    return case


def mentor_load(mentor: Person) -> int:
    return MentoringCase.objects.filter(mentor=mentor, status=MentoringCase.Status.OPEN).count()


def mentor_assign(*, case: MentoringCase, mentor: Person, by) -> tuple[MentoringCase, int]:
    """The unit admin picks a mentor of the unit (not the mentee). Returns the case and the
    mentor's open load, so the page can warn past MENTOR_LOAD_WARNING."""
    if not access.may_manage_case(by, case):
        raise PermissionDenied
    if mentor.unit_id != case.unit_id or not mentor.is_active:
        raise ValidationError({"mentor": _("导师须为本单位在职人员。")})
    if mentor.pk == case.person_id:
        raise ValidationError({"mentor": _("导师不能是帮带对象本人。")})
    if not mentor.user_id:
        raise ValidationError({"mentor": _("导师须有系统账号。")})
    with transaction.atomic():
        row = MentoringCase.objects.select_for_update().get(pk=case.pk)
        if row.status != MentoringCase.Status.OPEN:
            raise ValidationError(_("帮带已结束。"))
        row.mentor, row.assigned_by, row.assigned_at = mentor, by, timezone.now()
        _save(row, _("指定导师：%(m)s") % {"m": mentor.name})
        notify(
            [
                Note(
                    mentor.user_id,
                    row.region_id,
                    "mentoring",
                    f"mentor-assigned:{row.pk}:{mentor.pk}",
                    _("您被指定为 %(n)s 的帮带导师，请制定帮带目标。") % {"n": case.person.name},
                    reverse("reviews:mentoring-detail", args=[row.pk]),
                )
            ]
        )
    return row, mentor_load(mentor)


def _mentor_only(by, case) -> MentoringCase:
    row = MentoringCase.objects.select_for_update().get(pk=case.pk)
    if not access.is_mentor(by, row):
        raise PermissionDenied
    if row.status != MentoringCase.Status.OPEN:
        raise ValidationError(_("帮带已结束。"))
    return row


def mentoring_targets_set(*, case: MentoringCase, by, targets: str) -> MentoringCase:
    if not targets.strip():
        raise ValidationError({"targets": _("请填写帮带目标。")})
    with transaction.atomic():
        row = _mentor_only(by, case)
        row.targets = targets.strip()
        _save(row, _("制定帮带目标"))
    return row


def return_visit_record(
    *,
    case: MentoringCase,
    by,
    day: date,
    summary: str,
    progress: str,
    next_step: str,
    today: date | None = None,
) -> ReturnVisit:
    today = today or timezone.localdate()
    errors = {}
    if day > today:
        errors["date"] = _("回访日期不能晚于今天。")
    for field, value, msg in (
        ("summary", summary, _("请填写谈话摘要。")),
        ("progress", progress, _("请填写改进情况。")),
        ("next_step", next_step, _("请填写下一步。")),
    ):
        if not value.strip():
            errors[field] = msg
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row = _mentor_only(by, case)
        if day < timezone.localtime(row.opened_at).date():
            raise ValidationError({"date": _("回访日期不能早于帮带开始。")})
        quarter = quarter_for(row.person.region, day.year, quarter_number(day))
        if ReturnVisit.objects.filter(case=row, quarter=quarter).exists():
            raise ValidationError({"date": _("本季度已记录回访。")})
        visit = ReturnVisit(
            case=row,
            quarter=quarter,
            date=day,
            summary=summary.strip(),
            progress=progress.strip(),
            next_step=next_step.strip(),
            recorded_by=by,
        )
        _save(visit, _("记录季度回访"))
    return visit


def next_quarter_grade(case: MentoringCase) -> str:
    """The grade of the quarter after the one that opened the case (shown when closing)."""
    q = case.assessment.quarter
    year, number = (q.year.year + 1, 1) if q.number == 4 else (q.year.year, q.number + 1)
    qa = (
        QuarterlyAssessment.objects.filter(
            person_id=case.person_id, quarter__year__year=year, quarter__number=number
        )
        .exclude(grade="")
        .first()
    )
    return qa.get_grade_display() if qa else ""


def mentoring_close(*, case: MentoringCase, by, result: str, note: str = "") -> MentoringCase:
    """The mentor (or the unit admin) closes the case with 已改进 / 未改进."""
    if result not in MentoringCase.Result.values:
        raise ValidationError({"result": _("请选择帮带结果。")})
    with transaction.atomic():
        row = MentoringCase.objects.select_for_update().get(pk=case.pk)
        if not (access.is_mentor(by, row) or access.may_manage_case(by, row)):
            raise PermissionDenied
        if row.status != MentoringCase.Status.OPEN:
            raise ValidationError(_("帮带已结束。"))
        if not row.visits.exists():
            raise ValidationError(_("至少记录一次季度回访后才能结束帮带。"))
        row.status, row.result, row.result_note = MentoringCase.Status.CLOSED, result, note.strip()
        row.closed_at = timezone.now()
        _save(row, _("帮带结束：%(r)s") % {"r": row.get_result_display()})
    return row
