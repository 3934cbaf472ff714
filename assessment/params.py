"""Query parameters parsed through form fields with bounds.

A value that does not parse or is out of range is treated as absent (the page's default), so
a hand-edited URL gives the default page or a 404 from the access helper, never a 500 from an
integer the database cannot hold or a date Python cannot build."""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import ValidationError

MAX_ID = 2**31 - 1  # an id beyond PostgreSQL's integer overflows the query, it cannot exist
MIN_YEAR, MAX_YEAR = 2000, 2100  # years a page may name; rows outside cannot exist either


def _get(source, name: str):
    """source is a request (its query string) or a QueryDict (a POST body)."""
    return getattr(source, "GET", source).get(name)


def _clean(field: forms.Field, raw):
    try:
        return field.clean((raw or "").replace("\x00", "").strip())
    except ValidationError:
        return None


def query_id(source, name: str) -> int | None:
    """A row id from ?name=, or None."""
    return _clean(
        forms.IntegerField(min_value=1, max_value=MAX_ID, required=False), _get(source, name)
    )


def query_year(source, name: str = "year") -> int | None:
    """A calendar year from ?name= within MIN_YEAR..MAX_YEAR, or None."""
    field = forms.IntegerField(min_value=MIN_YEAR, max_value=MAX_YEAR, required=False)
    return _clean(field, _get(source, name))


def query_month(source, name: str = "month") -> date | None:
    """The first day of the month ?name=YYYY-MM names, within the year bounds, or None."""
    raw = (_get(source, name) or "").strip()
    year, _sep, month = raw.partition("-")
    year_field = forms.IntegerField(min_value=MIN_YEAR, max_value=MAX_YEAR)
    month_field = forms.IntegerField(min_value=1, max_value=12)
    y, m = _clean(year_field, year), _clean(month_field, month)
    return date(y, m, 1) if y is not None and m is not None else None
