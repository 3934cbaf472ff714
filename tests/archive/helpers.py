"""Builders for registration-sheet and archive tests (and their URL probes)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from assessment.models import QuarterlyAssessment
from assessment.periods import quarter_for
from indicators.models import AttendanceRecord

TZ = ZoneInfo("Asia/Shanghai")


def fill_person(person, **extra):
    values = {
        "political_status": "中共党员",
        "education": "大学本科",
        "ethnicity": "汉族",
        "work_in_charge": "财政预算编制",
        "in_post_since": date(2021, 3, 1),
    }
    values.update(extra)
    for key, value in values.items():
        setattr(person, key, value)
    person.save()
    return person


def assessed(person, *, year=2026, number=3, grade="good", summary="完成预算编制任务。", **extra):
    """A decided quarterly record with the person's own opinion."""
    quarter = quarter_for(person.region, year, number)
    values = {
        "summary": summary,
        "grade": grade,
        "decided_at": datetime(year, 3 * number, 28, 10, tzinfo=TZ),
        "opinion": "agree",
        "opinion_at": datetime(year, 3 * number, 30, 10, tzinfo=TZ),
        "status": "confirmed",
    }
    values.update(extra)
    return QuarterlyAssessment.objects.create(
        region=person.region,
        quarter=quarter,
        person=person,
        unit=person.unit,
        section=person.section,
        person_kind=person.kind,
        **values,
    )


def attendance(person, days: dict[str, int], *, year=2026, month=7):
    day = 1
    for status, n in days.items():
        for _ in range(n):
            AttendanceRecord.objects.create(
                region=person.region, person=person, date=date(year, month, day), status=status
            )
            day += 1


def export_job(cast, *, by=None, unit="unit", status="done", output="list", content=b"PK\x03\x04"):
    """An export job of region A's unit (or the whole region with unit=None)."""
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from archive.models import ExportJob

    job = ExportJob.objects.create(
        region=cast.region,
        unit=getattr(cast, unit) if unit else None,
        requested_by=by or cast.users["hr"],
        sheet="quarterly",
        period="2026Q3",
        output=output,
        status=status,
    )
    if status == "done":
        job.file.save("x", ContentFile(content), save=False)
        job.file_name = "清单.xlsx"
        job.progress = 100
        job.finished = timezone.now()
        job.expires_at = job.finished + timedelta(days=7)
        job.save()
    return job
