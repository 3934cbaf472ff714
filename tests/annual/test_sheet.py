"""The annual registration sheet filled from the year-end appraisal, in both versions."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from archive import render_xlsx, sheets
from assessment.models import AssessmentYear
from reviews.annual.contests import contest_decide, contest_file
from reviews.annual.services import annual_opinion

from .helpers import DECISION_DAY, decided, open_year, quarter_grades

pytestmark = pytest.mark.django_db


def test_annual_sheet_filled_after_decision_and_reexamination(personas):
    a = personas.a
    open_year(a)
    quarter_grades(a, "staff", ["good", "fairly_good", "good", "average"])
    aa = decided(a, "staff", "basically_competent")
    annual_opinion(assessment=aa, by=a.staff, opinion="disagree", reason="不服")
    contest = contest_file(
        assessment=aa, by=a.staff, stage="reexam", reason="不服", today=DECISION_DAY
    )
    contest_decide(
        contest=contest,
        by=a.principal,
        outcome="changed",
        new_grade="competent",
        reason="改为称职",
        today=DECISION_DAY,
    )
    sheet = sheets.build_annual(a.region, 2026, [a.people["staff"]])[0]
    assert [f.label for f in sheet.fields] == sheets.ANNUAL_LABELS
    assert sheet.get("个人总结").value == "全年工作总结"
    assert sheet.get("参加脱产培训情况").value == "无"
    assert "工作扎实" in sheet.get("主管领导评语和考核等次建议").value
    decision = sheet.get("机关负责人或考核委员会意见（考核等次）")
    assert decision.value == "机关负责人审定：称职" and decision.date
    assert sheet.get("本人意见").value == "不同意：不服"
    notes = sheet.get("需要说明的情况").value
    assert "2026年度平时考核情况：“好” 2 次，“较好” 1 次，“一般” 1 次，“较差” 0 次" in notes
    assert "复核（2026-12-10 提出）：变更等次，称职" in notes
    assert sheet.grade == "称职"
    wb = load_workbook(BytesIO(render_xlsx.sheet_workbook(sheet)))
    text = "\n".join(str(c) for r in wb.active.iter_rows(values_only=True) for c in r if c)
    assert "机关负责人审定：称职" in text and "变更等次" in text


def test_pre_2020_version_selectable_per_year(personas):
    a = personas.a
    open_year(a)
    AssessmentYear.objects.filter(region=a.region, year=2026).update(annual_sheet_version="pre2020")
    decided(a, "staff")
    sheet = sheets.build_annual(a.region, 2026, [a.people["staff"]])[0]
    labels = [f.label for f in sheet.fields]
    assert labels == sheets.ANNUAL_LABELS_PRE2020
    assert "参加脱产培训情况" not in labels and "未确定等次或不参加考核情况说明" in labels


def test_annual_sheets_constant_queries(personas, django_assert_max_num_queries):
    a = personas.a
    open_year(a)
    decided(a, "staff")
    people = list(a.people.values())
    with django_assert_max_num_queries(8):
        built = sheets.build_annual(a.region, 2026, people)
    assert len(built) == len(people)


def test_archive_shows_the_annual_result(client, personas):
    from django.urls import reverse

    a = personas.a
    open_year(a)
    decided(a, "staff", "competent")
    client.force_login(a.staff)
    page = client.get(reverse("archive:mine"), follow=True).content.decode()
    assert "2026 年度考核：称职" in page
