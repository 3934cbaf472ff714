"""The CJK font shipped for the registration-sheet PDFs: full GBK hanzi coverage (people's names),
and the characters every sheet prints at low glyph ids (WeasyPrint's per-PDF subset keeps empty
slots up to the highest id used, see archive/font_build.py)."""

from __future__ import annotations

from functools import lru_cache

from fontTools.ttLib import TTFont

from archive import render_pdf, sheets


@lru_cache(maxsize=1)
def _font():
    font = TTFont(render_pdf.FONT_PATH, lazy=True)
    return font, font.getBestCmap()


def _gbk_hanzi() -> list[str]:
    out = []
    for first in range(0x81, 0xFF):
        for second in range(0x40, 0xFF):
            try:
                char = bytes([first, second]).decode("gbk")
            except UnicodeDecodeError:
                continue
            if "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf":
                out.append(char)
    return out


def test_every_gbk_hanzi_is_in_the_shipped_font():
    _, cmap = _font()
    hanzi = _gbk_hanzi()
    assert len(hanzi) > 20_000
    missing = [c for c in hanzi if ord(c) not in cmap]
    assert missing == []


def test_form_text_sits_below_the_rare_gbk_glyphs():
    font, cmap = _font()

    def gid(char: str) -> int:
        return font.getGlyphID(cmap[ord(char)])

    form_text = "".join(sheets.QUARTERLY_LABELS + sheets.ANNUAL_LABELS + sheets.ATTENDANCE_PARTS)
    form_text += "公务员平时考核登记表年度第一二三四季度单位：签名＿日期月日（）；，。0123456789"
    rare = [c for c in _gbk_hanzi() if not _in_gb2312(c)]
    assert max(gid(c) for c in form_text) < min(gid(c) for c in rare)


def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def test_deploy_check_warns_without_harfbuzz_subset(monkeypatch):
    from archive import checks

    monkeypatch.setattr(checks, "harfbuzz_subset_available", lambda: True)
    assert checks.pdf_font_subsetting(None) == []
    monkeypatch.setattr(checks, "harfbuzz_subset_available", lambda: False)
    assert [w.id for w in checks.pdf_font_subsetting(None)] == ["archive.W001"]
