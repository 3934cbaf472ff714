"""Read queries for reward/punishment records, scoped to the acting account."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Max, Min, Q
from django.utils.translation import gettext as _

from assessment.models import Person, QuarterlyAssessment, Role, Unit
from assessment.tenancy import get_or_404, scope_for
from indicators.models import NegativeRecord, NegativeType
from reviews.models import ReviewState

from .bonus import PersonFacts, RuleSet, distribute
from .models import (
    BonusPayout,
    BonusPool,
    BonusRule,
    RewardKind,
    RewardRecord,
    RewardType,
    manager_q,
    manager_reach,
)

TYPE_LABELS = dict(RewardType.choices)
NEG_LABELS = dict(NegativeType.choices)


def can_manage_any(user) -> bool:
    return any(manager_reach(user, read=True))


def can_enter_any(user) -> bool:
    return any(manager_reach(user, read=False))


def records_for_user(user, *, unit_id=None, kind: str = ""):
    rows = RewardRecord.objects.managed_by(user).select_related("person", "unit")
    if unit_id:
        rows = rows.filter(unit_id=unit_id)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.order_by("-date", "-pk")


def record_units(user):
    """Units the account may filter the list by."""
    return Unit.objects.filter(_unit_q(user)).order_by("code")


def _unit_q(user) -> Q:
    regions, units = manager_reach(user, read=True)
    return Q(region_id__in=regions) | Q(pk__in=units)


def enterable_people(user):
    """People the account may enter a record for (HR: region or unit; unit admin: unit)."""
    return Person.objects.filter(manager_q(user, read=False), is_active=True).select_related("unit")


def record_for_user(user, pk) -> RewardRecord:
    """A record its managers or the person themself may open; 404 for anyone else."""
    scope = scope_for(user)
    q = manager_q(user, read=True)
    if scope.person_id:
        q |= Q(person_id=scope.person_id)
    return get_or_404(
        RewardRecord.objects.filter(q).select_related("person", "unit", "created_by__person"),
        pk=pk,
    )


# ---------------------------------------------------------------------------------------------
# Bonus pool (奖金池)


def pool_quarters(pool) -> list[int]:
    return [pool.quarter] if pool.quarter else [1, 2, 3, 4]


def _period(year: int, quarters: list[int]) -> tuple[date, date]:
    start = date(year, 3 * quarters[0] - 2, 1)
    end_month = 3 * quarters[-1]
    end = date(year + 1, 1, 1) if end_month == 12 else date(year, end_month + 1, 1)
    return start, end - timedelta(days=1)


FINAL_STATES = (
    ReviewState.DECIDED,
    ReviewState.PUBLICISED,
    ReviewState.CONFIRMED,
    ReviewState.APPEALED,  # the grade stays in force while an appeal runs
)


def pool_people(pools) -> dict[int, list[PersonFacts]]:
    """The facts every pool reads — active people of the pool's unit, their final quarterly
    grades, rewards and effective negative records in the period — in four queries however
    many pools (a district summary loads all of them at once)."""
    pools = list(pools)
    if not pools:
        return {}
    units = {p.unit_id for p in pools}
    years = {p.year for p in pools}
    people = list(
        Person.objects.filter(unit_id__in=units, is_active=True)
        .order_by("unit_id", "staff_no")
        .values_list("pk", "unit_id", "name", "staff_no", "kind")
    )
    ids = [p[0] for p in people]
    facts = {
        pk: PersonFacts(pk, name, staff_no, kind == Person.Kind.CIVIL_SERVANT)
        for pk, _unit, name, staff_no, kind in people
    }
    grades: dict[tuple[int, int], dict[int, str]] = defaultdict(dict)
    for person_id, year, number, grade, participates in QuarterlyAssessment.objects.filter(
        person_id__in=ids, quarter__year__year__in=years, status__in=FINAL_STATES
    ).values_list("person_id", "quarter__year__year", "quarter__number", "grade", "participates"):
        grades[person_id, year][number] = grade if participates else ""
    first, last = date(min(years), 1, 1), date(max(years), 12, 31)
    rewards = defaultdict(list)
    for person_id, day, type_, level in (
        RewardRecord.objects.filter(
            person_id__in=ids, kind=RewardKind.REWARD, date__range=(first, last)
        )
        .order_by("date", "pk")
        .values_list("person_id", "date", "type", "level")
    ):
        rewards[person_id].append((day, f"{day:%Y-%m-%d} {TYPE_LABELS[type_]}", level))
    negatives = defaultdict(list)
    for person_id, day, type_, severity in (
        NegativeRecord.objects.effective()
        .filter(person_id__in=ids, date__range=(first, last))
        .order_by("date", "pk")
        .values_list("person_id", "date", "type", "severity")
    ):
        negatives[person_id].append((day, f"{day:%Y-%m-%d} {NEG_LABELS[type_]}", severity))
    by_unit = defaultdict(list)
    for pk, unit_id, *_rest in people:
        by_unit[unit_id].append(pk)
    out = {}
    for pool in pools:
        quarters = pool_quarters(pool)
        start, end = _period(pool.year, quarters)
        rows = []
        for pk in by_unit[pool.unit_id]:
            base = facts[pk]
            rows.append(
                PersonFacts(
                    base.person_id,
                    base.name,
                    base.staff_no,
                    base.civil_servant,
                    grades=grades.get((pk, pool.year), {}),
                    rewards=[(d, lv) for day, d, lv in rewards[pk] if start <= day <= end],
                    negatives=[(d, sv) for day, d, sv in negatives[pk] if start <= day <= end],
                )
            )
        out[pool.pk] = rows
    return out


def bonus_rules(region_ids, years) -> dict[tuple[int, int], BonusRule]:
    return {
        (r.region_id, r.year): r
        for r in BonusRule.objects.filter(region_id__in=region_ids, year__in=years)
    }


def pool_distribution(pool, people, rule, rules: RuleSet | None = None, **overrides):
    """The pool's distribution under its rule (or a changed rule set for the simulator)."""
    return distribute(
        people,
        rules or RuleSet.from_rule(rule),
        quarters=pool_quarters(pool),
        amount_fen=overrides.get("amount_fen", pool.amount_fen),
        seconded_mode=pool.seconded_mode,
        seconded_amount_fen=pool.seconded_amount_fen,
    )


def bonus_rule_regions(user) -> set[int]:
    """Regions whose bonus rules the account sets (district admin)."""
    return scope_for(user).regions_with(Role.DISTRICT_ADMIN)


def bonus_units(user):
    """Units whose pools the account sets up (unit admin)."""
    return Unit.objects.filter(
        pk__in=scope_for(user).units_with(Role.UNIT_ADMIN), is_active=True
    ).order_by("code")


def can_read_pools(user) -> bool:
    scope = scope_for(user)
    return bool(
        scope.regions_with(Role.DISTRICT_ADMIN)
        or scope.units_with(Role.UNIT_ADMIN, Role.PRINCIPAL_LEADER, Role.HR)
        or any(g.role == Role.HR and not g.unit_id for g in scope.grants)
    )


def pools_for_user(user):
    return (
        BonusPool.objects.readable_by(user)
        .select_related("unit")
        .order_by("-year", "quarter", "unit__code")
    )


def pool_for_user(user, pk) -> BonusPool:
    """A pool its unit's admin, principal leader or HR, or its region's district admin or HR
    may open; 404 for anyone else."""
    return get_or_404(pools_for_user(user).select_related("region"), pk=pk)


def summary_pools(user, year: int):
    """The district summary: every unit's pool of the year in the regions the account oversees."""
    regions = bonus_rule_regions(user)
    return (
        BonusPool.objects.filter(region_id__in=regions, year=year)
        .select_related("unit")
        .order_by("unit__code", "quarter")
    )


def current_payouts(pool) -> list[BonusPayout]:
    return list(
        BonusPayout.objects.filter(lock__pool=pool, lock__unlocked_at__isnull=True)
        .select_related("person")
        .order_by("-amount_fen", "person__staff_no")
    )


def locked_stats(pool_ids) -> dict[int, dict]:
    """min/max/gap of civil servants' payouts in the open lock of each pool (one query)."""
    rows = (
        BonusPayout.objects.filter(
            lock__pool_id__in=pool_ids,
            lock__unlocked_at__isnull=True,
            person__kind=Person.Kind.CIVIL_SERVANT,
            group="civil",
        )
        .values("lock__pool_id")
        .annotate(lo=Min("amount_fen"), hi=Max("amount_fen"), n=Count("pk"))
    )
    return {r["lock__pool_id"]: r for r in rows}


@dataclass
class SummaryRow:
    unit: Unit
    pool: BonusPool | None = None
    people: int = 0
    min_fen: int | None = None
    max_fen: int | None = None
    gap_fen: int | None = None
    error: str = ""


def district_summary(user, year: int) -> list[SummaryRow]:
    """Every active unit of the account's regions with its pools of the year: amount, people
    paid, civil servants' min/max/gap (from the lock, or computed for a draft) and lock state —
    a constant number of queries however many units."""
    regions = bonus_rule_regions(user)
    units = list(Unit.objects.filter(region_id__in=regions, is_active=True).order_by("code"))
    pools = list(summary_pools(user, year))
    locked = locked_stats([p.pk for p in pools if p.is_locked])
    drafts = [p for p in pools if not p.is_locked]
    people = pool_people(drafts)
    rules = bonus_rules(regions, [year])
    by_unit = defaultdict(list)
    for pool in pools:
        row = SummaryRow(unit=pool.unit, pool=pool)
        if pool.is_locked:
            stats = locked.get(pool.pk)
            if stats:
                row.people, row.min_fen, row.max_fen = stats["n"], stats["lo"], stats["hi"]
                row.gap_fen = stats["hi"] - stats["lo"]
        elif (rule := rules.get((pool.region_id, year))) is None:
            row.error = _("未设置年度规则")
        else:
            dist = pool_distribution(pool, people[pool.pk], rule)
            if dist.ok:
                s = dist.stats()
                row.people, row.min_fen, row.max_fen, row.gap_fen = (
                    s.count,
                    s.min_fen,
                    s.max_fen,
                    s.gap_fen,
                )
            else:
                row.error = "；".join(m for _f, m in dist.errors)
        by_unit[pool.unit_id].append(row)
    return [row for unit in units for row in (by_unit.get(unit.pk) or [SummaryRow(unit=unit)])]
