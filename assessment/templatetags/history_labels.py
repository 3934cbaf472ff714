"""Readable history rows in the admin: a changed field by its verbose name, an empty value as a
dash (never a literal "None")."""

from __future__ import annotations

from django import template
from django.core.exceptions import FieldDoesNotExist

register = template.Library()


@register.filter
def field_label(name: str, opts) -> str:
    try:
        return str(opts.get_field(name).verbose_name)
    except (FieldDoesNotExist, AttributeError):
        return name


@register.filter
def or_dash(value) -> object:
    return "—" if value is None or value == "" else value
