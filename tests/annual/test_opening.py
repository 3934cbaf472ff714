"""Opening the year: one record per participant, coded outcomes proposed from the facts,
idempotent, movements noted on a re-run; the command; the override by the unit admin."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from assessment.models import AnnualAssessment, Person, UnitYear
from indicators.models import AttendanceRecord, NegativeRecord
from reviews.annual import services
from reviews.annual.opening import year_open
from tests.rewards.helpers import make_record

from .helpers import annual, open_year

pytestmark = pytest.mark.django_db


def test_open_creates_one_record_per_active_person_and_is_idempotent(personas):
    a = personas.a
    result = year_open(region=a.region, year=2026)
    people = Person.objects.filter(region=a.region, is_active=True).count()
    assert result.created == people == AnnualAssessment.objects.filter(region=a.region).count()
    assert UnitYear.objects.filter(region=a.region).count() == 2
    again = year_open(region=a.region, year=2026)
    assert again.created == 0
    assert AnnualAssessment.objects.filter(region=a.region).count() == people
    assert not AnnualAssessment.objects.filter(region=personas.b.region).exists()
    aa = annual(a, "staff")
    assert aa.history.first().history_change_reason == "开启年度考核"


def test_coded_outcomes_are_proposed_from_the_facts(personas):
    a = personas.a
    people = a.people
    Person.objects.filter(pk=people["staff"].pk).update(hire_date=date(2026, 4, 1))
    NegativeRecord.objects.create(
        region=a.region,
        person=people["staff2"],
        source="discipline",
        type="violation",
        severity="serious",
        date=date(2026, 6, 1),
        under_investigation=True,
        document_no="纪立〔2026〕3号",
        recorded_by=a.discipline,
    )
    make_record(people["chief"], by=a.hr, day=date(2026, 2, 1), kind="punishment", type="demerit")
    AttendanceRecord.objects.bulk_create(
        AttendanceRecord(region=a.region, person=people["leader"], date=day, status="leave")
        for month in range(1, 7)
        for day in [date(2026, month, d) for d in range(1, 29)]
    )
    result = year_open(region=a.region, year=2026)
    assert result.coded == 4
    codes = dict(
        AnnualAssessment.objects.filter(region=a.region).values_list("person__name", "outcome_code")
    )
    assert codes["astaff"] == "5A"
    assert codes["astaff2"] == "5B"
    assert codes["achief"] == "5C"
    assert codes["aleader"] == "6A"
    assert codes["aprincipal"] == ""
    assert "纪立〔2026〕3号" in annual(a, "staff2").outcome_reason


def test_rerun_notes_joiners_transfers_and_leavers(personas):
    a = personas.a
    open_year(a)
    staff2 = a.people["staff2"]
    staff2.unit = a.other_unit
    staff2.section = None
    staff2.save()
    other = a.people["other_staff"]
    other.is_active = False
    other.save()
    newcomer = Person.objects.create(
        region=a.region, unit=a.unit, name="新人", staff_no="a900", gender="F"
    )
    result = year_open(region=a.region, year=2026)
    assert (result.created, result.transferred, result.left) == (1, 1, 1)
    assert annual(a, "staff2").unit == a.other_unit
    assert "调至" in annual(a, "staff2").movement_note
    assert annual(a, "other_staff").participates is False
    assert AnnualAssessment.objects.get(person=newcomer).movement_note == "年内入职"


def test_open_year_command(personas, capsys):
    call_command("open_year", year=2026, region=personas.a.region.code)
    assert "created 10" in capsys.readouterr().out
    call_command("open_year", year=2026)
    out = capsys.readouterr().out
    assert "a 2026: created 0" in out and "b 2026: created 10" in out


def test_override_by_unit_admin_only_with_reason(personas):
    a = personas.a
    open_year(a)
    aa = annual(a, "staff")
    with pytest.raises(PermissionDenied):
        services.annual_outcome_override(assessment=aa, by=a.staff, code="5A", reason="x")
    with pytest.raises(PermissionDenied):
        services.annual_outcome_override(
            assessment=aa, by=personas.b.unit_admin, code="5A", reason="x"
        )
    with pytest.raises(ValidationError):
        services.annual_outcome_override(assessment=aa, by=a.unit_admin, code="5A", reason=" ")
    aa = services.annual_outcome_override(
        assessment=aa, by=a.unit_admin, code="5A", reason="2026年3月新录用"
    )
    assert aa.outcome_code == "5A" and aa.outcome_overridden
    assert "理由：2026年3月新录用" in aa.history.first().history_change_reason
    aa = services.annual_outcome_override(
        assessment=aa, by=a.unit_admin, code="", reason="录用日期有误"
    )
    assert aa.outcome_code == ""
