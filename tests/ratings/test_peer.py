"""Peer rounds: membership and scope, exactly-once voting, k-threshold, trimmed mean, closing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from reviews.models import Reminder
from reviews.ratings import peer, selectors
from reviews.ratings.models import PeerBallot, PeerParticipation, PeerRound, RatingSettings

from .helpers import UNIT_MEMBERS, open_round, vote

pytestmark = pytest.mark.django_db


def test_unit_round_members_are_the_units_active_people_and_nobody_rates_themselves(personas):
    a = personas.a
    round_ = open_round(a)
    members = set(round_.members.values_list("person_id", flat=True))
    assert members == {a.people[k].pk for k in UNIT_MEMBERS}
    ratees = peer.ratees_for(round_, a.people["staff"].pk)
    assert a.people["staff"].pk not in {p.pk for p in ratees}
    assert len(ratees) == len(UNIT_MEMBERS) - 1


def test_section_round_rates_only_the_same_section(personas):
    a = personas.a
    round_ = open_round(a, scope=PeerRound.Scope.SECTION)
    ratees = {p.pk for p in peer.ratees_for(round_, a.people["staff"].pk)}
    # staff's section 综合股 holds chief, staff, staff2, unit_admin
    assert ratees == {a.people[k].pk for k in ("chief", "staff2", "unit_admin")}


def test_list_round_refuses_a_person_of_another_unit(personas):
    a = personas.a
    with pytest.raises(ValidationError):
        open_round(
            a,
            scope=PeerRound.Scope.LIST,
            person_ids=[a.people["staff"].pk, a.people["other_staff"].pk],
        )


def test_only_the_units_manager_opens_a_round(personas):
    with pytest.raises(PermissionDenied):
        peer.peer_round_open(
            unit=personas.a.unit,
            by=personas.b.unit_admin,
            year=2026,
            quarter=3,
            scope="unit",
            opens_on=date(2026, 9, 1),
            closes_on=date(2026, 9, 30),
        )


def test_a_second_ballot_set_is_refused(personas):
    a = personas.a
    round_ = open_round(a)
    assert vote(round_, a, "staff") == 5
    with pytest.raises(ValidationError, match="已参加"):
        vote(round_, a, "staff")
    assert PeerParticipation.objects.filter(round=round_).count() == 1
    assert PeerBallot.objects.filter(round=round_).count() == 5


def test_a_ballot_missing_a_dimension_is_refused_and_nothing_is_stored(personas):
    a = personas.a
    round_ = open_round(a)
    scores = {p.pk: {"de": "good"} for p in peer.ratees_for(round_, a.people["staff"].pk)}
    with pytest.raises(ValidationError) as exc:
        peer.peer_ballots_submit(round_=round_, by=a.staff, scores=scores)
    assert f"p{a.people['chief'].pk}" in exc.value.error_dict
    assert not PeerBallot.objects.exists() and not PeerParticipation.objects.exists()


def test_outsider_cannot_vote(personas):
    round_ = open_round(personas.a)
    with pytest.raises(PermissionDenied):
        peer.peer_ballots_submit(round_=round_, by=personas.a.other_staff, scores={})


def test_closed_round_refuses_ballots(personas):
    a = personas.a
    round_ = open_round(a)
    peer.peer_round_close(round_=round_, by=a.unit_admin)
    with pytest.raises(ValidationError):
        vote(round_, a, "staff")


def test_results_hidden_below_k_and_shown_from_k(personas):
    a = personas.a
    round_ = open_round(a)
    target = a.people["principal"].pk
    vote(round_, a, "staff")
    vote(round_, a, "staff2")
    res = {r.person.pk: r for r in selectors.round_results(round_)}
    assert res[target].ballots == 2 and not res[target].shown and res[target].mean is None
    vote(round_, a, "chief")
    res = {r.person.pk: r for r in selectors.round_results(round_)}
    assert res[target].shown and res[target].mean == Decimal("100.00")


def test_k_is_a_region_setting(personas):
    a = personas.a
    RatingSettings.objects.create(region=a.region, year=2026, k_min=4)
    round_ = open_round(a)
    for k in ("staff", "staff2", "chief"):
        vote(round_, a, k)
    res = {r.person.pk: r for r in selectors.round_results(round_)}
    assert not res[a.people["principal"].pk].shown


def test_trimmed_mean_drops_one_highest_and_one_lowest(personas):
    a = personas.a
    round_ = open_round(a)
    target = a.people["principal"].pk
    levels = {"staff": "good", "staff2": "poor", "chief": "fair", "leader": "fair"}
    for rater, level in levels.items():
        vote(round_, a, rater, **{str(target): level})
    r = {r.person.pk: r for r in selectors.round_results(round_)}[target]
    assert r.mean == Decimal("75.00")  # (100 + 40 + 80 + 80) / 4
    assert r.trimmed_mean == Decimal("80.00")  # (80 + 80) / 2
    assert r.distribution["de"] == [1, 2, 0, 1]


@given(st.lists(st.integers(min_value=0, max_value=100), min_size=3, max_size=30))
def test_trimmed_mean_lies_between_min_and_max_and_ignores_one_outlier(values):
    ds = [Decimal(v) for v in values]
    tm = selectors.trimmed_mean(ds)
    assert min(ds) <= tm <= max(ds)
    assert selectors.trimmed_mean([*ds, Decimal(10**6)]) <= max(ds)


def test_comments_only_above_k(personas):
    a = personas.a
    round_ = open_round(a)
    target = a.people["principal"].pk
    for rater in ("staff", "staff2", "chief"):
        vote(round_, a, rater, comment=f"评语{rater}")
    r = selectors.round_results(round_, person_ids=[target], comments=True)[0]
    assert r.shown and r.comments == []  # exactly k: no comments
    vote(round_, a, "leader", comment="评语leader")
    r = selectors.round_results(round_, person_ids=[target], comments=True)[0]
    assert sorted(r.comments) == sorted(f"评语{k}" for k in ("staff", "staff2", "chief", "leader"))


def test_close_is_once_and_due_rounds_close_by_themselves(personas):
    a = personas.a
    round_ = open_round(a)
    peer.peer_round_close(round_=round_, by=a.unit_admin)
    with pytest.raises(ValidationError):
        peer.peer_round_close(round_=round_, by=a.unit_admin)
    other = open_round(a, quarter=4)
    assert peer.peer_rounds_close_due(today=timezone.localdate() + timedelta(days=30)) == 1
    other.refresh_from_db()
    assert other.status == PeerRound.Status.CLOSED
    assert other.history.first().history_change_reason == "互评到期自动结束"


def test_reminders_go_to_members_who_have_not_voted_once_a_day(personas):
    a = personas.a
    round_ = open_round(a)
    vote(round_, a, "staff")
    peer.peer_round_reminders()
    peer.peer_round_reminders()
    users = set(
        Reminder.objects.filter(key__startswith=f"peer:{round_.pk}:").values_list(
            "user_id", flat=True
        )
    )
    assert a.staff.pk not in users
    assert users == {a.users[k].pk for k in UNIT_MEMBERS if k != "staff"}
