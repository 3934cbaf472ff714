"""复核 and 申诉 of an annual result [法 Art. 95–96], periods from the year's settings:

- 复核: filed within reexam_file_days (30) of the written notice; decided within
  reexam_decide_days (30) by the organ that decided (the unit's principal leader for the unit head
  or its committee; the district admin for leadership members);
- 申诉: within annual_appeal_after_reexam_days (15) of the 复核 decision, or directly within
  annual_appeal_direct_days (30) of the notice; decided within annual_appeal_decide_days (60) by
  the district admin as the 公务员主管部门, never by the one who decided the grade.

The grade stays in force meanwhile; an outcome worse than the original is refused; a changed
grade passes the same rules (eligibility, quota) and re-issues the sheet (history + notice)."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from assessment.models import AnnualAssessment, AnnualContest, AnnualGrade, DecidingBody, Role
from assessment.models.annual import GRADE_RANK
from assessment.tenancy import scope_for

from .. import engine
from ..models import Decision
from .services import RESULT_STATES, _lock_quota, _with_year, check_annual_grade

Stage = AnnualContest.Stage


def filing_deadline(aa: AnnualAssessment, stage: str) -> tuple[date | None, str]:
    """(last day to file, the rule) for a stage; None when it cannot be filed (yet)."""
    year = aa.year
    if not aa.notice_date:
        return None, _("尚未收到书面通知")
    if stage == Stage.REEXAMINATION:
        return aa.notice_date + timedelta(days=year.reexam_file_days), _(
            "自收到书面通知之日起 %(n)s 日内申请复核"
        ) % {"n": year.reexam_file_days}
    reexam = next((c for c in aa.contests.all() if c.stage == Stage.REEXAMINATION), None)
    if reexam is None:
        return aa.notice_date + timedelta(days=year.annual_appeal_direct_days), _(
            "自收到书面通知之日起 %(n)s 日内直接申诉"
        ) % {"n": year.annual_appeal_direct_days}
    if not reexam.decided_on:
        return None, _("复核尚未作出决定")
    return reexam.decided_on + timedelta(days=year.annual_appeal_after_reexam_days), _(
        "自复核决定之日起 %(n)s 日内申诉"
    ) % {"n": year.annual_appeal_after_reexam_days}


def contest_file(
    *, assessment: AnnualAssessment, by, stage: str, reason: str, today: date | None = None
) -> AnnualContest:
    today = today or timezone.localdate()
    if assessment.person.user_id != by.pk:
        raise PermissionDenied(_("只有本人可以申请复核或提出申诉。"))
    if stage not in Stage.values:
        raise ValidationError({"stage": _("请选择复核或申诉。")})
    if not reason.strip():
        raise ValidationError({"reason": _("请填写理由。")})
    with transaction.atomic():
        aa = (
            AnnualAssessment.objects.select_for_update()
            .select_related("year", "person")
            .get(pk=assessment.pk)
        )
        if aa.status not in RESULT_STATES:
            raise ValidationError(_("年度考核结果尚未审定，不能申请复核或申诉。"))
        done = {c.stage: c for c in aa.contests.all()}
        if stage in done:
            raise ValidationError(_("已提出过%(s)s，不能重复提出。") % {"s": Stage(stage).label})
        if any(c.status == AnnualContest.Status.PENDING for c in done.values()):
            raise ValidationError(_("已有尚未处理完毕的复核或申诉。"))
        deadline, rule = filing_deadline(aa, stage)
        if deadline is None:
            raise ValidationError(_("现在不能提出：%(r)s。") % {"r": rule})
        if today > deadline:
            raise ValidationError(
                _("已超过期限：%(rule)s（书面通知 %(n)s，截止 %(d)s，今天 %(t)s）。")
                % {"rule": rule, "n": aa.notice_date, "d": deadline, "t": today}
            )
        year = aa.year
        days = (
            year.reexam_decide_days
            if stage == Stage.REEXAMINATION
            else year.annual_appeal_decide_days
        )
        contest = AnnualContest.objects.create(
            region_id=aa.region_id,
            assessment=aa,
            stage=stage,
            reason=reason,
            filed_on=today,
            due=today + timedelta(days=days),
            original_grade=aa.grade,
        )
        update_change_reason(contest, _("提出%(s)s") % {"s": Stage(stage).label})
        engine._record(aa, by=by, decision=Decision.APPEAL, from_status=aa.status, comment=reason)
    return contest


def may_decide_contest(user, contest: AnnualContest) -> bool:
    """复核: the organ that decided; 申诉: the district admin, never the original decider."""
    aa = contest.assessment
    scope = scope_for(user)
    district = aa.region_id in scope.regions_with(Role.DISTRICT_ADMIN)
    if contest.stage == Stage.APPEAL:
        return district and user.pk not in (aa.decided_by_id, aa.person.user_id)
    if aa.deciding_body == DecidingBody.DISTRICT:
        return district
    return aa.unit_id in scope.units_with(Role.PRINCIPAL_LEADER) and user.pk != aa.person.user_id


def contest_decide(
    *,
    contest: AnnualContest,
    by,
    outcome: str,
    new_grade: str = "",
    reason: str = "",
    today: date | None = None,
) -> AnnualContest:
    today = today or timezone.localdate()
    if not may_decide_contest(by, contest):
        raise PermissionDenied(_("复核由原审定机关办理，申诉由区委组织部（公务员主管部门）办理。"))
    if outcome not in (AnnualContest.Status.UPHELD, AnnualContest.Status.CHANGED):
        raise ValidationError({"outcome": _("请选择处理结果。")})
    if not reason.strip():
        raise ValidationError({"reason": _("请填写处理意见。")})
    with transaction.atomic():
        contest = (
            AnnualContest.objects.select_for_update()
            .select_related("assessment__year")
            .get(pk=contest.pk)
        )
        if contest.status != AnnualContest.Status.PENDING:
            raise ValidationError(_("该%(s)s已处理。") % {"s": contest.get_stage_display()})
        aa = contest.assessment
        changed = outcome == AnnualContest.Status.CHANGED
        if changed:
            if new_grade == aa.grade or new_grade not in AnnualGrade.values:
                raise ValidationError({"new_grade": _("变更后的等次须与原等次不同。")})
            if GRADE_RANK[AnnualGrade(new_grade)] > GRADE_RANK[AnnualGrade(aa.grade)]:
                raise ValidationError(
                    {
                        "new_grade": _("复核、申诉不得作出比原等次（%(a)s）更不利的结果（%(b)s）。")
                        % {"a": aa.get_grade_display(), "b": AnnualGrade(new_grade).label}
                    }
                )
            _lock_quota(aa)
        label = (
            _("%(s)s变更等次：%(a)s → %(b)s。%(r)s")
            % {
                "s": contest.get_stage_display(),
                "a": aa.get_grade_display(),
                "b": AnnualGrade(new_grade).label,
                "r": reason,
            }
            if changed
            else _("%(s)s维持原等次。%(r)s") % {"s": contest.get_stage_display(), "r": reason}
        )

        def apply(row):
            if changed:
                row = _with_year(row)
                check_annual_grade(row, new_grade)
                row.grade = new_grade

        engine.transition(
            aa,
            by=by,
            allowed_from=RESULT_STATES,
            to_status=aa.status,
            decision=Decision.REDECIDE,
            comment=label,
            apply=apply,
        )
        contest.status = outcome
        contest.new_grade = new_grade if changed else contest.original_grade
        contest.outcome_reason = reason
        contest.decided_by, contest.decided_on = by, today
        contest.save()
        update_change_reason(contest, label)
    return contest
