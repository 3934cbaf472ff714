"""Reading and checking uploaded sheets (attendance, negative records).

The file is read by `assessment.tables.read_table` (size, content, zip-bomb and XML-entity
checks); this module knows what the rows mean.

`check_rows` turns the table into normalised rows and row-level errors (row number as the
sheet shows it, and what is wrong); nothing is saved here.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from assessment.tables import (  # noqa: F401 - MAX_FILE_BYTES is read by forms and the command
    MAX_FILE_BYTES,
    Checked,
    ImportFileError,
    columns,
    parse_date,
    read_table,
    text,
)

from .models import (
    AttendanceRecord,
    AttendanceStatus,
    ImportBatch,
    NegativeRecord,
    NegativeSource,
    NegativeType,
    Severity,
)

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


def check_rows(kind: str, table: list[tuple[int, list]], people: Iterable) -> Checked:
    """people: the Person rows the importer may import for (with unit loaded)."""
    if not table:
        raise ImportFileError("文件是空的。")
    cols = columns(table[0][1], HEADERS)
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
        if all(text(v) == "" for v in cell.values()):
            continue  # blank line
        problems: list[str] = []
        person = _person(cell, by_no, by_name, problems)
        day = parse_date(cell.get("date"))
        if day is None:
            problems.append(f"日期“{text(cell.get('date'))}”无法识别（示例：2026-07-01）。")
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
            row["document_no"] = text(cell.get("document_no"))[:100]
            row["description"] = text(cell.get("description"))[:2000]
            until = cell.get("in_force_until")
            if text(until):
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
    staff_no, name, unit = (text(cell.get(k)) for k in ("staff_no", "name", "unit"))
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
    raw = text(cell.get(key))
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
