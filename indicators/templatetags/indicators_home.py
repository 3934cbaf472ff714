"""The home page's negative-record card for discipline officers and district admins."""

from __future__ import annotations

from django import template

from .. import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def negative_home(context) -> dict:
    return selectors.negative_home(context["request"].user)
