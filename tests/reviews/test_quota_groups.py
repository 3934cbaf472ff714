"""Quota groups (名额组, DOMAIN.md "Grades"): merged units or sections share one 好 quota, a group
may split leaders from staff, the decide screen and the refusals name the pool; the grant is
race-safe across the units of a group (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.urls import reverse

from assessment.models import AssessmentYear, Person, QuarterlyAssessment
from reviews import services
from reviews.models import QuotaGroup, QuotaGroupMember
from reviews.quota import PoolMap, quota_pools
from tests.concurrency import race

from .helpers import at_decision, open_quarter

pytestmark = pytest.mark.django_db


def _group(a, quarter, name="合并组", *, units=(), sections=(), split_leaders=False):
    group = QuotaGroup.objects.create(
        region=a.region, year=quarter.year, name=name, split_leaders=split_leaders
    )
    for unit in units:
        QuotaGroupMember.objects.create(group=group, year=quarter.year, unit=unit)
    for section in sections:
        QuotaGroupMember.objects.create(group=group, year=quarter.year, section=section)
    return group


def _at_decision(a, keys, quarter) -> list[QuarterlyAssessment]:
    people = [a.people[k] for k in keys]
    return at_decision(a, QuarterlyAssessment.objects.filter(quarter=quarter, person__in=people))


def test_merged_units_share_one_pool_and_the_refusal_names_it(personas):
    a = personas.a
    quarter = open_quarter(a)
    _group(a, quarter, units=[a.unit, a.other_unit])  # 6 + 4 participants → 4 places
    rows = _at_decision(a, ["staff", "staff2", "chief", "other_staff", "hr"], quarter)
    for qa in rows[:4]:
        services.quarterly_decide(assessment=qa, by=a.principal, grade="good")
    with pytest.raises(ValidationError) as exc:
        services.quarterly_decide(assessment=rows[4], by=a.principal, grade="good")
    message = exc.value.messages[0]
    assert "名额组“合并组 · 公务员”" in message and "名额 4 已用 4" in message
    assert "参加考核 10 人" in message
    # without the group each unit alone: a财政局 6 → 2 places, a教育局 4 → 1 place
    QuotaGroup.objects.all().delete()
    pools = quota_pools(quarter, [a.unit.pk, a.other_unit.pk])
    assert sorted((p.name, p.places, p.used) for p in pools.values()) == [
        ("a教育局", 1, 1),
        ("a财政局", 2, 3),
    ]


def test_a_sections_group_takes_precedence_over_its_units(personas):
    a = personas.a
    quarter = open_quarter(a)
    group = _group(a, quarter, "综合股组", sections=[a.section])
    pmap = PoolMap.load(quarter.year_id)
    staff = QuarterlyAssessment.objects.get(quarter=quarter, person=a.people["staff"])
    leader = QuarterlyAssessment.objects.get(quarter=quarter, person=a.people["leader"])
    assert pmap.key_of(staff.unit_id, staff.section_id, "civil_servant", False).group_id == (
        group.pk
    )
    assert pmap.key_of(leader.unit_id, leader.section_id, "civil_servant", False).group_id is None
    pools = {p.name: p for p in quota_pools(quarter, [a.unit.pk], pmap).values()}
    # chief, staff, staff2, unit_admin in 综合股; principal and leader in the unit's own pool
    assert pools["综合股组"].participants == 4 and pools["a财政局"].participants == 2


def test_a_group_may_split_leaders_from_staff(personas):
    a = personas.a
    quarter = open_quarter(a)
    _group(a, quarter, "财政局", units=[a.unit], split_leaders=True)
    AssessmentYear.objects.filter(pk=quarter.year_id).update(good_quota_percent=50)
    quarter.year.refresh_from_db()
    pools = {p.label: p for p in quota_pools(quarter, [a.unit.pk]).values()}
    # principal and leader in charge are leaders; unit_admin, chief, staff, staff2 are not
    assert pools["财政局 · 公务员 · 领导成员"].participants == 2
    assert pools["财政局 · 公务员 · 其他人员"].participants == 4
    rows = _at_decision(a, ["leader", "staff", "staff2", "chief"], quarter)
    leader = next(r for r in rows if r.person_id == a.people["leader"].pk)
    others = [r for r in rows if r is not leader]
    services.quarterly_decide(assessment=leader, by=a.principal, grade="good")  # 1 of 1
    services.quarterly_decide(assessment=others[0], by=a.principal, grade="good")
    services.quarterly_decide(assessment=others[1], by=a.principal, grade="good")  # 2 of 2
    with pytest.raises(ValidationError, match="其他人员"):
        services.quarterly_decide(assessment=others[2], by=a.principal, grade="good")


def test_a_unit_is_in_at_most_one_group_a_year(personas):
    a = personas.a
    quarter = open_quarter(a)
    _group(a, quarter, "一", units=[a.unit])
    with pytest.raises(IntegrityError), transaction.atomic():
        _group(a, quarter, "二", units=[a.unit])
    with pytest.raises(IntegrityError), transaction.atomic():
        QuotaGroupMember.objects.create(
            group=QuotaGroup.objects.get(name="一"),
            year=quarter.year,
            unit=a.other_unit,
            section=a.section,
        )


def test_decide_screen_names_the_group_and_counts_its_other_units(client, personas):
    a = personas.a
    quarter = open_quarter(a)
    _group(a, quarter, "小单位合并组", units=[a.unit, a.other_unit])
    other = _at_decision(a, ["other_staff"], quarter)[0]
    services.quarterly_decide(assessment=other, by=a.principal, grade="good")
    client.force_login(a.principal)
    page = client.get(reverse("reviews:decide", args=[a.unit.pk, quarter.code])).content.decode()
    assert "名额组“小单位合并组 · 公务员”" in page
    assert "参加考核 10 人，“好”名额 4，已用 1，剩余 3" in page


def test_bulk_refusal_names_the_group(personas):
    a = personas.a
    quarter = open_quarter(a)
    _group(a, quarter, "合并组", units=[a.unit, a.other_unit])  # 4 places
    rows = _at_decision(a, ["staff", "staff2", "chief", "unit_admin", "leader"], quarter)
    result = services.quarterly_bulk_decide(decisions=[(r, "good") for r in rows], by=a.principal)
    assert result.done == 0 and "名额组“合并组 · 公务员”" in result.refused[0]
    assert "超出 1 名" in result.refused[0]
    assert not QuarterlyAssessment.objects.filter(quarter=quarter, grade="good").exists()


def _more_people(a, n: int) -> None:
    for i in range(n):
        for unit, section, tag in ((a.unit, a.section, "f"), (a.other_unit, None, "e")):
            Person.objects.create(
                region=a.region,
                unit=unit,
                section=section,
                name=f"{tag}{i}",
                staff_no=f"{tag}{i:03}",
                gender="M",
            )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_good_decisions_across_a_groups_units_grant_exactly_its_places(personas):
    """A group spans a财政局 and a教育局 (16 + 14 participants → 12 places). Thirty decisions
    of 好 in both units at once: exactly 12 are granted."""
    a = personas.a
    _more_people(a, 10)
    quarter = open_quarter(a)
    _group(a, quarter, "合并组", units=[a.unit, a.other_unit])
    racers = at_decision(a, QuarterlyAssessment.objects.filter(quarter=quarter))
    outcomes = race(
        [
            lambda qa=qa: services.quarterly_decide(assessment=qa, by=a.principal, grade="good")
            for qa in racers
        ]
    )
    granted = [o for o in outcomes if isinstance(o, QuarterlyAssessment)]
    assert len(granted) == 12, outcomes
    refused = [o for o in outcomes if not isinstance(o, QuarterlyAssessment)]
    assert all("名额 12 已用 12" in " ".join(o.messages) for o in refused), refused


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_deciding_in_one_unit_of_a_group_waits_for_a_decision_in_another(personas):
    """The grant locks every unit of the pool: while a decision in a教育局 holds its lock, one
    in a财政局 (same group) cannot count the places (it times out here instead of waiting)."""
    a = personas.a
    quarter = open_quarter(a)
    _group(a, quarter, "合并组", units=[a.unit, a.other_unit])
    in_other, in_unit = _at_decision(a, ["other_staff", "staff"], quarter)
    if in_other.unit_id != a.other_unit.pk:
        in_other, in_unit = in_unit, in_other
    holding, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                services._lock_pools_of([in_other], quarter)
                holding.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert holding.wait(10)
        with pytest.raises(OperationalError, match="lock timeout"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '300ms'")
            services.quarterly_decide(assessment=in_unit, by=a.principal, grade="good")
    finally:
        release.set()
        thread.join()
    assert services.quarterly_decide(assessment=in_unit, by=a.principal, grade="good").grade
