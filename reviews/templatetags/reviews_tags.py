"""The home page's quarterly cards: reminders, my current quarter, reviews waiting for me."""

from __future__ import annotations

from django import template

from assessment.models import Role
from assessment.tenancy import scope_for

from .. import selectors
from ..models import grade_label as _grade_label

register = template.Library()


@register.simple_tag(takes_context=True)
def quarter_home(context) -> dict:
    user = context["request"].user
    if not user.is_authenticated:
        return {}
    current = selectors.my_assessments(user).first()
    pending = selectors.pending_count(user) if scope_for(user).has(*selectors.REVIEWER_ROLES) else 0
    units = []
    if pending and scope_for(user).has(Role.PRINCIPAL_LEADER):
        units = list(
            selectors.decide_units(user).filter(
                pk__in=scope_for(user).units_with(Role.PRINCIPAL_LEADER)
            )
        )
    latest = selectors.review_queue(user).order_by("-quarter__start").first() if pending else None
    return {
        "reminders": list(selectors.reminders_for(user, 5)),
        "current": current,
        "pending": pending,
        "decide_units": units,
        "quarter_code": latest.quarter.code if latest else "",
    }


@register.filter
def grade_label(value) -> str:
    """A stored grade code as its Chinese label ("good" → 好)."""
    return _grade_label(value or "")
