"""Demo year-end appraisal: 2025 closed and fully decided (so archives show two years), 2026 in
year-end — opened with the real service (coded outcomes from hire dates and sanctions), and in
区财政局 people at every stage: summary draft, with the section chief, proposed, decided with a
notice, a 复核 filed. The demo "staff" user's own record stays a draft to walk through.

Principal leaders and leaders in charge are flagged as leadership members (decided by the
district admin); a few people hired in 2026 are on probation (5A). 2025 goes in with bulk
inserts (history rows included); 2026's stages go through the services, for one unit only."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time

from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from assessment.models import (
    AnnualAssessment,
    Membership,
    Person,
    QuarterlyAssessment,
    Role,
    Unit,
    UnitYear,
)
from assessment.periods import assessment_year

from ..models import Decision, ReviewState
from . import services
from .contests import contest_file
from .opening import year_open
from .rules import excellent_places

DECISION_DAY = date(2026, 12, 1)
NOTICE_2025 = date(2026, 1, 16)
SUMMARY = "2025年认真履行岗位职责，圆满完成年度目标任务，遵守工作纪律，廉洁自律。"


def seed_region(region, rng: random.Random) -> None:
    _leadership_and_hires(region, rng)
    _closed_2025(region, rng)
    year_open(region=region, year=2026)
    _stages_2026(region, rng)


def _leadership_and_hires(region, rng) -> None:
    leaders = set(
        Membership.objects.filter(
            region=region, role__in=(Role.PRINCIPAL_LEADER, Role.LEADER_IN_CHARGE)
        ).values_list("user_id", flat=True)
    )
    people = list(Person.objects.filter(region=region, is_active=True).order_by("pk"))
    changed = []
    for person in people:
        if person.user_id in leaders:
            person.is_leadership_member = True
            changed.append(person)
        elif person.user and person.user.username not in ("staff",) and rng.random() < 0.01:
            person.hire_date = date(2026, rng.randint(2, 9), 1)
            changed.append(person)
    bulk_update_with_history(
        changed,
        Person,
        ["is_leadership_member", "hire_date"],
        default_change_reason="演示数据：领导班子成员、录用日期",
    )


def _closed_2025(region, rng) -> None:
    year = assessment_year(region, 2025)
    admin = (
        Membership.objects.filter(region=region, role=Role.DISTRICT_ADMIN)
        .values_list("user_id", flat=True)
        .first()
    )
    principals = dict(
        Membership.objects.filter(region=region, role=Role.PRINCIPAL_LEADER).values_list(
            "unit_id", "user_id"
        )
    )
    UnitYear.objects.bulk_create(
        [
            UnitYear(region_id=region.pk, unit_id=u, year=year)
            for u in Unit.objects.filter(region=region).values_list("pk", flat=True)
        ],
        ignore_conflicts=True,
    )
    people = list(Person.objects.filter(region=region, is_active=True).order_by("pk"))
    groups = defaultdict(list)
    for p in people:
        key = ("leadership",) if p.is_leadership_member else (p.unit_id, p.kind)
        groups[key].append(p)
    decided_at = timezone.make_aware(datetime.combine(NOTICE_2025, time(10)))
    rows = []
    for key, members in groups.items():
        excellent = set(
            p.pk for p in rng.sample(members, excellent_places(20, len(members), "half_up"))
        )
        for p in members:
            if p.pk in excellent:
                grade = "excellent"
            elif rng.random() < 0.02:
                grade = "basically_qualified" if p.kind == "seconded" else "basically_competent"
            else:
                grade = "qualified" if p.kind == "seconded" else "competent"
            leadership = key == ("leadership",)
            rows.append(
                AnnualAssessment(
                    region_id=region.pk,
                    year=year,
                    person_id=p.pk,
                    unit_id=p.unit_id,
                    section_id=p.section_id,
                    person_kind=p.kind,
                    is_leadership_member=leadership,
                    status=ReviewState.CONFIRMED,
                    summary=SUMMARY,
                    training="参加区委党校脱产培训 5 天。",
                    proposed_grade=grade,
                    leader_comment="政治坚定，工作扎实，完成年度任务。",
                    grade=grade,
                    deciding_body="district" if leadership else "unit_head",
                    decided_by_id=admin if leadership else principals.get(p.unit_id, admin),
                    decided_at=decided_at,
                    notice_date=NOTICE_2025,
                    opinion="agree",
                    opinion_at=decided_at,
                )
            )
    AnnualAssessment.objects.bulk_create(rows, batch_size=1000)
    if rows and rows[0].pk is None:
        ids = dict(AnnualAssessment.objects.filter(year=year).values_list("person_id", "pk"))
        for row in rows:
            row.pk = row.id = ids[row.person_id]
    AnnualAssessment.history.bulk_history_create(
        rows, batch_size=1000, default_change_reason="2025 年度考核（演示数据）"
    )


def _stages_2026(region, rng) -> None:
    # the demo logins' unit (区财政局 in a full-size seed)
    unit = Unit.objects.filter(region=region, people__user__username="staff").first()
    if unit is None:
        return
    records = list(
        AnnualAssessment.objects.filter(
            unit=unit, year__year=2026, participates=True, is_leadership_member=False
        )
        .select_related("person__user", "year")
        .order_by("person__staff_no")
    )
    good_q3 = set(
        QuarterlyAssessment.objects.filter(
            unit=unit, quarter__year__year=2026, quarter__number=3, grade="good"
        ).values_list("person_id", flat=True)
    )
    principal = (
        Membership.objects.filter(unit=unit, role=Role.PRINCIPAL_LEADER)
        .select_related("user")
        .first()
    )
    users = {}
    excellent_left = 1
    for i, aa in enumerate(records):
        user = aa.person.user
        if user is None or aa.outcome_code or user.username == "staff":
            continue  # the demo staff member walks their own year
        stage = i % 5
        aa = services.annual_summary_save(
            assessment=aa,
            by=user,
            summary="2026年认真履行岗位职责，完成年度目标任务。",
            training="无",
            submit=stage > 0,
        )
        if stage < 2 or aa.status != ReviewState.IN_REVIEW:
            continue
        grade = "excellent" if aa.person_id in good_q3 and excellent_left else "competent"
        if aa.person_kind == "seconded":
            grade = "qualified"
        while aa.status == ReviewState.IN_REVIEW:
            reviewer = users.get(aa.pending_user_id)
            if reviewer is None:
                reviewer = users[aa.pending_user_id] = type(user).objects.get(pk=aa.pending_user_id)
            aa = services.annual_review(
                assessment=aa,
                by=reviewer,
                decision=Decision.APPROVE,
                comment=rng.choice(("工作扎实，完成年度任务。", "责任心强，业务熟练。")),
                suggested_grade=grade,
            )
        if stage < 3 or principal is None:
            continue
        aa = services.annual_decide(
            assessment=aa, by=principal.user, grade=grade, body="unit_head", today=DECISION_DAY
        )
        if grade == "excellent":
            excellent_left -= 1
        if stage == 4:
            contest_file(
                assessment=aa,
                by=user,
                stage="reexam",
                reason="本人认为全年工作成绩突出，申请复核。",
                today=DECISION_DAY,
            )
