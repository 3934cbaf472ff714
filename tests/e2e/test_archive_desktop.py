"""The archive page on a 1366 px desktop: the 季度考核结果 table fits its card (the score
breakdown wraps) and the grade chart's last x-axis label is not clipped."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from assessment.periods import quarter_for
from indicators.models import QuarterScore
from tests.archive.helpers import assessed, fill_person
from tests.e2e.test_smoke import log_in
from tests.indicators.helpers import system_a

pytestmark = pytest.mark.browser

LONG_BREAKDOWN = [
    {"name": name, "pts": 9.5}
    for name in (
        "政治素质", "职业道德", "工作作风", "廉洁自律", "工作数量", "工作质量", "工作效率",
        "工作效果", "出勤情况", "负面清单", "目标任务完成", "重点任务推进", "群众满意度",
    )
]  # fmt: skip


def test_archive_quarter_table_and_chart_fit_a_desktop(page, personas, live_server):
    person = fill_person(personas.a.people["staff"])
    system = system_a(personas)
    for number, grade in ((1, "good"), (2, "fairly_good"), (3, "good")):
        assessed(person, year=2026, number=number, grade=grade)
        QuarterScore.objects.create(
            region=person.region,
            person=person,
            quarter=quarter_for(person.region, 2026, number),
            system=system,
            score=Decimal("91.50"),
            breakdown=LONG_BREAKDOWN,
        )
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, personas.a.staff.username)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(reverse("archive:person", args=[person.pk]))
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    table = page.locator("#quarters table")
    widths = table.evaluate("t => [t.scrollWidth, t.clientWidth]")
    assert widths[0] <= widths[1] + 1, f"the table is {widths[0]} px in a {widths[1]} px box"
    svg = page.locator("#grades-chart svg")
    box = svg.bounding_box()
    for label in svg.locator("text[text-anchor=middle]").all():
        b = label.bounding_box()
        assert b["x"] >= box["x"] - 0.5 and b["x"] + b["width"] <= box["x"] + box["width"] + 0.5
