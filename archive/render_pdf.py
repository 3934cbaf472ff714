"""PDF renderer of the registration sheets: HTML template → WeasyPrint, A4, with the CJK font
shipped in static/fonts so Chinese renders on a machine without CJK fonts.

WeasyPrint fetches through `sheet_url_fetcher`, which serves the one font file and refuses every
other URL: an <img src="http://…"> or file:/// in user text is never fetched (and the template
escapes user text anyway)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

from .render_xlsx import MISSING_MARK, PENDING_MARK

FONT_URL = "sheetfont:cjk"
FONT_PATH = Path(settings.BASE_DIR) / "static" / "fonts" / "NotoSansSC-Regular-GBK.otf"


class FetchRefused(ValueError):
    pass


def sheet_url_fetcher():
    """A WeasyPrint URL fetcher that serves only the font and records what it refused."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SheetFetcher(URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols=set(), allow_redirects=False)
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            if url == FONT_URL:
                return URLFetcherResponse(url, _font_bytes(), {"Content-Type": "font/otf"})
            self.refused.append(url)
            raise FetchRefused(f"registration sheets fetch nothing: {url[:80]!r}")

    return SheetFetcher()


@lru_cache(maxsize=1)
def _font_bytes() -> bytes:
    return FONT_PATH.read_bytes()


SHORT_END = {"单位及职务（职级）"}
TALL = {"个人小结", "个人总结"}
MID = {"奖惩情况与不良行为记录", "平时考核情况", "备注", "互评/群众评议情况"}
SIGNED = {
    "主管领导点评和考核等次建议",
    "机关审定意见（考核等次）",
    "本人意见",
    "主管领导评语和考核等次建议",
    "机关负责人或考核委员会意见（考核等次）",
}


def _cell(f) -> dict:
    if f.pending and not f.value:
        text, css = PENDING_MARK, "pending"
    elif f.missing:
        text, css = MISSING_MARK, "missing"
    elif f.label == "出勤情况":
        text, css = "　　".join(f"{label}：{n}" for label, n in f.parts), ""
    else:
        text, css = f.value, ""
    if f.label in TALL:
        css += " tall"
    elif f.label in MID or f.label in SIGNED:
        css += " mid"
    return {"label": f.label, "text": text, "css": css, "sign": f.label in SIGNED, "date": f.date}


def layout(sheet) -> list[list[dict]]:
    """Rows of the form: the short personal fields three to a row, then one field a row."""
    fields = list(sheet.fields)
    rows: list[list[dict]] = []
    short = []
    while fields and fields[0].label not in SHORT_END:
        short.append(fields.pop(0))
    for i in range(0, len(short), 3):
        row = [_cell(f) for f in short[i : i + 3]]
        row[-1]["colspan"] = 1 + 2 * (3 - len(row))
        rows.append(row)
    for f in fields:
        cell = _cell(f)
        cell["colspan"] = 5
        rows.append([cell])
    return rows


def sheet_html(sheets) -> str:
    """The HTML of one or more sheets (one page each)."""
    return render_to_string(
        "archive/sheet.html",
        {"sheets": [(s, layout(s)) for s in sheets], "font_url": FONT_URL},
    )


class PdfRenderer:
    """Renders many sheets with one font configuration and one parsed stylesheet."""

    def __init__(self) -> None:
        from weasyprint.text.fonts import FontConfiguration

        self.font_config = FontConfiguration()
        self.fetcher = sheet_url_fetcher()

    def render_html(self, html: str) -> bytes:
        from weasyprint import HTML

        document = HTML(string=html, url_fetcher=self.fetcher, base_url="sheet:")
        return document.write_pdf(font_config=self.font_config)

    def render(self, sheets) -> bytes:
        return self.render_html(sheet_html(sheets))


def sheet_pdf(sheet) -> bytes:
    return PdfRenderer().render([sheet])
