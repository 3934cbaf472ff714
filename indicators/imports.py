"""Reading and checking uploaded sheets (attendance, negative records).

Files are checked before any parser sees them: size, extension and content (magic bytes), and
for xlsx the zip's declared and actual uncompressed size, the compression ratio and any DTD or
entity declaration (refused: no XML entity is ever expanded). openpyxl then reads in read-only
mode (it parses with defusedxml when that is installed, as it is here). csv is decoded as
utf-8 (with or without BOM) or GBK/GB18030, as Chinese attendance machines export it.

`check_rows` turns the table into normalised rows and row-level errors (row number as the
sheet shows it, and what is wrong); nothing is saved here.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone

from .models import (
    AttendanceRecord,
    AttendanceStatus,
    ImportBatch,
    NegativeRecord,
    NegativeSource,
    NegativeType,
    Severity,
)

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 40 * 1024 * 1024
MAX_RATIO = 100
MAX_ROWS = 100_000
MAX_ERRORS_KEPT = 1000
XLSX_MAGIC = b"PK\x03\x04"
XML_FORBIDDEN = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class ImportFileError(ValueError):
    """The file as a whole cannot be read (type, size, bomb, entities, header)."""


# -- reading -------------------------------------------------------------------------------


def read_table(name: str, data: bytes) -> list[tuple[int, list]]:
    """(sheet row number, cell values) for every row including the header (row 1)."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(
            f"文件过大（{len(data) // 1024} KB），上限 {MAX_FILE_BYTES // 1024 // 1024} MB。"
        )
    lower = name.lower()
    if lower.endswith(".xlsx"):
        if not data.startswith(XLSX_MAGIC):
            raise ImportFileError("文件内容不是 xlsx 表格（扩展名与内容不符）。")
        return _read_xlsx(data)
    if lower.endswith(".csv"):
        if data.startswith(XLSX_MAGIC) or b"\x00" in data[:8192]:
            raise ImportFileError("文件内容不是 csv 文本（扩展名与内容不符）。")
        return _read_csv(data)
    raise ImportFileError("只支持 xlsx 或 csv 文件（考勤机导出的表格）。")


def _check_zip(zf: zipfile.ZipFile) -> None:
    infos = zf.infolist()
    if len(infos) > 1000:
        raise ImportFileError("xlsx 文件结构异常（条目过多），已拒绝。")
    declared = sum(i.file_size for i in infos)
    if declared > MAX_UNCOMPRESSED_BYTES:
        raise ImportFileError("xlsx 解压后过大（疑似压缩炸弹），已拒绝。")
    budget = MAX_UNCOMPRESSED_BYTES
    for info in infos:
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
            raise ImportFileError("xlsx 压缩比异常（疑似压缩炸弹），已拒绝。")
        if not info.filename.endswith((".xml", ".rels")):
            continue
        with zf.open(info) as member:  # the declared size may lie: read with a budget
            content = member.read(budget + 1)
        budget -= len(content)
        if budget < 0:
            raise ImportFileError("xlsx 解压后过大（疑似压缩炸弹），已拒绝。")
        if XML_FORBIDDEN.search(content):
            raise ImportFileError("xlsx 含有 XML 实体或 DTD 声明，已拒绝。")


def _read_xlsx(data: bytes) -> list[tuple[int, list]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            _check_zip(zf)
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ImportFileError:
        raise
    except Exception as exc:  # a corrupt or foreign file: one clear message, never a 500
        raise ImportFileError("无法读取 xlsx 文件，请确认是考勤机或 Excel 导出的表格。") from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS + 1:
                raise ImportFileError(f"行数超过上限 {MAX_ROWS}，请分批导入。")
            rows.append((number, list(values)))
        return rows
    finally:
        workbook.close()


def _read_csv(data: bytes) -> list[tuple[int, list]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes almost anything
        raise ImportFileError("无法识别 csv 文件编码（支持 UTF-8 与 GBK）。")
    rows = []
    reader = csv.reader(io.StringIO(text))
    try:
        for number, values in enumerate(reader, start=1):
            if number > MAX_ROWS + 1:
                raise ImportFileError(f"行数超过上限 {MAX_ROWS}，请分批导入。")
            rows.append((number, values))
    except csv.Error as exc:
        raise ImportFileError("csv 文件格式错误，无法读取。") from exc
    return rows


# -- checking ------------------------------------------------------------------------------

HEADERS = {
    "staff_no": ("工号", "人员编号", "员工编号", "编号", "staff_no", "staff id"),
    "name": ("姓名", "name"),
    "unit": ("单位", "部门", "unit"),
    "date": ("日期", "考勤日期", "认定日期", "发生日期", "date"),
    "status": ("状态", "考勤状态", "考勤结果", "status"),
    "source": ("来源部门", "来源", "source"),
    "type": ("类型", "负面类型", "type"),
    "severity": ("严重程度", "程度", "severity"),
    "in_force_until": ("影响期截止", "影响期至", "in_force_until"),
    "document_no": ("文号", "document_no"),
    "description": ("事由", "说明", "description"),
}
REQUIRED = {
    ImportBatch.Kind.ATTENDANCE: ("date", "status"),
    ImportBatch.Kind.NEGATIVE: ("date", "source", "type", "severity"),
}
STATUS_WORDS = {
    AttendanceStatus.PRESENT: ("出勤", "正常", "present", "√", "打卡"),
    AttendanceStatus.LEAVE: ("请假", "事假", "病假", "年假", "休假", "leave"),
    AttendanceStatus.ABSENT: ("旷工", "缺勤", "absent"),
    AttendanceStatus.LATE_EARLY: ("迟到早退", "迟到", "早退", "late", "early", "late/early"),
}


def _lookup(choices) -> dict[str, str]:
    out = {}
    for value, label in choices:
        out[str(label).lower()] = value
        out[value] = value
    return out


STATUS = {w.lower(): s for s, words in STATUS_WORDS.items() for w in words} | {
    s.value: s.value for s in AttendanceStatus
}
SOURCES = _lookup(NegativeSource.choices)
TYPES = _lookup(NegativeType.choices)
SEVERITIES = _lookup(Severity.choices) | {"严重": Severity.SERIOUS, "处分": Severity.SERIOUS}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")


def parse_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip().split(" ")[0]
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


@dataclass
class Checked:
    rows: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0

    def error(self, row: int, *messages: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append({"row": row, "errors": list(messages)})


def _columns(header: list) -> dict[str, int]:
    names = [_text(h).lower() for h in header]
    found = {}
    for key, aliases in HEADERS.items():
        for i, name in enumerate(names):
            if name in {a.lower() for a in aliases}:
                found[key] = i
                break
    return found


def check_rows(kind: str, table: list[tuple[int, list]], people: Iterable) -> Checked:
    """people: the Person rows the importer may import for (with unit loaded)."""
    if not table:
        raise ImportFileError("文件是空的。")
    cols = _columns(table[0][1])
    missing = [HEADERS[k][0] for k in REQUIRED[kind] if k not in cols]
    if "staff_no" not in cols and not {"name", "unit"} <= set(cols):
        missing.append("工号（或 姓名 + 单位）")
    if missing:
        raise ImportFileError(f"表头缺少列：{'、'.join(missing)}。第 1 行须为表头。")
    by_no, by_name = {}, {}
    for p in people:
        by_no[p.staff_no.lower()] = p
        by_name.setdefault((p.unit.name, p.name), []).append(p)
    checked = Checked()
    today = timezone.localdate()
    seen: dict[tuple, int] = {}
    for number, values in table[1:]:
        cell = {k: (values[i] if i < len(values) else None) for k, i in cols.items()}
        if all(_text(v) == "" for v in cell.values()):
            continue  # blank line
        problems: list[str] = []
        person = _person(cell, by_no, by_name, problems)
        day = parse_date(cell.get("date"))
        if day is None:
            problems.append(f"日期“{_text(cell.get('date'))}”无法识别（示例：2026-07-01）。")
        elif day > today or day.year < 2000:
            problems.append(f"日期 {day} 不在有效范围内（不能晚于今天）。")
        row = {"person": person.pk if person else None, "date": day.isoformat() if day else None}
        if kind == ImportBatch.Kind.ATTENDANCE:
            row["status"] = _choice(cell, "status", STATUS, "考勤状态", problems)
            key = (row["person"], row["date"])
        else:
            row["source"] = _choice(cell, "source", SOURCES, "来源部门", problems)
            row["type"] = _choice(cell, "type", TYPES, "类型", problems)
            row["severity"] = _choice(cell, "severity", SEVERITIES, "严重程度", problems)
            row["document_no"] = _text(cell.get("document_no"))[:100]
            row["description"] = _text(cell.get("description"))[:2000]
            until = cell.get("in_force_until")
            if _text(until):
                until_day = parse_date(until)
                if until_day is None or (day and until_day < day):
                    problems.append("影响期截止日期无法识别或早于认定日期。")
                row["in_force_until"] = until_day.isoformat() if until_day else None
            key = (row["person"], row["date"], row["type"], row["document_no"])
        if person and day and not problems:
            if key in seen:
                problems.append(f"与第 {seen[key]} 行重复。")
            seen.setdefault(key, number)
        if problems:
            checked.error(number, *problems)
        else:
            row["name"] = person.name
            row["line"] = number
            checked.rows.append(row)
    if not checked.rows and not checked.error_count:
        raise ImportFileError("文件中没有数据行。")
    _check_stored_duplicates(kind, checked)
    return checked


def _person(cell, by_no, by_name, problems):
    staff_no, name, unit = (_text(cell.get(k)) for k in ("staff_no", "name", "unit"))
    if staff_no:
        person = by_no.get(staff_no.lower())
        if person is None:
            problems.append(f"工号 {staff_no} 未找到对应人员（或不在您的导入范围内）。")
        elif name and name != person.name:
            problems.append(f"工号 {staff_no} 对应的人员不是“{name}”。")
            return None
        return person
    if not (name and unit):
        problems.append("须填写工号，或同时填写姓名和单位。")
        return None
    matches = by_name.get((unit, name), [])
    if not matches:
        problems.append(f"单位“{unit}”中未找到“{name}”（或不在您的导入范围内）。")
        return None
    if len(matches) > 1:
        problems.append(f"单位“{unit}”有多名“{name}”，请填写工号。")
        return None
    return matches[0]


def _choice(cell, key, table, label, problems):
    raw = _text(cell.get(key))
    value = table.get(raw.lower())
    if value is None:
        problems.append(f"{label}“{raw}”无法识别。")
    return value


def _check_stored_duplicates(kind: str, checked: Checked) -> None:
    """Rows already in the database (one query over the file's people and dates)."""
    if not checked.rows:
        return
    people = {r["person"] for r in checked.rows}
    days = [r["date"] for r in checked.rows]
    if kind == ImportBatch.Kind.ATTENDANCE:
        stored = set(
            (pid, d.isoformat())
            for pid, d in AttendanceRecord.objects.filter(
                person_id__in=people, date__range=(min(days), max(days))
            ).values_list("person_id", "date")
        )
        dup = [r for r in checked.rows if (r["person"], r["date"]) in stored]
        message = "该人员当日已有考勤记录（重复导入）。"
    else:
        stored = set(
            (pid, d.isoformat(), t, doc)
            for pid, d, t, doc in NegativeRecord.objects.filter(
                person_id__in=people, date__range=(min(days), max(days))
            ).values_list("person_id", "date", "type", "document_no")
        )
        dup = [
            r
            for r in checked.rows
            if (r["person"], r["date"], r["type"], r["document_no"]) in stored
        ]
        message = "已有相同的负面信息记录（重复导入）。"
    for row in dup:
        checked.error(row["line"], message)
    if dup:
        dup_lines = {r["line"] for r in dup}
        checked.rows = [r for r in checked.rows if r["line"] not in dup_lines]
        checked.errors.sort(key=lambda e: e["row"])
