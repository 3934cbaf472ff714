"""Assessment years and quarters: created on demand from the region's per-year settings."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.db import IntegrityError, transaction

from .models import AssessmentYear, Quarter, Region

QUARTER_CODE = re.compile(r"^(\d{4})Q([1-4])$")


def quarter_bounds(year: int, number: int) -> tuple[date, date]:
    start = date(year, 3 * number - 2, 1)
    end = date(year + (number == 4), (3 * number) % 12 + 1, 1) - timedelta(days=1)
    return start, end


def quarter_number(day: date) -> int:
    return (day.month - 1) // 3 + 1


def parse_quarter_code(code: str) -> tuple[int, int]:
    match = QUARTER_CODE.match(code.strip().upper())
    if not match:
        raise ValueError(f"not a quarter code (like 2026Q4): {code!r}")
    return int(match[1]), int(match[2])


def assessment_year(region: Region, year: int) -> AssessmentYear:
    """The region's settings for a year, created with defaults on first use."""
    obj, _ = AssessmentYear.objects.get_or_create(
        region=region,
        year=year,
        defaults={"goal_window_start": date(year, 1, 1), "goal_window_end": date(year, 2, 28)},
    )
    return obj


def quarter_for(region: Region, year: int, number: int) -> Quarter:
    """The region's quarter, created from the year's settings if missing (race-safe)."""
    existing = Quarter.objects.filter(region=region, year__year=year, number=number).first()
    if existing:
        return existing
    settings = assessment_year(region, year)
    start, end = quarter_bounds(year, number)
    try:
        with transaction.atomic():
            return Quarter.objects.create(
                region=region,
                year=settings,
                number=number,
                start=start,
                end=end,
                filing_deadline=end + timedelta(days=settings.filing_grace_days),
            )
    except IntegrityError:
        return Quarter.objects.get(region=region, year=settings, number=number)


def quarter_of_day(region: Region, day: date) -> Quarter:
    return quarter_for(region, day.year, quarter_number(day))
