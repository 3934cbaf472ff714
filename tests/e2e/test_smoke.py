"""Smoke test in a real browser on a phone-sized screen: log in, home page, log out."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from assessment.models import AuditEvent
from tests.personas import PASSWORD

pytestmark = pytest.mark.browser

PHONE_WIDTH = 375


def log_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0: no horizontal scroll)."""
    return page.evaluate("document.documentElement.scrollWidth") - PHONE_WIDTH


def test_staff_logs_in_sees_home_without_horizontal_scroll_and_logs_out(
    page, personas, live_server, tmp_path
):
    staff = personas.a.staff
    log_in(page, staff.username)

    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "您好，astaff"
    assert page.locator("#todo-staff h2").inner_text() == "我的考核"
    # the stylesheet really applied (the red top bar), so the width check measures the real layout
    assert page.locator(".topbar").evaluate("e => getComputedStyle(e).display") == "flex"
    assert horizontal_overflow(page) <= 0, "home page scrolls sideways on a 375 px screen"

    # E2E_SCREENSHOTS=dir keeps the picture for a person to look at; otherwise a tmp path
    shot = Path(os.environ.get("E2E_SCREENSHOTS") or tmp_path) / "home-375.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 5_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    page.get_by_role("button", name="退出").click()
    page.wait_for_url(re.compile(r"/login/$"))
    page.goto("/")
    assert page.url.startswith(f"{live_server.url}/login/")
    session_events = AuditEvent.objects.filter(
        username=staff.username,
        kind__in=[AuditEvent.Kind.LOGIN, AuditEvent.Kind.LOGOUT, AuditEvent.Kind.LOGIN_FAILED],
    )
    kinds = list(session_events.order_by("at").values_list("kind", flat=True))
    assert kinds == [AuditEvent.Kind.LOGIN, AuditEvent.Kind.LOGOUT]


def test_wrong_password_shows_one_message_and_keeps_the_username(page, personas, live_server):
    log_in(page, personas.a.staff.username, "Wrong#2026x")

    error = page.locator(".form-error")
    assert error.inner_text() == "用户名或密码不正确，或账号已被暂时锁定。"
    assert page.get_by_label("用户名").input_value() == personas.a.staff.username
    assert page.url == f"{live_server.url}/login/"
    assert horizontal_overflow(page) <= 0


def test_role_home_pages_fit_a_phone(page, personas, live_server):
    # one browser and one database for every role: each test's setup costs seconds
    for key in ("unit_admin", "district_admin", "principal", "leader", "chief", "hr"):
        log_in(page, personas.a.users[key].username)
        page.wait_for_url(f"{live_server.url}/")
        assert horizontal_overflow(page) <= 0, f"{key}: home page scrolls sideways at 375 px"
        page.get_by_role("button", name="退出").click()
        page.wait_for_url(re.compile(r"/login/$"))


def test_login_and_home_raise_no_browser_errors(page, personas, live_server):
    # CSP violations (an inline style or script without the nonce), script errors, failed loads
    log_in(page, personas.a.unit_admin.username)
    page.wait_for_url(f"{live_server.url}/")
    assert page.console_errors == []
