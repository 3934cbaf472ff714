"""The archive's 不足提醒 and 导师帮带 sections (templates/reviews/_archive_improvement.html)."""

from __future__ import annotations

from django import template
from django.db.models import Count

from ..improvement.models import DeficiencyReminder, MentoringCase

register = template.Library()


@register.inclusion_tag("reviews/_archive_improvement.html")
def improvement_archive(person) -> dict:
    return {
        "deficiencies": DeficiencyReminder.objects.filter(person=person)
        .select_related("category", "quarter__year")
        .order_by("-issued_at", "-pk"),
        "cases": MentoringCase.objects.filter(person=person)
        .select_related("mentor", "assessment__quarter__year")
        .annotate(visit_count=Count("visits"))
        .order_by("-opened_at", "-pk"),
    }
