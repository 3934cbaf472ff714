"""The top navigation is rendered once per role combination and process: whoever asks first
must never decide what the next account sees."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessment.models import User

pytestmark = pytest.mark.django_db

REVIEW_QUEUE = f'href="{reverse("work:log-review-queue")}"'
MY_LOGS = f'href="{reverse("work:log-list")}"'
AUDIT = f'href="{reverse("assessment:audit-log")}"'


def _nav(client, user) -> str:
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    return html[html.index('<nav class="nav">') : html.index("</nav>")]


def test_each_account_sees_its_own_links_whatever_was_rendered_before(client, personas):
    a = personas.a
    chief = _nav(client, a.chief)
    staff = _nav(client, a.staff)
    auditor = _nav(client, personas.auditor)
    assert REVIEW_QUEUE in chief and MY_LOGS in chief
    assert REVIEW_QUEUE not in staff and MY_LOGS in staff
    assert AUDIT in auditor and MY_LOGS not in auditor  # no person: no personal links
    assert REVIEW_QUEUE not in auditor and AUDIT not in staff


def test_a_deactivated_person_loses_the_personal_links(client, personas):
    staff = personas.a.people["staff"]
    staff.is_active = False
    staff.save()
    assert MY_LOGS not in _nav(client, User.objects.get(pk=personas.a.staff.pk))
