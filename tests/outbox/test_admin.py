"""The system admin reads the outbox in 管理后台; nobody edits it; other roles do not see it."""

from __future__ import annotations

import pytest

from outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db

URL = "/admin/outbox/outboxmessage/"


def test_system_admin_reads_pending_messages(personas, login, django_assert_max_num_queries):
    OutboxMessage.objects.create(task="indicators.tasks.recompute_scores", last_error="refused")
    client = login(personas.system_admin)
    response = client.get(URL + "?sent_at__isempty=1")
    body = response.content.decode()
    assert response.status_code == 200
    assert "indicators.tasks.recompute_scores" in body and "refused" in body
    for _ in range(30):
        OutboxMessage.objects.create(task="indicators.tasks.recompute_scores")
    with django_assert_max_num_queries(12):
        assert client.get(URL).status_code == 200
    message = OutboxMessage.objects.first()
    assert client.post(f"{URL}{message.pk}/delete/", {"post": "yes"}).status_code == 404
    assert OutboxMessage.objects.filter(pk=message.pk).exists()
    assert client.get(f"{URL}add/").status_code == 403


@pytest.mark.parametrize("who", ["district_admin", "unit_admin", "staff"])
def test_other_roles_do_not_see_the_outbox(personas, login, who):
    response = login(getattr(personas.a, who)).get(URL)
    assert response.status_code in (302, 403, 404)
    assert "recompute" not in response.content.decode()


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]
