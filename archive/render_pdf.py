"""PDF renderer of the registration sheets: HTML template → WeasyPrint, A4, with the CJK font
shipped in static/fonts so Chinese renders on a machine without CJK fonts.

WeasyPrint fetches through `sheet_url_fetcher`, which serves the one font file and refuses every
other URL: an <img src="http://…"> or file:/// in user text is never fetched (and the template
escapes user text anyway)."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
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
    return render_to_string("archive/sheet.html", {"sheets": [(s, layout(s)) for s in sheets]})


class PdfRenderer:
    """Renders many sheets with one font configuration and one parsed stylesheet
    (templates/archive/sheet.css, with the @font-face of the shipped font)."""

    def __init__(self) -> None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        self.font_config = FontConfiguration()
        self.fetcher = sheet_url_fetcher()
        self.css = CSS(
            string=render_to_string("archive/sheet.css", {"font_url": FONT_URL}),
            font_config=self.font_config,
            url_fetcher=self.fetcher,
            base_url="sheet:",
        )

    def render_html(self, html: str) -> bytes:
        from weasyprint import HTML

        document = HTML(string=html, url_fetcher=self.fetcher, base_url="sheet:")
        return document.write_pdf(font_config=self.font_config, stylesheets=[self.css])

    def render(self, sheets) -> bytes:
        return self.render_html(sheet_html(sheets))


def sheet_pdf(sheet) -> bytes:
    return PdfRenderer().render([sheet])


MIN_SHEETS_PER_PROCESS = 4  # below this a forked renderer costs more than it saves
RESULT_TIMEOUT = 300  # seconds for the next chunk of PDFs (a sheet takes well under a second)


def render_processes() -> int:
    """How many processes render a zip of sheets: SHEET_RENDER_PROCESSES, else every core."""
    configured = getattr(settings, "SHEET_RENDER_PROCESSES", None)
    return max(1, int(configured or os.cpu_count() or 1))


def render_each(sheets: Sequence, *, processes: int = 1) -> Iterator[bytes]:
    """The PDF of each sheet (one sheet a PDF), in the order given.

    With processes > 1 the sheets go to forked workers, each with its own WeasyPrint font
    configuration. The workers get the sheets as plain data and never query the database: the
    parent's connection they inherit is left untouched (closing it there would end the parent's
    session too). billiard, Celery's fork of multiprocessing, because a Celery prefork worker is
    a daemon process and the standard library refuses children to those."""
    processes = min(processes, len(sheets) // MIN_SHEETS_PER_PROCESS)
    if processes <= 1:
        renderer = PdfRenderer()
        for sheet in sheets:
            yield renderer.render([sheet])
        return
    import billiard
    import weasyprint  # noqa: F401 — imported once here, not in each worker

    _font_bytes()
    pool = billiard.get_context("fork").Pool(processes, initializer=_worker_start)
    finished = False
    try:
        # Chunks through apply_async, not imap: billiard's imap iterator crashes its result
        # thread at terminate (and that thread then SIGTERMs the whole process).
        size = max(1, min(8, len(sheets) // (processes * 4)))
        pending = [
            pool.apply_async(_worker_render, (sheets[i : i + size],))
            for i in range(0, len(sheets), size)
        ]
        for result in pending:  # in order; a stuck worker fails the export, never hangs it
            yield from result.get(timeout=RESULT_TIMEOUT)
        finished = True
    finally:
        if finished:
            pool.close()
        else:
            pool.terminate()
        pool.join()


_worker_renderer: PdfRenderer | None = None


def _worker_start() -> None:
    global _worker_renderer
    _worker_renderer = PdfRenderer()


def _worker_render(sheets) -> list[bytes]:
    return [_worker_renderer.render([sheet]) for sheet in sheets]
