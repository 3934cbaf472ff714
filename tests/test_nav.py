"""The top navigation is rendered once per role combination and process: whoever asks first
must never decide what the next account sees."""

from __future__ import annotations

import re

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
    return html[html.index('<nav class="nav"') : html.index("</nav>")]


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


def _main_bar(nav: str) -> str:
    return nav[nav.index('<div class="nav-main">') : nav.index("</div>")]


def _menu(nav: str) -> str:
    return nav[nav.index('<details class="nav-more">') :]


def test_main_tasks_lead_the_bar_and_everything_else_is_under_more(client, personas):
    a = personas.a
    chief = _nav(client, a.chief)
    assert f'href="{reverse("reviews:queue")}"' in _main_bar(chief)  # 季度审核 no longer hidden
    assert REVIEW_QUEUE in _main_bar(chief)
    staff = _nav(client, a.staff)
    for name in ("work:log-list", "reviews:my-quarters", "archive:mine"):
        assert f'href="{reverse(name)}"' in _main_bar(staff), name
    admin = _nav(client, a.district_admin)
    assert _main_bar(admin).count("<a ") == 3
    assert f'href="{reverse("assessment:unit-list")}"' in _main_bar(admin)
    assert ">更多<" in admin and f'href="{reverse("admin:index")}"' in _menu(admin)
    assert "nav-group-title" in _menu(admin)  # grouped by task


def test_no_link_is_lost_or_shown_twice(client, personas):
    from django.template.loader import render_to_string

    from assessment.tenancy import scope_for

    for user in (personas.a.district_admin, personas.a.principal, personas.a.hr, personas.auditor):
        nav = _nav(client, user)
        scope = scope_for(User.objects.get(pk=user.pk))
        every = render_to_string(
            "_nav.html",
            {
                "my_roles": scope.roles(),
                "has_person": bool(scope.person_id),
                "in_region": bool(scope.member_region_ids),
            },
        )
        expected = set(re.findall(r'href="([^"]+)"', every))
        shown = re.findall(r'href="([^"]+)"', nav)
        assert set(shown) == expected, user
        assert len(shown) == len(set(shown)), user


def test_the_badge_slot_is_rendered_per_request_outside_the_cached_bar(
    client, personas, settings, tmp_path
):
    (tmp_path / "_nav_badge.html").write_text("badge-for-{{ user.username }}")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    first = _nav(client, personas.a.staff)
    second = _nav(client, personas.a.staff2)  # same roles: the same cached bar
    assert "badge-for-a_staff" in first and "badge-for-a_staff2" in second
    assert first.replace("a_staff", "") == second.replace("a_staff2", "")
