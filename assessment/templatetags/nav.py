"""The top navigation, rendered once per process for each combination of what it depends on."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.translation import get_language

from ..tenancy import scope_for

register = template.Library()
_rendered: dict[tuple, str] = {}


@register.simple_tag(takes_context=True)
def main_nav(context) -> str:
    """The nav links depend only on the account's roles, whether it has an (active) person and
    whether it belongs to a region: a handful of combinations, each rendered once per process
    instead of ~30 URL reversals and template nodes on every page."""
    scope = scope_for(context["user"])
    key = (
        get_language(),
        frozenset(scope.roles()),
        bool(scope.person_id),
        bool(scope.member_region_ids),
    )
    html = _rendered.get(key)
    if html is None:
        _, roles, has_person, in_region = key
        html = render_to_string(
            "_nav.html",
            {"my_roles": roles, "has_person": has_person, "in_region": in_region},
        )
        _rendered[key] = html
    return html
