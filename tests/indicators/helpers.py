from __future__ import annotations

from datetime import date

from assessment.periods import quarter_for
from indicators.models import AttendanceRecord, Indicator, NegativeRecord
from indicators.services import indicator_systems_ensure


def system_a(personas, year: int = 2026):
    return indicator_systems_ensure(region=personas.a.region, year=year)[personas.a.category.pk]


def q3(personas, region=None):
    return quarter_for(region or personas.a.region, 2026, 3)


def indicator(system, code) -> Indicator:
    return system.indicators.get(code=code)


def attend(person, days: dict[str, int], start=date(2026, 7, 1)):
    """days: status → count, laid out one per day from start."""
    rows, day = [], start.toordinal()
    for status, n in days.items():
        for _ in range(n):
            rows.append(
                AttendanceRecord(
                    region_id=person.region_id,
                    person=person,
                    date=date.fromordinal(day),
                    status=status,
                )
            )
            day += 1
    AttendanceRecord.objects.bulk_create(rows)


def negative(personas, **fields) -> NegativeRecord:
    """A minor record of region A's staff member, entered by the discipline officer."""
    values = {
        "source": "other",
        "type": "mistake",
        "severity": "minor",
        "date": date(2026, 8, 1),
        **fields,
    }
    return NegativeRecord.objects.create(
        region=personas.a.region,
        person=personas.a.people["staff"],
        recorded_by=personas.a.discipline,
        **values,
    )


def negative_form(person, *, day: date = date(2026, 8, 1), kind="violation", severity="serious"):
    """The POST data of the negative-record form for one person."""
    return {
        "staff_no": person.staff_no,
        "source": "discipline",
        "type": kind,
        "severity": severity,
        "date": day.isoformat(),
        "document_no": f"纪〔2026〕{day:%m%d}号",
    }
