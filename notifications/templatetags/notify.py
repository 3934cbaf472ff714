"""The unread count beside the cached navigation: one COUNT per page, never inside the cache."""

from __future__ import annotations

from django import template

from ..selectors import unread_count

register = template.Library()


@register.inclusion_tag("notifications/_unread.html", takes_context=True)
def unread_badge(context) -> dict:
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {"show": False}
    return {"show": True, "count": unread_count(user)}
