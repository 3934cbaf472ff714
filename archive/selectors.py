"""Read queries for the archive pages and exports, scoped to the acting account."""

from __future__ import annotations

from django.http import Http404

from assessment.models import Person
from assessment.tenancy import get_or_404
from indicators.selectors import can_see_scores_of

from .models import ExportJob, export_reach


def can_export(user) -> bool:
    return any(export_reach(user))


def jobs_for_user(user):
    return ExportJob.objects.visible_to(user).select_related("region", "unit", "requested_by")


def job_for_user(user, pk) -> ExportJob:
    return get_or_404(jobs_for_user(user), pk=pk)


def person_for_archive(user, pk) -> Person:
    """The person, their chain, their unit admin (and unit HR, principal leader), the region's
    HR and district admin; 404 for anyone else."""
    person = get_or_404(
        Person.objects.visible_to(user).select_related("unit", "section", "region"), pk=pk
    )
    if not can_see_scores_of(user, person):
        raise Http404
    return person
