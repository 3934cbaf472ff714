from tests.rewards.helpers import make_record

from .base import Probe, no_kwargs

MANAGERS = ("unit_admin", "hr", "district_admin")
WRITERS = ("unit_admin", "hr")
# a record of the staff member: its managers and the person themself
READERS = ("unit_admin", "hr", "district_admin", "staff")


def _record(p):
    return {"pk": make_record(p.a.people["staff"]).pk}


def _evidence(p):
    return {"pk": make_record(p.a.people["staff"], evidence=True).pk}


PROBES = {
    "rewards:record-list": Probe(no_kwargs, MANAGERS),
    "rewards:record-create": Probe(no_kwargs, WRITERS),
    "rewards:person-search": Probe(no_kwargs, WRITERS),
    "rewards:record-detail": Probe(_record, READERS),
    "rewards:record-evidence": Probe(_evidence, READERS),
}
