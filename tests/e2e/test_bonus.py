"""The bonus simulator in a real browser on a phone: the ECharts chart draws under the CSP
(no inline script or style refused), a changed amount swaps the result in without a reload,
and nothing scrolls sideways."""

from __future__ import annotations

import pytest

from tests.e2e.test_smoke import horizontal_overflow, log_in
from tests.rewards.bonus_helpers import graded_pool

pytestmark = pytest.mark.browser


def test_simulator_redraws_the_chart_without_a_reload(page, personas, live_server):
    pool = graded_pool(personas.a)
    log_in(page, personas.a.unit_admin.username)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"/rewards/bonus/{pool.pk}/")
    page.wait_for_selector(".bonus-chart canvas")
    assert "10,000.00" in page.locator("#simulation .bonus-stats").inner_text()
    page.evaluate("window.__notReloaded = true")

    amount = page.get_by_label("奖金池金额（元）")
    amount.fill("20000")
    page.locator("#simulation .bonus-stats", has_text="20,000.00").wait_for()
    page.wait_for_selector(".bonus-chart canvas")
    assert page.evaluate("window.__notReloaded") is True
    assert amount.input_value() == "20000"  # what was typed stays
    assert "+" in page.locator("#simulation tbody").inner_text()  # each person's change
    assert horizontal_overflow(page) <= 0, "pool page scrolls sideways on a 375 px screen"
    assert not page.console_errors, page.console_errors
