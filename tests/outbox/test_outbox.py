"""The transactional outbox: recorded with the change, sent after commit or by the relay,
never for a rolled-back change, never lost while the broker is down."""

from __future__ import annotations

import time
from datetime import date

import pytest
from django.db import transaction
from django.urls import reverse

from indicators.models import NegativeRecord, QuarterScore
from indicators.tasks import recompute_scores
from outbox import services
from outbox.models import OutboxMessage
from tests.indicators.helpers import negative_form, q3

pytestmark = pytest.mark.django_db


def test_a_rolled_back_change_sends_nothing(personas, django_capture_on_commit_callbacks):
    quarter = q3(personas)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.dispatch(recompute_scores, quarter.pk, None, "x")
            raise RuntimeError("rolled back")
    assert not OutboxMessage.objects.exists() and callbacks == []
    assert not QuarterScore.objects.exists()


def test_committed_message_is_sent_after_commit_and_marked(
    personas, django_capture_on_commit_callbacks
):
    quarter = q3(personas)
    staff = personas.a.people["staff"]
    with django_capture_on_commit_callbacks(execute=True):
        message = services.dispatch(recompute_scores, quarter.pk, [staff.pk], "测试")
    message.refresh_from_db()
    assert message.sent_at is not None and message.attempts == 1 and message.last_error == ""
    assert message.task == "indicators.tasks.recompute_scores"
    assert message.args == [quarter.pk, [staff.pk], "测试"]
    assert QuarterScore.objects.filter(person=staff, quarter=quarter).exists()


def test_broker_down_the_request_succeeds_and_says_the_score_is_delayed(
    personas, login, broker_down, django_capture_on_commit_callbacks
):
    client = login(personas.a.discipline)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("indicators:negative-create"), negative_form(personas.a.people["staff"])
        )
    assert time.monotonic() - started < 5  # the publish gives up at once
    assert response.status_code == 302
    record = NegativeRecord.objects.get()
    message = OutboxMessage.objects.get()
    assert message.sent_at is None and message.attempts == 1
    assert "127.0.0.1:1" in message.last_error
    page = client.get(response["Location"])
    assert "得分将在后台重新计算" in page.content.decode()
    assert record.pk and not QuarterScore.objects.exists()


def test_relay_sends_what_waited_once_the_broker_is_back(
    personas, broker_down, django_capture_on_commit_callbacks
):
    quarter = q3(personas)
    staff = personas.a.people["staff"]
    with django_capture_on_commit_callbacks(execute=True):
        services.dispatch(recompute_scores, quarter.pk, [staff.pk], "一")
        services.dispatch(recompute_scores, quarter.pk, None, "二")
    assert services.relay_due() == 0  # still down: stops at the first refusal
    assert OutboxMessage.objects.pending().count() == 2
    assert services.pending_summary()["pending"] == 2
    from config.celery import app

    app.conf.task_always_eager = True  # "the broker is back": sending runs the task here
    assert services.relay_due() == 2
    assert services.relay_due() == 0  # idempotent: nothing left
    assert not OutboxMessage.objects.pending().exists()
    assert QuarterScore.objects.filter(quarter=quarter, person=staff).exists()


def test_a_leased_message_is_sent_by_one_relay_only(personas):
    quarter = q3(personas)
    message = OutboxMessage.objects.create(task=recompute_scores.name, args=[quarter.pk, [], ""])
    assert [m.pk for m in services._claim([message.pk])] == [message.pk]
    assert services._claim([message.pk]) == []  # leased: another relay leaves it
    assert services.relay_due() == 0


def test_requests_stop_trying_while_the_breaker_is_open(personas, broker_down):
    quarter = q3(personas)
    first = OutboxMessage.objects.create(task=recompute_scores.name, args=[quarter.pk, [], ""])
    second = OutboxMessage.objects.create(task=recompute_scores.name, args=[quarter.pk, [], ""])
    assert services.send_after_commit(first.pk) is False
    assert services.send_after_commit(second.pk) is False
    second.refresh_from_db()
    assert second.attempts == 0  # not even tried: the relay will send it


def test_eager_export_task_runs_in_a_thread_when_configured(settings):
    from archive.tasks import run_export

    assert run_export.eager_thread_setting == "EXPORT_IN_THREAD"
    assert "后台服务恢复后" in str(run_export.delayed_notice)
    assert "得分将在后台重新计算" in str(recompute_scores.delayed_notice)


def test_purge_sent_keeps_pending_and_recent(personas):
    from datetime import timedelta

    from django.utils import timezone

    old = timezone.now() - timedelta(days=8)
    OutboxMessage.objects.create(task="x", sent_at=old)
    OutboxMessage.objects.create(task="x", sent_at=timezone.now())
    OutboxMessage.objects.create(task="x")
    assert services.purge_sent() == 1
    assert services.purge_sent() == 0
    assert OutboxMessage.objects.count() == 2


def test_sweep_recomputes_a_lost_recompute(personas):
    """The change happened, its task was lost (never sent): the sweep recomputes it."""
    from datetime import timedelta

    from django.utils import timezone

    from indicators.sweep import scores_sweep
    from tests.indicators.helpers import negative

    staff = personas.a.people["staff"]
    negative(personas, severity="serious", type="violation", date=date(2026, 8, 3))
    assert not QuarterScore.objects.exists()
    assert scores_sweep() == 0  # younger than the grace period: left to its own task
    later = timezone.now() + timedelta(minutes=5)
    assert scores_sweep(now=later) >= 1
    assert QuarterScore.objects.get(person=staff, quarter=q3(personas)).deductions == 10
    assert scores_sweep(now=later + timedelta(minutes=1)) == 0  # idempotent


def test_an_unknown_task_waits_without_holding_up_the_others(personas):
    quarter = q3(personas)
    bad = OutboxMessage.objects.create(task="gone.tasks.removed")
    good = OutboxMessage.objects.create(task=recompute_scores.name, args=[quarter.pk, [], ""])
    assert services.relay_due() == 1
    bad.refresh_from_db()
    good.refresh_from_db()
    assert good.sent_at is not None
    assert bad.sent_at is None and "NotRegistered" in bad.last_error and bad.attempts == 1
    assert services.relay_due() == 0  # waits RETRY_LATER before the next try
