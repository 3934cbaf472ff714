"""Payroll export of a locked pool (xlsx): 姓名, 工号, 单位, 积分, 金额（元）, and a totals row
equal to the pool."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from archive.render_xlsx import neutralise

MONEY = "#,##0.00"


def payroll_xlsx(pool, payouts) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("奖金发放表")
    ws.append([f"{pool.unit.name} {pool.period_label} {_('平时考核奖金发放表')}"])
    ws["A1"].font = Font(bold=True, size=13)
    header = [_("姓名"), _("工号"), _("单位"), _("人员身份"), _("积分"), _("金额（元）")]
    ws.append(header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    total = 0
    for p in payouts:
        total += p.amount_fen
        ws.append(
            [
                neutralise(p.person.name),
                neutralise(p.person.staff_no),
                neutralise(pool.unit.name),
                p.person.get_kind_display(),
                float(p.points),
                Decimal(p.amount_fen) / 100,
            ]
        )
        ws.cell(row=ws.max_row, column=6).number_format = MONEY
    ws.append([_("合计"), "", "", f"{len(payouts)} 人", "", Decimal(total) / 100])
    ws.cell(row=ws.max_row, column=6).number_format = MONEY
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for col, width in zip("ABCDEF", (12, 14, 22, 10, 8, 14), strict=True):
        ws.column_dimensions[col].width = width
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
