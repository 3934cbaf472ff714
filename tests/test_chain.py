"""The reviewer chain (DOMAIN.md "Review chain"): property tests of the pure resolver over random
organisation trees, and the database loader with the personas."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.chain import (
    LEVEL_CHIEF,
    LEVEL_LEADER,
    LEVEL_PRINCIPAL,
    ChainStep,
    Holders,
    PersonFacts,
    resolve_chain,
    reviewer_chain,
    reviewer_chains,
)
from assessment.models import Membership, Person, Role, Section, User

# -- random organisation trees ----------------------------------------------------------------

USERS = st.integers(min_value=1, max_value=8)  # a small pool, so roles and people collide often
HOLDERS = st.lists(USERS, max_size=2, unique=True).map(tuple)


@st.composite
def trees(draw):
    """Units 100.., sections 1000.. with random chiefs, leaders in charge and principals, and
    one person somewhere in the tree who may hold any of those roles themself."""
    unit_ids = list(range(100, 100 + draw(st.integers(1, 3))))
    section_unit: dict[int, int] = {}
    for unit_id in unit_ids:
        for _ in range(draw(st.integers(0, 3))):
            section_unit[1000 + len(section_unit)] = unit_id
    chiefs = {s: draw(HOLDERS) for s in section_unit}
    leaders = {s: draw(HOLDERS) for s in section_unit}
    principals = {u: draw(HOLDERS) for u in unit_ids}
    unit_leaders: dict[int, tuple[int, ...]] = {}
    unit_chiefs: dict[int, tuple[int, ...]] = {}
    for section_id, unit_id in section_unit.items():  # what load_holders builds from the rows
        unit_leaders[unit_id] = unit_leaders.get(unit_id, ()) + leaders[section_id]
        unit_chiefs[unit_id] = unit_chiefs.get(unit_id, ()) + chiefs[section_id]
    holders = Holders(chiefs, leaders, principals, unit_leaders, unit_chiefs)

    unit_id = draw(st.sampled_from(unit_ids))
    own_sections = [s for s, u in section_unit.items() if u == unit_id]
    section_id = draw(st.one_of(st.none(), st.sampled_from(own_sections))) if own_sections else None
    user_id = draw(st.one_of(st.none(), USERS))
    return PersonFacts(user_id, unit_id, section_id), holders, section_unit


def holds(user_id, holders: Holders, level: int, person: PersonFacts) -> bool:
    """Does user_id hold the role of `level` for this person's section / unit?"""
    if level == LEVEL_CHIEF:
        return user_id in holders.chiefs.get(person.section_id, ())
    if level == LEVEL_LEADER:
        return user_id in holders.leaders.get(person.section_id, ())
    return user_id in holders.principals.get(person.unit_id, ())


def unit_sections(person: PersonFacts, section_unit: dict[int, int]) -> list[int]:
    return [s for s, u in section_unit.items() if u == person.unit_id]


def is_principal(person, holders) -> bool:
    return person.user_id is not None and person.user_id in holders.principals.get(
        person.unit_id, ()
    )


def is_leader(person, holders, section_unit) -> bool:
    return person.user_id is not None and any(
        person.user_id in holders.leaders[s] for s in unit_sections(person, section_unit)
    )


def is_chief(person, holders, section_unit) -> bool:
    return person.user_id is not None and any(
        person.user_id in holders.chiefs[s] for s in unit_sections(person, section_unit)
    )


PROPERTY_SETTINGS = settings(max_examples=120, deadline=None)


@PROPERTY_SETTINGS
@given(trees())
def test_nobody_reviews_themself(tree):
    person, holders, _ = tree
    assert all(step.user_id != person.user_id for step in resolve_chain(person, holders))


@PROPERTY_SETTINGS
@given(trees())
def test_levels_strictly_increase_and_nobody_appears_twice(tree):
    person, holders, _ = tree
    chain = resolve_chain(person, holders)
    levels = [step.level for step in chain]
    assert levels == sorted(set(levels))
    assert set(levels) <= {LEVEL_CHIEF, LEVEL_LEADER, LEVEL_PRINCIPAL}
    users = [step.user_id for step in chain]
    assert len(users) == len(set(users))


@PROPERTY_SETTINGS
@given(trees())
def test_each_reviewer_holds_the_role_of_their_level(tree):
    person, holders, _ = tree
    for step in resolve_chain(person, holders):
        assert holds(step.user_id, holders, step.level, person), step


@PROPERTY_SETTINGS
@given(trees())
def test_a_level_is_skipped_only_when_nobody_else_can_take_it(tree):
    """A level is in the chain exactly when it is above the person's rank and someone other than
    the person (and not already an earlier reviewer) holds it: vacant levels are skipped."""
    person, holders, section_unit = tree
    chain = resolve_chain(person, holders)
    by_level = {step.level: step.user_id for step in chain}
    if is_principal(person, holders):
        rank = LEVEL_PRINCIPAL
    elif is_leader(person, holders, section_unit):
        rank = LEVEL_LEADER
    elif is_chief(person, holders, section_unit):
        rank = LEVEL_CHIEF
    else:
        rank = 0
    earlier: set[int] = set()
    for level, pool in (
        (LEVEL_CHIEF, holders.chiefs.get(person.section_id, ()) if person.section_id else ()),
        (LEVEL_LEADER, holders.leaders.get(person.section_id, ()) if person.section_id else ()),
        (LEVEL_PRINCIPAL, holders.principals.get(person.unit_id, ())),
    ):
        available = {u for u in pool if u != person.user_id and u not in earlier}
        if level > rank and available:
            assert by_level.get(level) == min(available)  # the lowest id acts
            earlier.add(by_level[level])
        else:
            assert level not in by_level


@PROPERTY_SETTINGS
@given(trees())
def test_chain_starts_above_the_persons_own_rank(tree):
    person, holders, section_unit = tree
    levels = [step.level for step in resolve_chain(person, holders)]
    if is_principal(person, holders):
        assert levels == []
    elif is_leader(person, holders, section_unit):
        assert set(levels) <= {LEVEL_PRINCIPAL}
    elif is_chief(person, holders, section_unit):
        assert LEVEL_CHIEF not in levels
        leaders = holders.leaders.get(person.section_id, ()) if person.section_id else ()
        if any(u != person.user_id for u in leaders):
            assert levels[0] == LEVEL_LEADER


def test_chief_chain_table():
    """Hand-built cases, in case the generator drifts: section 10 in unit 1."""
    holders = Holders(
        chiefs={10: (5,), 11: (6,)},
        leaders={10: (7,), 11: (7,)},
        principals={1: (9,)},
        unit_leaders={1: (7, 7)},
        unit_chiefs={1: (5, 6)},
    )
    staff = PersonFacts(1, 1, 10)
    chief = PersonFacts(5, 1, 10)
    chief_of_other_section = PersonFacts(6, 1, 10)
    leader = PersonFacts(7, 1, None)
    principal = PersonFacts(9, 1, None)
    no_account = PersonFacts(None, 1, 10)
    assert resolve_chain(staff, holders) == [ChainStep(1, 5), ChainStep(2, 7), ChainStep(3, 9)]
    assert resolve_chain(no_account, holders) == [ChainStep(1, 5), ChainStep(2, 7), ChainStep(3, 9)]
    assert resolve_chain(chief, holders) == [ChainStep(2, 7), ChainStep(3, 9)]
    assert resolve_chain(chief_of_other_section, holders) == [ChainStep(2, 7), ChainStep(3, 9)]
    assert resolve_chain(leader, holders) == [ChainStep(3, 9)]
    assert resolve_chain(principal, holders) == []
    # vacant chief and leader: straight to the principal
    assert resolve_chain(PersonFacts(1, 1, 12), holders) == [ChainStep(3, 9)]


# -- the database loader with the personas ----------------------------------------------------


def _ids(chain) -> list[tuple[int, int]]:
    return [(step.level, step.user_id) for step in chain]


@pytest.mark.django_db
def test_staff_chain_is_chief_leader_principal(personas):
    a = personas.a
    chains = reviewer_chains(Person.objects.filter(pk__in=[p.pk for p in a.people.values()]))
    assert _ids(chains[a.people["staff"].pk]) == [
        (1, a.chief.pk),
        (2, a.leader.pk),
        (3, a.principal.pk),
    ]
    assert _ids(chains[a.people["chief"].pk]) == [(2, a.leader.pk), (3, a.principal.pk)]
    assert _ids(chains[a.people["leader"].pk]) == [(3, a.principal.pk)]
    assert chains[a.people["principal"].pk] == []
    # the unit admin keeps the roster but is reviewed like any staff member
    assert _ids(chains[a.people["unit_admin"].pk]) == _ids(chains[a.people["staff"].pk])
    # the other unit has no reviewers at all: every level is vacant
    assert chains[a.people["other_staff"].pk] == []


@pytest.mark.django_db
def test_other_region_holders_never_appear(personas):
    b_users = {u.pk for u in personas.b.users.values()}
    chains = reviewer_chains(Person.objects.filter(region=personas.a.region))
    assert chains
    assert not {step.user_id for chain in chains.values() for step in chain} & b_users


@pytest.mark.django_db
def test_revoked_chief_is_skipped(personas):
    a = personas.a
    Membership.objects.filter(user=a.chief, role=Role.SECTION_CHIEF).update(
        valid_to=timezone.localdate()
    )
    assert _ids(reviewer_chain(a.people["staff"])) == [(2, a.leader.pk), (3, a.principal.pk)]


@pytest.mark.django_db
def test_inactive_account_is_skipped(personas):
    a = personas.a
    User.objects.filter(pk=a.leader.pk).update(is_active=False)
    assert _ids(reviewer_chain(a.people["staff"])) == [(1, a.chief.pk), (3, a.principal.pk)]


@pytest.mark.django_db
def test_chain_on_a_date_uses_the_roles_held_then(personas):
    a = personas.a
    staff = a.people["staff"]
    assert reviewer_chain(staff, on=date(2019, 12, 31)) == []  # roles start 2020-01-01
    future = timezone.localdate() + timedelta(days=30)
    Membership.objects.create(
        user=a.staff2,
        role=Role.SECTION_CHIEF,
        region=a.region,
        unit=a.unit,
        section=a.section,
        valid_from=future,
    )
    assert _ids(reviewer_chain(staff))[0] == (1, a.chief.pk)
    Membership.objects.filter(user=a.chief, role=Role.SECTION_CHIEF).update(valid_to=future)
    assert _ids(reviewer_chain(staff, on=future))[0] == (1, a.staff2.pk)


@pytest.mark.django_db
def test_chief_who_also_leads_the_section_appears_once(personas):
    a = personas.a
    Membership.objects.filter(user=a.leader, role=Role.LEADER_IN_CHARGE).delete()
    Membership.objects.create(
        user=a.chief, role=Role.LEADER_IN_CHARGE, region=a.region, unit=a.unit, section=a.section
    )
    # the chief is now a leader in charge: reviewed by the principal only
    assert _ids(reviewer_chain(a.people["chief"])) == [(3, a.principal.pk)]
    # staff: the chief acts at level 1 and is not repeated at level 2 (vacant)
    assert _ids(reviewer_chain(a.people["staff"])) == [(1, a.chief.pk), (3, a.principal.pk)]


def _fill_section(personas, n: int) -> None:
    a = personas.a
    section = Section.objects.create(region=a.region, unit=a.unit, name="扩充股")
    for i in range(n):
        user = User.objects.create(username=f"bulk{i}")
        Person.objects.create(
            region=a.region,
            unit=a.unit,
            section=section,
            user=user,
            name=f"批量{i}",
            staff_no=f"bulk{i:03d}",
            gender="F",
        )
    Membership.objects.create(
        user=a.staff2, role=Role.SECTION_CHIEF, region=a.region, unit=a.unit, section=section
    )


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 30])
def test_reviewer_chains_query_count_does_not_grow(personas, n, django_assert_num_queries):
    _fill_section(personas, n)
    people = Person.objects.filter(staff_no__startswith="bulk")
    with django_assert_num_queries(2):  # the people, then every holder of their units
        chains = reviewer_chains(people)
    assert len(chains) == n
    assert all(
        _ids(c) == [(1, personas.a.staff2.pk), (3, personas.a.principal.pk)]
        for c in chains.values()
    )
