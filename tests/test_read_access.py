"""Issue 17, finding 3: each role's read access is defined once (assessment/access.py), the
table in docs/ARCHITECTURE.md is that table, and discipline officers read negative records and
find people for them, but no scores, summaries, logs, attachments, goals or tasks."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from assessment.access import CONTENT_READ, OTHER_READ, read_access_markdown
from assessment.models import Person, Role
from assessment.tenancy import scope_for

pytestmark = pytest.mark.django_db


def test_every_role_has_its_read_access_defined():
    assert set(CONTENT_READ) == set(Role) == set(OTHER_READ)


def test_architecture_document_shows_the_table_from_the_code():
    doc = (Path(settings.BASE_DIR) / "docs" / "ARCHITECTURE.md").read_text()
    assert read_access_markdown() in doc, (
        "docs/ARCHITECTURE.md 'Read access by role' differs from assessment/access.py; paste:\n"
        + read_access_markdown()
    )


@pytest.mark.parametrize("role", list(Role))
def test_scope_follows_the_table(personas, role):
    """The node a grant opens is exactly CONTENT_READ's (checked on each persona role)."""
    a = personas.a
    holders = {
        Role.DISTRICT_ADMIN: a.district_admin,
        Role.HR: a.hr,
        Role.DISCIPLINE: a.discipline,
        Role.UNIT_ADMIN: a.unit_admin,
        Role.PRINCIPAL_LEADER: a.principal,
        Role.LEADER_IN_CHARGE: a.leader,
        Role.SECTION_CHIEF: a.chief,
        Role.SYSTEM_ADMIN: personas.system_admin,
        Role.SECURITY_ADMIN: personas.security_admin,
        Role.AUDIT_ADMIN: personas.auditor,
    }
    scope = scope_for(holders[role])
    opened = {
        "region": scope.region_ids,
        "unit": scope.unit_ids,
        "section": scope.section_ids,
    }
    expected = {"node": "region"}.get(CONTENT_READ[role], CONTENT_READ[role])  # persona HR
    for node, ids in opened.items():
        assert bool(ids) == (node == expected), (role, node)


def test_discipline_officer_reads_no_person_content(login, personas):
    from tests.probes.reviews import _record
    from tests.work.helpers import file_log, pdf, submitted_plan

    a = personas.a
    staff = a.people["staff"]
    log = file_log(staff, files=[pdf()])
    urls = [
        reverse("reviews:detail", kwargs=_record(personas)),
        reverse("work:log-detail", args=[log.pk]),
        reverse("work:attachment", args=[log.attachments.get().pk]),
        reverse("work:goal-detail", args=[submitted_plan(staff).pk]),
        reverse("work:log-list") + f"?person={staff.pk}",
        reverse("archive:person", args=[staff.pk]),
    ]
    client = login(a.discipline)
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert set(Person.objects.visible_to(a.discipline)) == {a.people["discipline"]}


def test_discipline_officer_still_enters_and_reads_negative_records(login, personas):
    a = personas.a
    client = login(a.discipline)
    data = {
        "staff_no": a.people["staff"].staff_no,
        "source": "discipline",
        "type": "violation",
        "severity": "minor",
        "date": "2026-08-03",
        "document_no": "纪〔2026〕9号",
        "description": "迟报",
    }
    response = client.post(reverse("indicators:negative-create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    from indicators.models import NegativeRecord

    record = NegativeRecord.objects.get()
    assert client.get(reverse("indicators:negative-detail", args=[record.pk])).status_code == 200
    unit_page = client.get(reverse("indicators:negative-unit", args=[a.unit.pk]))
    assert a.people["staff"].name in unit_page.content.decode()
