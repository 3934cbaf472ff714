"""Summary, proposal by levels 1–2, the decision within the quota and eligibility, the deciding
body, leadership members, seconded staff's scale, the window, 本人意见."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessment.models import Person, UnitYear
from reviews.annual import services
from reviews.models import Decision, ReviewState

from .helpers import DECISION_DAY, annual, decided, open_year, proposed, quarter_grades

pytestmark = pytest.mark.django_db

G, FG, A = "good", "fairly_good", "average"


def test_levels_one_and_two_propose_and_the_principal_decides(personas):
    a = personas.a
    open_year(a)
    aa = annual(a, "staff")
    aa = services.annual_summary_save(
        assessment=aa, by=a.staff, summary="总结", training="脱产培训 5 天", submit=True
    )
    assert [lvl for lvl, _uid in aa.chain] == [1, 2]  # the 主管领导 only, not the principal
    with pytest.raises(ValidationError):  # a proposal needs a 评语
        services.annual_review(
            assessment=aa, by=a.chief, decision=Decision.APPROVE, suggested_grade="competent"
        )
    with pytest.raises(PermissionDenied):
        services.annual_review(
            assessment=aa,
            by=a.leader,
            decision=Decision.APPROVE,
            comment="x",
            suggested_grade="competent",
        )
    aa = services.annual_review(
        assessment=aa,
        by=a.chief,
        decision=Decision.APPROVE,
        comment="扎实",
        suggested_grade="competent",
    )
    aa = services.annual_review(
        assessment=aa,
        by=a.leader,
        decision=Decision.APPROVE,
        comment="称职，工作扎实",
        suggested_grade="competent",
    )
    assert aa.status == ReviewState.APPROVED
    assert (aa.proposed_grade, aa.leader_comment) == ("competent", "称职，工作扎实")
    aa = services.annual_decide(
        assessment=aa, by=a.principal, grade="competent", body="unit_head", today=DECISION_DAY
    )
    assert aa.status == ReviewState.DECIDED and aa.grade == "competent"
    assert (aa.deciding_body, aa.decided_by, aa.notice_date) == (
        "unit_head",
        a.principal,
        DECISION_DAY,
    )
    assert "机关负责人审定：称职" in aa.history.first().history_change_reason


def test_committee_decision_records_its_members(personas):
    a = personas.a
    open_year(a)
    aa = proposed(a, "staff")
    with pytest.raises(ValidationError) as exc:
        services.annual_decide(
            assessment=aa, by=a.unit_admin, grade="competent", body="committee", today=DECISION_DAY
        )
    assert "委员会成员" in str(exc.value)
    with pytest.raises(PermissionDenied):  # the unit admin records only a committee's decision
        services.annual_decide(
            assessment=aa, by=a.unit_admin, grade="competent", body="unit_head", today=DECISION_DAY
        )
    aa = services.annual_decide(
        assessment=aa,
        by=a.unit_admin,
        grade="competent",
        body="committee",
        members="张三（主任）、李四、王五",
        today=DECISION_DAY,
    )
    assert aa.deciding_body == "committee" and aa.committee_members.startswith("张三")


@pytest.mark.parametrize("who", ["chief", "leader", "staff2", "district_admin", "b.principal"])
def test_others_cannot_decide_a_unit_member(personas, who):
    a = personas.a
    open_year(a)
    aa = proposed(a, "staff")
    user = personas.b.principal if who == "b.principal" else a.users[who]
    with pytest.raises(PermissionDenied):
        services.annual_decide(
            assessment=aa, by=user, grade="competent", body="unit_head", today=DECISION_DAY
        )


def test_leadership_members_are_decided_by_the_district_admin(personas):
    a = personas.a
    Person.objects.filter(pk=a.people["leader"].pk).update(is_leadership_member=True)
    open_year(a)
    aa = proposed(a, "leader")
    with pytest.raises(PermissionDenied):
        services.annual_decide(
            assessment=aa, by=a.principal, grade="competent", body="unit_head", today=DECISION_DAY
        )
    aa = services.annual_decide(
        assessment=aa, by=a.district_admin, grade="competent", body="district", today=DECISION_DAY
    )
    assert aa.deciding_body == "district"


def test_decision_outside_the_window_is_refused_with_the_dates(personas):
    a = personas.a
    open_year(a)
    aa = proposed(a, "staff")
    with pytest.raises(ValidationError) as exc:
        services.annual_decide(
            assessment=aa,
            by=a.principal,
            grade="competent",
            body="unit_head",
            today=date(2026, 11, 30),
        )
    assert "2026-12-01 至 2027-03-31" in str(exc.value)
    assert annual(a, "staff").status == ReviewState.APPROVED


def test_seconded_staff_use_the_institution_scale(personas):
    a = personas.a
    Person.objects.filter(pk=a.people["staff2"].pk).update(kind="seconded")
    open_year(a)
    aa = proposed(a, "staff2", "qualified")
    with pytest.raises(ValidationError) as exc:
        services.annual_decide(
            assessment=aa, by=a.principal, grade="competent", body="unit_head", today=DECISION_DAY
        )
    assert "优秀、合格、基本合格、不合格" in str(exc.value)
    aa = services.annual_decide(
        assessment=aa, by=a.principal, grade="qualified", body="unit_head", today=DECISION_DAY
    )
    assert aa.get_grade_display() == "合格"


def test_a_grade_for_a_coded_outcome_is_refused_and_the_code_is_decided(personas):
    a = personas.a
    Person.objects.filter(pk=a.people["staff"].pk).update(hire_date=date(2026, 5, 1))
    open_year(a)
    aa = annual(a, "staff")
    assert aa.outcome_code == "5A"
    with pytest.raises(ValidationError) as exc:
        services.annual_decide(
            assessment=aa, by=a.principal, grade="competent", body="unit_head", today=DECISION_DAY
        )
    assert "不评定等次" in str(exc.value)
    aa = services.annual_decide(
        assessment=aa, by=a.principal, grade="", body="unit_head", today=DECISION_DAY
    )
    assert (
        aa.status == ReviewState.DECIDED
        and aa.grade == ""
        and aa.result_label.startswith("不定等次")
    )


def test_excellent_refused_by_the_rule_with_the_facts(personas):
    a = personas.a
    open_year(a)
    quarter_grades(a, "staff", [G, FG, FG, FG])
    aa = proposed(a, "staff", "excellent")
    with pytest.raises(ValidationError) as exc:
        services.annual_decide(
            assessment=aa, by=a.principal, grade="excellent", body="unit_head", today=DECISION_DAY
        )
    assert "本年度“好”1次，少于已评季度（4个）的50%" in str(exc.value)
    assert annual(a, "staff").grade == ""


def test_excellent_quota_per_group_refuses_the_excess(personas):
    a = personas.a
    for i in range(7):  # 14 civil servants in the unit's group with the cast's
        Person.objects.create(
            region=a.region,
            unit=a.unit,
            section=a.section,
            name=f"x{i}",
            staff_no=f"x{i}",
            gender="M",
        )
    open_year(a)
    # graded civil servants of a.unit: principal, leader, chief, staff, staff2, unit_admin + 7 = 13
    # 20 % × 13 = 2.6 → 3 places (half-up); set the unit to 15 %: 1.95 → 2 places
    unit_year = UnitYear.objects.get(unit=a.unit)
    services.unit_rate_set(unit_year=unit_year, by=a.district_admin, percent=15, reason="评选结果")
    for key in ("staff", "staff2", "chief"):
        quarter_grades(a, key, [G, G, G, FG])
    decided(a, "staff", "excellent")
    decided(a, "staff2", "excellent")
    aa = proposed(a, "chief", "excellent")
    with pytest.raises(ValidationError) as exc:
        services.annual_decide(
            assessment=aa, by=a.principal, grade="excellent", body="unit_head", today=DECISION_DAY
        )
    assert "本年度“优秀”名额 2 已用 2（公务员参加定等次 13 人 × 15%，四舍五入）" in str(exc.value)


@pytest.mark.parametrize("percent", [14, 36])
def test_unit_rate_outside_the_range_is_refused(personas, percent):
    a = personas.a
    open_year(a)
    unit_year = UnitYear.objects.get(unit=a.unit)
    with pytest.raises(ValidationError) as exc:
        services.unit_rate_set(
            unit_year=unit_year, by=a.district_admin, percent=percent, reason="x"
        )
    assert "15%–35%" in str(exc.value)
    unit_year.refresh_from_db()
    assert unit_year.excellent_percent is None


def test_unit_rate_only_by_the_district_admin_and_in_history(personas):
    a = personas.a
    open_year(a)
    unit_year = UnitYear.objects.get(unit=a.unit)
    for user in (a.unit_admin, a.principal, personas.b.district_admin):
        with pytest.raises(PermissionDenied):
            services.unit_rate_set(unit_year=unit_year, by=user, percent=25, reason="x")
    services.unit_rate_set(unit_year=unit_year, by=a.district_admin, percent=25, reason="优秀单位")
    unit_year.refresh_from_db()
    assert unit_year.excellent_percent == 25 and unit_year.rate_set_by == a.district_admin
    assert "默认 → 25%" in unit_year.history.first().history_change_reason


def test_opinion_on_the_notice(personas):
    a = personas.a
    open_year(a)
    aa = decided(a, "staff")
    with pytest.raises(PermissionDenied):
        services.annual_opinion(assessment=aa, by=a.staff2, opinion="agree")
    with pytest.raises(ValidationError):
        services.annual_opinion(assessment=aa, by=a.staff, opinion="disagree", reason="")
    aa = services.annual_opinion(assessment=aa, by=a.staff, opinion="disagree", reason="有异议")
    assert (aa.opinion, aa.opinion_reason) == ("disagree", "有异议")
