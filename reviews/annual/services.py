"""Year-end appraisal: every state change of an AnnualAssessment is one function here.

summary (pre-filled) → levels 1–2 of the chain comment and propose (engine, ANNUAL_FLOW) →
decision by the unit head or an authorised 考核委员会 (the district admin for leadership
members) within the 优秀 quota, under a lock on the unit-year row (the year row for the
leadership group) → written notice (its date) → 本人意见 → 复核 / 申诉 (contests.py).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from assessment.models import (
    AnnualAssessment,
    AnnualGrade,
    AssessmentYear,
    DecidingBody,
    Opinion,
    OutcomeCode,
    Role,
    UnitYear,
)
from assessment.tenancy import scope_for

from .. import engine
from ..models import Decision, ReviewState
from . import facts
from .rules import excellent_refusal, quota_refusal

ANNUAL_FLOW = engine.Flow(max_level=2)  # the 主管领导: section chief and leader in charge
DECIDABLE = (ReviewState.APPROVED,)
CODED_DECIDABLE = (ReviewState.DRAFT, ReviewState.RETURNED, ReviewState.APPROVED)
RESULT_STATES = (ReviewState.DECIDED, ReviewState.CONFIRMED)


def _locked(aa: AnnualAssessment) -> AnnualAssessment:
    return (
        AnnualAssessment.objects.select_for_update().select_related("person", "year").get(pk=aa.pk)
    )


# -- summary and proposal --------------------------------------------------------------------


@transaction.atomic
def annual_summary_save(
    *, assessment: AnnualAssessment, by, summary: str, training: str = "", submit: bool = False
) -> AnnualAssessment:
    aa = _locked(assessment)
    if aa.person.user_id != by.pk:
        raise PermissionDenied(_("只能填写本人的年度总结。"))
    if not aa.is_editable:
        raise ValidationError(_("年度总结已提交，不能再修改。"))
    if not aa.participates:
        raise ValidationError(_("本年度不参加考核：%(r)s") % {"r": aa.outcome_reason})
    if submit and not summary.strip():
        raise ValidationError({"summary": _("请填写个人总结后再提交。")})
    aa.summary, aa.training = summary, training
    aa.save()
    update_change_reason(aa, _("编辑年度个人总结"))
    if submit:
        aa = engine.submit(aa, by=by, person=aa.person, flow=ANNUAL_FLOW, comment=_("提交年度总结"))
    return aa


def annual_review(
    *, assessment: AnnualAssessment, by, decision: str, comment: str = "", suggested_grade=""
) -> AnnualAssessment:
    """The 主管领导 (levels 1–2) writes the 评语 and proposes a grade, or returns."""
    if decision == Decision.APPROVE:
        if suggested_grade not in assessment.grade_choices:
            raise ValidationError({"suggested_grade": _("请选择建议等次。")})
        if not comment.strip():
            raise ValidationError({"comment": _("请填写评语。")})
    with transaction.atomic():
        aa, _action = engine.act(
            assessment,
            by=by,
            decision=decision,
            flow=ANNUAL_FLOW,
            comment=comment,
            suggested_grade=suggested_grade,
        )
        if decision == Decision.APPROVE:
            aa.leader_comment = comment
            aa.proposed_grade = suggested_grade
            aa.save(update_fields=["leader_comment", "proposed_grade"])
            update_change_reason(aa, _("主管领导评语和等次建议"))
    return aa


# -- coded outcomes and the unit's rate ------------------------------------------------------


def may_manage_unit(user, unit_id: int, region_id: int) -> bool:
    scope = scope_for(user)
    return unit_id in scope.units_with(Role.UNIT_ADMIN) or region_id in scope.regions_with(
        Role.DISTRICT_ADMIN
    )


@transaction.atomic
def annual_outcome_override(*, assessment: AnnualAssessment, by, code: str, reason: str):
    """The unit admin sets or clears the coded outcome (不定等次 / 不进行考核), with a reason."""
    aa = _locked(assessment)
    if not may_manage_unit(by, aa.unit_id, aa.region_id):
        raise PermissionDenied(_("只有单位考核管理员可以调整考核结论代码。"))
    if aa.status in RESULT_STATES:
        raise ValidationError(_("已审定的年度考核不能再调整结论代码，请走复核、申诉程序。"))
    if code and code not in OutcomeCode.values:
        raise ValidationError({"code": _("请选择有效的结论代码。")})
    if not reason.strip():
        raise ValidationError({"reason": _("请填写调整理由。")})
    before = aa.outcome_code or _("无")
    aa.outcome_code = code
    aa.outcome_reason = reason if code else ""
    aa.outcome_overridden = True
    if code:
        aa.proposed_grade = ""
    aa.save()
    update_change_reason(
        aa,
        _("调整考核结论代码：%(a)s → %(b)s。理由：%(r)s")
        % {"a": before, "b": code or _("无（按等次评定）"), "r": reason},
    )
    return aa


@transaction.atomic
def unit_rate_set(*, unit_year: UnitYear, by, percent: int | None, reason: str) -> UnitYear:
    """The district admin sets a unit's 优秀 rate within the year's range, with a reason."""
    row = UnitYear.objects.select_for_update().select_related("year").get(pk=unit_year.pk)
    if row.region_id not in scope_for(by).regions_with(Role.DISTRICT_ADMIN):
        raise PermissionDenied(_("只有区委组织部可以调整单位优秀比例。"))
    year = row.year
    if percent is not None and not (
        year.excellent_quota_min_percent <= percent <= year.excellent_quota_max_percent
    ):
        raise ValidationError(
            {
                "percent": _(
                    "单位优秀比例须在 %(lo)s%%–%(hi)s%% 之间（全区设定的调整范围和上限）。"
                )
                % {"lo": year.excellent_quota_min_percent, "hi": year.excellent_quota_max_percent}
            }
        )
    if not reason.strip():
        raise ValidationError({"reason": _("请填写调整理由（如优秀单位评选结果）。")})
    before = row.excellent_percent
    row.excellent_percent, row.rate_reason, row.rate_set_by = percent, reason, by
    row.save()
    update_change_reason(
        row,
        _("优秀比例：%(a)s → %(b)s。理由：%(r)s")
        % {
            "a": f"{before}%" if before is not None else _("默认"),
            "b": f"{percent}%" if percent is not None else _("默认"),
            "r": reason,
        },
    )
    return row


# -- the decision -----------------------------------------------------------------------------


def deciding_bodies_for(user, aa: AnnualAssessment) -> tuple[str, ...]:
    """Which bodies this account may record a decision for: the unit's principal leader (as
    unit head or for the committee), the unit admin (for the committee), the district admin
    for leadership members (who are never decided inside the unit)."""
    scope = scope_for(user)
    if aa.is_leadership_member:
        if aa.region_id in scope.regions_with(Role.DISTRICT_ADMIN):
            return (DecidingBody.DISTRICT,)
        return ()
    if aa.unit_id in scope.units_with(Role.PRINCIPAL_LEADER):
        return (DecidingBody.UNIT_HEAD, DecidingBody.COMMITTEE)
    if aa.unit_id in scope.units_with(Role.UNIT_ADMIN):
        return (DecidingBody.COMMITTEE,)
    return ()


def _lock_quota(aa: AnnualAssessment):
    """The row whose lock serialises 优秀 decisions of the person's quota group."""
    if aa.is_leadership_member:
        return AssessmentYear.objects.select_for_update().get(pk=aa.year_id)
    row, _created = UnitYear.objects.select_for_update().get_or_create(
        unit_id=aa.unit_id, year_id=aa.year_id, defaults={"region_id": aa.region_id}
    )
    return row


def check_annual_grade(aa: AnnualAssessment, grade: str) -> None:
    """The rules a grade must pass (call with the quota group locked)."""
    if aa.outcome_code:
        raise ValidationError(
            _(
                "该人员本年度考核结论为“%(c)s”，不评定等次（如需调整请由单位考核管理员修改结论代码）。"
            )
            % {"c": OutcomeCode(aa.outcome_code).label}
        )
    if grade not in aa.grade_choices:
        labels = "、".join(str(AnnualGrade(g).label) for g in aa.grade_choices)
        raise ValidationError(_("该人员适用的年度考核等次为：%(l)s。") % {"l": labels})
    if grade != AnnualGrade.EXCELLENT:
        return
    year = aa.year
    refusal = excellent_refusal(year, *facts.eligibility_facts(aa.person_id, year))
    if refusal:
        raise ValidationError(refusal)
    use = facts.quota_for(aa)
    refusal = quota_refusal(use)
    if refusal:
        raise ValidationError(refusal)


def annual_decide(
    *,
    assessment: AnnualAssessment,
    by,
    grade: str,
    body: str,
    members: str = "",
    comment: str = "",
    today: date | None = None,
) -> AnnualAssessment:
    """审定 and the written notice: the grade (or the coded outcome, grade left empty) is set by
    the recorded body; the notice is issued with today's date."""
    today = today or timezone.localdate()
    if body not in deciding_bodies_for(by, assessment):
        raise PermissionDenied(_("您无权以该审定机关名义审定此人的年度考核等次。"))
    if body == DecidingBody.COMMITTEE and not members.strip():
        raise ValidationError({"members": _("由考核委员会审定时须填写委员会成员。")})
    year = AssessmentYear.objects.get(pk=assessment.year_id)
    start, end = year.annual_window
    if not start <= today <= end:
        raise ValidationError(
            _("年度考核审定期为 %(a)s 至 %(b)s，今天（%(t)s）不在审定期内。")
            % {"a": start, "b": end, "t": today}
        )
    with transaction.atomic():
        _lock_quota(assessment)
        coded = bool(assessment.outcome_code)

        def apply(aa):
            aa = _with_year(aa)
            if coded:
                if grade:
                    check_annual_grade(aa, grade)  # refuses: a coded outcome has no grade
            else:
                check_annual_grade(aa, grade)
                aa.grade = grade
            aa.deciding_body, aa.committee_members = body, members
            aa.decision_comment = comment
            aa.decided_by, aa.decided_at, aa.notice_date = by, timezone.now(), today

        label = (
            OutcomeCode(assessment.outcome_code).label
            if coded
            else AnnualGrade(grade).label
            if grade in AnnualGrade.values
            else grade
        )
        aa, _action = engine.transition(
            assessment,
            by=by,
            allowed_from=CODED_DECIDABLE if coded else DECIDABLE,
            to_status=ReviewState.DECIDED,
            decision=Decision.DECIDE,
            comment=_("%(body)s审定：%(g)s%(c)s")
            % {
                "body": DecidingBody(body).label,
                "g": label,
                "c": f"。{comment}" if comment else "",
            },
            apply=apply,
        )
    return aa


def _with_year(aa):
    aa.year = AssessmentYear.objects.get(pk=aa.year_id)
    return aa


def annual_opinion(*, assessment, by, opinion: str, reason: str = "") -> AnnualAssessment:
    """本人意见 on the notice: agree, or disagree with a reason."""
    if assessment.person.user_id != by.pk:
        raise PermissionDenied(_("只有本人可以填写本人意见。"))
    if opinion not in Opinion.values:
        raise ValidationError({"opinion": _("请选择同意或不同意。")})
    if opinion == Opinion.DISAGREE and not reason.strip():
        raise ValidationError({"reason": _("不同意时请填写理由。")})

    def apply(aa):
        aa.opinion, aa.opinion_reason, aa.opinion_at = opinion, reason, timezone.now()

    aa, _action = engine.transition(
        assessment,
        by=by,
        allowed_from=RESULT_STATES,
        to_status=assessment.status,
        decision=Decision.OPINION,
        comment=f"{Opinion(opinion).label}{'：' + reason if reason else ''}",
        apply=apply,
    )
    return aa
