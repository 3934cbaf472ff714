"""Reading uploaded tables safely (xlsx and csv), shared by every import in the product.

Files are checked before any parser sees them: size, extension and content (magic bytes), and
for xlsx the zip's declared and actual uncompressed size, the compression ratio and any DTD or
entity declaration (refused: no XML entity is ever expanded). openpyxl then reads in read-only
mode (it parses with defusedxml when that is installed, as it is here). csv is decoded as
utf-8 (with or without BOM) or GBK/GB18030, as Chinese office software exports it.

Nothing here knows what the rows mean: each import (attendance, negative records, the roster)
maps headers to keys with `columns` and checks its own rows into a `Checked`.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

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
    raise ImportFileError("只支持 xlsx 或 csv 文件。")


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
        raise ImportFileError("无法读取 xlsx 文件，请确认是Excel 或 WPS 导出的表格。") from exc
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


def text(value) -> str:
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


def columns(header: list, headers: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Column index of each known key, by any of its header aliases (case-insensitive)."""
    names = [text(h).lower() for h in header]
    found = {}
    for key, aliases in headers.items():
        for i, name in enumerate(names):
            if name in {a.lower() for a in aliases}:
                found[key] = i
                break
    return found
