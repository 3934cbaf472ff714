"""Negative records and rewards find the person by name or staff number, within the officer's
reach only (PersonRecordForm and the htmx search behind its <datalist>)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessment.models import Person
from indicators.models import NegativeRecord
from rewards.models import RewardRecord

pytestmark = pytest.mark.django_db

NEGATIVE = {
    "source": "discipline",
    "type": "violation",
    "severity": "minor",
    "date": "2026-08-01",
    "document_no": "纪〔2026〕9号",
}
REWARD = {
    "kind": "reward",
    "type": "merit_3",
    "level": "district",
    "date": "2026-07-01",
    "issuer": "区人民政府",
    "reason": "成绩突出",
}


def _twin(personas, name: str, staff_no: str = "a900") -> Person:
    """Another person of region A with the given name."""
    return Person.objects.create(
        region=personas.a.region,
        unit=personas.a.other_unit,
        name=name,
        staff_no=staff_no,
        gender="F",
        position="科员",
    )


def test_discipline_officer_records_by_name(personas, login):
    staff = personas.a.people["staff"]
    client = login(personas.a.discipline)
    form = client.get(reverse("indicators:negative-create")).content.decode()
    assert 'list="person-options"' in form and '<datalist id="person-options">' in form
    assert reverse("indicators:negative-person-search") in form
    response = client.post(
        reverse("indicators:negative-create"), {**NEGATIVE, "staff_no": staff.name}
    )
    assert response.status_code == 302
    assert NegativeRecord.objects.get().person == staff


def test_same_name_asks_for_the_staff_number_and_keeps_the_input(personas, login):
    staff = personas.a.people["staff"]
    _twin(personas, staff.name)
    client = login(personas.a.discipline)
    body = client.post(
        reverse("indicators:negative-create"), {**NEGATIVE, "staff_no": staff.name}
    ).content.decode()
    assert "请填写工号" in body and staff.staff_no in body and "a900" in body
    assert 'value="纪〔2026〕9号"' in body  # nothing typed is lost
    assert not NegativeRecord.objects.exists()


def test_a_name_outside_the_reach_is_not_found(personas, login):
    client = login(personas.b.discipline)  # region B: region A's staff is out of reach
    body = client.post(
        reverse("indicators:negative-create"),
        {**NEGATIVE, "staff_no": personas.a.people["staff"].name},
    ).content.decode()
    assert "未找到该姓名或工号的人员" in body and not NegativeRecord.objects.exists()


def test_search_lists_matches_in_reach_only(personas, login):
    url = reverse("indicators:negative-person-search")
    body = login(personas.a.discipline).get(url, {"staff_no": "astaff"}).content.decode()
    assert body.count("<option") == 2  # astaff, astaff2
    assert 'value="a003"' in body and "a财政局" in body
    body = login(personas.b.discipline).get(url, {"staff_no": "astaff"}).content.decode()
    assert "<option" not in body  # region A's people are not offered to region B
    body = login(personas.b.discipline).get(url, {"staff_no": "bstaff"}).content.decode()
    assert body.count("<option") == 2


def test_search_refuses_wrong_role_and_anonymous(personas, login, client):
    url = reverse("indicators:negative-person-search")
    assert client.get(url, {"staff_no": "a"})["Location"].startswith(reverse("login"))
    assert login(personas.a.staff).get(url, {"staff_no": "a"}).status_code == 403
    assert login(personas.a.discipline).get(reverse("rewards:person-search")).status_code == 403


def test_search_query_count_does_not_grow(personas, login, django_assert_max_num_queries):
    client = login(personas.a.discipline)
    url = reverse("indicators:negative-person-search")
    client.get(url, {"staff_no": "astaff"})
    for i in range(30):
        _twin(personas, f"astaff-extra{i}", f"x{i}")
    with django_assert_max_num_queries(6):
        body = client.get(url, {"staff_no": "astaff"}).content.decode()
    assert body.count("<option") == 20  # capped


def test_unit_admin_enters_a_reward_by_name_within_the_unit(personas, login):
    staff = personas.a.people["staff"]
    client = login(personas.a.unit_admin)
    response = client.post(reverse("rewards:record-create"), {**REWARD, "staff_no": staff.name})
    assert response.status_code == 302 and RewardRecord.objects.get().person == staff
    other = personas.a.people["other_staff"]  # another unit: out of the unit admin's reach
    body = client.post(
        reverse("rewards:record-create"), {**REWARD, "staff_no": other.name}
    ).content.decode()
    assert "未找到该姓名或工号的人员" in body
    search = client.get(reverse("rewards:person-search"), {"staff_no": other.name})
    assert "<option" not in search.content.decode()
