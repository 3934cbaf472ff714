"""The demo's quarters: Q3 decided, publicised and confirmed within the quota; Q4 mid-review
with items at each level in 区财政局 and the staff user's own record still a draft."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.test import override_settings

from assessment.models import Person, QuarterlyAssessment, Region
from reviews.models import ReviewAction, ReviewState
from reviews.rules import good_places
from tests.personas import clear_personas

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker):
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:
        with transaction.atomic():
            clear_personas()  # the seed refuses to run beside the session's cast
            call_command(
                "seed_demo",
                "--people",
                "150",
                "--regions",
                "1",
                "--other-people",
                "0",
                stdout=StringIO(),
            )
            yield
            transaction.set_rollback(True)
        assert set(Region.objects.values_list("code", flat=True)) <= {"a", "b"}  # the cast


@pytest.fixture
def seeded(seeded_once, db):
    return None


def test_q3_is_confirmed_for_everyone_within_the_quota(seeded):
    q3 = QuarterlyAssessment.objects.filter(quarter__number=3)
    assert q3.count() == Person.objects.filter(is_active=True).count()
    assert set(q3.values_list("status", flat=True)) == {ReviewState.CONFIRMED}
    assert q3.filter(needs_mentoring=True, grade__in=["average", "poor"]).exists()
    groups = q3.values("unit_id", "person_kind", "quarter__year__good_quota_percent").annotate(
        n=Count("pk"), good=Count("pk", filter=__import__("django").db.models.Q(grade="good"))
    )
    for g in groups:
        assert g["good"] <= good_places(g["quarter__year__good_quota_percent"], g["n"]), g
    qa = q3.first()
    assert ReviewAction.objects.filter(object_id=qa.pk, decision="decide").exists()


def test_q4_waits_at_each_level_and_staff_is_a_draft(seeded):
    q4 = QuarterlyAssessment.objects.filter(quarter__number=4, unit__people__user__username="staff")
    levels = set(q4.filter(status="in_review").values_list("pending_level", flat=True))
    assert {1, 2, 3} <= levels
    assert q4.get(person__user__username="staff").status == ReviewState.DRAFT


def test_demo_principal_sees_the_decide_screen(client, seeded):
    from django.contrib.auth import get_user_model

    principal = get_user_model().objects.get(username="principal_leader")
    client.force_login(principal)
    qa = (
        QuarterlyAssessment.objects.filter(quarter__number=4, pending_user=principal)
        .select_related("quarter__year")
        .first()
    )
    response = client.get(f"/reviews/units/{qa.unit_id}/{qa.quarter.code}/decide/")
    assert response.status_code == 200 and 'name="grade-' in response.content.decode()
