from __future__ import annotations

from datetime import date

from .base import Probe, no_kwargs

CHAIN = ("chief", "leader", "principal")
SCORE_VIEWERS = ("staff", *CHAIN, "unit_admin", "district_admin", "hr")
NEGATIVE_EDITORS = ("district_admin", "discipline")
PEOPLE = (
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
)


def _system(p):
    from indicators.services import indicator_systems_ensure

    return {"pk": indicator_systems_ensure(region=p.a.region, year=2026)[p.a.category.pk].pk}


def _score(p):
    from assessment.periods import quarter_for

    quarter_for(p.a.region, 2026, 3)
    return {"person_pk": p.a.people["staff"].pk, "quarter": "2026Q3"}


def _batch(p):
    from indicators.models import ImportBatch

    batch, _ = ImportBatch.objects.get_or_create(
        region=p.a.region,
        kind="attendance",
        file_name="probe.csv",
        uploaded_by=p.a.district_admin,
        defaults={"errors": [{"row": 2, "errors": ["x"]}]},
    )
    return {"pk": batch.pk}


def _negative(p):
    from indicators.models import NegativeRecord

    record, _ = NegativeRecord.objects.get_or_create(
        region=p.a.region,
        person=p.a.people["staff"],
        source="discipline",
        type="violation",
        severity="minor",
        date=date(2026, 8, 1),
        recorded_by=p.a.discipline,
    )
    return {"pk": record.pk}


PROBES = {
    "indicators:system-list": Probe(no_kwargs, ("district_admin",)),
    "indicators:system-edit": Probe(_system, ("district_admin",)),
    "indicators:unit-weights": Probe(
        lambda p: {"unit_pk": p.a.unit.pk}, ("unit_admin", "district_admin")
    ),
    "indicators:unit-scores": Probe(
        lambda p: {"unit_pk": p.a.unit.pk}, ("unit_admin", "principal", "district_admin", "hr")
    ),
    "indicators:my-scores": Probe(no_kwargs, PEOPLE),
    "indicators:score-detail": Probe(_score, SCORE_VIEWERS),
    "indicators:rating-list": Probe(no_kwargs, CHAIN),
    "indicators:rating-edit": Probe(_score, CHAIN),
    "indicators:attendance-import": Probe(no_kwargs, ("district_admin", "unit_admin", "hr")),
    "indicators:negative-import": Probe(no_kwargs, NEGATIVE_EDITORS),
    "indicators:import-detail": Probe(_batch, ("district_admin",)),
    "indicators:import-confirm": Probe(_batch, ("district_admin",), "post"),
    "indicators:negative-units": Probe(no_kwargs, NEGATIVE_EDITORS),
    "indicators:negative-unit": Probe(lambda p: {"unit_pk": p.a.unit.pk}, NEGATIVE_EDITORS),
    "indicators:negative-create": Probe(no_kwargs, NEGATIVE_EDITORS),
    "indicators:negative-person-search": Probe(no_kwargs, NEGATIVE_EDITORS),
    "indicators:negative-detail": Probe(_negative, ("staff", *CHAIN, *NEGATIVE_EDITORS)),
    "indicators:negative-evidence": Probe(_negative, ("staff", *CHAIN, *NEGATIVE_EDITORS)),
    "indicators:negative-revoke": Probe(_negative, NEGATIVE_EDITORS, method="post"),
}
