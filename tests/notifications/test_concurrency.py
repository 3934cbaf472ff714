"""PostgreSQL, real threads: a delivery claimed by two workers at once is sent once; the same
notice created by two runs at once exists once; two reviewers accepting and returning one
rectification at once: one wins."""

from __future__ import annotations

from datetime import date

import pytest

from notifications import services
from notifications.models import Delivery, Notification, WebhookChannel
from notifications.services import Note
from reviews.improvement import services as improvement
from reviews.improvement.models import DeficiencyReminder
from tests.concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_workers_send_a_delivery_once(personas, receiver):
    a = personas.a
    hook = WebhookChannel.objects.create(
        region=a.region, kind="wecom", name="群", url=receiver.url("/cgi-bin/webhook/send?key=k")
    )
    delivery = Delivery.objects.create(
        key="k", region=a.region, channel="wecom", webhook=hook, subject="s", body="b"
    )
    outcomes = race([lambda: services.deliver(delivery.pk) for _ in range(4)])
    assert sorted(map(str, outcomes)) == ["None", "None", "None", "sent"]
    assert len(receiver.requests) == 1


def test_same_notice_from_two_runs_exists_once(personas):
    a = personas.a
    notes = [Note(a.staff.pk, a.region.pk, "deficiency", f"e{i}", "t", "/") for i in range(20)]
    outcomes = race([lambda: services.notify(notes) for _ in range(2)])
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert Notification.objects.count() == 20


def test_accept_and_return_race_one_wins(personas):
    a = personas.a
    r = improvement.deficiency_issue(
        person=a.people["staff"],
        by=a.chief,
        kind="random",
        category=improvement.categories_for(a.region).first(),
        shortfall="x",
        expectation="y",
        due=date(2030, 1, 1),
    )
    improvement.deficiency_rectify(reminder=r, by=a.staff, text="done")
    outcomes = race(
        [
            lambda: improvement.deficiency_review(reminder=r, by=a.chief, accept=True),
            lambda: improvement.deficiency_review(
                reminder=r, by=a.leader, accept=False, comment="不够"
            ),
        ]
    )
    assert sum(isinstance(o, DeficiencyReminder) for o in outcomes) == 1
    r.refresh_from_db()
    assert r.history.count() == 3  # issue, rectify, exactly one review
