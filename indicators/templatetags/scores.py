"""How much of the weight a score rests on, wherever a score is shown."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


def basis_text(covered) -> str:
    """ "依据 8/100 权重" for a score resting on indicators weighing 8 of 100; "" when unknown."""
    if covered is None or covered == "":
        return ""
    try:
        weight = Decimal(covered)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    shown = f"{weight:.0f}" if weight == weight.to_integral_value() else f"{weight.normalize()}"
    return _("依据 %(w)s/100 权重") % {"w": shown}


@register.filter
def score_basis(covered) -> str:
    text = basis_text(covered)
    return format_html('<small class="muted basis">{}</small>', text) if text else ""
