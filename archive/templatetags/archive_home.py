"""The home page's export card: what can be exported now and the account's latest jobs."""

from __future__ import annotations

from django import template
from django.db.models import Count, Q

from assessment.models import QuarterlyAssessment

from .. import selectors
from ..models import export_reach

register = template.Library()


@register.simple_tag(takes_context=True)
def export_home(context) -> dict:
    """Quarters of the account's reach with graded results (newest 4, with how many people are
    graded) and its 3 latest export jobs: two queries, whatever the district's size."""
    user = context["request"].user
    regions, units = export_reach(user)
    if not regions and not units:
        return {}
    quarters = (
        QuarterlyAssessment.objects.filter(Q(region_id__in=regions) | Q(unit_id__in=units))
        .exclude(grade="")
        .values("quarter__year__year", "quarter__number")
        .annotate(graded=Count("pk"))
        .order_by("-quarter__year__year", "-quarter__number")[:4]
    )
    return {
        "quarters": [
            (f"{q['quarter__year__year']}Q{q['quarter__number']}", q["graded"]) for q in quarters
        ],
        "jobs": list(selectors.jobs_for_user(user).order_by("-created")[:3]),
    }
