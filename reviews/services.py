"""Quarterly review (季度考评): every state change of a QuarterlyAssessment is one function here.

self-summary → level 1 → level 2 → level 3 decides (quota and sanction checked under a lock on
the unit-quarter row) → publicity → confirmed; 本人意见; appeal decided outside the chain.
Opening a quarter lives in reviews.opening, reminders in reviews.reminders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history, update_change_reason

from assessment.audit import audit_object
from assessment.calendar import add_working_days
from assessment.models import (
    AuditEvent,
    Opinion,
    QuarterGrade,
    QuarterlyAssessment,
    Role,
)
from assessment.models.quarterly import UnitQuarter
from assessment.tenancy import scope_for
from notifications.services import Note, notify

from . import engine
from .improvement.services import MENTORING_GRADES, mentoring_sync
from .models import Appeal, Decision, ReviewState
from .quota import (
    PoolMap,
    excess_refusal,
    lock_pools,
    pool_key_for,
    quota_pools,
    quota_refusal,
)
from .rules import sanction_blocks_good

QUARTER_FLOW = engine.Flow()
RESULT_STATES = (ReviewState.PUBLICISED, ReviewState.CONFIRMED, ReviewState.APPEALED)


@dataclass
class BulkResult:
    done: int = 0
    skipped: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # the whole batch refused, and why


def _messages(exc) -> list[str]:
    return exc.messages if isinstance(exc, ValidationError) else [str(exc)]


# -- self-summary --------------------------------------------------------------------------


@transaction.atomic
def summary_save(
    *, assessment: QuarterlyAssessment, by, summary: str, self_grade: str = "", submit: bool = False
) -> QuarterlyAssessment:
    """The person edits their summary and suggested grade; `submit` hands it to the chain."""
    qa = (
        QuarterlyAssessment.objects.select_for_update()
        .select_related("person")
        .get(pk=assessment.pk)
    )
    if qa.person.user_id != by.pk:
        raise PermissionDenied(_("只能填写本人的个人小结。"))
    if not qa.is_editable:
        raise ValidationError(_("个人小结已提交，不能再修改。"))
    if not qa.participates:
        raise ValidationError(_("本季度不参加考核：%(r)s") % {"r": qa.ungraded_reason})
    if self_grade and self_grade not in QuarterGrade.values:
        raise ValidationError({"self_grade": _("请选择有效的等次。")})
    if submit and not summary.strip():
        raise ValidationError({"summary": _("请填写个人小结后再提交。")})
    qa.summary, qa.self_grade = summary, self_grade
    if submit:
        snapshot_score(qa)
    qa.save()
    update_change_reason(qa, _("编辑个人小结"))
    if submit:
        qa = engine.submit(
            qa, by=by, person=qa.person, flow=QUARTER_FLOW, comment=_("提交个人小结")
        )
    return qa


# -- review by levels 1 and 2 (and return at any level) ------------------------------------


def quarterly_review(
    *, assessment: QuarterlyAssessment, by, decision: str, comment: str = "", suggested_grade=""
) -> QuarterlyAssessment:
    """A reviewer comments, suggests a grade and approves (to the next level) or returns. The
    last level does not approve: it decides (quarterly_decide)."""
    if suggested_grade and suggested_grade not in QuarterGrade.values:
        raise ValidationError({"suggested_grade": _("请选择有效的等次。")})
    if decision == Decision.APPROVE:
        fresh = QuarterlyAssessment.objects.only("status", "chain", "pending_level").get(
            pk=assessment.pk
        )
        if engine.at_last_level(fresh):
            raise ValidationError(_("最终审定请在单位审定页面进行。"))
        if not suggested_grade:
            raise ValidationError({"suggested_grade": _("请填写建议等次。")})
    qa, _action = engine.act(
        assessment,
        by=by,
        decision=decision,
        flow=QUARTER_FLOW,
        comment=comment,
        suggested_grade=suggested_grade,
    )
    return qa


def current_bands(assessments) -> dict[int, str]:
    """The score band each record's indicator score suggests now ({record id: grade}, one
    query). The band copied onto the record at submission is not used: leader ratings, given
    by the reviewers after submission, are most of a score's weight."""
    from indicators.models import QuarterScore

    records = list(assessments)
    people = {(qa.person_id, qa.quarter_id): qa.pk for qa in records}
    scores = QuarterScore.objects.filter(
        person_id__in={p for p, _q in people}, quarter_id__in={q for _p, q in people}
    ).values_list("person_id", "quarter_id", "suggested_grade")
    return {people[(p, q)]: grade for p, q, grade in scores if (p, q) in people}


def quarterly_bulk_approve(*, assessments, by, suggested_grade: str = "") -> BulkResult:
    """Approve many records (a section at level 1 or 2), each through the same transition;
    each gets the common suggested grade or, when none is given, its current score band."""
    result = BulkResult()
    assessments = list(assessments)
    bands = {} if suggested_grade else current_bands(assessments)
    for qa in assessments:
        grade = suggested_grade or bands.get(qa.pk, "")
        if not grade:
            result.skipped.append(
                f"{qa.person.name}: "
                + _("得分依据的指标权重不足，没有分数段建议，请填写建议等次或先完成领导评价。")
            )
            continue
        try:
            quarterly_review(assessment=qa, by=by, decision=Decision.APPROVE, suggested_grade=grade)
        except (ValidationError, PermissionDenied) as exc:
            result.skipped.append(f"{qa.person.name}: {' '.join(_messages(exc))}")
        else:
            result.done += 1
    return result


# -- decision by the principal leader --------------------------------------------------------


def _lock_unit_quarter(unit_id: int, quarter_id: int, region_id: int) -> UnitQuarter:
    ledger, _created = UnitQuarter.objects.select_for_update().get_or_create(
        unit_id=unit_id, quarter_id=quarter_id, defaults={"region_id": region_id}
    )
    return ledger


def _lock_pools_of(records, quarter) -> PoolMap:
    """Lock the unit-quarter rows of every unit sharing a quota pool with these records."""
    pmap = PoolMap.load(quarter.year_id)
    units: set[int] = set()
    for qa in records:
        units |= pmap.lock_units(qa.unit_id, qa.section_id)
    lock_pools(quarter, units, records[0].region_id)
    return pmap


def check_grade(qa: QuarterlyAssessment, grade: str, reason: str = "", pmap=None) -> None:
    """The rules a grade must pass (call with the pool's units locked): 好 needs no sanction in
    force and a free place in the person's quota pool; 不确定等次 needs an explanation."""
    if grade not in QuarterGrade.values:
        raise ValidationError(_("请选择有效的等次。"))
    if grade == QuarterGrade.UNGRADED and not reason.strip():
        raise ValidationError(_("评为“不确定等次”须填写情况说明。"))
    if grade != QuarterGrade.GOOD:
        return
    blocked = sanction_blocks_good(qa.person, qa.quarter)
    if blocked:
        raise ValidationError(blocked)
    if qa.participates:
        pmap = pmap or PoolMap.load(qa.quarter.year_id)
        pools = quota_pools(qa.quarter, [qa.unit_id], pmap)
        refusal = quota_refusal(pools[pool_key_for(qa, pmap)])
        if refusal:
            raise ValidationError(refusal)


def snapshot_score(qa) -> None:
    """Copy the indicator score and its band (indicators.QuarterScore) onto the record, so the
    registration sheet keeps the figures the decision was made on; none yet → left empty."""
    from indicators.models import QuarterScore

    score = (
        QuarterScore.objects.filter(person_id=qa.person_id, quarter_id=qa.quarter_id)
        .only("score", "covered_weight", "suggested_grade")
        .first()
    )
    if score is not None:
        qa.score, qa.band_grade = score.score, score.suggested_grade
        qa.score_covered = score.covered_weight


def _apply_grade(qa, grade: str, reason: str, by) -> None:
    snapshot_score(qa)
    qa.grade = grade
    qa.ungraded_reason = reason if grade == QuarterGrade.UNGRADED else qa.ungraded_reason
    qa.decided_by = by
    qa.decided_at = timezone.now()
    qa.needs_mentoring = grade in MENTORING_GRADES


def quarterly_decide(
    *, assessment: QuarterlyAssessment, by, grade: str, comment: str = "", reason: str = ""
) -> QuarterlyAssessment:
    """审定: the last level of the chain sets the grade. The unit-quarter row is locked first,
    then the 好 already granted are counted, so concurrent decisions cannot exceed the quota."""
    with transaction.atomic():
        pmap = _lock_pools_of([assessment], _with_quarter(assessment).quarter)

        def apply(qa):
            qa = _with_quarter(qa)
            check_grade(qa, grade, reason, pmap)
            _apply_grade(qa, grade, reason, by)

        qa, _action = engine.decide(
            assessment, by=by, comment=comment, suggested_grade=grade, apply=apply
        )
        audit_object(
            AuditEvent.Kind.GRADE_DECIDED, by=by, obj=qa, outcome=grade, quarter=str(qa.quarter)
        )
        mentoring_sync(assessment=qa)
    return qa


def _with_quarter(qa):
    qa.quarter = type(qa.quarter).objects.select_related("year").get(pk=qa.quarter_id)
    return qa


def quarterly_bulk_decide(*, decisions, by) -> BulkResult:
    """Decide many records [(assessment, grade), …] at once. The pools' units are locked first;
    when the 好 asked for exceed a pool's remaining places the whole batch is refused (nothing
    changes, the message names the pool and how many places are over). Otherwise each record
    goes through the same locked decision; one refused by another rule (a sanction, a step
    already taken) is reported and the others go on."""
    result = BulkResult()
    decisions = list(decisions)
    if not decisions:
        return result
    quarter = _with_quarter(decisions[0][0]).quarter
    with transaction.atomic():
        pmap = _lock_pools_of([qa for qa, _grade in decisions], quarter)
        pools = quota_pools(quarter, {qa.unit_id for qa, _grade in decisions}, pmap)
        wanted: dict = {}
        for qa, grade in decisions:
            if grade == QuarterGrade.GOOD and qa.participates:
                key = pool_key_for(qa, pmap)
                wanted[key] = wanted.get(key, 0) + 1
        refusals = [excess_refusal(pools[key], n) for key, n in wanted.items()]
        refusals = [r for r in refusals if r]
        if refusals:
            result.refused = refusals
            return result
        for qa, grade in decisions:
            try:
                quarterly_decide(assessment=qa, by=by, grade=grade)
            except (ValidationError, PermissionDenied) as exc:
                result.skipped.append(f"{qa.person.name}: {' '.join(_messages(exc))}")
            else:
                result.done += 1
    return result


# -- publicity -------------------------------------------------------------------------------


def may_publish(user, unit) -> bool:
    scope = scope_for(user)
    return unit.pk in scope.units_with(
        Role.PRINCIPAL_LEADER, Role.UNIT_ADMIN
    ) or unit.region_id in scope.regions_with(Role.DISTRICT_ADMIN)


def unit_publish(*, unit, quarter, by, today: date | None = None) -> int:
    """发布公示: the unit's decided grades go to publicity for the year's publicity period."""
    if not may_publish(by, unit):
        raise PermissionDenied(_("只有主要领导或单位考核管理员可以发布公示。"))
    today = today or timezone.localdate()
    year = type(quarter).objects.select_related("year").get(pk=quarter.pk).year
    end = add_working_days(unit.region_id, today, year.publicity_working_days)
    decided = list(
        QuarterlyAssessment.objects.filter(
            unit=unit, quarter=quarter, status=ReviewState.DECIDED
        ).select_related("person")
    )
    if not decided:
        raise ValidationError(_("没有已审定、待公示的结果。"))

    def apply(qa):
        qa.publicity_start, qa.publicity_end = today, end

    with transaction.atomic():
        for qa in decided:
            engine.transition(
                qa,
                by=by,
                allowed_from=(ReviewState.DECIDED,),
                to_status=ReviewState.PUBLICISED,
                decision=Decision.PUBLISH,
                comment=_("公示至 %(d)s") % {"d": end},
                apply=apply,
            )
        ledger = _lock_unit_quarter(unit.pk, quarter.pk, unit.region_id)
        ledger.published_at = timezone.now()
        ledger.save(update_fields=["published_at"])
        notify(
            Note(
                qa.person.user_id,
                qa.region_id,
                "result",
                f"qa-result:{qa.pk}:{today}",
                _("%(q)s 考核结果已公示（至 %(d)s），请查看并填写本人意见。")
                % {"q": quarter.code, "d": end},
                f"/reviews/q/{qa.pk}/",
            )
            for qa in decided
            if qa.person.user_id
        )
    return len(decided)


def publicity_close(*, today: date | None = None) -> int:
    """公示期满: results whose publicity ended before today become final. Idempotent."""
    today = today or timezone.localdate()
    now = timezone.now()
    rows = list(
        QuarterlyAssessment.objects.filter(
            status=ReviewState.PUBLICISED, publicity_end__lt=today
        ).only("pk", "status", "confirmed_at")
    )
    for qa in rows:
        qa.status, qa.confirmed_at = ReviewState.CONFIRMED, now
    with transaction.atomic():
        bulk_update_with_history(
            rows,
            QuarterlyAssessment,
            ["status", "confirmed_at"],
            batch_size=500,
            default_change_reason=_("公示期满，结果生效"),
        )
    return len(rows)


# -- feedback and appeal -------------------------------------------------------------------


def _own_result(qa, by) -> None:
    if qa.person.user_id != by.pk:
        raise PermissionDenied(_("只有本人可以操作。"))


def quarterly_opinion(*, assessment, by, opinion: str, reason: str = "") -> QuarterlyAssessment:
    """本人意见: agree, or disagree with a reason."""
    _own_result(assessment, by)
    if opinion not in Opinion.values:
        raise ValidationError({"opinion": _("请选择同意或不同意。")})
    if opinion == Opinion.DISAGREE and not reason.strip():
        raise ValidationError({"reason": _("不同意时请填写理由。")})

    def apply(qa):
        qa.opinion, qa.opinion_reason, qa.opinion_at = opinion, reason, timezone.now()

    qa, _action = engine.transition(
        assessment,
        by=by,
        allowed_from=RESULT_STATES,
        to_status=assessment.status,
        decision=Decision.OPINION,
        comment=f"{Opinion(opinion).label}{'：' + reason if reason else ''}",
        apply=apply,
    )
    return qa


def appeal_deadline(qa: QuarterlyAssessment) -> date | None:
    """Appeals run from the notification (the first day of publicity) for the year's days."""
    if not qa.publicity_start:
        return None
    return qa.publicity_start + timedelta(days=qa.quarter.year.appeal_days)


def appeal_create(
    *, assessment, by, reason: str, today: date | None = None, withdraw_agreement: bool = False
) -> Appeal:
    """申诉. A person who recorded 本人意见 "同意" on this result must withdraw it knowingly
    (`withdraw_agreement`); the opinion then becomes "不同意" with the appeal's reason."""
    _own_result(assessment, by)
    today = today or timezone.localdate()
    if not reason.strip():
        raise ValidationError({"reason": _("请填写申诉理由。")})

    deadline = appeal_deadline(assessment)
    if deadline is None or today > deadline:
        raise ValidationError(
            _("申诉期限为公示之日起 %(n)s 天（截至 %(d)s），已超过申诉期限。")
            % {"n": assessment.quarter.year.appeal_days, "d": deadline}
        )
    with transaction.atomic():
        qa, _action = engine.transition(
            assessment,
            by=by,
            allowed_from=(ReviewState.PUBLICISED, ReviewState.CONFIRMED),
            to_status=ReviewState.APPEALED,
            decision=Decision.APPEAL,
            comment=reason,
            apply=lambda row: _withdraw_agreement(row, confirmed=withdraw_agreement),
        )
        return Appeal.objects.create(
            region_id=qa.region_id,
            assessment=qa,
            reason=reason,
            original_grade=qa.grade,
            due=today + timedelta(days=qa.quarter.year.appeal_decide_days),
        )


def _withdraw_agreement(qa, *, confirmed: bool) -> None:
    """On the locked row: an agreed result is appealed only with the agreement withdrawn."""
    if qa.opinion == Opinion.AGREE:
        if not confirmed:
            raise ValidationError(
                {"withdraw_agreement": _("您已对该结果填写“同意”，申诉前请确认撤回同意意见。")}
            )
        qa.opinion, qa.opinion_at = Opinion.DISAGREE, timezone.now()
        qa.opinion_reason = _("撤回“同意”，提出申诉。")


def may_decide_appeal(user, appeal: Appeal) -> bool:
    """Someone outside the original chain: the region's district admin who is neither the person
    nor one of their reviewers."""
    qa = appeal.assessment
    in_chain = {uid for _level, uid in qa.chain} | {qa.decided_by_id, qa.person.user_id}
    return qa.region_id in scope_for(user).regions_with(Role.DISTRICT_ADMIN) and (
        user.pk not in in_chain
    )


def appeal_decide(
    *, appeal: Appeal, by, outcome: str, new_grade: str = "", reason: str = "", today=None
) -> Appeal:
    """维持 (upheld) or 变更 (changed). A change re-issues the result: the grade changes under
    the same rules (quota, sanction), with the reason in the history."""
    today = today or timezone.localdate()
    if not may_decide_appeal(by, appeal):
        raise PermissionDenied(_("申诉须由原审核链以外的人员（考核委员会或组织部）复核。"))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写复核意见。")})
    if outcome not in (Appeal.Status.UPHELD, Appeal.Status.CHANGED):
        raise ValidationError({"outcome": _("请选择复核结果。")})
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if appeal.status != Appeal.Status.PENDING:
            raise ValidationError(_("该申诉已复核。"))
        qa = _with_quarter(appeal.assessment)
        pmap = _lock_pools_of([qa], qa.quarter)
        back_to = (
            ReviewState.PUBLICISED
            if qa.publicity_end and today <= qa.publicity_end
            else ReviewState.CONFIRMED
        )
        changed = outcome == Appeal.Status.CHANGED
        if changed and new_grade == qa.grade:
            raise ValidationError({"new_grade": _("变更等次须与原等次不同。")})

        def apply(row):
            if changed:
                row = _with_quarter(row)
                check_grade(row, new_grade, reason, pmap)
                _apply_grade(row, new_grade, reason, by)
            if back_to == ReviewState.CONFIRMED and not row.confirmed_at:
                row.confirmed_at = timezone.now()

        label = (
            _("申诉复核变更等次：%(a)s → %(b)s。%(r)s")
            % {
                "a": QuarterGrade(qa.grade).label,
                "b": QuarterGrade(new_grade).label if new_grade else "",
                "r": reason,
            }
            if changed
            else _("申诉复核维持原等次。%(r)s") % {"r": reason}
        )
        engine.transition(
            qa,
            by=by,
            allowed_from=(ReviewState.APPEALED,),
            to_status=back_to,
            decision=Decision.REDECIDE,
            comment=label,
            apply=apply,
        )
        if changed:
            qa.refresh_from_db()
            mentoring_sync(assessment=qa)
        appeal.status = outcome
        appeal.new_grade = new_grade if changed else appeal.original_grade
        appeal.outcome_reason = reason
        appeal.decided_by = by
        appeal.decided_at = timezone.now()
        appeal.save()
        update_change_reason(appeal, label)
        audit_object(
            AuditEvent.Kind.APPEAL_DECIDED,
            by=by,
            obj=appeal,
            outcome=outcome,
            person=qa.person,
            assessment_id=qa.pk,
            original_grade=appeal.original_grade,
            new_grade=appeal.new_grade,
        )
    return appeal
