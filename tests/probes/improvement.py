from datetime import date

from reviews.improvement.models import DeficiencyReminder, MentoringCase
from reviews.improvement.services import categories_for

from .base import PERSONS, READERS, Probe, no_kwargs
from .reviews import _staff_record

STATS = ("principal", "unit_admin", "district_admin")


def _deficiency(p):
    qa = _staff_record(p)
    staff = p.a.people["staff"]
    r, _created = DeficiencyReminder.objects.get_or_create(
        person=staff,
        defaults={
            "region": p.a.region,
            "unit": staff.unit,
            "section": staff.section,
            "quarter": qa.quarter,
            "issued_by": p.a.chief,
            "kind": "random",
            "category": categories_for(p.a.region).first(),
            "shortfall": "a财政局 不足",
            "expectation": "整改",
            "due": date(2030, 1, 1),
        },
    )
    return {"pk": r.pk}


def _case(p):
    qa = _staff_record(p)
    c, _created = MentoringCase.objects.get_or_create(
        assessment=qa,
        defaults={
            "region": p.a.region,
            "unit": qa.unit,
            "person": qa.person,
            "grade": "average",
            "mentor": p.a.people["staff2"],
        },
    )
    return {"pk": c.pk}


PROBES = {
    "reviews:deficiency-list": Probe(no_kwargs, PERSONS),
    "reviews:deficiency-new": Probe(no_kwargs, ("principal", "leader", "chief")),
    "reviews:deficiency-stats": Probe(no_kwargs, STATS),
    "reviews:deficiency-detail": Probe(_deficiency, READERS),
    # the staff member acknowledges; the issuer (chief) and the reach (leader, principal) review
    "reviews:deficiency-act": Probe(_deficiency, ("staff", "chief", "leader", "principal"), "post"),
    "reviews:mentoring-list": Probe(no_kwargs, PERSONS),
    "reviews:mentoring-detail": Probe(_case, (*READERS, "staff2")),
    "reviews:mentoring-act": Probe(_case, ("staff2", "unit_admin", "district_admin"), "post"),
}
