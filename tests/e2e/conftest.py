"""Real-browser tests: Playwright drives Debian's Chromium (never a browser build of its own:
`playwright install` is not used). Tests marked `browser` skip when Chromium or the playwright
package is missing, except with REQUIRE_BROWSER=1 (CI), where that is an error."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest
from django.db import connections

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SKIP_REASON = "needs a browser"  # .ci/run fails when a skip with this reason is reported


def browser_missing() -> str | None:
    if not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} not found (apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install -e '.[dev]')"
    return None


def pytest_collection_modifyitems(config, items):
    marked = [item for item in items if item.get_closest_marker("browser")]
    missing = browser_missing() if marked else None
    if missing is None:
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"REQUIRE_BROWSER=1 but {missing}")
    skip = pytest.mark.skip(reason=f"{SKIP_REASON}: {missing}")
    for item in marked:
        item.add_marker(skip)


@pytest.fixture
def page(live_server, transactional_db, monkeypatch):
    """A phone-sized page (375×812) in headless Chromium, against the live test server.

    Playwright's sync API keeps an asyncio loop in this thread, and Django refuses ORM calls
    while one exists (SynchronousOnlyOperation) although these calls are synchronous. Allowing
    them for the test lets a test read the database between browser steps."""
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": 375, "height": 812}, locale="zh-CN", base_url=live_server.url
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.console_errors = []  # CSP violations, script errors, failed loads

        def on_console(msg) -> None:
            # the browser asks for /favicon.ico on its own; the app has none yet
            if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico"):
                page.console_errors.append(msg.text)

        page.on("console", on_console)
        page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
        try:
            yield page
        finally:
            # While Playwright's loop runs, asgiref keeps Django's connections per context, so
            # the test's ORM calls had a connection of their own: close it here, or PostgreSQL
            # refuses to drop the test database ("being accessed by other users").
            connections.close_all()
            context.close()
            browser.close()
