"""Reviewer chain (DOMAIN.md "Review chain").

chief of the person's section (level 1) → leader in charge of that section (level 2) →
principal leader of the unit (level 3). Levels at or below the person's own rank, vacant
levels, and levels that would make someone review themself are skipped. A person's rank is
the highest reviewer role they hold for any section of their unit (a chief of another
section is not reviewed by a fellow chief). A principal leader has no chain inside the unit:
the region assesses them.

`resolve_chain` is pure (property-tested); `reviewer_chains` loads the facts for many people
with one query.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

LEVEL_CHIEF, LEVEL_LEADER, LEVEL_PRINCIPAL = 1, 2, 3


@dataclass(frozen=True)
class ChainStep:
    level: int
    user_id: int


@dataclass(frozen=True)
class PersonFacts:
    user_id: int | None
    unit_id: int
    section_id: int | None


@dataclass(frozen=True)
class Holders:
    """Who holds each reviewer role: section → chiefs / leaders in charge, unit → principals,
    unit → every leader in charge and every chief of one of its sections."""

    chiefs: Mapping[int, tuple[int, ...]]
    leaders: Mapping[int, tuple[int, ...]]
    principals: Mapping[int, tuple[int, ...]]
    unit_leaders: Mapping[int, tuple[int, ...]]
    unit_chiefs: Mapping[int, tuple[int, ...]] = field(default_factory=dict)


def person_rank(person: PersonFacts, holders: Holders) -> int:
    """The highest reviewer level the person holds in their own unit (0 for staff)."""
    uid = person.user_id
    if uid is None:
        return 0
    if uid in holders.principals.get(person.unit_id, ()):
        return LEVEL_PRINCIPAL
    if uid in holders.unit_leaders.get(person.unit_id, ()):
        return LEVEL_LEADER
    if uid in holders.unit_chiefs.get(person.unit_id, ()) or (
        person.section_id and uid in holders.chiefs.get(person.section_id, ())
    ):
        return LEVEL_CHIEF
    return 0


def resolve_chain(person: PersonFacts, holders: Holders) -> list[ChainStep]:
    rank = person_rank(person, holders)
    candidates: list[tuple[int, tuple[int, ...]]] = []
    if person.section_id:
        candidates.append((LEVEL_CHIEF, holders.chiefs.get(person.section_id, ())))
        candidates.append((LEVEL_LEADER, holders.leaders.get(person.section_id, ())))
    candidates.append((LEVEL_PRINCIPAL, holders.principals.get(person.unit_id, ())))
    chain: list[ChainStep] = []
    seen: set[int] = set()
    for level, users in candidates:
        if level <= rank:
            continue
        # several holders of one level (e.g. two chiefs): the lowest id acts; nobody twice
        eligible = sorted(u for u in users if u != person.user_id and u not in seen)
        if eligible:
            chain.append(ChainStep(level, eligible[0]))
            seen.add(eligible[0])
    return chain


def load_holders(unit_ids: Iterable[int], on: date | None = None) -> Holders:
    from .models import Membership, Role

    chiefs: dict = defaultdict(tuple)
    leaders: dict = defaultdict(tuple)
    principals: dict = defaultdict(tuple)
    unit_leaders: dict = defaultdict(tuple)
    unit_chiefs: dict = defaultdict(tuple)
    rows = (
        Membership.objects.current(on or timezone.localdate())
        .filter(
            role__in=[Role.SECTION_CHIEF, Role.LEADER_IN_CHARGE, Role.PRINCIPAL_LEADER],
            user__is_active=True,
        )
        .filter(unit_id__in=set(unit_ids))
        .values_list("role", "user_id", "unit_id", "section_id")
    )
    for role, user_id, unit_id, section_id in rows:
        if role == Role.SECTION_CHIEF:
            chiefs[section_id] += (user_id,)
            unit_chiefs[unit_id] += (user_id,)
        elif role == Role.LEADER_IN_CHARGE:
            leaders[section_id] += (user_id,)
            unit_leaders[unit_id] += (user_id,)
        else:
            principals[unit_id] += (user_id,)
    return Holders(
        dict(chiefs), dict(leaders), dict(principals), dict(unit_leaders), dict(unit_chiefs)
    )


def reviewer_chains(people, on: date | None = None) -> dict[int, list[ChainStep]]:
    """Chains for many Person rows at once (one query for all their units)."""
    people = list(people)
    holders = load_holders({p.unit_id for p in people}, on)
    return {
        p.pk: resolve_chain(PersonFacts(p.user_id, p.unit_id, p.section_id), holders)
        for p in people
    }


def reviewer_chain(person, on: date | None = None) -> list[ChainStep]:
    return reviewer_chains([person], on)[person.pk]
