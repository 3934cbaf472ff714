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


# bonus pool: readers of a unit's pool are its admin, principal leader, HR and the district admin
POOL_READERS = ("unit_admin", "principal", "hr", "district_admin")


def _pool(p):
    """A draft pool (2025) of region A's unit; built once, the walker asks for it repeatedly."""
    from rewards.models import BonusPool
    from tests.rewards.bonus_helpers import graded_pool

    pool = BonusPool.objects.filter(unit=p.a.unit, year=2025).first() or graded_pool(p.a)
    return {"pk": pool.pk}


def _locked_pool(p):
    from rewards.models import BonusPool
    from tests.rewards.bonus_helpers import locked_pool

    pool = BonusPool.objects.filter(unit=p.a.unit, year=2024).first() or locked_pool(p.a, year=2024)
    return {"pk": pool.pk}


def _unit(p):
    return {"unit_pk": p.a.unit.pk}


PROBES |= {
    "rewards:bonus-pools": Probe(no_kwargs, POOL_READERS),
    "rewards:bonus-rules": Probe(no_kwargs, ("district_admin",)),
    "rewards:bonus-rule-edit": Probe(no_kwargs, ("district_admin",)),
    "rewards:bonus-summary": Probe(no_kwargs, ("district_admin",)),
    "rewards:bonus-pool-create": Probe(_unit, ("unit_admin",)),
    "rewards:bonus-pool": Probe(_pool, POOL_READERS),
    "rewards:bonus-pool-edit": Probe(_pool, ("unit_admin",)),
    "rewards:bonus-simulate": Probe(_pool, POOL_READERS),
    "rewards:bonus-lock": Probe(_pool, ("principal",), method="post"),
    "rewards:bonus-unlock": Probe(_locked_pool, ("principal",), method="post"),
    "rewards:bonus-export": Probe(_locked_pool, POOL_READERS),
}
