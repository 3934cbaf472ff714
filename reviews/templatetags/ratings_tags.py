"""{% person_ratings person %}: the archive's 互评与群众评价 section (aggregates only);
{% quarter_ratings qa %}: a quarter's aggregates on the review screens."""

from __future__ import annotations

from django import template

from reviews.ratings.selectors import person_rating_history, sheet_rating_texts

register = template.Library()


@register.inclusion_tag("ratings/_archive_section.html")
def person_ratings(person):
    return person_rating_history(person.pk)


@register.simple_tag
def quarter_ratings(qa) -> str:
    """The quarter's peer and public aggregates for the review screens (as on the sheet)."""
    return sheet_rating_texts(qa.quarter, [qa.person_id]).get(qa.person_id, "")
