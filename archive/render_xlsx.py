"""xlsx renderer of the registration sheets: one form per person, or the list form (清单化)
of a unit or region with a summary of grade counts per unit."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

FONT_NAME = "宋体"
MISSING_MARK = "【未填】"
PENDING_MARK = "（待年度评鉴）"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
TOP = Alignment(wrap_text=True, vertical="top")
MISSING_FILL = PatternFill("solid", fgColor="FFF2CC")
GRADE_ORDER = ["好", "较好", "一般", "较差", "不确定等次", "未评定"]


def neutralise(value):
    """Text that a spreadsheet would read as a formula (= + - @, or a leading tab/CR) gets a
    leading apostrophe, so user text never becomes a live formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _set(ws, row, col, value, *, font=None, align=WRAP, fill=None):
    cell = ws.cell(row=row, column=col, value=neutralise(value))
    if isinstance(value, str):
        cell.data_type = "s"
    cell.font = font or Font(name=FONT_NAME, size=11)
    cell.alignment = align
    cell.border = BORDER
    if fill:
        cell.fill = fill
    return cell


def _merge(ws, row, c1, c2, r2=None):
    r2 = r2 or row
    for r in range(row, r2 + 1):
        for c in range(c1, c2 + 1):
            ws.cell(row=r, column=c).border = BORDER
    if c2 > c1 or r2 > row:
        ws.merge_cells(start_row=row, start_column=c1, end_row=r2, end_column=c2)


def _print_setup(ws, *, landscape: bool = False) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_options.horizontalCentered = True


def field_text(f) -> str:
    if f.pending:
        return f.value or PENDING_MARK
    if f.missing:
        return MISSING_MARK
    text = f.value
    if f.date:
        text += f"\n日期：{f.date}"
    return text


# -- one person's form ------------------------------------------------------------------------

# (row height, label cells) for the long fields of each kind
TALL = {"个人小结": 150, "个人总结": 150, "奖惩情况与不良行为记录": 60}


def write_sheet(ws, sheet) -> None:
    """Lay one sheet out as the official form: six columns, label cells merged where the
    paper form merges them, borders, A4 portrait fitted to one page wide."""
    widths = [16, 14, 12, 14, 14, 16]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    title_font = Font(name=FONT_NAME, size=18, bold=True)
    label_font = Font(name=FONT_NAME, size=11, bold=True)
    ws.cell(row=1, column=1, value=sheet.title).font = title_font
    ws.cell(row=1, column=1).alignment = CENTER
    ws.merge_cells("A1:F1")
    ws.row_dimensions[1].height = 36
    ws.cell(row=2, column=1, value=f"（{sheet.period_label}）  单位：{sheet.unit_name}")
    ws.cell(row=2, column=1).font = Font(name=FONT_NAME, size=11)
    ws.cell(row=2, column=1).value = neutralise(ws.cell(row=2, column=1).value)
    ws.cell(row=2, column=1).alignment = CENTER
    ws.merge_cells("A2:F2")
    row = 3
    fields = list(sheet.fields)
    # short personal fields: three label/value pairs per row
    short = []
    while fields and fields[0].label not in (
        "单位及职务（职级）",
        "任现职务（职级）时间",
    ):
        short.append(fields.pop(0))
    for i in range(0, len(short), 3):
        for j, f in enumerate(short[i : i + 3]):
            fill = MISSING_FILL if f.missing else None
            _set(ws, row, 1 + 2 * j, f.label, font=label_font, align=CENTER)
            _set(ws, row, 2 + 2 * j, field_text(f), align=CENTER, fill=fill)
        for c in range(1, 7):
            ws.cell(row=row, column=c).border = BORDER
        ws.row_dimensions[row].height = 28
        row += 1
    for f in fields:
        fill = MISSING_FILL if f.missing else None
        _set(ws, row, 1, f.label, font=label_font, align=CENTER)
        if f.parts and f.label == "出勤情况":
            for j, (label, value) in enumerate(f.parts):
                text = value if value else (MISSING_MARK if f.missing else "")
                _set(ws, row, 2 + 2 * j, label, font=label_font, align=CENTER)
                _set(ws, row, 3 + 2 * j, text, align=CENTER, fill=fill)
        else:
            _set(ws, row, 2, field_text(f), align=TOP, fill=fill)
            _merge(ws, row, 2, 6)
        ws.row_dimensions[row].height = TALL.get(f.label, 48 if f.date or f.pending else 30)
        row += 1
    ws.cell(row=row + 1, column=1, value="本人签名：")
    ws.cell(row=row + 1, column=4, value="审核人签名：")
    _print_setup(ws)
    ws.print_area = f"A1:F{row + 1}"


def sheet_workbook(sheet) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet.period_code
    write_sheet(ws, sheet)
    return _save(wb)


# -- the list form ---------------------------------------------------------------------------


def list_columns(sheet) -> list[str]:
    cols = ["序号", "工号"]
    for f in sheet.fields:
        if f.parts:
            cols.extend(label for label, _ in f.parts)
        else:
            cols.append(f.label)
    cols.append("缺项")
    return cols


def list_row(index: int, sheet) -> list[str]:
    row = [str(index), sheet.staff_no]
    for f in sheet.fields:
        if f.parts:
            row.extend(v if v else (MISSING_MARK if f.missing else "") for _, v in f.parts)
        elif f.pending:
            row.append(f.value)
        elif f.missing:
            row.append(MISSING_MARK)
        else:
            row.append(f.value + (f"（{f.date}）" if f.date else ""))
    row.append("、".join(sheet.missing))
    return row


def list_workbook(sheets, *, title: str, summary) -> bytes:
    """One row per person with the sheet's fields as columns, and a summary sheet of grade
    counts per unit."""
    wb = Workbook()
    ws = wb.active
    ws.title = "清单"
    header_font = Font(name=FONT_NAME, size=11, bold=True)
    body_font = Font(name=FONT_NAME, size=10)
    cols = list_columns(sheets[0]) if sheets else ["序号", "工号", "姓名"]
    ws.cell(row=1, column=1, value=neutralise(title)).font = Font(
        name=FONT_NAME, size=16, bold=True
    )
    ws.cell(row=1, column=1).alignment = CENTER
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(cols))
    for c, label in enumerate(cols, start=1):
        _set(ws, 2, c, label, font=header_font, align=CENTER)
        wide = label in ("个人小结", "奖惩情况与不良行为记录", "主管领导点评和考核等次建议")
        ws.column_dimensions[get_column_letter(c)].width = 40 if wide else 12
    for i, sheet in enumerate(sheets, start=1):
        for c, value in enumerate(list_row(i, sheet), start=1):
            fill = MISSING_FILL if value == MISSING_MARK else None
            _set(ws, i + 2, c, value, font=body_font, align=TOP, fill=fill)
    ws.freeze_panes = "C3"
    ws.print_title_rows = "2:2"
    _print_setup(ws, landscape=True)

    sm = wb.create_sheet("等次汇总")
    grades = list(GRADE_ORDER)
    for _, counts, _total in summary:
        grades.extend(g for g in counts if g not in grades)
    heads = ["单位", *grades, "人数"]
    for c, label in enumerate(heads, start=1):
        _set(sm, 1, c, label, font=header_font, align=CENTER)
        sm.column_dimensions[get_column_letter(c)].width = 24 if c == 1 else 10
    for r, (unit_name, counts, total) in enumerate(summary, start=2):
        _set(sm, r, 1, unit_name, font=body_font)
        for c, g in enumerate(grades, start=2):
            _set(sm, r, c, counts.get(g, 0), font=body_font, align=CENTER)
        _set(sm, r, len(heads), total, font=body_font, align=CENTER)
    _print_setup(sm)
    return _save(wb)


def _save(wb) -> bytes:
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
