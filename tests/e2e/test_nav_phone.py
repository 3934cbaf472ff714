"""The navigation on a 375 px phone: no sideways scroll, each role's main tasks visible in the
bar, the rest behind 更多, and every tap target of the header at least 44 × 44 px."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.e2e.test_smoke import PHONE_WIDTH, horizontal_overflow, log_in

pytestmark = pytest.mark.browser

MIN_TAP = 44
# persona → the main tasks its bar must show without opening 更多
MAIN = {
    "staff": ("工作纪实", "季度考核", "我的档案"),
    "chief": ("纪实审核", "季度审核"),
    "principal": ("季度审核", "纪实审核"),
    "district_admin": ("组织人员", "季度管理", "申诉复核"),
    "unit_admin": ("组织人员", "登记表导出"),
    "hr": ("登记表导出", "奖惩记录"),
    "discipline": ("负面信息",),
}

TAP_SIZES = """() => [...document.querySelectorAll(
    '.topbar a, .topbar button, .topbar summary, .topbar input, .topbar select'
  )].filter(e => e.checkVisibility())
   .map(e => { const r = e.getBoundingClientRect();
     return {text: e.innerText.trim(), w: r.width, h: r.height, right: r.right}; })"""


def _small(targets) -> list:
    return [t for t in targets if t["w"] < MIN_TAP or t["h"] < MIN_TAP]


def test_each_role_sees_its_main_tasks_on_a_phone(page, personas, live_server):
    users = {**personas.a.users}
    for key, tasks in MAIN.items():
        log_in(page, users[key].username)
        page.wait_for_url(f"{live_server.url}/")
        assert horizontal_overflow(page) <= 0, f"{key}: the page scrolls sideways"
        bar = page.locator(".nav-main")
        for task in tasks:
            link = bar.get_by_role("link", name=task, exact=True)
            assert link.is_visible(), f"{key}: {task} not in the bar"
            box = link.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH, (key, task, box)
        targets = page.evaluate(TAP_SIZES)
        assert targets and not _small(targets), (key, _small(targets))
        assert all(t["right"] <= PHONE_WIDTH for t in targets), (key, targets)

        page.locator(".nav-more summary").click()  # 更多: the rest, grouped, also tappable
        menu = page.locator(".nav-menu")
        assert menu.is_visible()
        assert horizontal_overflow(page) <= 0, f"{key}: the open menu scrolls sideways"
        if shots := os.environ.get("E2E_SCREENSHOTS"):
            page.screenshot(path=str(Path(shots) / f"nav-more-{key}-375.png"), full_page=True)
        opened = page.evaluate(TAP_SIZES)
        assert not _small(opened), (key, _small(opened))
        page.locator(".nav-more summary").click()
        page.get_by_role("button", name="退出").click()
        page.wait_for_url(re.compile(r"/login/$"))


def test_more_menu_reaches_a_page_and_admins_fit_too(page, personas, live_server):
    log_in(page, personas.a.district_admin.username)
    page.wait_for_url(f"{live_server.url}/")
    page.locator(".nav-more summary").click()
    page.locator(".nav-menu").get_by_role("link", name="指标体系").click()
    page.wait_for_url(re.compile(r"/indicators/"))
    assert horizontal_overflow(page) <= 0
    page.get_by_role("button", name="退出").click()
    for user in (personas.auditor, personas.security_admin, personas.system_admin):
        log_in(page, user.username)
        page.wait_for_url(f"{live_server.url}/")
        assert horizontal_overflow(page) <= 0, user.username
        assert not _small(page.evaluate(TAP_SIZES)), user.username
        page.get_by_role("button", name="退出").click()
        page.wait_for_url(re.compile(r"/login/$"))


def test_queue_checkboxes_and_actions_are_tappable_on_a_phone(page, personas, live_server):
    from tests.work.helpers import file_log

    file_log(personas.a.people["staff"], content="起草季度工作总结")
    log_in(page, personas.a.chief.username)
    page.wait_for_url(f"{live_server.url}/")
    page.locator(".nav-main").get_by_role("link", name="纪实审核", exact=True).click()
    page.wait_for_url(re.compile(r"/logs/review/"))
    assert horizontal_overflow(page) <= 0
    boxes = page.evaluate(
        """() => [...document.querySelectorAll('main input[type=checkbox], main .btn')]
             .filter(e => e.checkVisibility())
             .map(e => { const r = e.getBoundingClientRect(); return [r.width, r.height]; })"""
    )
    assert boxes and all(w >= MIN_TAP and h >= MIN_TAP for w, h in boxes), boxes
