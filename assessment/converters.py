"""Path converters with bounds: a year in a URL is four digits (1900–2999), so year 0 or a
25-digit number is no URL at all (404) instead of a page that fails further in."""

from __future__ import annotations


class YearConverter:
    regex = "[12][0-9]{3}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return f"{int(value):04d}"
