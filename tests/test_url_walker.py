"""Probe every URL pattern as anonymous, as each wrong role and as the right role of the other
region. Fails when a pattern has no entry here, so a new view cannot ship unprobed."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.personas import Personas
from tests.probes import OPEN, PROBES

pytestmark = pytest.mark.django_db


MARKER_A = "a财政局"  # region A's unit name: must never appear in a page served to region B


def url_names(resolver=None, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # the admin site has its own scoping tests
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_names(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(namespace + pattern.name)
    return names


def _text(response) -> str:
    """A page's text, or a workbook's cell values (a download must not leak either)."""
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        import io

        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(response.content), read_only=True)
        return " ".join(
            str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row
        )
    return response.content.decode()


def test_every_url_pattern_has_a_probe():
    missing = url_names() - set(PROBES) - OPEN
    assert not missing, f"URL patterns without a permission probe: {sorted(missing)}"


def _accounts(p: Personas) -> dict[str, object]:
    accounts = {f"a.{k}": u for k, u in p.a.users.items()}
    accounts.update(system_admin=p.system_admin, security_admin=p.security_admin, auditor=p.auditor)
    return accounts


def test_walker_finds_no_leaks(client, personas):
    probes = leaks = 0
    problems = []
    accounts = _accounts(personas)
    for name, probe in PROBES.items():
        url = reverse(name, kwargs=probe.kwargs(personas))
        call = getattr(client, probe.method)
        client.logout()
        response = call(url)
        probes += 1
        if response.status_code != 302 or "/login/" not in response["Location"]:
            problems.append((name, "anonymous", response.status_code))
        for label, user in accounts.items():
            key = label.removeprefix("a.")
            if key in probe.allowed:
                continue
            client.force_login(user)
            response = call(url)
            probes += 1
            if response.status_code not in (403, 404):
                problems.append((name, label, response.status_code))
        for key in probe.allowed:
            other = personas.b.users.get(key)
            if other is None:
                continue
            client.force_login(other)
            response = call(url)
            probes += 1
            if probe.kwargs(personas):  # another tenant's object: always 404
                if response.status_code != 404:
                    problems.append((name, f"b.{key}", response.status_code))
            elif MARKER_A in _text(response):  # their own list: nothing of region A
                problems.append((name, f"b.{key}", "shows region A"))
    leaks = len(problems)
    print(f"\nURL walker: {probes} probes, {leaks} leaks")
    assert probes > 100
    assert not problems, problems
