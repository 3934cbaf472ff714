"""Quarterly review services: opening, the chain with its skip rules and returns, the decision
rules (quota, sanction), publicity, feedback and appeal."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from assessment.models import AssessmentYear, Person, QuarterlyAssessment
from indicators.models import NegativeRecord
from reviews import services
from reviews.models import Appeal, Decision, ReviewAction, ReviewState
from reviews.opening import quarter_open
from reviews.quota import good_places
from reviews.rules import blocked_people
from rewards.models import RewardKind, RewardType
from tests.rewards.helpers import make_record

from .helpers import at_decision, decided, open_quarter, record, sanction, submit, to_decision

pytestmark = pytest.mark.django_db

UNIT_A = ("principal", "leader", "chief", "staff", "staff2", "unit_admin")  # 6 people in a财政局


# -- opening ---------------------------------------------------------------------------------


def test_open_creates_one_record_per_active_person_and_is_idempotent(personas):
    a = personas.a
    a.people["staff2"].is_active = False
    a.people["staff2"].save()
    result = quarter_open(region=a.region, year=2026, number=3)
    assert result.created == 9
    again = quarter_open(region=a.region, year=2026, number=3)
    assert again.created == 0
    assert QuarterlyAssessment.objects.filter(quarter=result.quarter).count() == 9
    assert not QuarterlyAssessment.objects.filter(person__region=personas.b.region).exists()
    qa = record(a, "staff", result.quarter)
    assert (qa.unit_id, qa.section_id, qa.person_kind) == (a.unit.pk, a.section.pk, "civil_servant")
    assert qa.history.count() == 1


def test_rerun_records_transfer_leaver_and_joiner(personas):
    a = personas.a
    quarter = open_quarter(a)
    staff = a.people["staff"]
    staff.unit, staff.section = a.other_unit, None
    staff.save()
    a.people["staff2"].is_active = False
    a.people["staff2"].save()
    newcomer = Person.objects.create(
        region=a.region, unit=a.unit, name="新人", staff_no="a900", gender="F"
    )
    result = quarter_open(region=a.region, year=2026, number=3)
    assert (result.created, result.transferred, result.left) == (1, 1, 1)
    moved = record(a, "staff", quarter)
    assert moved.unit_id == a.other_unit.pk and "调至" in moved.movement_note
    gone = record(a, "staff2", quarter)
    assert not gone.participates and gone.movement_note == "季度内离职"
    assert QuarterlyAssessment.objects.get(person=newcomer).movement_note == "季度内入职"


# -- the chain --------------------------------------------------------------------------------


def _levels(qa) -> list[int]:
    return [lvl for lvl, _uid in qa.chain]


def test_staff_goes_through_three_levels(personas):
    a = personas.a
    quarter = open_quarter(a)
    qa = submit(a, "staff", quarter)
    assert _levels(qa) == [1, 2, 3] and qa.pending_user_id == a.chief.pk
    assert qa.pending_since is not None
    with pytest.raises(PermissionDenied):
        services.quarterly_review(
            assessment=qa, by=a.leader, decision=Decision.APPROVE, suggested_grade="good"
        )
    qa = services.quarterly_review(
        assessment=qa, by=a.chief, decision=Decision.APPROVE, suggested_grade="good", comment="好"
    )
    assert qa.pending_user_id == a.leader.pk
    qa = services.quarterly_review(
        assessment=qa, by=a.leader, decision=Decision.APPROVE, suggested_grade="fairly_good"
    )
    assert qa.pending_user_id == a.principal.pk
    with pytest.raises(ValidationError, match="单位审定页面"):
        services.quarterly_review(
            assessment=qa, by=a.principal, decision=Decision.APPROVE, suggested_grade="good"
        )
    qa = services.quarterly_decide(assessment=qa, by=a.principal, grade="fairly_good")
    assert qa.status == ReviewState.DECIDED and qa.grade == "fairly_good"
    grades = list(
        ReviewAction.objects.filter(object_id=qa.pk).values_list("level", "suggested_grade")
    )
    assert grades == [(None, ""), (1, "good"), (2, "fairly_good"), (3, "fairly_good")]


def test_chief_skips_level_one_and_leader_goes_to_principal(personas):
    a = personas.a
    quarter = open_quarter(a)
    assert _levels(submit(a, "chief", quarter)) == [2, 3]
    assert _levels(submit(a, "leader", quarter)) == [3]
    principal = submit(a, "principal", quarter)
    assert _levels(principal) == [4]  # the region decides a principal leader's quarter
    qa = services.quarterly_decide(assessment=principal, by=a.district_admin, grade="good")
    assert qa.grade == "good"


def test_approve_needs_a_suggested_grade(personas):
    a = personas.a
    qa = submit(a, "staff", open_quarter(a))
    with pytest.raises(ValidationError, match="建议等次"):
        services.quarterly_review(assessment=qa, by=a.chief, decision=Decision.APPROVE)


@pytest.mark.parametrize("returns_at", [1, 2, 3])
def test_return_at_each_level_goes_back_and_restarts_at_level_one(personas, returns_at):
    a = personas.a
    quarter = open_quarter(a)
    qa = submit(a, "staff", quarter)
    users = {u.pk: u for u in a.users.values()}
    while qa.pending_level != returns_at:
        qa = services.quarterly_review(
            assessment=qa, by=users[qa.pending_user_id], decision="approve", suggested_grade="good"
        )
    with pytest.raises(ValidationError):
        services.quarterly_review(assessment=qa, by=users[qa.pending_user_id], decision="return")
    qa = services.quarterly_review(
        assessment=qa, by=users[qa.pending_user_id], decision="return", comment="请补充数据"
    )
    assert qa.status == ReviewState.RETURNED and qa.pending_user_id is None
    qa = services.summary_save(
        assessment=qa, by=a.staff, summary="补充后的小结", self_grade="good", submit=True
    )
    assert qa.pending_level == 1 and qa.pending_user_id == a.chief.pk


def test_summary_only_by_the_person_and_not_after_submission(personas):
    a = personas.a
    quarter = open_quarter(a)
    qa = record(a, "staff", quarter)
    with pytest.raises(PermissionDenied):
        services.summary_save(assessment=qa, by=a.chief, summary="x")
    with pytest.raises(ValidationError, match="请填写个人小结"):
        services.summary_save(assessment=qa, by=a.staff, summary=" ", submit=True)
    submit(a, "staff", quarter)
    with pytest.raises(ValidationError, match="已提交"):
        services.summary_save(assessment=qa, by=a.staff, summary="改")


def test_acting_reviewer_is_recorded(personas):
    from reviews.models import Delegation

    a = personas.a
    qa = submit(a, "staff", open_quarter(a))
    today = timezone.localdate()
    Delegation.objects.create(
        region=a.region,
        reviewer=a.chief,
        delegate=a.staff2,
        start=today,
        end=today,
        created_by=a.unit_admin,
    )
    qa = services.quarterly_review(
        assessment=qa, by=a.staff2, decision="approve", suggested_grade="good"
    )
    action = ReviewAction.objects.filter(object_id=qa.pk, level=1).get()
    assert action.actor == a.staff2 and action.acting_for == a.chief


# -- decision rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("percent", "n", "min_one", "places"),
    [
        (40, 0, False, 0),
        (40, 1, False, 0),
        (40, 2, False, 0),
        (40, 3, False, 1),
        (40, 0, True, 0),
        (40, 1, True, 1),
        (40, 2, True, 1),
        (40, 5, False, 2),
        (40, 6, True, 2),
        (40, 10, False, 4),
        (40, 60, False, 24),
        (20, 3, False, 0),
        (20, 3, True, 1),
        (100, 7, False, 7),
    ],
)
def test_good_places_table(percent, n, min_one, places):
    assert good_places(percent, n, min_one=min_one) == places


@given(st.integers(0, 100), st.integers(0, 5000), st.booleans())
def test_good_places_never_exceed_percent_except_the_minimum_one(percent, n, min_one):
    places = good_places(percent, n, min_one=min_one)
    if not min_one or places > 1:
        assert places * 100 <= percent * n
    if min_one and n:
        assert places >= 1
    if not n:
        assert places == 0


def test_quota_at_the_boundary_refuses_with_rule_and_facts(personas):
    a = personas.a
    quarter = open_quarter(a)  # 6 participants in a财政局 → 2 places for 好
    decided(a, "staff", quarter)
    decided(a, "staff2", quarter)
    qa = to_decision(a, "unit_admin", quarter)
    with pytest.raises(ValidationError) as exc:
        services.quarterly_decide(assessment=qa, by=a.principal, grade="good")
    message = exc.value.messages[0]
    assert "名额 2 已用 2" in message and "6 人" in message and "40%" in message
    qa.refresh_from_db()
    assert qa.status == ReviewState.IN_REVIEW and qa.grade == ""
    assert services.quarterly_decide(assessment=qa, by=a.principal, grade="fairly_good").grade


def _seconded(a, n: int) -> None:
    for i in range(n):
        Person.objects.create(
            region=a.region,
            unit=a.unit,
            section=a.section,
            name=f"借{i}",
            staff_no=f"a95{i}",
            gender="M",
            kind=Person.Kind.SECONDED,
        )


def test_seconded_staff_have_their_own_quota(personas):
    a = personas.a
    _seconded(a, 3)
    quarter = open_quarter(a)
    decided(a, "staff", quarter)
    decided(a, "staff2", quarter)  # civil servants: 6 → 2 places, both used
    first, second, _third = at_decision(
        a, QuarterlyAssessment.objects.filter(quarter=quarter, person_kind="seconded")
    )
    assert services.quarterly_decide(assessment=first, by=a.principal, grade="good").grade
    with pytest.raises(ValidationError, match="借用人员参加考核 3 人"):
        services.quarterly_decide(assessment=second, by=a.principal, grade="good")


def test_small_pool_has_no_place_unless_the_year_grants_at_least_one(personas):
    """DOMAIN.md: "at least 1 place in a group with any participant" is a setting, default off
    (1 of 2 would break the 40 % ceiling)."""
    a = personas.a
    _seconded(a, 2)
    quarter = open_quarter(a)
    first, _second = at_decision(
        a, QuarterlyAssessment.objects.filter(quarter=quarter, person_kind="seconded")
    )
    with pytest.raises(ValidationError, match="名额 0 已用 0"):
        services.quarterly_decide(assessment=first, by=a.principal, grade="good")
    AssessmentYear.objects.filter(pk=quarter.year_id).update(good_quota_min_one=True)
    assert services.quarterly_decide(assessment=first, by=a.principal, grade="good").grade


def test_sanction_in_force_blocks_good(personas):
    a = personas.a
    quarter = open_quarter(a)
    sanction(a, "staff", date(2026, 5, 10))
    qa = to_decision(a, "staff", quarter)
    with pytest.raises(ValidationError) as exc:
        services.quarterly_decide(assessment=qa, by=a.principal, grade="good")
    assert "违规违纪违法" in exc.value.messages[0] and "2026-12-31" in exc.value.messages[0]
    assert services.quarterly_decide(assessment=qa, by=a.principal, grade="fairly_good").grade


@pytest.mark.parametrize(
    ("day", "blocks_until", "blocked"),
    [
        (date(2026, 3, 1), date(2026, 7, 1), True),  # period reaches into Q3
        (date(2026, 9, 30), date(2027, 3, 31), True),  # starts on the quarter's last day
        (date(2026, 1, 5), date(2026, 6, 30), False),  # ended before Q3
        (date(2026, 10, 1), date(2027, 3, 31), False),  # starts after Q3
        (date(2026, 8, 1), None, False),  # no blocking period recorded
    ],
)
def test_a_punishment_blocks_good_during_its_period(personas, day, blocks_until, blocked):
    a = personas.a
    quarter = open_quarter(a)  # 2026Q3: 07-01 .. 09-30
    make_record(
        a.people["staff"],
        by=a.hr,
        day=day,
        kind=RewardKind.PUNISHMENT,
        type=RewardType.WARNING,
        blocks_until=blocks_until,
    )
    qa = to_decision(a, "staff", quarter)
    if blocked:
        with pytest.raises(ValidationError) as exc:
            services.quarterly_decide(assessment=qa, by=a.principal, grade="good")
        assert "警告" in exc.value.messages[0] and str(blocks_until) in exc.value.messages[0]
        assert blocked_people([qa.person_id], quarter) == {qa.person_id}
    else:
        assert services.quarterly_decide(assessment=qa, by=a.principal, grade="good").grade
        assert blocked_people([qa.person_id], quarter) == set()


def test_minor_record_does_not_block_good(personas):
    a = personas.a
    quarter = open_quarter(a)
    NegativeRecord.objects.create(
        region=a.region,
        person=a.people["staff"],
        source="petition",
        type="complaint",
        severity="minor",
        date=date(2026, 8, 1),
        recorded_by=a.discipline,
    )
    assert decided(a, "staff", quarter).grade == "good"


def test_ungraded_needs_reason_and_average_flags_mentoring(personas):
    a = personas.a
    quarter = open_quarter(a)
    qa = to_decision(a, "staff", quarter)
    with pytest.raises(ValidationError, match="情况说明"):
        services.quarterly_decide(assessment=qa, by=a.principal, grade="ungraded")
    qa = services.quarterly_decide(assessment=qa, by=a.principal, grade="average")
    assert qa.needs_mentoring
    other = services.quarterly_decide(
        assessment=to_decision(a, "staff2", quarter),
        by=a.principal,
        grade="ungraded",
        reason="本季度长期病假",
    )
    assert other.ungraded_reason == "本季度长期病假" and not other.needs_mentoring


def test_bulk_decide_over_the_quota_is_refused_as_a_whole(personas):
    """Issue 16 item 4: the outcome no longer depends on row order — 4 好 asked for 2 places
    changes nothing, and the message names the pool and how many places are over."""
    a = personas.a
    quarter = open_quarter(a)
    rows = [to_decision(a, k, quarter) for k in ("staff", "staff2", "unit_admin", "chief")]
    actions = ReviewAction.objects.count()
    result = services.quarterly_bulk_decide(decisions=[(qa, "good") for qa in rows], by=a.principal)
    assert result.done == 0 and not result.skipped
    (message,) = result.refused
    assert "a财政局 · 公务员" in message and "超出 2 名" in message and "剩余名额 2" in message
    assert set(
        QuarterlyAssessment.objects.filter(pk__in=[r.pk for r in rows]).values_list(
            "status", "grade"
        )
    ) == {(ReviewState.IN_REVIEW, "")}
    assert ReviewAction.objects.count() == actions


def test_bulk_decide_within_the_quota_reports_other_refusals_and_goes_on(personas):
    a = personas.a
    quarter = open_quarter(a)
    sanction(a, "staff2")
    rows = [to_decision(a, k, quarter) for k in ("staff", "staff2", "unit_admin")]
    grades = ["good", "good", "average"]
    result = services.quarterly_bulk_decide(
        decisions=list(zip(rows, grades, strict=True)), by=a.principal
    )
    assert result.done == 2 and not result.refused
    assert len(result.skipped) == 1 and "违规违纪违法" in result.skipped[0]
    assert QuarterlyAssessment.objects.get(pk=rows[0].pk).grade == "good"


def _rate_all(a, key, quarter, level):
    from indicators.services import indicator_systems_ensure, leader_ratings_save

    system = indicator_systems_ensure(region=a.region, year=2026)[a.category.pk]
    ids = system.indicators.filter(method="leader_rating").values_list("pk", flat=True)
    leader_ratings_save(
        person=a.people[key], quarter=quarter, levels=dict.fromkeys(ids, level), by=a.chief
    )


def test_bulk_approve_uses_the_band_of_ratings_given_after_submission(
    personas, django_capture_on_commit_callbacks
):
    """Issue 16 item 2: the record's band was copied at submission, before the chain's leader
    ratings (64 of 100 weight points) existed, so it was always empty; the bulk approval now
    reads the current band, and says why when there is none."""
    from indicators.models import QuarterScore

    a = personas.a
    quarter = open_quarter(a)
    rows = [submit(a, k, quarter) for k in ("staff", "staff2")]
    assert rows[0].band_grade == ""  # nothing rated at submission
    with django_capture_on_commit_callbacks(execute=True):
        _rate_all(a, "staff", quarter, "good")
    score = QuarterScore.objects.get(person=a.people["staff"], quarter=quarter)
    assert score.covered_weight >= 60 and score.suggested_grade
    result = services.quarterly_bulk_approve(assessments=rows, by=a.chief)
    assert result.done == 1 and "权重不足" in result.skipped[0]
    action = ReviewAction.objects.get(object_id=rows[0].pk, level=1)
    assert action.suggested_grade == score.suggested_grade


# -- publicity, feedback, appeal --------------------------------------------------------------


def _published(personas, today=date(2026, 10, 12)):  # a Monday
    a = personas.a
    quarter = open_quarter(a)
    decided(a, "staff", quarter, "average")
    decided(a, "staff2", quarter, "good")
    assert services.unit_publish(unit=a.unit, quarter=quarter, by=a.unit_admin, today=today) == 2
    return quarter


def test_publicity_window_then_final(personas):
    a = personas.a
    quarter = _published(personas)
    qa = record(a, "staff", quarter)
    assert qa.status == ReviewState.PUBLICISED
    assert (qa.publicity_start, qa.publicity_end) == (date(2026, 10, 12), date(2026, 10, 19))
    assert a.staff.notifications.filter(kind="result").exists()
    assert services.publicity_close(today=date(2026, 10, 19)) == 0
    assert services.publicity_close(today=date(2026, 10, 20)) == 2
    assert services.publicity_close(today=date(2026, 10, 20)) == 0
    qa.refresh_from_db()
    assert qa.status == ReviewState.CONFIRMED and qa.confirmed_at
    assert qa.history.first().history_change_reason == "公示期满，结果生效"


def test_only_leaders_publish(personas):
    a = personas.a
    quarter = open_quarter(a)
    decided(a, "staff", quarter)
    with pytest.raises(PermissionDenied):
        services.unit_publish(unit=a.unit, quarter=quarter, by=a.chief)
    with pytest.raises(PermissionDenied):
        services.unit_publish(unit=a.unit, quarter=quarter, by=personas.b.principal)


def test_opinion_disagree_needs_reason(personas):
    a = personas.a
    qa = record(a, "staff", _published(personas))
    with pytest.raises(ValidationError):
        services.quarterly_opinion(assessment=qa, by=a.staff, opinion="disagree")
    with pytest.raises(PermissionDenied):
        services.quarterly_opinion(assessment=qa, by=a.chief, opinion="agree")
    qa = services.quarterly_opinion(
        assessment=qa, by=a.staff, opinion="disagree", reason="工作量未被充分体现"
    )
    assert qa.opinion == "disagree" and qa.status == ReviewState.PUBLICISED


def test_appeal_window(personas):
    a = personas.a
    qa = record(a, "staff", _published(personas))  # publicity from 2026-10-12, 15 days
    with pytest.raises(ValidationError, match="已超过申诉期限"):
        services.appeal_create(assessment=qa, by=a.staff, reason="不服", today=date(2026, 10, 28))
    appeal = services.appeal_create(
        assessment=qa, by=a.staff, reason="不服", today=date(2026, 10, 27)
    )
    assert appeal.due == date(2026, 11, 26) and appeal.original_grade == "average"
    qa.refresh_from_db()
    assert qa.status == ReviewState.APPEALED
    with pytest.raises(ValidationError):
        services.appeal_create(assessment=qa, by=a.staff, reason="再次", today=date(2026, 10, 27))


def test_appeal_decided_outside_the_chain_changes_and_reissues(personas):
    a = personas.a
    qa = record(a, "staff", _published(personas))
    appeal = services.appeal_create(
        assessment=qa, by=a.staff, reason="成绩未计入", today=date(2026, 10, 13)
    )
    for insider in (a.principal, a.chief, a.staff, personas.b.district_admin):
        with pytest.raises(PermissionDenied):
            services.appeal_decide(
                appeal=appeal, by=insider, outcome="changed", new_grade="fairly_good", reason="x"
            )
    appeal = services.appeal_decide(
        appeal=appeal,
        by=a.district_admin,
        outcome="changed",
        new_grade="fairly_good",
        reason="经复核，重点任务完成情况未计入",
        today=date(2026, 10, 30),
    )
    qa.refresh_from_db()
    assert appeal.status == Appeal.Status.CHANGED
    assert qa.grade == "fairly_good" and not qa.needs_mentoring
    assert qa.status == ReviewState.CONFIRMED
    assert "一般 → 较好" in qa.history.first().history_change_reason
    assert ReviewAction.objects.filter(object_id=qa.pk, decision="redecide").exists()


def test_appeal_change_to_good_respects_the_quota(personas):
    a = personas.a
    quarter = _published(personas)  # staff2 has 好 (1 of 2)
    decided(a, "unit_admin", quarter, "good")  # 2 of 2
    qa = record(a, "staff", quarter)
    appeal = services.appeal_create(assessment=qa, by=a.staff, reason="x", today=date(2026, 10, 13))
    with pytest.raises(ValidationError, match="名额 2 已用 2"):
        services.appeal_decide(
            appeal=appeal,
            by=a.district_admin,
            outcome="changed",
            new_grade="good",
            reason="y",
            today=date(2026, 10, 14),
        )
    upheld = services.appeal_decide(
        appeal=appeal,
        by=a.district_admin,
        outcome="upheld",
        reason="维持",
        today=date(2026, 10, 14),
    )
    qa.refresh_from_db()
    assert upheld.status == "upheld" and qa.grade == "average"
    assert qa.status == ReviewState.PUBLICISED  # still inside the publicity period


# -- reminders ----------------------------------------------------------------------------------


def test_overdue_review_reminds_once_a_day_then_escalates(personas):
    from reviews.reminders import overdue_review_reminders

    a = personas.a
    qa = submit(a, "staff", open_quarter(a))
    arrived = timezone.make_aware(timezone.datetime(2026, 11, 2, 9))  # Monday
    QuarterlyAssessment.objects.filter(pk=qa.pk).update(pending_since=arrived)
    assert overdue_review_reminders(today=date(2026, 11, 9)) == 0  # 5 working days: due 11-09
    assert overdue_review_reminders(today=date(2026, 11, 10)) == 1
    assert overdue_review_reminders(today=date(2026, 11, 10)) == 0
    notice = a.chief.notifications.get()
    assert (notice.kind, notice.link) == ("review_overdue", f"/reviews/q/{qa.pk}/")
    assert not a.unit_admin.notifications.exists()
    # second miss: the reviewer again, and the unit's assessment admin (督办)
    assert overdue_review_reminders(today=date(2026, 11, 11)) == 2
    assert a.unit_admin.notifications.get().text.startswith("督办（第 2 次提醒）")


def test_publicity_ends_after_working_days_across_national_day(personas):
    """Published the day before 国庆: the holiday week does not count, the 调休 Saturday
    (2026-10-10) does."""
    a = personas.a
    quarter = open_quarter(a)
    qa = decided(a, "staff", quarter, "fairly_good")
    services.unit_publish(unit=a.unit, quarter=quarter, by=a.principal, today=date(2026, 9, 30))
    qa.refresh_from_db()
    assert (qa.publicity_start, qa.publicity_end) == (date(2026, 9, 30), date(2026, 10, 13))
