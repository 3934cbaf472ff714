"""Shared builders for goal and work-log tests (and their URL probes)."""

from __future__ import annotations

import uuid
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessment.models import Goal
from assessment.periods import assessment_year
from assessment.work import services

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "证明.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def file_log(person, *, day: date | None = None, content: str = "起草季度工作总结", files=()):
    data = services.LogInput(date=day or timezone.localdate(), content=content)
    log, _created = services.log_create(
        person=person, by=person.user, data=data, client_token=uuid.uuid4(), files=files
    )
    return log


def open_goal_window(region, year: int) -> None:
    settings = assessment_year(region, year)
    settings.goal_window_start, settings.goal_window_end = date(year, 1, 1), date(year, 12, 31)
    settings.save()


def submitted_plan(person, year: int | None = None):
    year = year or timezone.localdate().year
    open_goal_window(person.region, year)
    plan = services.goalplan_get_or_create(person=person, year=year)
    if not plan.is_editable:
        return plan
    Goal.objects.create(plan=plan, title="完成年度预算编制", measure="12月前报区政府")
    return services.goalplan_submit(plan=plan, by=person.user)
