"""Just enough PDF reading for tests: the text WeasyPrint wrote (through the fonts' ToUnicode
maps) and the fonts it embedded. No extra dependency."""

from __future__ import annotations

import re
import zlib

STREAM = re.compile(rb"<<(.*?)>>\s*stream\r?\n(.*?)\r?\nendstream", re.S)
BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")
BFRANGE = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")
TEXT_OP = re.compile(rb"/(\S+) [\d.]+ Tf|\[(.*?)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj|(BT)", re.S)
HEX = re.compile(rb"<([0-9a-fA-F]*)>")


def _streams(data: bytes) -> list[bytes]:
    out = []
    for head, body in STREAM.findall(data):
        if b"FlateDecode" in head:
            try:
                body = zlib.decompress(body)
            except zlib.error:
                continue
        out.append(body)
    return out


def _cmap(body: bytes) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", body, re.S):
        for src, dst in BFCHAR.findall(block):
            mapping[src.decode().lower()] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", body, re.S):
        for lo, hi, dst in BFRANGE.findall(block):
            start = int(dst, 16)
            for i, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                mapping[f"{code:0{len(lo)}x}"] = chr(start + i)
    return mapping


def pdf_text(data: bytes) -> str:
    """The text of every page, in drawing order; glyphs without a Unicode mapping come out as
    U+FFFD so a missing glyph is visible to the test."""
    streams = _streams(data)
    cmaps = [_cmap(s) for s in streams if b"begincmap" in s]
    mapping: dict[str, str] = {}
    for m in cmaps:
        mapping.update(m)
    out = []
    for s in streams:
        if b"BT" not in s or b"begincmap" in s:
            continue
        for match in TEXT_OP.finditer(s):
            if match[4]:
                out.append("\n")
                continue
            hexes = HEX.findall(match[2]) if match[2] is not None else [match[3] or b""]
            for h in hexes:
                h = h.decode().lower()
                for i in range(0, len(h), 4):
                    out.append(mapping.get(h[i : i + 4], "\ufffd"))
    return "".join(out)


def embedded_fonts(data: bytes) -> int:
    """How many fonts carry a ToUnicode map (one per embedded font)."""
    return sum(1 for s in _streams(data) if b"begincmap" in s)
