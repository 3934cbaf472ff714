"""Grade quota pools (名额组, DOMAIN.md "Grades"): who shares a quota, how many places it has,
how many are used, and which unit-quarter rows to lock while granting one.

A pool is a unit (by default) or a `QuotaGroup` of the year (units and/or sections merged),
always split by person kind (civil servants / seconded staff), and by leaders / other staff when
the group says so. places = floor(percent × participants / 100); with the year's
`good_quota_min_one` a pool with any participant has at least 1.

Race safety: granting a place locks the `UnitQuarter` rows of every unit the pool touches, in
unit-id order (so two pools that share a unit serialise, and never deadlock), before counting.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import BooleanField, Count, Exists, OuterRef, Q, Value
from django.utils.translation import gettext as _

from assessment.models import Membership, Person, QuarterGrade, QuarterlyAssessment, Role, Unit
from assessment.models.quarterly import UnitQuarter

from .models import QuotaGroup, QuotaGroupMember, ReviewState

GRADED_STATES = (
    ReviewState.DECIDED,
    ReviewState.PUBLICISED,
    ReviewState.CONFIRMED,
    ReviewState.APPEALED,
)
LEADER_ROLES = (Role.PRINCIPAL_LEADER, Role.LEADER_IN_CHARGE)


def good_places(percent: int, participants: int, *, min_one: bool = False) -> int:
    """floor(percent × participants / 100); at least 1 with any participant when `min_one`."""
    if participants <= 0:
        return 0
    places = percent * participants // 100
    return max(1, places) if min_one else places


@dataclass(frozen=True)
class PoolKey:
    group_id: int | None  # None: the unit's own pool
    unit_id: int | None  # the unit of an own pool
    kind: str  # Person.Kind
    leaders: bool | None  # None: not split


@dataclass
class Pool:
    key: PoolKey
    name: str
    percent: int
    min_one: bool
    participants: int = 0
    used: int = 0

    @property
    def places(self) -> int:
        return good_places(self.percent, self.participants, min_one=self.min_one)

    @property
    def remaining(self) -> int:
        return max(0, self.places - self.used)

    @property
    def is_group(self) -> bool:
        return self.key.group_id is not None

    @property
    def label(self) -> str:
        """名额组 name · person kind (· 领导成员 / 其他人员)."""
        parts = [self.name, str(Person.Kind(self.key.kind).label)]
        if self.key.leaders is not None:
            parts.append(_("领导成员") if self.key.leaders else _("其他人员"))
        return " · ".join(parts)


@dataclass
class PoolMap:
    """The year's quota groups, resolved for lookups by unit and section (one query)."""

    by_section: dict[int, QuotaGroup] = field(default_factory=dict)
    by_unit: dict[int, QuotaGroup] = field(default_factory=dict)
    group_units: dict[int, set[int]] = field(default_factory=dict)

    @classmethod
    def load(cls, year_id: int) -> PoolMap:
        pmap = cls()
        members = QuotaGroupMember.objects.filter(year_id=year_id).select_related(
            "group", "section"
        )
        for m in members:
            if m.section_id:
                pmap.by_section[m.section_id] = m.group
                unit_id = m.section.unit_id
            else:
                pmap.by_unit[m.unit_id] = m.group
                unit_id = m.unit_id
            pmap.group_units.setdefault(m.group_id, set()).add(unit_id)
        return pmap

    def group_of(self, unit_id: int, section_id: int | None) -> QuotaGroup | None:
        return self.by_section.get(section_id) or self.by_unit.get(unit_id)

    @property
    def splits_leaders(self) -> bool:
        return any(g.split_leaders for g in (*self.by_section.values(), *self.by_unit.values()))

    def key_of(self, unit_id: int, section_id: int | None, kind: str, leader: bool) -> PoolKey:
        group = self.group_of(unit_id, section_id)
        if group is None:
            return PoolKey(None, unit_id, kind, None)
        return PoolKey(group.pk, None, kind, leader if group.split_leaders else None)

    def lock_units(self, unit_id: int, section_id: int | None) -> set[int]:
        """The units whose records share a pool with a record of this unit and section."""
        group = self.group_of(unit_id, section_id)
        return {unit_id} if group is None else self.group_units[group.pk] | {unit_id}

    def pools_of_unit(self, pools: dict, unit_id: int) -> list[Pool]:
        """The pools some record of the unit belongs to: its own, and its groups'."""
        groups = {gid for gid, units in self.group_units.items() if unit_id in units}
        return [p for p in pools.values() if p.key.unit_id == unit_id or p.key.group_id in groups]

    def units_touching(self, unit_ids: Iterable[int]) -> set[int]:
        """The given units and every unit that shares a group with one of them."""
        units = set(unit_ids)
        for members in self.group_units.values():
            if members & units:
                units |= members
        return units


def leader_flag(quarter, pmap: PoolMap):
    """An annotation: whether a record's person is a leader (only computed when a group of the
    year splits leaders from staff; otherwise a constant)."""
    if not pmap.splits_leaders:
        return Value(False, BooleanField())
    return _leader_exists(quarter)


def _leader_exists(quarter):
    return Exists(
        Membership.objects.current(quarter.end).filter(
            user_id=OuterRef("person__user_id"), role__in=LEADER_ROLES
        )
    )


def quota_pools(quarter, unit_ids: Iterable[int], pmap: PoolMap | None = None) -> dict:
    """Every pool the given units' records belong to, with participants and 好 used across the
    whole pool (also its records in other units): {PoolKey: Pool}. Three queries."""
    year = quarter.year
    pmap = pmap or PoolMap.load(year.pk)
    units = pmap.units_touching(unit_ids)
    rows = (
        QuarterlyAssessment.objects.filter(quarter=quarter, participates=True, unit_id__in=units)
        .annotate(leader=leader_flag(quarter, pmap))
        .values("unit_id", "section_id", "person_kind", "leader")
        .annotate(
            n=Count("pk"),
            good=Count("pk", filter=Q(grade=QuarterGrade.GOOD, status__in=GRADED_STATES)),
        )
        .order_by()
    )
    names = dict(Unit.objects.filter(pk__in=units).values_list("pk", "name"))
    pools: dict[PoolKey, Pool] = {}
    for r in rows:
        key = pmap.key_of(r["unit_id"], r["section_id"], r["person_kind"], r["leader"])
        pool = pools.get(key)
        if pool is None:
            group = pmap.group_of(r["unit_id"], r["section_id"])
            name = group.name if group else names.get(r["unit_id"], "")
            pool = pools[key] = Pool(key, name, year.good_quota_percent, year.good_quota_min_one)
        pool.participants += r["n"]
        pool.used += r["good"]
    return pools


def pool_key_for(qa, pmap: PoolMap) -> PoolKey:
    """The pool of one record (one query when its group splits leaders)."""
    leader = False
    group = pmap.group_of(qa.unit_id, qa.section_id)
    if group is not None and group.split_leaders:
        leader = (
            QuarterlyAssessment.objects.filter(pk=qa.pk)
            .annotate(leader=_leader_exists(qa.quarter))
            .values_list("leader", flat=True)
            .get()
        )
    return pmap.key_of(qa.unit_id, qa.section_id, qa.person_kind, leader)


def lock_pools(quarter, unit_ids: Iterable[int], region_id: int) -> None:
    """Lock the unit-quarter rows of these units in unit-id order (creating missing ones)."""
    ids = sorted(set(unit_ids))
    UnitQuarter.objects.bulk_create(
        [UnitQuarter(region_id=region_id, unit_id=u, quarter_id=quarter.pk) for u in ids],
        ignore_conflicts=True,
    )
    list(
        UnitQuarter.objects.select_for_update()
        .filter(quarter_id=quarter.pk, unit_id__in=ids)
        .order_by("unit_id")
        .values_list("pk", flat=True)
    )


def _rule(pool: Pool) -> str:
    facts = {"kind": Person.Kind(pool.key.kind).label, "n": pool.participants, "pct": pool.percent}
    if pool.min_one:
        return _("%(kind)s参加考核 %(n)s 人 × %(pct)s%%，向下取整，至少 1 名") % facts
    return _("%(kind)s参加考核 %(n)s 人 × %(pct)s%%，向下取整") % facts


def quota_refusal(pool: Pool) -> str | None:
    """The refusal of one more 好 in a full pool, naming the pool, the rule and the facts."""
    if pool.used < pool.places:
        return None
    return _(
        "名额组“%(pool)s”本季度“好”等次名额 %(places)s 已用 %(used)s（%(rule)s），不能再评为“好”。"
    ) % {"pool": pool.label, "places": pool.places, "used": pool.used, "rule": _rule(pool)}


def excess_refusal(pool: Pool, wanted: int) -> str | None:
    """The refusal of a batch asking `wanted` more 好 in one pool than it has left."""
    over = wanted - pool.remaining
    if over <= 0:
        return None
    return _(
        "名额组“%(pool)s”：本次选择“好” %(wanted)s 人，剩余名额 %(left)s（名额 %(places)s，"
        "已用 %(used)s；%(rule)s），超出 %(over)s 名。本次审定未执行，请调整后重新提交。"
    ) % {
        "pool": pool.label,
        "wanted": wanted,
        "left": pool.remaining,
        "places": pool.places,
        "used": pool.used,
        "rule": _rule(pool),
        "over": over,
    }
