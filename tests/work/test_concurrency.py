"""Two reviewers acting on one step at once: exactly one transition (PostgreSQL, real threads)."""

from __future__ import annotations

import pytest

from assessment.models import Membership, Role, User, WorkLog
from assessment.work import services
from reviews.models import Decision, ReviewAction
from tests.concurrency import race
from tests.work.helpers import file_log

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_chiefs_approving_the_same_log_make_exactly_one_action(personas):
    a = personas.a
    second_chief = User.objects.create(username="a_chief2")
    Membership.objects.create(
        user=second_chief, role=Role.SECTION_CHIEF, region=a.region, unit=a.unit, section=a.section
    )
    races = 25
    for _ in range(races):
        log = file_log(a.people["staff"])
        # both chiefs may act on level 1: the one not named in the chain acts as a delegate
        from reviews.models import Delegation

        Delegation.objects.get_or_create(
            region=a.region,
            reviewer=log.pending_user,
            delegate=second_chief,
            start=log.date,
            end=log.date,
            defaults={"created_by": a.unit_admin},
        )
        outcomes = race(
            [
                lambda log=log: services.log_review(log=log, by=a.chief, decision=Decision.APPROVE),
                lambda log=log: services.log_review(
                    log=log, by=second_chief, decision=Decision.APPROVE
                ),
            ]
        )
        wins = [o for o in outcomes if isinstance(o, WorkLog)]
        assert len(wins) == 1, outcomes
        assert ReviewAction.objects.filter(object_id=log.pk, decision=Decision.APPROVE).count() == 1
