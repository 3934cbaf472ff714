from tests.archive.helpers import assessed, export_job

from .base import Probe, no_kwargs

EXPORTERS = ("unit_admin", "hr", "district_admin")
PERSONS = (
    "principal",
    "leader",
    "chief",
    "staff",
    "staff2",
    "unit_admin",
    "district_admin",
    "hr",
    "discipline",
    "other_staff",
)
# the staff member's archive: the person, their chain, the unit admin, HR, the district admin
ARCHIVE_READERS = ("staff", "chief", "leader", "principal", "unit_admin", "hr", "district_admin")


def _job(p):
    return {"pk": export_job(p.a).pk}


def _person(p):
    return {"pk": p.a.people["staff"].pk}


def _sheet(p):
    from assessment.models import QuarterlyAssessment

    if not QuarterlyAssessment.objects.filter(person=p.a.people["staff"]).exists():
        assessed(p.a.people["staff"])
    return {"pk": p.a.people["staff"].pk, "period": "2026Q3", "fmt": "xlsx"}


PROBES = {
    "archive:export": Probe(no_kwargs, EXPORTERS),
    "archive:export-job": Probe(_job, EXPORTERS),
    "archive:export-download": Probe(_job, EXPORTERS),
    "archive:export-retry": Probe(_job, EXPORTERS, "post"),
    "archive:mine": Probe(no_kwargs, PERSONS),
    "archive:person": Probe(_person, ARCHIVE_READERS),
    "archive:person-sheet": Probe(_sheet, ARCHIVE_READERS),
}
