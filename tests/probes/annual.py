"""Probes of the year-end appraisal's pages (reviews/annual)."""

from __future__ import annotations

from datetime import date

from assessment.models import AnnualAssessment, AnnualContest, UnitYear
from reviews.annual import services
from reviews.annual.opening import year_open
from reviews.models import ReviewState

from .base import PERSONS, READERS, Probe, no_kwargs


def _record(p) -> AnnualAssessment:
    year_open(region=p.a.region, year=2026)
    return AnnualAssessment.objects.get(year__year=2026, person=p.a.people["staff"])


def _pk(p):
    return {"pk": _record(p).pk}


def _submitted(p):
    aa = _record(p)
    if aa.status == ReviewState.DRAFT:
        aa = services.annual_summary_save(assessment=aa, by=p.a.staff, summary="总结", submit=True)
    return {"pk": aa.pk}


def _decided(p):
    aa = _record(p)
    if aa.status not in services.RESULT_STATES:
        AnnualAssessment.objects.filter(pk=aa.pk).update(
            status=ReviewState.DECIDED,
            grade="competent",
            deciding_body="unit_head",
            decided_by=p.a.principal,
            notice_date=date(2026, 12, 10),
        )
    return {"pk": aa.pk}


def _contest(p):
    aa = AnnualAssessment.objects.get(pk=_decided(p)["pk"])
    contest, _created = AnnualContest.objects.get_or_create(
        assessment=aa,
        stage="reexam",
        defaults={
            "region": p.a.region,
            "reason": "不服",
            "filed_on": date(2026, 12, 11),
            "due": date(2027, 1, 10),
            "original_grade": "competent",
        },
    )
    return {"pk": contest.pk}


def _unit_year(p):
    _record(p)
    return {"unit_pk": p.a.unit.pk, "year": 2026}


def _region_year(p):
    _record(p)
    return {"region_pk": p.a.region.pk, "year": 2026}


def _rate(p):
    _record(p)
    return {"pk": UnitYear.objects.get(unit=p.a.unit, year__year=2026).pk}


PROBES = {
    "reviews:annual-mine": Probe(no_kwargs, PERSONS),
    "reviews:annual-detail": Probe(_pk, READERS),
    "reviews:annual-summary": Probe(_pk, ("staff",), "post"),
    "reviews:annual-review": Probe(_submitted, ("chief",), "post"),
    "reviews:annual-override": Probe(_pk, ("unit_admin", "district_admin"), "post"),
    "reviews:annual-opinion": Probe(_decided, ("staff",), "post"),
    "reviews:annual-contest": Probe(_decided, ("staff",), "post"),
    "reviews:annual-notice": Probe(_decided, READERS),
    "reviews:annual-decide": Probe(_unit_year, ("principal", "unit_admin")),
    "reviews:annual-rate": Probe(_rate, ("district_admin",), "post"),
    "reviews:annual-year": Probe(_region_year, ("district_admin",)),
    "reviews:annual-open": Probe(_region_year, ("district_admin",), "post"),
    "reviews:annual-leadership": Probe(_region_year, ("district_admin",)),
    "reviews:annual-contests": Probe(no_kwargs, ("principal", "district_admin")),
    "reviews:annual-contest-detail": Probe(_contest, ("principal",)),
}
