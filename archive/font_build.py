"""How static/fonts/NotoSansSC-Regular-GBK.otf was made from the GBK subset of Noto Sans CJK SC
(kept for whoever must rebuild it; not imported by the app):

    .venv/bin/python -m archive.font_build OLD.otf NEW.otf

WeasyPrint subsets the font once per PDF keeping glyph ids (HarfBuzz RETAIN_GIDS), so each PDF
carries empty slots up to the highest glyph id it uses, and the subsetting walks them all. In
Noto's order the full-width punctuation every sheet prints sits at ids above 39,000, so every
sheet paid for ~40,000 slots. This keeps every code point (full GBK coverage for names) and:

- drops the glyphs only non-default OpenType features reach (vertical forms, Japanese, Korean
  and traditional variants: 18,000 of 40,500 glyphs) by keeping only the features HarfBuzz
  applies to horizontal text by default;
- orders glyphs ASCII first, then GB2312 order (symbols, then the 3,755 common hanzi, then
  level 2), then the rest of GBK, so a typical sheet's highest glyph id is a few thousand.
"""

from __future__ import annotations

import sys

DEFAULT_FEATURES = ["ccmp", "liga", "calt", "clig", "rlig", "kern", "mark", "mkmk"]


def _rank(codepoint: int) -> tuple:
    char = chr(codepoint)
    if codepoint < 0x80:
        return (0, codepoint)
    for group, codec in ((1, "gb2312"), (2, "gbk")):
        try:
            encoded = char.encode(codec)
        except UnicodeEncodeError:
            continue
        return (group, *encoded)
    return (3, codepoint)


def build(source: str, target: str) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.reorderGlyphs import reorderGlyphs

    font = TTFont(source)
    options = subset.Options(
        retain_gids=False,
        layout_features=DEFAULT_FEATURES,
        name_IDs=["*"],
        name_languages=["*"],
        notdef_outline=True,
        hinting=True,
        drop_tables=["BASE"],
    )
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=list(font.getBestCmap()))
    subsetter.subset(font)
    font.save(target)

    font = TTFont(target)
    font.ensureDecompiled()
    order = font.getGlyphOrder()
    rank: dict[str, tuple] = {}
    for codepoint, name in font.getBestCmap().items():
        rank[name] = min(rank.get(name, (9,)), _rank(codepoint))
    perm = [0] + sorted(range(1, len(order)), key=lambda i: (rank.get(order[i], (9,)), i))
    new_order = [order[i] for i in perm]

    # The CFF charstrings and the FDSelect of a CID-keyed font are arrays by glyph id:
    # permute them here; reorderGlyphs then renames the charset and re-sorts GSUB/GPOS.
    cff = font["CFF "].cff
    top = cff[cff.fontNames[0]]
    charstrings = top.CharStrings
    for name in top.charset:  # load every charstring before moving them
        charstrings.getItemAndSelector(name)
    index = charstrings.charStringsIndex
    index.items = [index.items[i] for i in perm]
    del index.file, index.offsets
    charstrings.charStrings = {name: i for i, name in enumerate(new_order)}
    if hasattr(top, "FDSelect"):
        top.FDSelect.format = None
        top.FDSelect.gidArray = [top.FDSelect.gidArray[i] for i in perm]
    reorderGlyphs(font, new_order)
    font.save(target)


if __name__ == "__main__":
    build(sys.argv[1], sys.argv[2])
