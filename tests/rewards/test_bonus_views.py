"""Bonus pool pages and services: rules, pools, simulator, lock/unlock, export, summary."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from rewards.models import BonusLock, BonusPayout, BonusPool, BonusRule
from tests.rewards.bonus_helpers import (
    YEAR,
    add_graded_people,
    grade_year,
    graded_pool,
    locked_pool,
    make_rule,
)
from tests.rewards.helpers import make_record

pytestmark = pytest.mark.django_db


def test_district_admin_sets_the_years_rules_with_history(client, personas):
    client.force_login(personas.a.district_admin)
    url = reverse("rewards:bonus-rule-edit") + "?year=2025"
    assert client.get(url).status_code == 200
    data = {
        "points_good": "5",
        "points_fairly_good": "3",
        "points_average": "1",
        "points_poor": "0",
        "points_reward_national": "4",
        "points_reward_provincial": "3",
        "points_reward_city": "2",
        "points_reward_district": "1",
        "points_reward_unit": "0.5",
        "minus_minor": "0.5",
        "minus_general": "1",
        "minus_serious": "4",
        "base_percent": "40",
        "cap": "1300",
        "ungraded_mode": "pro_rata",
        "seconded_mode": "own",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    rule = BonusRule.objects.get(region=personas.a.region, year=2025)
    assert (rule.points_good, rule.cap_fen, rule.seconded_mode) == (5, 130_000, "own")
    assert rule.history.first().history_change_reason == "设置奖金池规则"
    assert "2025" in client.get(reverse("rewards:bonus-rules")).content.decode()


def test_bad_rule_input_keeps_what_was_typed_and_says_why_beside_the_field(client, personas):
    client.force_login(personas.a.district_admin)
    url = reverse("rewards:bonus-rule-edit") + "?year=2025"
    response = client.post(url, {"points_good": "-3", "base_percent": "140", "cap": "abc"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="-3"' in body and 'value="140"' in body and 'value="abc"' in body
    assert "has-error" in body
    assert not BonusRule.objects.exists()


@pytest.mark.parametrize("year", ["1999", "20x5", "99999"])
def test_rule_edit_refuses_implausible_years(client, personas, year):
    client.force_login(personas.a.district_admin)
    assert client.get(reverse("rewards:bonus-rule-edit") + f"?year={year}").status_code == 404


def test_unit_admin_creates_a_pool_within_the_per_capita_figure(client, personas):
    a = personas.a
    make_rule(a.region, per_capita_limit_fen=100_000)  # 1,000 yuan per person
    grade_year(a.people["staff"], ["good"] * 4)
    grade_year(a.people["staff2"], ["average"] * 4)
    client.force_login(a.unit_admin)
    url = reverse("rewards:bonus-pool-create", args=[a.unit.pk])
    data = {"year": YEAR, "quarter": 0, "amount": "2000.01", "seconded_mode": "shared"}
    response = client.post(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "超过区定标准" in body and 'value="2000.01"' in body
    response = client.post(url, {**data, "amount": "1999.99"})
    pool = BonusPool.objects.get()
    assert response.status_code == 302 and pool.amount_fen == 199_999
    assert pool.history.first().history_change_reason == "设立奖金池"
    again = client.post(url, data | {"amount": "10"})
    assert "已存在" in again.content.decode()


def test_pool_needs_the_regions_rule_and_its_pay_period(client, personas):
    a = personas.a
    client.force_login(a.unit_admin)
    url = reverse("rewards:bonus-pool-create", args=[a.unit.pk])
    data = {"year": YEAR, "quarter": 2, "amount": "100", "seconded_mode": "shared"}
    assert "尚未设置" in client.post(url, data).content.decode()
    make_rule(a.region)
    assert "按年度发放" in client.post(url, data).content.decode()
    assert not BonusPool.objects.exists()


def test_pool_page_explains_every_payout(client, personas):
    pool = graded_pool(personas.a)
    make_record(personas.a.people["staff"], day=date(YEAR, 5, 1))
    client.force_login(personas.a.unit_admin)
    body = client.get(reverse("rewards:bonus-pool", args=[pool.pk])).content.decode()
    assert personas.a.people["staff"].name in body
    assert "Q1 好 4" in body and "嘉奖" in body and "舍入调整" in body
    assert "10,000.00" in body  # the total equals the pool
    assert 'data-bonus-chart="bonus-chart-data"' in body and 'id="bonus-chart-data"' in body
    assert "vendor/echarts/6.1.0/echarts.min.js" in body


def test_pool_page_query_count_does_not_grow_with_people(
    client, personas, django_assert_max_num_queries
):
    pool = graded_pool(personas.a)
    client.force_login(personas.a.unit_admin)
    url = reverse("rewards:bonus-pool", args=[pool.pk])
    client.get(url)
    with django_assert_max_num_queries(25) as small:
        client.get(url)
    add_graded_people(personas.a.unit, 40, by=personas.a.hr)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_simulator_answers_a_partial_without_writing(client, personas):
    pool = graded_pool(personas.a)
    client.force_login(personas.a.principal)
    url = reverse("rewards:bonus-simulate", args=[pool.pk])
    params = {
        "amount": "20000",
        "points_good": "4",
        "points_fairly_good": "3",
        "points_average": "1",
        "points_poor": "0",
        "base_percent": "40",
        "cap": "",
    }
    before = BonusPool.objects.get().history.count()
    response = client.get(url, params, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert 'id="simulation"' in body and "20,000.00" in body and "+" in body
    assert BonusPool.objects.get().amount_fen == 1_000_000
    assert BonusPool.objects.get().history.count() == before
    # a cap the pro-rata base cannot meet names the conflicting setting beside the field
    response = client.get(url, params | {"cap": "0.01", "base_percent": "100"})
    assert "差额上限" in response.content.decode()
    response = client.get(url, params | {"amount": "-5", "points_good": "x"})
    body = response.content.decode()
    assert response.status_code == 200 and "奖金池金额（元）：" in body and "好：" in body
    # without htmx the same GET on the pool page keeps what was typed, errors beside the fields
    page = reverse("rewards:bonus-pool", args=[pool.pk])
    body = client.get(page, params | {"amount": "-5", "points_good": "x"}).content.decode()
    assert 'value="x"' in body and 'value="-5"' in body and "has-error" in body


def test_principal_locks_then_unlocks_with_a_reason(client, personas):
    a = personas.a
    pool = graded_pool(a)
    client.force_login(a.unit_admin)
    assert client.post(reverse("rewards:bonus-lock", args=[pool.pk])).status_code == 403
    client.force_login(a.principal)
    client.post(reverse("rewards:bonus-lock", args=[pool.pk]))
    pool.refresh_from_db()
    assert pool.is_locked
    lock = BonusLock.objects.get()
    assert lock.locked_by == a.principal and lock.amount_fen == 1_000_000
    assert sum(BonusPayout.objects.values_list("amount_fen", flat=True)) == 1_000_000
    assert pool.history.first().history_change_reason == "主要领导锁定奖金池"
    # locked: the admin cannot change it
    client.force_login(a.unit_admin)
    response = client.post(
        reverse("rewards:bonus-pool-edit", args=[pool.pk]),
        {"amount": "1", "seconded_mode": "shared"},
    )
    assert "已锁定" in response.content.decode()
    client.force_login(a.principal)
    client.post(reverse("rewards:bonus-unlock", args=[pool.pk]), {"reason": ""})
    pool.refresh_from_db()
    assert pool.is_locked
    client.post(reverse("rewards:bonus-unlock", args=[pool.pk]), {"reason": "补录一条奖励"})
    pool.refresh_from_db()
    lock.refresh_from_db()
    assert not pool.is_locked
    assert (lock.unlocked_by, lock.unlock_reason) == (a.principal, "补录一条奖励")
    assert pool.history.first().history_change_reason == "解锁：补录一条奖励"
    body = client.get(reverse("rewards:bonus-pool", args=[pool.pk])).content.decode()
    assert "补录一条奖励" in body


def test_lock_refuses_a_distribution_that_breaks_the_rules(client, personas):
    a = personas.a
    pool = graded_pool(a)
    BonusRule.objects.filter(region=a.region).update(cap_fen=0, base_percent=100)
    client.force_login(a.principal)
    response = client.post(reverse("rewards:bonus-lock", args=[pool.pk]), follow=True)
    pool.refresh_from_db()
    assert not pool.is_locked and not BonusLock.objects.exists()
    assert "差额上限" in response.content.decode()


def test_payroll_export_totals_equal_the_pool(client, personas):
    pool = locked_pool(personas.a, amount_fen=1_234_567)
    client.force_login(personas.a.hr)
    response = client.get(reverse("rewards:bonus-export", args=[pool.pk]))
    assert response.status_code == 200
    ws = load_workbook(BytesIO(response.content)).active
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert rows[0] == ("姓名", "工号", "单位", "人员身份", "积分", "金额（元）")
    body, total = rows[1:-1], rows[-1]
    assert total[0] == "合计" and total[5] == 12345.67
    assert round(sum(r[5] for r in body), 2) == 12345.67
    assert {r[0] for r in body} >= {personas.a.people["staff"].name}
    assert all(r[2] == personas.a.unit.name for r in body)


def test_export_of_a_draft_redirects_with_a_message(client, personas):
    pool = graded_pool(personas.a)
    client.force_login(personas.a.unit_admin)
    response = client.get(reverse("rewards:bonus-export", args=[pool.pk]))
    assert response.status_code == 302


def test_district_summary_shows_every_unit_gap_and_state(
    client, personas, django_assert_max_num_queries
):
    a = personas.a
    locked = locked_pool(a)
    client.force_login(a.district_admin)
    url = reverse("rewards:bonus-summary") + f"?year={YEAR}"
    body = client.get(url).content.decode()
    assert a.unit.name in body and a.other_unit.name in body and "未设立" in body
    assert "已锁定" in body
    stats = BonusPayout.objects.filter(lock__pool=locked, group="civil")
    amounts = [p.amount_fen for p in stats]
    gap = (max(amounts) - min(amounts)) / 100
    assert f"{gap:,.2f}" in body
    BonusPool.objects.create(
        region=a.region, unit=a.other_unit, year=YEAR, amount_fen=500, created_by=a.unit_admin
    )
    grade_year(a.people["other_staff"], ["good"] * 4)
    with django_assert_max_num_queries(20) as one:
        body = client.get(url).content.decode()
    assert "草稿" in body
    add_graded_people(a.other_unit, 30, by=a.hr)
    with django_assert_max_num_queries(len(one.captured_queries)):
        body = client.get(url).content.decode()
    assert "草稿" in body


def test_other_region_and_wrong_roles_get_404_or_403(client, personas):
    pool = graded_pool(personas.a)
    for user in (personas.b.unit_admin, personas.b.principal, personas.b.district_admin):
        client.force_login(user)
        assert client.get(reverse("rewards:bonus-pool", args=[pool.pk])).status_code == 404
        assert client.post(reverse("rewards:bonus-lock", args=[pool.pk])).status_code == 404
    client.force_login(personas.a.staff)
    assert client.get(reverse("rewards:bonus-pool", args=[pool.pk])).status_code == 404
    assert client.get(reverse("rewards:bonus-pools")).status_code == 403
    client.logout()
    assert client.get(reverse("rewards:bonus-pool", args=[pool.pk])).status_code == 302


def test_posting_region_or_status_fields_changes_nothing(client, personas):
    pool = graded_pool(personas.a)
    client.force_login(personas.a.unit_admin)
    client.post(
        reverse("rewards:bonus-pool-edit", args=[pool.pk]),
        {
            "amount": "500",
            "seconded_mode": "shared",
            "status": "locked",
            "region": personas.b.region.pk,
            "unit": personas.b.unit.pk,
            "year": 2030,
        },
    )
    pool.refresh_from_db()
    assert (pool.amount_fen, pool.status, pool.region_id, pool.unit_id, pool.year) == (
        50_000,
        "draft",
        personas.a.region.pk,
        personas.a.unit.pk,
        YEAR,
    )


def test_pool_list_query_count_does_not_grow_with_pools(
    client, personas, django_assert_max_num_queries
):
    a = personas.a
    graded_pool(a)
    client.force_login(a.district_admin)
    url = reverse("rewards:bonus-pools")
    with django_assert_max_num_queries(15) as one:
        body = client.get(url).content.decode()
    assert body.count("/rewards/bonus/") >= 1 and a.unit.name in body
    for year in range(2010, 2030):
        if year != YEAR:
            BonusPool.objects.create(
                region=a.region, unit=a.other_unit, year=year, amount_fen=1, created_by=a.unit_admin
            )
    with django_assert_max_num_queries(len(one.captured_queries)):
        body = client.get(url).content.decode()
    assert body.count(a.other_unit.name) == 19
    client.force_login(personas.b.district_admin)
    assert a.unit.name not in client.get(url).content.decode()
