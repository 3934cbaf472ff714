"""Printable QR cards (PDF): one card per window-service person — name, unit, window number
and a QR code (segno, inline SVG) of the public page's signed URL. WeasyPrint renders with the
shipped CJK font and fetches nothing else (archive.render_pdf.sheet_url_fetcher)."""

from __future__ import annotations

import segno
from django.template.loader import render_to_string
from django.urls import reverse

from archive.render_pdf import FONT_URL, sheet_url_fetcher

from .public import card_token


def card_url(card, base: str) -> str:
    return base.rstrip("/") + reverse("ratings_public:rate", kwargs={"token": card_token(card)})


def qr_svg(url: str) -> str:
    # error correction M survives a scuffed laminated card; the SVG scales without blur
    return segno.make(url, error="m", micro=False).svg_inline(scale=4, border=2)


def cards_html(cards, base: str) -> str:
    rows = [{"card": c, "url": card_url(c, base), "svg": qr_svg(card_url(c, base))} for c in cards]
    return render_to_string("ratings/cards_pdf.html", {"rows": rows, "font_url": FONT_URL})


def cards_pdf(cards, base: str) -> bytes:
    from weasyprint import HTML

    html = cards_html(cards, base)
    return HTML(string=html, url_fetcher=sheet_url_fetcher(), base_url="sheet:").write_pdf()
