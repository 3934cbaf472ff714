from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.contrib.contenttypes.models import ContentType
from openpyxl import load_workbook

from archive import render_pdf, render_xlsx, sheets
from assessment.models import QuarterlyAssessment
from assessment.periods import quarter_for
from indicators.models import NegativeRecord
from reviews.models import ReviewAction
from rewards.models import RewardKind, RewardType
from tests.archive.helpers import assessed, attendance, fill_person
from tests.archive.pdftext import embedded_fonts, pdf_text
from tests.rewards.helpers import make_record

pytestmark = pytest.mark.django_db


def _quarter_sheets(cast, unit=None):
    quarter = quarter_for(cast.region, 2026, 3)
    people = sheets.people_in_scope(region=cast.region, unit=unit or cast.unit)
    return sheets.build_quarterly(quarter, people)


def _sheet_of(all_sheets, person):
    return next(s for s in all_sheets if s.person_id == person.pk)


@pytest.fixture
def staff(personas):
    person = fill_person(personas.a.people["staff"])
    qa = assessed(person, summary="完成2026年预算编制，牵头绩效评价。")
    ReviewAction.objects.create(
        region=person.region,
        content_type=ContentType.objects.get_for_model(QuarterlyAssessment),
        object_id=qa.pk,
        actor=personas.a.leader,
        level=2,
        decision="approve",
        from_status="in_review",
        to_status="in_review",
        suggested_grade="good",
        comment="工作扎实，成效明显。",
    )
    attendance(person, {"absent": 1, "leave": 2, "late_early": 3})
    make_record(person, day=date(2026, 8, 1))
    make_record(person, day=date(2026, 1, 5), document_no="OUT-OF-QUARTER")
    return person


def test_quarterly_sheet_has_domain_fields_in_order(staff, personas):
    sheet = _sheet_of(_quarter_sheets(personas.a), staff)
    assert [f.label for f in sheet.fields] == sheets.QUARTERLY_LABELS
    assert sheet.get("出勤情况").parts == [
        ("旷工天数", "1"),
        ("请假天数", "2"),
        ("迟到早退次数", "3"),
    ]
    rewards = sheet.get("奖惩情况与不良行为记录").value
    assert "区府发〔2026〕12号" in rewards and "OUT-OF-QUARTER" not in rewards
    assert "工作扎实" in sheet.get("主管领导点评和考核等次建议").value
    assert "建议等次：好" in sheet.get("主管领导点评和考核等次建议").value
    assert sheet.get("机关审定意见（考核等次）").value == "好"
    assert sheet.get("互评/群众评议情况").value == ""  # no ratings: blank, not invented
    assert sheet.missing == []


def test_ungraded_without_explanation_is_missing(personas):
    person = fill_person(personas.a.people["staff2"])
    assessed(person, grade="ungraded")
    sheet = _sheet_of(_quarter_sheets(personas.a), person)
    assert "未确定等次或不参加考核情况说明" in sheet.missing
    assert "出勤情况" in sheet.missing  # no attendance imported: blank, not zero


def test_negative_record_shows_on_sheet(staff, personas):
    NegativeRecord.objects.create(
        region=staff.region,
        person=staff,
        source="discipline",
        type="complaint",
        severity="minor",
        date=date(2026, 8, 20),
        document_no="纪字〔2026〕3号",
        recorded_by=personas.a.discipline,
    )
    sheet = _sheet_of(_quarter_sheets(personas.a), staff)
    assert "纪字〔2026〕3号" in sheet.get("奖惩情况与不良行为记录").value


def test_xlsx_read_back_has_fields_in_order_and_data(staff, personas):
    sheet = _sheet_of(_quarter_sheets(personas.a), staff)
    wb = load_workbook(BytesIO(render_xlsx.sheet_workbook(sheet)))
    ws = wb.active
    cells = [str(c) for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    text = "\n".join(cells)
    positions = [text.index(label) for label in sheets.QUARTERLY_LABELS]
    assert positions == sorted(positions)
    for value in ("astaff", "中共党员", "完成2026年预算编制", "区府发〔2026〕12号", "工作扎实"):
        assert value in text
    assert ws["A1"].value == "公务员平时考核登记表"
    assert "A1:F1" in {str(r) for r in ws.merged_cells.ranges}
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "portrait"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws["A3"].font.name == "宋体" and ws["A3"].border.left.style == "thin"


def test_annual_sheet_uses_quarter_grades_and_leaves_year_end_pending(staff, personas):
    assessed(staff, number=1, grade="fairly_good")
    annual = sheets.build_annual(personas.a.region, 2026, [staff])[0]
    assert [f.label for f in annual.fields] == sheets.ANNUAL_LABELS
    assert annual.quarter_grades == ["较好", "", "好", ""]
    for label in ("个人总结", "参加脱产培训情况", "机关负责人或考核委员会意见（考核等次）"):
        assert annual.get(label).pending and annual.get(label).value == ""
    assert annual.get("需要说明的情况").value.startswith(
        "2026年度平时考核情况：“好” 1 次，“较好” 1 次"
    )
    wb = load_workbook(BytesIO(render_xlsx.sheet_workbook(annual)))
    text = "\n".join(str(c) for r in wb.active.iter_rows(values_only=True) for c in r if c)
    positions = [text.index(label) for label in sheets.ANNUAL_LABELS]
    assert positions == sorted(positions)
    assert "第一季度 较好" in text


@pytest.mark.parametrize("evil", ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"])
def test_formula_like_user_text_is_neutralised(personas, evil):
    person = fill_person(personas.a.people["staff"], work_in_charge=evil)
    assessed(person, summary=evil)
    all_sheets = _quarter_sheets(personas.a)
    one = load_workbook(BytesIO(render_xlsx.sheet_workbook(_sheet_of(all_sheets, person))))
    listing = load_workbook(
        BytesIO(
            render_xlsx.list_workbook(
                all_sheets, title=evil, summary=sheets.grade_summary(all_sheets)
            )
        )
    )
    for wb in (one, listing):
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (cell.coordinate, cell.value)
                    if isinstance(cell.value, str):
                        assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r"))
    texts = [c.value for r in listing["清单"].iter_rows() for c in r if isinstance(c.value, str)]
    assert "'" + evil in texts


def test_list_workbook_has_row_per_person_and_grade_summary(staff, personas):
    assessed(fill_person(personas.a.people["staff2"]), grade="average")
    all_sheets = _quarter_sheets(personas.a)
    wb = load_workbook(
        BytesIO(
            render_xlsx.list_workbook(
                all_sheets, title="清单", summary=sheets.grade_summary(all_sheets)
            )
        )
    )
    ws = wb["清单"]
    header = [c.value for c in ws[2]]
    assert header[:4] == ["序号", "工号", "姓名", "性别"]
    assert (
        header.index("旷工天数") < header.index("奖惩情况与不良行为记录") < header.index("本人意见")
    )
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert len(rows) == len(all_sheets)
    staff_row = next(r for r in rows if r[2] == "astaff")
    assert staff_row[header.index("旷工天数")] == "1"
    assert staff_row[header.index("机关审定意见（考核等次）")].startswith("好")
    summary = wb["等次汇总"]
    head = [c.value for c in summary[1]]
    unit_row = [c.value for c in summary[2]]
    assert unit_row[0] == "a财政局"
    assert unit_row[head.index("好")] == 1 and unit_row[head.index("一般")] == 1
    assert unit_row[head.index("人数")] == len(all_sheets)


def test_pdf_text_has_labels_and_data_in_the_shipped_font(staff, personas):
    make_record(
        staff,
        day=date(2026, 9, 1),
        kind=RewardKind.PUNISHMENT,
        type=RewardType.WARNING,
        reason="鑫淼犇龘",  # rarer GBK characters
    )
    sheet = _sheet_of(_quarter_sheets(personas.a), staff)
    data = render_pdf.sheet_pdf(sheet)
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert "\ufffd" not in text  # every glyph mapped: nothing missing
    for label in sheets.QUARTERLY_LABELS:
        assert label in text, label
    for value in (
        "astaff",
        "中共党员",
        "完成2026年预算编制",
        "工作扎实",
        "鑫淼犇龘",
        "旷工天数：1",
    ):
        assert value in text, value
    assert embedded_fonts(data) == 1  # only the shipped font: no system fallback


def test_pdf_fetches_nothing_from_network_or_files(personas):
    person = fill_person(personas.a.people["staff"])
    assessed(
        person,
        summary='<img src="http://example.invalid/x.png"><img src="file:///etc/passwd">',
    )
    sheet = _sheet_of(_quarter_sheets(personas.a), person)
    renderer = render_pdf.PdfRenderer()
    renderer.render([sheet])
    assert renderer.fetcher.refused == []  # escaped: never even an <img>
    html = render_pdf.sheet_html([sheet]).replace("&lt;", "<").replace("&gt;", ">")
    html = html.replace("&quot;", '"')
    renderer.render_html(html)  # even unescaped markup is refused by the fetcher
    assert "http://example.invalid/x.png" in renderer.fetcher.refused
    assert "file:///etc/passwd" in renderer.fetcher.refused


def test_pdf_annual_renders_pending_fields(staff, personas):
    annual = sheets.build_annual(personas.a.region, 2026, [staff])[0]
    text = pdf_text(render_pdf.sheet_pdf(annual))
    assert "公务员年度考核登记表" in text and "需要说明的情况" in text and "待年度评鉴" in text
