"""Malformed input never gives a 500, and a GET never writes.

Walks every probed URL pattern (tests/probes/, the same table the URL walker enforces, so a view
added later is fuzzed without anyone listing it here) as a role allowed to use it and sends:

- hostile values in every query parameter the view's module reads (found in its source), and in
  the parameters common to list pages;
- out-of-range values in every path argument (0, 25 digits, year 0, quarter 9).

Every answer must be below 500. During GET requests no INSERT/UPDATE/DELETE may reach the
database except the audit log (a download is an audit event) and the session table."""

from __future__ import annotations

import inspect
import re
from contextlib import contextmanager

import pytest
from django.db import connection
from django.urls import NoReverseMatch, resolve, reverse

from tests.personas import Personas
from tests.probes import PROBES

pytestmark = pytest.mark.django_db

# parameters of list pages; a view's own ones are read from its module
COMMON_PARAMS = ("page", "year", "month", "q", "unit", "section", "person", "quarter", "kind")
HOSTILE_VALUES = ("9" * 25, "-1", "0000-00", "9999-12", "2026Q9", "abc\x00")
HOSTILE_PATH = {int: (0, 10**25), str: ("0000Q1", "9" * 25 + "Q1", "2026Q9", "2026Q0", "x")}
HOSTILE_PERIODS = ("0000", "0000Q1", "9999Q4", "9999")
WRITES_ALLOWED = ("assessment_auditevent", "django_session")
_PARAM_RE = re.compile(r"""GET(?:\.get\(|\[)\s*["'](\w+)["']""")


def _params_of(view) -> set[str]:
    """The query parameters the view's module reads (request.GET.get("x") / GET["x"])."""
    module = inspect.getmodule(inspect.unwrap(view))
    try:
        source = inspect.getsource(module)
    except (OSError, TypeError):
        return set()
    return set(_PARAM_RE.findall(source))


def _user(p: Personas, key: str):
    return (
        getattr(p, key) if key in ("system_admin", "security_admin", "auditor") else p.a.users[key]
    )


@contextmanager
def _no_writes(problems: list, label: str):
    def guard(execute, sql, params, many, context):
        verb = sql.lstrip().split(None, 1)[0].upper()
        if verb in {"INSERT", "UPDATE", "DELETE"} and not any(
            table in sql for table in WRITES_ALLOWED
        ):
            problems.append((label, "GET wrote", sql[:120]))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(guard):
        yield


def _send(client, method: str, url: str, data: dict | None, problems: list, label: str):
    call = getattr(client, method)
    try:
        if method == "get":
            with _no_writes(problems, label):
                response = call(url, data or {})
        else:
            response = call(url, data or {})
    except Exception as exc:  # noqa: BLE001 - the test client re-raises what became a 500
        problems.append((label, "raised", f"{type(exc).__name__}: {exc}"[:160]))
        return None
    if response.status_code >= 500:
        problems.append((label, response.status_code, ""))
    return response


def _path_variants(name: str, kwargs: dict):
    for key, value in kwargs.items():
        values = HOSTILE_PERIODS if key == "period" else HOSTILE_PATH.get(type(value), ())
        for bad in values:
            try:
                yield key, bad, reverse(name, kwargs={**kwargs, key: bad})
            except NoReverseMatch:  # the pattern itself refuses it: nothing to fuzz
                continue


def test_malformed_input_never_500_and_get_never_writes(client, personas):
    problems: list = []
    requests = 0
    for name, probe in PROBES.items():
        kwargs = probe.kwargs(personas)
        url = reverse(name, kwargs=kwargs)
        client.force_login(_user(personas, probe.allowed[0]))
        if probe.method == "get":
            # the page's own default state first, unguarded: some pages create the current
            # period's settings on first use; a parameter must never create anything
            response = client.get(url)
            if "no-store" not in response.get("Cache-Control", ""):
                problems.append((name, "Cache-Control", response.get("Cache-Control")))
            own = _params_of(resolve(url).func)
            for value in HOSTILE_VALUES:
                every = dict.fromkeys({*COMMON_PARAMS, *own}, value)
                _send(client, "get", url, every, problems, f"{name} all={value!r}")
                requests += 1
                for param in sorted(own):
                    _send(client, "get", url, {param: value}, problems, f"{name} {param}={value!r}")
                    requests += 1
        for key, bad, bad_url in _path_variants(name, kwargs):
            response = _send(client, probe.method, bad_url, None, problems, f"{name} {key}={bad}")
            requests += 1
            if response is not None and response.status_code not in (302, 400, 403, 404):
                problems.append((f"{name} {key}={bad}", response.status_code, "expected 404"))
    print(f"\ninput fuzz: {len(PROBES)} patterns, {requests} requests, {len(problems)} problems")
    assert requests > 500
    assert not problems, "\n".join(map(str, problems))
