"""Two relays (two beat runs overlapping, or a relay and a request's after-commit attempt)
running at once send each message once: SELECT … FOR UPDATE SKIP LOCKED plus the lease."""

from __future__ import annotations

import pytest

from outbox import services
from outbox.models import OutboxMessage
from tests.concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_relays_send_each_message_once():
    OutboxMessage.objects.bulk_create(
        OutboxMessage(task="outbox.tasks.purge_sent_messages") for _ in range(300)
    )
    ids = list(OutboxMessage.objects.values_list("pk", flat=True))
    results = race(
        [services.relay_due] * 3 + [lambda pk=pk: services.send_after_commit(pk) for pk in ids[:20]]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert not OutboxMessage.objects.pending().exists()
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}
    relayed = sum(r for r in results[:3])
    after_commit = sum(1 for r in results[3:] if r)
    assert relayed + after_commit == 300
