"""Checking a roster table (人员名册) against the organisation: rows in, a preview out.

Each row is normalised to the Person fields it sets and compared with the stored person of the
same 工号 (staff number, unique in the region): `create`, `update` (with the changed fields) or
`unchanged`. Columns that are absent from the file are left alone, so a region may import only
what its HR system exports. Nothing is saved here.
"""

from __future__ import annotations

import re
from datetime import date

from django.utils import timezone

from ..models import Person, Section, Unit
from ..tables import Checked, ImportFileError, columns, parse_date, text

HEADERS = {
    "staff_no": ("工号", "人员编号", "编号"),
    "name": ("姓名",),
    "gender": ("性别",),
    "birth_date": ("出生年月", "出生日期"),
    "ethnicity": ("民族",),
    "political_status": ("政治面貌",),
    "education": ("学历",),
    "unit": ("单位代码", "单位编码"),
    "section": ("组室", "科室", "股室", "处室"),
    "position": ("职务职级", "职务（职级）", "职务(职级)", "职务"),
    "kind": ("人员身份", "人员类别", "身份"),
    "in_post_since": ("现任职时间", "任现职务（职级）时间", "任现职时间"),
    "work_in_charge": ("从事或分管工作", "分管工作"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码"),
}
# the order of the downloadable template
TEMPLATE_COLUMNS = [
    "staff_no",
    "name",
    "gender",
    "birth_date",
    "ethnicity",
    "political_status",
    "education",
    "unit",
    "section",
    "position",
    "kind",
    "in_post_since",
    "work_in_charge",
]
TEXT_FIELDS = {
    "name": 50,
    "ethnicity": 20,
    "political_status": 20,
    "education": 30,
    "position": 60,
    "work_in_charge": 200,
}
DATE_FIELDS = ("birth_date", "in_post_since")
GENDERS = {"男": "M", "女": "F", "m": "M", "f": "F"}
KINDS = {
    "公务员": Person.Kind.CIVIL_SERVANT,
    "参公": Person.Kind.CIVIL_SERVANT,
    "借用": Person.Kind.SECONDED,
    "借用人员": Person.Kind.SECONDED,
    "事业": Person.Kind.SECONDED,
    "事业编制": Person.Kind.SECONDED,
    "事业人员": Person.Kind.SECONDED,
}
# the Person fields a row can set (the unit and section are ids)
PERSON_FIELDS = [*TEXT_FIELDS, "gender", "kind", *DATE_FIELDS, "unit_id", "section_id"]
MONTH = re.compile(r"^\s*(\d{4})\s*[-./年]?\s*(\d{1,2})\s*月?\s*$")


def parse_month(value) -> date | None:
    """出生年月 as offices write it: 1985-03, 1985.3, 198503, 1985年3月, or a whole date."""
    day = parse_date(value)
    if day is not None:
        return day
    match = MONTH.match(text(value))
    if match:
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12:
            return date(year, month, 1)
    return None


class Context:
    """What a check needs from the database, loaded once (three queries for any file size)."""

    def __init__(self, region, unit: Unit | None):
        self.region, self.unit = region, unit
        units = Unit.objects.filter(region=region)
        self.units = {u.code.lower(): u for u in units}
        self.allowed_units = {unit.pk} if unit else {u.pk for u in self.units.values()}
        self.sections: dict[tuple[int, str], int] = {}
        self.section_units: dict[str, set[str]] = {}
        names = {u.pk: u.name for u in self.units.values()}
        for pk, unit_id, name in Section.objects.filter(region=region).values_list(
            "pk", "unit_id", "name"
        ):
            self.sections[(unit_id, name)] = pk
            self.section_units.setdefault(name, set()).add(names.get(unit_id, ""))
        self.people = {p.staff_no.lower(): p for p in Person.objects.filter(region=region)}


def check_roster(table: list[tuple[int, list]], ctx: Context, *, create_sections: bool) -> Checked:
    if not table:
        raise ImportFileError("文件是空的。")
    cols = columns(table[0][1], HEADERS)
    required = ["staff_no", "name"] + ([] if ctx.unit else ["unit"])
    missing = [HEADERS[k][0] for k in required if k not in cols]
    if missing:
        raise ImportFileError(f"表头缺少列：{'、'.join(missing)}。第 1 行须为表头（可下载模板）。")
    checked = Checked()
    seen: dict[str, int] = {}
    today = timezone.localdate()
    for number, values in table[1:]:
        cell = {k: (values[i] if i < len(values) else None) for k, i in cols.items()}
        cell.pop("id_number", None)  # identity-card numbers are never read or stored
        if all(text(v) == "" for v in cell.values()):
            continue
        problems: list[str] = []
        row = _row(cell, cols, ctx, problems, today, create_sections)
        staff_no = row.get("staff_no", "")
        if staff_no:
            if staff_no.lower() in seen:
                problems.append(f"工号 {staff_no} 与第 {seen[staff_no.lower()]} 行重复。")
            seen.setdefault(staff_no.lower(), number)
        if problems:
            checked.error(number, *problems)
            continue
        row["line"] = number
        _compare(row, ctx)
        if "problem" in row:
            checked.error(number, row.pop("problem"))
            continue
        checked.rows.append(row)
    if not checked.rows and not checked.error_count:
        raise ImportFileError("文件中没有数据行。")
    return checked


def _row(cell, cols, ctx: Context, problems, today, create_sections) -> dict:
    row: dict = {"fields": {}}
    fields = row["fields"]
    staff_no = text(cell.get("staff_no"))
    if not staff_no:
        problems.append("工号不能为空。")
    elif len(staff_no) > 30 or not re.fullmatch(r"[0-9A-Za-z_-]+", staff_no):
        problems.append(f"工号“{staff_no[:40]}”格式不对（只能是字母、数字、- 和 _，至多 30 位）。")
    row["staff_no"] = staff_no
    for key, limit in TEXT_FIELDS.items():
        if key in cols:
            value = text(cell.get(key))
            if len(value) > limit:
                problems.append(f"{HEADERS[key][0]}过长（至多 {limit} 字）。")
            fields[key] = value[:limit]
    if not fields.get("name"):
        problems.append("姓名不能为空。")
    if "gender" in cols:
        raw = text(cell.get("gender"))
        fields["gender"] = GENDERS.get(raw.lower())
        if fields["gender"] is None:
            problems.append(f"性别“{raw}”无法识别（填 男 或 女）。")
    if "kind" in cols:
        raw = text(cell.get("kind"))
        fields["kind"] = KINDS.get(raw, Person.Kind.CIVIL_SERVANT if not raw else None)
        if fields["kind"] is None:
            problems.append(f"人员身份“{raw}”无法识别（填 公务员 或 借用人员）。")
    for key in DATE_FIELDS:
        if key in cols:
            raw = cell.get(key)
            day = parse_month(raw) if text(raw) else None
            if text(raw) and day is None:
                problems.append(f"{HEADERS[key][0]}“{text(raw)}”无法识别（示例：1985-03）。")
            elif day and not (date(1930, 1, 1) <= day <= today):
                problems.append(f"{HEADERS[key][0]} {day:%Y-%m} 不在有效范围内。")
            fields[key] = day.isoformat() if day else None
    unit = _unit(cell, ctx, problems)
    if unit is not None:
        fields["unit_id"] = unit.pk
        row["unit_name"] = unit.name
        _section(cell, cols, unit, ctx, row, problems, create_sections)
    return row


def _unit(cell, ctx: Context, problems) -> Unit | None:
    code = text(cell.get("unit"))
    if not code:
        if ctx.unit is not None:
            return ctx.unit
        problems.append("单位代码不能为空。")
        return None
    unit = ctx.units.get(code.lower())
    if unit is None:
        problems.append(f"单位代码 {code} 在本区不存在。")
        return None
    if unit.pk not in ctx.allowed_units:
        problems.append(f"单位 {unit.name}（{code}）不在您的导入范围内。")
        return None
    return unit


def _section(cell, cols, unit: Unit, ctx: Context, row, problems, create_sections) -> None:
    if "section" not in cols:
        return
    name = text(cell.get("section"))[:100]
    if not name:
        row["fields"]["section_id"] = None
        return
    pk = ctx.sections.get((unit.pk, name))
    if pk is not None:
        row["fields"]["section_id"] = pk
        return
    elsewhere = sorted(ctx.section_units.get(name, set()) - {unit.name})
    if not create_sections:
        where = f"（该组室属于{'、'.join(elsewhere[:3])}）" if elsewhere else ""
        problems.append(
            f"组室“{name}”不属于单位 {unit.name}{where}。如需新建，请勾选“新建缺少的组室”。"
        )
        return
    row["new_section"] = name  # created when the import is applied


def _compare(row: dict, ctx: Context) -> None:
    """create / update (which fields) / unchanged, against the stored person of that 工号."""
    person = ctx.people.get(row["staff_no"].lower())
    fields = row["fields"]
    if person is None:
        row["action"], row["person"] = "create", None
        if not fields.get("gender"):
            row["problem"] = "新人员须填写性别。"
        return
    row["person"] = person.pk
    if ctx.unit is not None and person.unit_id != ctx.unit.pk:
        row["problem"] = f"工号 {row['staff_no']} 是其他单位的人员，调动须由区管理员导入。"
        return
    changed = [
        key
        for key, value in fields.items()
        if _stored(person, key) != value and not (key == "section_id" and "new_section" in row)
    ]
    if "new_section" in row:
        changed.append("section_id")
    if not person.is_active:
        changed.append("is_active")
    row["changed"] = changed
    row["action"] = "update" if changed else "unchanged"


def _stored(person: Person, key: str):
    value = getattr(person, key)
    return value.isoformat() if isinstance(value, date) else value
