from assessment.models import QuarterlyAssessment
from reviews.models import Appeal, Reminder, ReviewState
from reviews.opening import quarter_open

from .base import PERSONS, READERS, REVIEWERS, Probe, no_kwargs

UNIT_PEOPLE = ("principal", "leader", "chief", "staff", "staff2", "unit_admin", "district_admin")


def _staff_record(p) -> QuarterlyAssessment:
    quarter = quarter_open(region=p.a.region, year=2026, number=3).quarter
    return QuarterlyAssessment.objects.get(quarter=quarter, person=p.a.people["staff"])


def _record(p):
    return {"pk": _staff_record(p).pk}


def _submitted(p):
    from reviews import services

    qa = _staff_record(p)
    if qa.status == ReviewState.DRAFT:
        qa = services.summary_save(assessment=qa, by=p.a.staff, summary="小结", submit=True)
    return {"pk": qa.pk}


def _unit_quarter(p):
    _staff_record(p)
    return {"unit_pk": p.a.unit.pk, "quarter": "2026Q3"}


def _appeal(p):
    qa = _staff_record(p)
    appeal, _created = Appeal.objects.get_or_create(
        assessment=qa,
        defaults={
            "region": p.a.region,
            "reason": "不服",
            "original_grade": "average",
            "due": "2026-12-31",
        },
    )
    return {"pk": appeal.pk}


def _reminder(p):
    reminder, _created = Reminder.objects.get_or_create(
        user=p.a.staff, key="probe", defaults={"region": p.a.region, "text": "提醒", "link": "/"}
    )
    return {"pk": reminder.pk}


PROBES = {
    "reviews:my-quarters": Probe(no_kwargs, PERSONS),
    "reviews:detail": Probe(_record, READERS),
    "reviews:summary": Probe(_record, ("staff",), "post"),
    "reviews:review": Probe(_submitted, ("chief",), "post"),
    "reviews:opinion": Probe(_record, ("staff",), "post"),
    "reviews:appeal": Probe(_record, ("staff",), "post"),
    "reviews:queue": Probe(no_kwargs, REVIEWERS),
    "reviews:queue-bulk": Probe(no_kwargs, REVIEWERS, "post"),
    "reviews:decide": Probe(_unit_quarter, ("principal", "district_admin")),
    "reviews:publish": Probe(_unit_quarter, ("principal", "unit_admin", "district_admin"), "post"),
    "reviews:publicity": Probe(_unit_quarter, UNIT_PEOPLE),
    "reviews:appeal-list": Probe(no_kwargs, ("district_admin",)),
    "reviews:appeal-detail": Probe(_appeal, ("district_admin",)),
    "reviews:quarter-admin": Probe(no_kwargs, ("district_admin",)),
    "reviews:quarter-open": Probe(no_kwargs, ("district_admin",), "post"),
    "reviews:reminder-read": Probe(_reminder, ("staff",), "post"),
}
