"""Issue 17, findings 6–8: audit gaps (client address, append-only on SQLite and
PostgreSQL), password-change attempts count towards the lockout, no-store on private pages
and downloads."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from assessment.models import AuditEvent, Lockout, Role
from tests.personas import PASSWORD
from tests.test_security import NEW_PASSWORD, logged_in_as, post_login

pytestmark = pytest.mark.django_db


# -- finding 7: password change counts as a login failure -------------------------------------


def _change(client, old, ip="10.0.0.7"):
    data = {"old_password": old, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    return client.post(reverse("password_change"), data, REMOTE_ADDR=ip)


def test_wrong_old_passwords_lock_the_account_and_end_the_session(client, login, personas):
    login(personas.a.staff)
    for _ in range(4):
        assert _change(client, "wrong-Password1").status_code == 200
    response = _change(client, "wrong-Password1")  # the fifth: locked, signed out
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not logged_in_as(client).is_authenticated
    assert Lockout.objects.filter(key="user:a_staff").exists()
    failures = AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN_FAILED, username="a_staff")
    assert failures.count() == 5
    assert {(e.ip, e.detail["where"]) for e in failures} == {("10.0.0.7", "password_change")}
    # the right password no longer signs in, from anywhere
    assert post_login(client, "a_staff", PASSWORD, ip="10.9.9.9").status_code == 200


def test_a_locked_account_cannot_change_its_password_even_with_the_right_one(
    client, login, personas
):
    for _ in range(5):
        post_login(client, "a_staff", "wrong-Password1", ip="10.0.0.8")
    login(personas.a.staff)  # a session opened before the lock
    response = _change(client, PASSWORD, ip="10.0.0.8")
    assert response.status_code == 302 and "/login/" in response["Location"]
    personas.a.staff.refresh_from_db()
    assert personas.a.staff.check_password(PASSWORD)


def test_right_old_password_still_changes_it(client, login, personas):
    login(personas.a.staff)
    _change(client, "wrong-Password1")
    response = _change(client, PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.PASSWORD_CHANGED).latest("pk")
    assert (event.user, event.ip) == (personas.a.staff, "10.0.0.7")  # with the client address


# -- finding 8: Cache-Control -------------------------------------------------------------------


def test_private_pages_and_downloads_are_not_stored(client, login, personas):
    from tests.probes.archive import _sheet

    login(personas.a.staff)
    page = client.get(reverse("home"))
    assert "no-store" in page["Cache-Control"]
    sheet = client.get(reverse("archive:person-sheet", kwargs=_sheet(personas)))
    assert sheet.status_code == 200 and "no-store" in sheet["Cache-Control"]


# -- finding 6: audit ---------------------------------------------------------------------------


def test_role_grant_revoke_and_account_disable_record_the_client_address(client, login, personas):
    a = personas.a
    login(a.unit_admin)
    data = {"person": a.people["staff2"].pk, "role": Role.SECTION_CHIEF, "section": a.section.pk}
    client.post(reverse("assessment:role-grant", args=[a.unit.pk]), data, REMOTE_ADDR="10.1.1.1")
    membership = a.staff2.memberships.get()
    client.post(reverse("assessment:role-revoke", args=[membership.pk]), REMOTE_ADDR="10.1.1.2")
    client.post(
        reverse("assessment:person-deactivate", args=[a.people["staff"].pk]),
        REMOTE_ADDR="10.1.1.3",
    )
    ips = dict(
        AuditEvent.objects.filter(user=a.unit_admin)
        .exclude(kind__in=[AuditEvent.Kind.LOGIN, AuditEvent.Kind.PASSWORD_CHANGED])
        .values_list("kind", "ip")
    )
    assert ips == {
        AuditEvent.Kind.ROLE_GRANTED: "10.1.1.1",
        AuditEvent.Kind.ROLE_REVOKED: "10.1.1.2",
        AuditEvent.Kind.ACCOUNT_DISABLED: "10.1.1.3",
    }


def test_sqlite_and_postgres_refuse_updates_and_deletes_of_audit_rows(client, personas):
    post_login(client, "a_staff", PASSWORD)
    rows = AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN)
    for attempt in (lambda: rows.update(username="x"), rows.delete):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM assessment_auditevent")
    assert rows.get().username == "a_staff"
    personas.a.staff.delete()  # on_delete=SET_NULL: unlinking a deleted account is allowed
    assert rows.get().user is None and rows.get().username == "a_staff"


def _events(kind):
    return list(AuditEvent.objects.filter(kind=kind).order_by("pk"))


def test_grade_decisions_and_appeal_outcomes_are_audited(personas):
    from reviews import services as review_services
    from tests.reviews.helpers import decided, open_quarter, record

    a = personas.a
    quarter = open_quarter(a)
    decided(a, "staff", quarter, "average")
    (event,) = _events(AuditEvent.Kind.GRADE_DECIDED)
    qa = record(a, "staff", quarter)
    assert (event.user, event.region) == (a.principal, a.region)
    assert event.detail["object_id"] == qa.pk and event.detail["outcome"] == "average"
    assert event.detail["staff_no"] == a.people["staff"].staff_no
    review_services.unit_publish(
        unit=a.unit, quarter=quarter, by=a.unit_admin, today=date(2026, 10, 12)
    )
    appeal = review_services.appeal_create(
        assessment=record(a, "staff", quarter), by=a.staff, reason="不服", today=date(2026, 10, 13)
    )
    review_services.appeal_decide(
        appeal=appeal,
        by=a.district_admin,
        outcome="upheld",
        reason="维持",
        today=date(2026, 10, 30),
    )
    (event,) = _events(AuditEvent.Kind.APPEAL_DECIDED)
    assert event.user == a.district_admin
    assert (event.detail["outcome"], event.detail["assessment_id"]) == ("upheld", qa.pk)
    assert event.detail["person"] == a.people["staff"].name


def test_negative_records_and_their_revocation_are_audited(client, login, personas):
    from indicators import services as indicator_services
    from indicators.models import NegativeRecord

    a = personas.a
    record = indicator_services.negative_record_create(
        record=NegativeRecord(
            person=a.people["staff"],
            source="discipline",
            type="violation",
            severity="minor",
            date=date(2026, 8, 3),
        ),
        by=a.discipline,
    )
    indicator_services.negative_record_revoke(record=record, by=a.district_admin, reason="不属实")
    (recorded,) = _events(AuditEvent.Kind.NEGATIVE_RECORDED)
    (revoked,) = _events(AuditEvent.Kind.NEGATIVE_REVOKED)
    assert (recorded.user, recorded.detail["object_id"]) == (a.discipline, record.pk)
    assert (revoked.user, revoked.detail["reason"]) == (a.district_admin, "不属实")
    assert revoked.region == a.region


def test_exports_and_sheet_downloads_are_audited_with_the_address(client, login, personas):
    from tests.archive.helpers import export_job
    from tests.probes.archive import _sheet

    a = personas.a
    login(a.hr)
    kwargs = _sheet(personas)
    client.get(reverse("archive:person-sheet", kwargs=kwargs), REMOTE_ADDR="10.2.2.2")
    (sheet,) = _events(AuditEvent.Kind.SHEET_DOWNLOADED)
    assert (sheet.user, sheet.ip, sheet.region) == (a.hr, "10.2.2.2", a.region)
    assert sheet.detail["period"] == "2026Q3" and sheet.detail["person_id"] == kwargs["pk"]
    job = export_job(a, by=a.hr)
    client.get(reverse("archive:export-download", args=[job.pk]), REMOTE_ADDR="10.2.2.3")
    (download,) = _events(AuditEvent.Kind.EXPORT_DOWNLOADED)
    assert (download.user, download.ip, download.detail["object_id"]) == (a.hr, "10.2.2.3", job.pk)


def test_starting_an_export_is_audited(client, login, personas):
    from archive import services as archive_services
    from tests.archive.helpers import assessed

    a = personas.a
    assessed(a.people["staff"])
    job = archive_services.export_start(
        by=a.district_admin,
        region=a.region,
        unit=None,
        sheet="quarterly",
        period="2026Q3",
        output="list",
    )
    (event,) = _events(AuditEvent.Kind.EXPORT_STARTED)
    assert (event.user, event.detail["object_id"], event.detail["period"]) == (
        a.district_admin,
        job.pk,
        "2026Q3",
    )
