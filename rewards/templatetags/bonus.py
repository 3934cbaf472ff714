from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

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


def _fen_text(num: int, denom: int) -> str:
    """An exact part (num/denom fen) as yuan to the fen, without building a Fraction."""
    return f"{num // denom / 100:,.2f}"


def _explain(r, template: str) -> str:
    """One payout's explanation: points by source, weight, parts, share, rounding."""
    parts = [f"{q} {g} {p}" for q, g, p in r.grade_items]
    parts += [f"{d} +{p}" for d, p in r.reward_items]
    parts += [f"{d} {p}" for d, p in r.negative_items]
    p = r.payout
    tail = template % {
        "w": r.weight,
        "b": _fen_text(p.base_num, p.denom) if p else "0.00",
        "p": _fen_text(p.points_num, p.denom) if p else "0.00",
        "s": f"{p.amount_fen * 100 / p.pool_fen:.2f}%" if p and p.pool_fen else "0%",
        "r": r.rounding_fen,
    }
    if r.note:
        tail += f"；{r.note}"
    return "；".join(parts) + "\n" + tail


@register.simple_tag
def bonus_rows(rows):
    """The simulator's table body, built in Python: 200 rows through the template engine cost
    ~10x more than the allocation itself."""
    seconded = _("借用·单独池")
    lent = _("借用")
    detail = _("明细")
    template = _(
        "季度折算 %(w)s；基础份额 %(b)s 元；积分份额 %(p)s 元；占比 %(s)s；舍入调整 %(r)s 分"
    )
    return format_html_join(
        "\n",
        "<tr><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        '<td class="wrap"><details><summary>{}</summary>{}</details></td></tr>',
        (
            (
                r.facts.name,
                ""
                if r.facts.civil_servant
                else format_html(
                    ' <span class="tag">{}</span>', seconded if r.group == "seconded" else lent
                ),
                r.facts.staff_no,
                r.points,
                "—" if before is None else f"{before / 100:,.2f}",
                "—" if r.amount_fen is None else f"{r.amount_fen / 100:,.2f}",
                signed_yuan(delta),
                detail,
                linebreaksbr(_explain(r, template)),
            )
            for r, before, delta in rows
        ),
    )
