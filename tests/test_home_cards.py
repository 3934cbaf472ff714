"""Home cards say what the data says (HR's export card, the discipline officer's card)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.archive.helpers import assessed
from tests.indicators.helpers import negative

pytestmark = pytest.mark.django_db


def _home(login, user) -> str:
    return login(user).get(reverse("home")).content.decode()


def test_hr_card_offers_the_export_and_names_the_graded_quarters(login, personas):
    body = _home(login, personas.a.hr)
    assert "暂无可导出" not in body
    assert body.count("<h2>登记表导出</h2>") == 1  # one card, not a stale placeholder beside it
    assert reverse("archive:export") in body
    for key in ("staff", "staff2"):
        assessed(personas.a.people[key])
    body = _home(login, personas.a.hr)
    assert "2026Q3" in body and "2 人已定等次" in body
    assert "2026Q3" not in _home(login, personas.b.hr)  # region B's HR sees none of A's


def test_discipline_card_counts_and_lists_the_records(login, personas):
    assert "暂无负面信息记录" in _home(login, personas.a.discipline)
    today = timezone.localdate()
    negative(personas, date=today)
    negative(personas, date=date(today.year, 1, 1), type="complaint", source="petition")
    body = _home(login, personas.a.discipline)
    assert "暂无负面信息记录" not in body
    assert "本年度在册 2 条" in body and "astaff" in body
    assert "暂无负面信息记录" in _home(login, personas.b.discipline)


def test_a_revoked_record_is_not_counted(login, personas):
    record = negative(personas, date=timezone.localdate())
    record.revoked_at = timezone.now()
    record.revoke_reason = "录入错误"
    record.revoked_by = personas.a.discipline
    record.save()
    assert "暂无负面信息记录" in _home(login, personas.a.discipline)


@pytest.mark.parametrize("records", [1, 20])
def test_home_query_count_does_not_grow(login, personas, django_assert_max_num_queries, records):
    for _i in range(records):
        negative(personas, date=timezone.localdate())
    client = login(personas.a.discipline)
    client.get(reverse("home"))
    with django_assert_max_num_queries(25):
        client.get(reverse("home"))
