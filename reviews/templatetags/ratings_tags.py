"""{% person_ratings person %}: the archive's 互评与群众评价 section (aggregates only)."""

from __future__ import annotations

from django import template

from reviews.ratings.selectors import person_rating_history

register = template.Library()


@register.inclusion_tag("ratings/_archive_section.html")
def person_ratings(person):
    return person_rating_history(person.pk)
