from .base import Probe, no_kwargs

MANAGERS = ("unit_admin", "district_admin")

PROBES = {
    "assessment:unit-list": Probe(no_kwargs, MANAGERS),
    "assessment:unit-detail": Probe(lambda p: {"pk": p.a.unit.pk}, MANAGERS),
    "assessment:person-create": Probe(lambda p: {"unit_pk": p.a.unit.pk}, MANAGERS),
    "assessment:section-create": Probe(lambda p: {"unit_pk": p.a.unit.pk}, MANAGERS, "post"),
    "assessment:role-grant": Probe(lambda p: {"unit_pk": p.a.unit.pk}, MANAGERS, "post"),
    "assessment:person-edit": Probe(lambda p: {"pk": p.a.people["staff"].pk}, MANAGERS),
    "assessment:person-deactivate": Probe(
        lambda p: {"pk": p.a.people["staff"].pk}, MANAGERS, "post"
    ),
    "assessment:role-revoke": Probe(
        lambda p: {"pk": p.a.chief.memberships.get().pk}, MANAGERS, "post"
    ),
    "assessment:audit-log": Probe(no_kwargs, ("auditor",)),
    "assessment:lockouts": Probe(no_kwargs, ("security_admin",)),
}


def _calendar_day(p):
    from datetime import date

    from assessment.models import CalendarDay

    row, _created = CalendarDay.objects.get_or_create(
        region=p.a.region, date=date(2026, 12, 7), defaults={"kind": "holiday", "name": "probe"}
    )
    return {"pk": row.pk}


PROBES["assessment:calendar-home"] = Probe(no_kwargs, ("district_admin",))
PROBES["assessment:calendar"] = Probe(
    lambda p: {"region_pk": p.a.region.pk, "year": 2026}, ("district_admin",)
)
PROBES["assessment:calendar-remove"] = Probe(_calendar_day, ("district_admin",), "post")
