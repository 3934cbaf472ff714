"""Import edge cases: every wrong row is reported with its number, nothing is saved."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from indicators import imports, services
from indicators.imports import ImportFileError
from indicators.models import AttendanceRecord, ImportBatch, NegativeRecord

pytestmark = pytest.mark.django_db
ATT = ImportBatch.Kind.ATTENDANCE


def csv_bytes(rows, encoding="utf-8-sig") -> bytes:
    text = "\n".join(",".join(r) for r in [["工号", "姓名", "日期", "状态"], *rows])
    return text.encode(encoding)


def xlsx_bytes(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["工号", "姓名", "单位", "日期", "状态"])
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def preview(personas, name, data, by=None, kind=ATT):
    return services.import_preview(
        kind=kind,
        region=personas.a.region,
        name=name,
        data=data,
        by=by or personas.a.district_admin,
    )


def test_good_csv_in_gbk_imports_all_rows(personas):
    staff = personas.a.people["staff"]
    data = csv_bytes(
        [
            [staff.staff_no, staff.name, "2026-07-01", "出勤"],
            [staff.staff_no, "", "2026/7/2", "迟到"],
        ],
        "gbk",
    )
    batch = preview(personas, "kq.csv", data)
    assert batch.errors == [] and len(batch.rows) == 2
    assert AttendanceRecord.objects.count() == 0  # preview saves nothing
    assert services.import_apply(batch=batch, by=personas.a.district_admin) == 2
    assert set(AttendanceRecord.objects.values_list("status", flat=True)) == {
        "present",
        "late_early",
    }


def test_xlsx_by_name_and_unit(personas):
    staff = personas.a.people["staff"]
    from datetime import datetime

    batch = preview(
        personas,
        "kq.xlsx",
        xlsx_bytes([[None, staff.name, staff.unit.name, datetime(2026, 7, 1), "请假"]]),
    )
    assert batch.errors == [] and batch.rows[0]["status"] == "leave"


def test_row_errors_name_row_and_problem_and_block_the_import(personas):
    staff = personas.a.people["staff"]
    other_region = personas.b.people["staff"]
    rows = [
        [staff.staff_no, "", "2026-07-01", "出勤"],  # row 2 fine
        [staff.staff_no, "", "2026-13-45", "出勤"],  # 3 bad date
        ["NOPE1", "", "2026-07-02", "出勤"],  # 4 unknown person
        [other_region.staff_no, "", "2026-07-02", "出勤"],  # 5 another region's person
        [staff.staff_no, "", "2026-07-01", "请假"],  # 6 duplicate of row 2
        [staff.staff_no, "", "2026-07-03", "摸鱼"],  # 7 unknown status
        [staff.staff_no, "", "2099-01-01", "出勤"],  # 8 future
    ]
    batch = preview(personas, "kq.csv", csv_bytes(rows))
    by_row = {e["row"]: " ".join(e["errors"]) for e in batch.errors}
    assert set(by_row) == {3, 4, 5, 6, 7, 8}
    assert "无法识别" in by_row[3] and "未找到" in by_row[4] and "未找到" in by_row[5]
    assert "与第 2 行重复" in by_row[6] and "摸鱼" in by_row[7] and "不能晚于今天" in by_row[8]
    with pytest.raises(Exception, match="未导入任何记录"):
        services.import_apply(batch=batch, by=personas.a.district_admin)
    assert AttendanceRecord.objects.count() == 0


def test_duplicate_of_a_stored_record(personas):
    staff = personas.a.people["staff"]
    data = csv_bytes([[staff.staff_no, "", "2026-07-01", "出勤"]])
    services.import_apply(batch=preview(personas, "a.csv", data), by=personas.a.district_admin)
    again = preview(personas, "a.csv", data)
    assert again.errors == [{"row": 2, "errors": ["该人员当日已有考勤记录（重复导入）。"]}]


def test_unit_admin_imports_only_own_unit(personas):
    outsider = personas.a.people["other_staff"]  # region A, the other unit
    batch = preview(
        personas,
        "a.csv",
        csv_bytes([[outsider.staff_no, "", "2026-07-01", "出勤"]]),
        by=personas.a.unit_admin,
    )
    assert "未找到" in batch.errors[0]["errors"][0]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("kq.pdf", b"%PDF-1.4", "只支持"),
        ("kq.xlsx", b"not a zip at all", "不是 xlsx"),
        ("kq.csv", b"PK\x03\x04rest", "不是 csv"),
        ("kq.xlsx", b"PK\x03\x04 broken zip", "无法读取"),
        ("kq.csv", b"", "空"),
        ("kq.csv", "姓名,日期\n张三,2026-07-01".encode(), "表头缺少列"),
    ],
)
def test_unreadable_files_are_refused(personas, name, data, message):
    with pytest.raises(ImportFileError, match=message):
        preview(personas, name, data)


def test_oversized_file_is_refused_before_parsing(personas):
    with pytest.raises(ImportFileError, match="文件过大"):
        preview(personas, "kq.csv", b"a" * (imports.MAX_FILE_BYTES + 1))


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    return out.getvalue()


@pytest.fixture
def decompressed(monkeypatch):
    """Bytes the importer decompresses from zip members, and whether openpyxl ever parsed the
    file: what "refused before unpacking" means, measured without a clock. (These tests once
    asserted "< 2 s" of wall time, which included openpyxl's first import and failed on a busy
    machine.)"""
    seen = {"bytes": 0, "parsed": False}
    read = zipfile.ZipExtFile.read

    def counting_read(self, n=-1):
        data = read(self, n)
        seen["bytes"] += len(data)
        return data

    def load_workbook(*args, **kwargs):
        seen["parsed"] = True
        raise AssertionError("openpyxl must not parse a refused file")

    import openpyxl

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
    monkeypatch.setattr(openpyxl, "load_workbook", load_workbook)
    return seen


def test_zip_bomb_is_refused_before_unpacking(personas, decompressed):
    bomb = _zip({"xl/worksheets/sheet1.xml": b"<a>" + b"0" * (200 * 1024 * 1024) + b"</a>"})
    assert len(bomb) < imports.MAX_FILE_BYTES
    with pytest.raises(ImportFileError, match="压缩炸弹"):
        preview(personas, "bomb.xlsx", bomb)
    assert decompressed["bytes"] == 0 and not decompressed["parsed"]


def test_xml_entities_are_refused(personas, decompressed):
    good = xlsx_bytes([["x", "y", "z", "2026-07-01", "出勤"]])
    with zipfile.ZipFile(io.BytesIO(good)) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members["xl/sharedStrings.xml"] = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol2;</t></si></sst>'
    )
    evil = _zip(members)
    with pytest.raises(ImportFileError, match="XML 实体"):
        preview(personas, "evil.xlsx", evil)
    assert not decompressed["parsed"]  # refused before any XML parser saw the entities


def test_negative_import_rows(personas, django_capture_on_commit_callbacks):
    staff = personas.a.people["staff"]
    text = (
        "工号,来源部门,类型,严重程度,日期,文号,事由\n"
        f"{staff.staff_no},纪检,违规违纪违法,严重（处分）,2026-08-01,纪〔2026〕1号,违规发放补贴\n"
        f"{staff.staff_no},城管,违规违纪违法,轻微,2026-08-01,,\n"
    )
    batch = preview(personas, "neg.csv", text.encode(), by=personas.a.discipline, kind="negative")
    assert batch.errors == [{"row": 3, "errors": ["来源部门“城管”无法识别。"]}]
    text = text.splitlines()[:2]
    batch = preview(
        personas, "neg.csv", "\n".join(text).encode(), by=personas.a.discipline, kind="negative"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.import_apply(batch=batch, by=personas.a.discipline)
    record = NegativeRecord.objects.get()
    assert record.severity == "serious" and record.recorded_by == personas.a.discipline
    assert record.history.count() == 1


def test_import_attendance_command(personas, tmp_path, capsys):
    staff = personas.a.people["staff"]
    path = tmp_path / "kq.csv"
    path.write_bytes(csv_bytes([[staff.staff_no, "", "2026-07-01", "旷工"]]))
    call_command("import_attendance", str(path), "--region", personas.a.region.code)
    assert AttendanceRecord.objects.get().status == "absent"
    with pytest.raises(CommandError, match="1 行有错误"):
        call_command("import_attendance", str(path), "--region", personas.a.region.code)
    assert AttendanceRecord.objects.count() == 1
