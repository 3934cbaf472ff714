"""Every Celery task, run a second time with the same arguments (a redelivered message after its
worker died, or a message the outbox sent twice), leaves the data as the first run left it.
One test per task; test_every_task_is_covered fails when a task is added without one."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from archive import tasks as archive_tasks
from archive.models import ExportJob
from config.celery import app
from indicators import tasks as indicator_tasks
from indicators.models import QuarterScore
from notifications import tasks as notification_tasks
from outbox import tasks as outbox_tasks
from outbox.models import OutboxMessage
from reviews import tasks as review_tasks
from reviews.models import Reminder
from tests.archive.helpers import assessed, export_job, fill_person
from tests.indicators.helpers import negative, q3
from tests.reviews.helpers import open_quarter

pytestmark = pytest.mark.django_db

COVERED = {
    "indicators.tasks.recompute_scores",
    "indicators.tasks.sweep_scores",
    "reviews.tasks.open_due_quarters",
    "reviews.tasks.open_quarter",
    "reviews.tasks.close_publicity",
    "reviews.tasks.send_review_reminders",
    "reviews.tasks.email_reminder",
    "reviews.tasks.open_due_years",
    "reviews.tasks.ratings_daily",
    "archive.tasks.run_export",
    "archive.tasks.purge_expired_exports",
    "archive.tasks.fail_stale_exports",
    "outbox.tasks.relay_outbox",
    "notifications.tasks.send_delivery",
    "notifications.tasks.send_due_deliveries",
    "notifications.tasks.send_digests",
    "outbox.tasks.purge_sent_messages",
}


def test_every_task_is_covered():
    ours = {name for name in app.tasks if not name.startswith("celery.")}
    assert ours == COVERED


def _scores():
    return sorted(QuarterScore.objects.values_list("person_id", "score", "deductions", "breakdown"))


def test_open_due_years_twice(personas):
    from assessment.models import AnnualAssessment

    with freeze_december():
        first = review_tasks.open_due_years.apply().get()
        rows = sorted(AnnualAssessment.objects.values_list("pk", "person_id", "status"))
        assert first > 0 and review_tasks.open_due_years.apply().get() == 0
    assert sorted(AnnualAssessment.objects.values_list("pk", "person_id", "status")) == rows


def test_ratings_daily_twice(personas):
    review_tasks.ratings_daily.apply().get()
    reminders = sorted(Reminder.objects.values_list("pk", "user_id", "key"))
    second = review_tasks.ratings_daily.apply().get()
    assert second["closed"] == second["reminded"] == second["cases"] == 0
    assert sorted(Reminder.objects.values_list("pk", "user_id", "key")) == reminders


def freeze_december():
    """years_due opens the current year from 1 December on: pin today there."""
    from unittest import mock

    today = date(timezone.localdate().year, 12, 2)
    return mock.patch("django.utils.timezone.localdate", return_value=today)


def test_recompute_scores_twice(personas):
    negative(personas, severity="serious", type="violation", date=date(2026, 8, 3))
    quarter = q3(personas)
    assert indicator_tasks.recompute_scores(quarter.pk, None, "一") > 0
    first, history = _scores(), QuarterScore.history.count()
    assert indicator_tasks.recompute_scores(quarter.pk, None, "一") == 0
    assert _scores() == first and QuarterScore.history.count() == history


def test_sweep_scores_twice(personas):
    negative(personas, date=date(2026, 8, 3))
    indicator_tasks.sweep_scores()
    first = _scores()
    assert indicator_tasks.sweep_scores() == 0 and _scores() == first


def test_open_due_quarters_twice(personas):
    first = review_tasks.open_due_quarters()
    assert first > 0 and review_tasks.open_due_quarters() == 0


def test_open_quarter_twice(personas):
    assert review_tasks.open_quarter(personas.a.region.pk, 2026, 3) == 10
    assert review_tasks.open_quarter(personas.a.region.pk, 2026, 3) == 0


def test_close_publicity_twice(personas):
    from reviews import services
    from tests.reviews.helpers import decided, record

    a = personas.a
    quarter = open_quarter(a)
    decided(a, "staff", quarter)
    services.unit_publish(unit=a.unit, quarter=quarter, by=a.principal, today=date(2026, 10, 1))
    assert review_tasks.close_publicity() == 1
    status = record(a, "staff", quarter).status
    assert review_tasks.close_publicity() == 0 and record(a, "staff", quarter).status == status


def test_send_review_reminders_twice(personas):
    from assessment.models import QuarterlyAssessment
    from tests.reviews.helpers import submit

    a = personas.a
    qa = submit(a, "staff", open_quarter(a))
    arrived = timezone.now() - timedelta(days=30)
    QuarterlyAssessment.objects.filter(pk=qa.pk).update(pending_since=arrived)
    first = review_tasks.send_review_reminders()
    assert first >= 1
    count = Reminder.objects.count()
    assert review_tasks.send_review_reminders() == 0 and Reminder.objects.count() == count


def test_email_reminder_twice_sends_one_mail(personas, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    a = personas.a
    a.chief.email = "chief@example.gov.cn"
    a.chief.save()
    reminder = Reminder.objects.create(region=a.region, user=a.chief, text="逾期", key="k1")
    assert review_tasks.email_reminder(reminder.pk) is True
    assert review_tasks.email_reminder(reminder.pk) is False
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["chief@example.gov.cn"]
    reminder.refresh_from_db()
    assert reminder.emailed_at is not None


def _mailed_notice(personas, settings):
    from notifications.models import Delivery
    from notifications.services import Note, notify

    settings.NOTIFY_EMAIL = True
    chief = personas.a.chief
    chief.email = "chief@example.gov.cn"
    chief.save()
    notify(
        [
            Note(
                user_id=chief.pk,
                region_id=personas.a.region.pk,
                kind="review_overdue",
                key="twice",
                text="逾期",
                link="/",
            )
        ]
    )
    return Delivery.objects.get(channel="email")


def test_send_delivery_twice_sends_one_mail(personas, settings):

    delivery = _mailed_notice(personas, settings)
    for _ in range(2):
        notification_tasks.send_delivery.apply(args=[delivery.pk])
    assert len(mail.outbox) == 1


def test_send_due_deliveries_twice(personas, settings):

    _mailed_notice(personas, settings)
    notification_tasks.send_due_deliveries.apply().get()
    assert notification_tasks.send_due_deliveries.apply().get() == 0
    assert len(mail.outbox) <= 1


def test_send_digests_twice(personas):

    notification_tasks.send_digests.apply().get()
    assert notification_tasks.send_digests.apply().get() == 0


def test_notification_deliveries_go_through_the_outbox(personas, settings, monkeypatch):
    """A notice's e-mail copy is queued through the outbox, in the notice's transaction."""
    from notifications.models import Delivery
    from notifications.services import Note, notify
    from outbox import services as outbox_services

    sent = []
    monkeypatch.setattr(outbox_services, "send_after_commit", sent.append)
    settings.NOTIFY_EMAIL = True
    a = personas.a
    a.chief.email = "chief@example.gov.cn"
    a.chief.save()
    notify(
        [
            Note(
                user_id=a.chief.pk,
                region_id=a.region.pk,
                kind="review_overdue",
                key="k2",
                text="逾期",
                link="/",
            )
        ]
    )
    delivery = Delivery.objects.get(channel="email")
    message = OutboxMessage.objects.get()
    assert message.task == "notifications.tasks.send_delivery" and message.args == [delivery.pk]


def test_run_export_twice(personas):
    assessed(fill_person(personas.a.people["staff"]))
    job = export_job(personas.a, status="queued")
    assert archive_tasks.run_export(job.pk) == "done"
    job.refresh_from_db()
    name, finished = job.file_name, job.finished
    assert archive_tasks.run_export(job.pk) == "done"
    job.refresh_from_db()
    assert (job.file_name, job.finished) == (name, finished)


def test_purge_expired_exports_twice(personas):
    job = export_job(personas.a)
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert archive_tasks.purge_expired_exports() == 1
    assert archive_tasks.purge_expired_exports() == 0
    assert ExportJob.objects.get(pk=job.pk).status == "expired"


def test_fail_stale_exports_twice(personas):
    job = export_job(personas.a, status="running")
    ExportJob.objects.filter(pk=job.pk).update(heartbeat=timezone.now() - timedelta(hours=1))
    assert archive_tasks.fail_stale_exports() == 1
    error = ExportJob.objects.get(pk=job.pk).error
    assert archive_tasks.fail_stale_exports() == 0
    assert ExportJob.objects.get(pk=job.pk).error == error


def test_relay_outbox_twice(personas):
    quarter = q3(personas)
    OutboxMessage.objects.create(task="indicators.tasks.recompute_scores", args=[quarter.pk])
    assert outbox_tasks.relay_outbox() == 1
    assert outbox_tasks.relay_outbox() == 0
    assert OutboxMessage.objects.get().attempts == 1


def test_purge_sent_messages_twice(personas):
    OutboxMessage.objects.create(task="x", sent_at=timezone.now() - timedelta(days=30))
    assert outbox_tasks.purge_sent_messages() == 1
    assert outbox_tasks.purge_sent_messages() == 0


def test_a_queued_export_that_never_started_fails_with_reexport(personas, login, settings):
    settings.EXPORT_QUEUED_MINUTES = 30
    old, young = export_job(personas.a, status="queued"), export_job(personas.a, status="queued")
    ExportJob.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(minutes=31))
    assert archive_tasks.fail_stale_exports() == 1
    assert ExportJob.objects.get(pk=young.pk).status == "queued"
    old.refresh_from_db()
    assert old.status == "failed" and "排队超过 30 分钟" in old.error
    assert archive_tasks.run_export(old.pk) == "failed"  # the late message does nothing
    page = login(personas.a.hr).get(f"/archive/exports/{old.pk}/").content.decode()
    assert "导出未能开始" in page and "重新导出" in page
