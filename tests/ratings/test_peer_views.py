"""Peer pages: the unit admin opens and closes a round and sees completion; a rater votes
through the form (errors beside the person, nothing typed lost); the 晾晒 table and the own
result; constant query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reviews.ratings import peer
from reviews.ratings.models import PeerBallot, PeerRound

from .helpers import all_levels, open_round, vote

pytestmark = pytest.mark.django_db


def test_unit_admin_opens_a_round_through_the_form(client, personas):
    a = personas.a
    client.force_login(a.unit_admin)
    url = reverse("reviews:peer-round-new", args=[a.unit.pk])
    response = client.post(
        url,
        {
            "year": 2026,
            "quarter": "4",
            "scope": "section",
            "opens_on": "2026-12-01",
            "closes_on": "2026-12-10",
            "allow_comment": "on",
        },
    )
    round_ = PeerRound.objects.get()
    assert response.status_code == 302 and round_.scope == "section" and round_.quarter == 4
    assert round_.history.first().history_change_reason == "发起互评"


def test_bad_dates_are_refused_beside_the_field_keeping_the_input(client, personas):
    a = personas.a
    client.force_login(a.unit_admin)
    response = client.post(
        reverse("reviews:peer-round-new", args=[a.unit.pk]),
        {
            "year": 2026,
            "quarter": "4",
            "scope": "unit",
            "opens_on": "2026-12-10",
            "closes_on": "2026-12-01",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "截止日期不能早于开始日期" in body and "2026-12-10" in body
    assert not PeerRound.objects.exists()


def test_other_regions_admin_cannot_open_a_round_for_our_unit(client, personas):
    client.force_login(personas.b.unit_admin)
    url = reverse("reviews:peer-round-new", args=[personas.a.unit.pk])
    assert client.get(url).status_code == 404


def test_rater_votes_through_the_form(client, personas):
    a = personas.a
    round_ = open_round(a)
    client.force_login(a.staff)
    url = reverse("reviews:peer-vote", args=[round_.pk])
    page = client.get(url).content.decode()
    assert a.people["chief"].name in page and a.people["staff"].name not in page.split("<form")[1]
    scores, _comments = all_levels(round_, "staff", a, level="fair")
    data = {f"p{pid}_{d}": lv for pid, dims in scores.items() for d, lv in dims.items()}
    response = client.post(url, data)
    assert response.status_code == 302
    assert PeerBallot.objects.filter(round=round_).count() == len(scores)
    assert "您已参加本轮互评" in client.get(url).content.decode()


def test_incomplete_ballot_shows_the_error_beside_the_person_and_keeps_the_choices(
    client, personas
):
    a = personas.a
    round_ = open_round(a)
    client.force_login(a.staff)
    chief = a.people["chief"].pk
    response = client.post(
        reverse("reviews:peer-vote", args=[round_.pk]),
        {f"p{chief}_de": "good", f"c{chief}": "认真"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "请为" in body and f'name="p{chief}_de" value="good" checked' in body and "认真" in body
    assert not PeerBallot.objects.exists()


def test_a_member_of_another_unit_gets_404_on_the_ballot(client, personas):
    round_ = open_round(personas.a)
    client.force_login(personas.a.other_staff)
    assert client.get(reverse("reviews:peer-vote", args=[round_.pk])).status_code == 404


def test_completion_for_the_unit_admin(client, personas):
    a = personas.a
    round_ = open_round(a)
    vote(round_, a, "staff")
    vote(round_, a, "chief")
    client.force_login(a.unit_admin)
    body = client.get(reverse("reviews:peer-round", args=[round_.pk])).content.decode()
    assert "2 / 6" in body


def test_results_only_after_close_and_below_k_shows_nothing(client, personas):
    a = personas.a
    round_ = open_round(a)
    for rater in ("staff", "staff2", "chief"):
        vote(round_, a, rater, comment="COMMENT-X")
    client.force_login(a.staff)
    url = reverse("reviews:peer-results", args=[round_.pk])
    assert client.get(url).status_code == 404  # still open
    peer.peer_round_close(round_=round_, by=a.unit_admin)
    body = client.get(url).content.decode()
    assert "100.00" in body  # principal: 3 ballots of 好
    assert "不足 3 票" in body  # the raters themselves have 2 ballots each
    assert "COMMENT-X" not in body  # comments never on the public table


def test_own_result_page(client, personas):
    a = personas.a
    round_ = open_round(a)
    for rater in ("staff2", "chief", "leader", "principal"):
        vote(round_, a, rater, comment=f"<script>alert('{rater}')</script>")
    peer.peer_round_close(round_=round_, by=a.unit_admin)
    client.force_login(a.staff)
    body = client.get(reverse("reviews:peer-mine", args=[round_.pk])).content.decode()
    assert "互评 4 票" in body
    assert "&lt;script&gt;alert" in body and "<script>alert" not in body


@pytest.mark.parametrize("extra", [0, 40])
def test_results_page_query_count_is_constant(
    client, personas, django_assert_max_num_queries, extra
):
    from assessment.models import Person

    a = personas.a
    Person.objects.bulk_create(
        Person(region=a.region, unit=a.unit, name=f"p{i}", staff_no=f"x{i}", gender="F")
        for i in range(extra)
    )
    round_ = open_round(a)
    vote(round_, a, "staff")
    peer.peer_round_close(round_=round_, by=a.unit_admin)
    client.force_login(a.staff)
    client.get(reverse("reviews:peer-results", args=[round_.pk]))  # warm the nav cache
    with django_assert_max_num_queries(12):
        assert client.get(reverse("reviews:peer-results", args=[round_.pk])).status_code == 200
