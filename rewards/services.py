"""Reward/punishment record actions."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from assessment.models import Role
from assessment.tenancy import scope_for

from . import selectors
from .bonus import RuleSet
from .models import BonusLock, BonusPayout, BonusPool, BonusRule, RewardRecord, SecondedMode
from .selectors import enterable_people


@transaction.atomic
def reward_record_create(*, record: RewardRecord, by) -> RewardRecord:
    """Store a record the form has validated; the person must be within the account's reach."""
    person = enterable_people(by).filter(pk=record.person_id).first()
    if person is None:
        raise PermissionDenied(_("您无权为该人员录入奖惩记录。"))
    record.region_id = person.region_id
    record.unit_id = person.unit_id
    record.created_by = by
    record.save()
    update_change_reason(record, _("录入奖惩记录"))
    return record


# ---------------------------------------------------------------------------------------------
# Bonus pool (奖金池)


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise PermissionDenied(message)


@transaction.atomic
def bonus_rule_save(*, rule: BonusRule, by) -> BonusRule:
    """Create or change a region's rules for a year (district admin of the region)."""
    _require(
        rule.region_id in scope_for(by).regions_with(Role.DISTRICT_ADMIN),
        _("只有区委组织部管理员可以设置奖金池规则。"),
    )
    creating = rule.pk is None
    if not creating:
        BonusRule.objects.select_for_update().get(pk=rule.pk)
    rule.save()
    update_change_reason(rule, _("设置奖金池规则") if creating else _("修改奖金池规则"))
    return rule


def _check_amount(pool: BonusPool, rule: BonusRule) -> None:
    """The pool stays within the region's per-capita figure."""
    if rule.per_capita_limit_fen is None:
        return
    people = selectors.pool_people([pool])[pool.pk]
    dist = selectors.pool_distribution(pool, people, rule)
    headcount = sum(1 for r in dist.rows if r.weight > 0 and r.note == "")
    limit = rule.per_capita_limit_fen * headcount
    if pool.total_fen > limit:
        raise ValidationError(
            {
                "amount": _(
                    "超过区定标准：人均上限 %(per)s 元 × 参与分配 %(n)s 人 = %(limit)s 元。"
                )
                % {
                    "per": yuan(rule.per_capita_limit_fen),
                    "n": headcount,
                    "limit": yuan(limit),
                }
            }
        )


def yuan(fen: int) -> str:
    return f"{Decimal(fen) / 100:,.2f}"


def _rule_for(pool: BonusPool) -> BonusRule:
    rule = BonusRule.objects.filter(region_id=pool.region_id, year=pool.year).first()
    if rule is None:
        raise ValidationError(
            {"year": _("区里尚未设置 %(year)s 年度的奖金池规则。") % {"year": pool.year}}
        )
    if bool(pool.quarter) != rule.pays_quarterly:
        message = (
            _("本区 %(year)s 年度奖金按季度发放，请选择季度。")
            if rule.pays_quarterly
            else _("本区 %(year)s 年度奖金按年度发放，季度请选“全年”。")
        )
        raise ValidationError({"quarter": message % {"year": pool.year}})
    return rule


@transaction.atomic
def bonus_pool_save(*, pool: BonusPool, by) -> BonusPool:
    """Create a pool or change a draft one (the unit admin of the unit)."""
    _require(
        pool.unit_id in scope_for(by).units_with(Role.UNIT_ADMIN),
        _("只有本单位考核管理员可以设置奖金池。"),
    )
    creating = pool.pk is None
    if not creating:
        current = BonusPool.objects.select_for_update().get(pk=pool.pk)
        if current.is_locked:
            raise ValidationError(_("奖金池已锁定，需主要领导解锁后才能修改。"))
    elif BonusPool.objects.filter(
        unit_id=pool.unit_id, year=pool.year, quarter=pool.quarter
    ).exists():
        raise ValidationError({"year": _("本单位该期间的奖金池已存在。")})
    rule = _rule_for(pool)
    pool.region_id = pool.unit.region_id
    if pool.seconded_mode != SecondedMode.OWN:
        pool.seconded_amount_fen = 0
    if creating:
        pool.created_by = by
    _check_amount(pool, rule)
    try:
        with transaction.atomic():
            pool.save()
    except IntegrityError as exc:  # a concurrent creation of the same period
        raise ValidationError({"year": _("本单位该期间的奖金池已存在。")}) from exc
    update_change_reason(pool, _("设立奖金池") if creating else _("修改奖金池"))
    return pool


def _require_principal(pool: BonusPool, by) -> None:
    _require(
        pool.unit_id in scope_for(by).units_with(Role.PRINCIPAL_LEADER),
        _("只有本单位主要领导可以锁定或解锁奖金池。"),
    )


@transaction.atomic
def bonus_pool_lock(*, pool: BonusPool, by) -> BonusLock:
    """The principal leader locks the draft: the payouts are frozen with their explanations."""
    _require_principal(pool, by)
    pool = BonusPool.objects.select_for_update().select_related("unit").get(pk=pool.pk)
    if pool.is_locked:
        raise ValidationError(_("奖金池已锁定。"))
    rule = _rule_for(pool)
    people = selectors.pool_people([pool])[pool.pk]
    rules = RuleSet.from_rule(rule)
    dist = selectors.pool_distribution(pool, people, rule, rules)
    if not dist.ok:
        raise ValidationError([msg for _field, msg in dist.errors])
    lock = BonusLock.objects.create(
        region_id=pool.region_id,
        pool=pool,
        locked_by=by,
        amount_fen=pool.total_fen,
        rules=rules.as_json() | {"seconded_mode": pool.seconded_mode},
    )
    BonusPayout.objects.bulk_create(
        BonusPayout(
            lock=lock,
            person_id=r.facts.person_id,
            group=r.group,
            points=r.points,
            amount_fen=r.amount_fen,
            explanation=r.explanation(),
        )
        for r in dist.paid
    )
    pool.status = BonusPool.Status.LOCKED
    pool.save(update_fields=["status"])
    update_change_reason(pool, _("主要领导锁定奖金池"))
    return lock


@transaction.atomic
def bonus_pool_unlock(*, pool: BonusPool, by, reason: str) -> BonusPool:
    """Unlock with a reason: the lock row keeps who locked and unlocked, when and why."""
    _require_principal(pool, by)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("请填写解锁理由。")})
    pool = BonusPool.objects.select_for_update().get(pk=pool.pk)
    if not pool.is_locked:
        raise ValidationError(_("奖金池未锁定。"))
    lock = BonusLock.objects.select_for_update().get(pool=pool, unlocked_at__isnull=True)
    lock.unlocked_by, lock.unlocked_at, lock.unlock_reason = by, timezone.now(), reason
    lock.save()
    update_change_reason(lock, _("解锁：%(reason)s") % {"reason": reason})
    pool.status = BonusPool.Status.DRAFT
    pool.save(update_fields=["status"])
    update_change_reason(pool, _("解锁：%(reason)s") % {"reason": reason})
    return pool
