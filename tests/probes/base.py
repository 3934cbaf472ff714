from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tests.personas import Personas


@dataclass
class Probe:
    """kwargs builds the URL from the personas (objects of region A); allowed lists the persona
    keys of region A that may use it ("unit_admin", "chief", … or "system_admin", "auditor",
    "security_admin"). Everyone else must get 403/404; region B's holders of an allowed role
    must get 404 on an object URL and see nothing of region A on an object-free page."""

    kwargs: Callable[[Personas], dict]
    allowed: tuple[str, ...]
    method: str = "get"


def no_kwargs(p: Personas) -> dict:
    return {}


# Reachable by every signed-in account (or by anyone): covered by their own tests.
OPEN = {"home", "login", "logout", "password_change", "password_change_done", "healthz"}
# The REST API answers token clients, not sessions (401 problem details without a token): its
# permissions, region scoping and contract are tested in tests/api/. The schema and its docs
# need any signed-in account (tests/api/test_api.py).
OPEN |= {
    "api:units",
    "api:people",
    "api:roster",
    "api:attendance",
    "api:negative-records",
    "api:quarter-results",
    "api:rewards",
    "api:schema",
    "api:docs",
}


# Persona groups the probe modules share.
PERSONS = (
    "principal",
    "leader",
    "chief",
    "staff",
    "staff2",
    "unit_admin",
    "district_admin",
    "hr",
    "discipline",
    "other_staff",
)  # every region-A account that has a person
REVIEWERS = ("principal", "leader", "chief")
# the staff member's own records: the staff member, their chain, the unit admin, region roles
READERS = (
    "staff",
    "chief",
    "leader",
    "principal",
    "unit_admin",
    "district_admin",
    "hr",
    "discipline",
)
