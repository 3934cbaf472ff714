"""Every stored choice renders through its label (issue 16 item 1): walk the pages of a small
demo as each demo persona, following the links each page offers, and fail on any raw value of
the project's choice enums ("good", "fairly_good", "in_review" …) in the visible text."""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from assessment.demo.seed import DEMO_LOGINS
from assessment.models import Region, UnitCategory, User
from tests.personas import clear_personas

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("assessment", "indicators", "reviews", "rewards", "archive")
PAGES_PER_PERSONA = 30
SKIP = re.compile(r"^/(logout|static|media|healthz)|/download|/export/\d+/file|\.(xlsx|pdf|zip)")
# text that is not a stored choice although it spells like one: file formats named in help
# text, and Django admin's own (English) link label, which issue 16's admin-text item covers
NOT_CHOICES = ("Change or view list link", "xlsx", "csv")
ARGS = ("seed_demo", "--people", "60", "--regions", "1", "--other-people", "0")


def raw_choice_values() -> dict[str, str]:
    """value → label of every code-like choice of the project's models (values that read as
    identifiers: a user must never see them)."""
    values = {}
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for f in model._meta.get_fields():
            for value, label in getattr(f, "flatchoices", None) or ():
                if isinstance(value, str) and re.fullmatch(r"[a-z][a-z_]{2,}", value):
                    if value != str(label):
                        values[value] = str(label)
    return values


class VisibleText(HTMLParser):
    """The text a reader sees (script and style contents left out), and the page's links."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith("/"):
                self.links.append(href.split("#")[0])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


def find_raw(text: str, values: dict[str, str], allowed: set[str]) -> list[str]:
    """The raw values in the text, each with a little of the text around it."""
    hits = []
    for value in values:
        if value in allowed:
            continue
        found = re.search(rf"(?<![A-Za-z0-9_@./-]){re.escape(value)}(?![A-Za-z0-9_@./-])", text)
        if found:
            around = " ".join(text[max(0, found.start() - 20) : found.end() + 20].split())
            hits.append((value, around))
    return hits


def test_find_raw_spots_a_code_and_not_a_label():
    values = {"fairly_good": "较好", "in_review": "审核中"}
    assert [v for v, _around in find_raw("建议等次 fairly_good", values, set())] == ["fairly_good"]
    assert find_raw("建议等次 较好 · 审核中", values, set()) == []
    assert find_raw("账号 fairly_good2", values, set()) == []


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:
        with transaction.atomic():
            clear_personas()  # the seed refuses to run beside the session's cast
            call_command(*ARGS, stdout=StringIO())
            yield
            transaction.set_rollback(True)
        assert set(Region.objects.values_list("code", flat=True)) <= {"a", "b"}  # the cast


@pytest.mark.parametrize("login", [d.username for d in DEMO_LOGINS])
def test_demo_pages_show_no_raw_choice_value(client, demo, login):
    values = raw_choice_values()
    assert {"good", "fairly_good", "in_review", "civil_servant"} <= set(values)
    # the demo's usernames are spelled like role codes ("principal_leader"): the header shows
    # the account's own name, which is not a choice rendered raw
    usernames = {d.username for d in DEMO_LOGINS}
    # the admin lists unit categories by their code (a slug, "general"), not a choice
    codes = set(UnitCategory.objects.values_list("code", flat=True))
    client.force_login(User.objects.get(username=login))
    seen, queue, leaks, visited = set(), deque(["/"]), [], 0
    while queue and visited < PAGES_PER_PERSONA:
        url = queue.popleft()
        if url in seen or SKIP.search(url):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        visited += 1
        parser = VisibleText()
        parser.feed(response.content.decode())
        text = " ".join(parser.text)
        for phrase in NOT_CHOICES:
            text = text.replace(phrase, "")
        allowed = usernames | (codes if url.startswith("/admin/") else set())
        for value, around in find_raw(text, values, allowed):
            leaks.append(f"{url}: {value} (should read {values[value]}) in «{around}»")
        queue.extend(link for link in parser.links if link not in seen)
    assert visited >= 3, f"{login} reached only {visited} pages"
    assert not leaks, "\n".join(leaks)
