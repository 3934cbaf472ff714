"""The demo seed (manage.py seed_demo): the README's walk-through works on what it builds."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from assessment.chain import reviewer_chain
from assessment.demo.seed import DEMO_LOGINS, DEMO_PASSWORD, MAIN_REGION
from assessment.models import Person, Region, Unit, UnitCategory, User
from tests.personas import clear_personas

pytestmark = pytest.mark.django_db

CARD = {
    "district_admin": "todo-admin",
    "unit_admin": "todo-admin",
    "principal_leader": "todo-reviewer",
    "leader_in_charge": "todo-reviewer",
    "section_chief": "todo-reviewer",
    "staff": "todo-staff",
    "hr": "archive-card",
    "discipline": "ind-negative",
    "auditor": "todo-audit",
    "security_admin": "todo-security",
    "system_admin": "todo-system",
}
ARGS = ("seed_demo", "--people", "150", "--regions", "2", "--other-people", "30")


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker):
    """Seed once for the module (the apps' demo hooks make a run take seconds) inside a
    transaction that is rolled back afterwards; each test runs in a savepoint within it."""
    out = StringIO()
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:  # the conftest's hasher is per test, not per module
        with transaction.atomic():
            clear_personas()  # the session's cast: the seed refuses to run beside any region
            call_command(*ARGS, stdout=out)
            yield out.getvalue()
            transaction.set_rollback(True)
        # nothing leaks into other modules: only the personas' regions are there again
        assert set(Region.objects.values_list("code", flat=True)) <= {"a", "b"}


@pytest.fixture
def seeded(seeded_once, db):
    return seeded_once


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Region, Unit, Person, User))


def test_seed_builds_two_regions_of_the_requested_size(seeded):
    main = Region.objects.get(code=MAIN_REGION)
    assert Region.objects.count() == 2
    assert Person.objects.filter(region=main).count() == 150
    assert Person.objects.exclude(region=main).count() == 30
    assert "演示数据已生成" in seeded
    for login in DEMO_LOGINS:
        assert login.username in seeded


def test_seed_has_four_unit_categories_pilots_and_seconded_staff(seeded):
    main = Region.objects.get(code=MAIN_REGION)
    assert set(UnitCategory.objects.filter(region=main).values_list("name", flat=True)) == {
        "综合管理",
        "政法司法",
        "群团组织",
        "窗口服务",
    }
    assert Unit.objects.filter(region=main, is_pilot=True).exists()
    assert not Unit.objects.exclude(region=main).filter(is_pilot=True).exists()
    assert Person.objects.filter(region=main, kind=Person.Kind.SECONDED).exists()


def test_every_person_has_an_account_in_their_own_region(seeded):
    assert not Person.objects.filter(user__isnull=True).exists()
    assert Person.objects.values("staff_no").distinct().count() == Person.objects.count()


def test_every_demo_login_signs_in_and_lands_on_its_card(client, seeded):
    assert {login.username for login in DEMO_LOGINS} == set(CARD)
    for login in DEMO_LOGINS:
        client.logout()
        response = client.post(
            "/login/", {"username": login.username, "password": DEMO_PASSWORD}, follow=True
        )
        assert response.redirect_chain == [("/", 302)], login.username
        page = response.content.decode()
        assert f'id="{CARD[login.username]}"' in page, login.username
        assert response.wsgi_request.user.username == login.username


def test_demo_staff_chain_is_chief_leader_principal(seeded):
    staff = Person.objects.get(user__username="staff")
    chain = reviewer_chain(staff)
    usernames = [User.objects.get(pk=step.user_id).username for step in chain]
    assert [step.level for step in chain] == [1, 2, 3]
    assert usernames == ["section_chief", "leader_in_charge", "principal_leader"]


def test_demo_logins_share_one_unit(seeded):
    units = set(
        Person.objects.filter(
            user__username__in=[
                "staff",
                "section_chief",
                "leader_in_charge",
                "principal_leader",
                "unit_admin",
            ]
        ).values_list("unit_id", flat=True)
    )
    assert len(units) == 1


def test_second_run_refuses_with_status_1(seeded):
    before = counts()
    err = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command(*ARGS, stdout=StringIO(), stderr=err)
    assert exit_info.value.code == 1
    assert "数据库中已有数据" in err.getvalue()
    assert counts() == before


def test_if_empty_exits_quietly_without_writing(seeded):
    before = counts()
    out = StringIO()
    call_command(*ARGS, "--if-empty", stdout=out)  # no SystemExit: status 0
    assert "未写入演示数据" in out.getvalue()
    assert counts() == before
