"""The review engine (DESIGN.md "The review engine").

Any model deriving from reviews.models.Reviewable moves through explicit states:

    draft ─submit→ in_review@L1 ─approve→ in_review@L2 … ─approve→ <final state of the flow>
      ↑                 │ return (with reason, from any level)
      └── returned ←────┘        approved ─reopen (with reason)→ draft

Every transition is one call here. It locks the row (select_for_update), checks that the actor
is the reviewer of the pending level (or their delegate), writes a ReviewAction and a history
reason, so two reviewers can never both act on one step: the second one finds the row moved on.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from assessment.chain import reviewer_chain
from assessment.models import Role
from assessment.tenancy import scope_for

from .models import LEVEL_NAMES, Decision, Delegation, ReviewAction, ReviewState

REGION_LEVEL = 4  # a principal leader's own records go to the region (组织部)


@dataclass(frozen=True)
class Flow:
    """How one kind of record is reviewed: by the whole chain or its first level only, and the
    state it reaches when the last level approves."""

    first_level_only: bool = False
    final_state: str = ReviewState.APPROVED
    # only the chain's levels up to this one (the annual proposal: levels 1–2, the 主管领导);
    # when none is left, the first level above the person
    max_level: int | None = None


def _locked(obj):
    return type(obj).objects.select_for_update().get(pk=obj.pk)


def _record(
    obj, *, by, decision, from_status, level=None, acting_for=None, comment="", suggested_grade=""
) -> ReviewAction:
    return ReviewAction.objects.create(
        region_id=obj.region_id,
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        actor=by,
        acting_for=acting_for,
        level=level,
        decision=decision,
        from_status=from_status,
        to_status=obj.status,
        comment=comment,
        suggested_grade=suggested_grade,
    )


def _set_pending(obj, step: tuple[int, int | None] | None) -> None:
    obj.pending_level, obj.pending_user_id = step if step else (None, None)
    if hasattr(obj, "pending_since"):  # records with per-level deadlines
        obj.pending_since = timezone.now() if step else None


def _chain_for(person, flow: Flow) -> list[list[int | None]]:
    steps = [[s.level, s.user_id] for s in reviewer_chain(person)]
    if flow.first_level_only:
        steps = steps[:1]
    elif flow.max_level is not None:
        steps = [s for s in steps if s[0] <= flow.max_level] or steps[:1]
    if not steps and not flow.first_level_only:
        steps = [[REGION_LEVEL, None]]  # any district admin of the region decides
    return steps


@transaction.atomic
def submit(obj, *, by, person, flow: Flow, comment: str = ""):
    """The author hands the record to the chain (also a resubmission after a return)."""
    obj = _locked(obj)
    if person.user_id != by.pk:
        raise PermissionDenied(_("只有本人可以提交。"))
    if obj.status not in (ReviewState.DRAFT, ReviewState.RETURNED):
        raise ValidationError(_("当前状态（%(s)s）不能提交。") % {"s": obj.get_status_display()})
    before = obj.status
    obj.chain = _chain_for(person, flow)
    obj.submitted_at = timezone.now()
    if obj.chain:
        obj.status = ReviewState.IN_REVIEW
        _set_pending(obj, tuple(obj.chain[0]))
    else:  # nobody above the author (a principal leader's own work log): nothing to review
        obj.status = flow.final_state
        _set_pending(obj, None)
    obj.save()
    update_change_reason(obj, _("提交审核"))
    _record(obj, by=by, decision=Decision.SUBMIT, from_status=before, comment=comment)
    return obj


def _acting_for(obj, by):
    """None when `by` is the pending reviewer; the absent reviewer when `by` is their delegate.
    Raises when `by` may not act on the pending level."""
    if obj.pending_level == REGION_LEVEL:
        if obj.region_id in scope_for(by).regions_with(Role.DISTRICT_ADMIN):
            return None
    elif obj.pending_user_id == by.pk:
        return None
    else:
        today = timezone.localdate()
        delegated = Delegation.objects.filter(
            reviewer_id=obj.pending_user_id, delegate=by, start__lte=today, end__gte=today
        ).exists()
        if delegated:
            return obj.pending_user
    mine = [level for level, uid in obj.chain if uid == by.pk]
    pending = LEVEL_NAMES.get(obj.pending_level, _("组织部"))
    if mine and min(mine) < obj.pending_level:
        raise ValidationError(_("该记录已由他人处理，当前待%(level)s审核。") % {"level": pending})
    raise PermissionDenied(
        _("您不是该记录当前的审核人（当前待%(level)s审核）。") % {"level": pending}
    )


def can_act(obj, user) -> bool:
    """Whether `user` is (or stands in for) the reviewer of the record's pending level now."""
    if obj.status != ReviewState.IN_REVIEW:
        return False
    try:
        _acting_for(obj, user)
    except (PermissionDenied, ValidationError):
        return False
    return True


@transaction.atomic
def act(obj, *, by, decision: str, flow: Flow, comment: str = "", suggested_grade: str = ""):
    """A reviewer approves (moves to the next level or the final state) or returns."""
    obj = _locked(obj)
    if obj.status != ReviewState.IN_REVIEW:
        raise ValidationError(
            _("该记录当前为“%(s)s”，无需审核（可能已由他人处理）。")
            % {"s": obj.get_status_display()}
        )
    acting_for = _acting_for(obj, by)
    level, before = obj.pending_level, obj.status
    if decision == Decision.RETURN:
        if not comment.strip():
            raise ValidationError({"comment": _("退回时必须填写理由。")})
        obj.status = ReviewState.RETURNED
        _set_pending(obj, None)
    elif decision == Decision.APPROVE:
        index = next(i for i, (lvl, _uid) in enumerate(obj.chain) if lvl == level)
        if index + 1 < len(obj.chain):
            _set_pending(obj, tuple(obj.chain[index + 1]))
        else:
            obj.status = flow.final_state
            _set_pending(obj, None)
    else:
        raise ValidationError(_("未知的审核操作。"))
    obj.save()
    update_change_reason(obj, comment or Decision(decision).label)
    return obj, _record(
        obj,
        by=by,
        decision=decision,
        from_status=before,
        level=level,
        acting_for=acting_for,
        comment=comment,
        suggested_grade=suggested_grade,
    )


@transaction.atomic
def reopen(obj, *, by, person, reason: str):
    """A change after approval: the record goes back to draft and needs approval again."""
    obj = _locked(obj)
    if person.user_id != by.pk:
        raise PermissionDenied(_("只有本人可以申请修改。"))
    if obj.status != ReviewState.APPROVED:
        raise ValidationError(_("只有已通过的记录需要申请修改。"))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写修改理由。")})
    before = obj.status
    obj.status = ReviewState.DRAFT
    _set_pending(obj, None)
    obj.save()
    update_change_reason(obj, _("审核通过后申请修改：%(r)s") % {"r": reason})
    _record(obj, by=by, decision=Decision.REOPEN, from_status=before, comment=reason)
    return obj


def comment(obj, *, by, text: str) -> ReviewAction:
    """A leader's comment (点评); the caller has checked that `by` may see the record."""
    if not text.strip():
        raise ValidationError({"comment": _("点评内容不能为空。")})
    return _record(obj, by=by, decision=Decision.COMMENT, from_status=obj.status, comment=text)


def actions_for(objects) -> dict[int, list[ReviewAction]]:
    """The review trail of many records of one model, in one query."""
    objects = list(objects)
    if not objects:
        return {}
    ct = ContentType.objects.get_for_model(type(objects[0]))
    trail: dict[int, list[ReviewAction]] = {o.pk: [] for o in objects}
    rows = ReviewAction.objects.filter(content_type=ct, object_id__in=trail).select_related(
        "actor__person", "acting_for__person"
    )
    for action in rows:
        trail[action.object_id].append(action)
    return trail


def at_last_level(obj) -> bool:
    """Whether the record waits for the last level of its chain (the one that decides)."""
    return bool(
        obj.status == ReviewState.IN_REVIEW and obj.chain and obj.pending_level == obj.chain[-1][0]
    )


@transaction.atomic
def decide(obj, *, by, comment: str = "", suggested_grade: str = "", apply=None):
    """The last level of the chain decides (审定): the record leaves review as DECIDED.

    `apply(locked_obj)` sets the outcome (the grade) on the locked row and may raise
    ValidationError to refuse it; the caller holds any wider lock (a quota) around this call."""
    obj = _locked(obj)
    if obj.status != ReviewState.IN_REVIEW:
        raise ValidationError(
            _("该记录当前为“%(s)s”，不能审定（可能已由他人处理）。")
            % {"s": obj.get_status_display()}
        )
    acting_for = _acting_for(obj, by)
    if not at_last_level(obj):
        raise ValidationError(_("该记录尚未到达最终审定环节。"))
    level, before = obj.pending_level, obj.status
    if apply is not None:
        apply(obj)
    obj.status = ReviewState.DECIDED
    _set_pending(obj, None)
    obj.save()
    update_change_reason(obj, comment or _("审定"))
    return obj, _record(
        obj,
        by=by,
        decision=Decision.DECIDE,
        from_status=before,
        level=level,
        acting_for=acting_for,
        comment=comment,
        suggested_grade=suggested_grade,
    )


@transaction.atomic
def transition(
    obj, *, by, allowed_from, to_status: str, decision: str, comment: str = "", apply=None
):
    """A state change after the decision (publicity, confirmation, appeal, re-decision): lock,
    check the state, apply the change, record it. The caller checks the actor's right."""
    obj = _locked(obj)
    if obj.status not in allowed_from:
        raise ValidationError(
            _("该记录当前为“%(s)s”，不能进行此操作。") % {"s": obj.get_status_display()}
        )
    before = obj.status
    if apply is not None:
        apply(obj)
    obj.status = to_status
    obj.save()
    update_change_reason(obj, comment or Decision(decision).label)
    return obj, _record(obj, by=by, decision=decision, from_status=before, comment=comment)
