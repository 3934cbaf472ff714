from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django import template

register = template.Library()


@register.filter
def yuan(fen) -> str:
    """Fen (int or exact Fraction) as yuan with 2 decimals and thousands separators."""
    if fen is None or fen == "":
        return "—"
    fen = Fraction(fen)
    return f"{Decimal(fen.numerator) / Decimal(fen.denominator) / 100:,.2f}"


@register.filter
def percent(share) -> str:
    share = Fraction(share)
    return f"{Decimal(share.numerator) * 100 / Decimal(share.denominator):.2f}%"


@register.filter
def signed_yuan(fen) -> str:
    if fen is None:
        return "—"
    text = yuan(abs(fen))
    return f"+{text}" if fen > 0 else (f"−{text}" if fen < 0 else "0.00")
