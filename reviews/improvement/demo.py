"""Demo 不足提醒 and 导师帮带 (after reviews.demo): across the region, about one reminder per ten
people and a mentoring case for every 2026Q3 一般/较差; in 区财政局, open and closed reminders for
the demo staff member, a case closed 已改进 and one whose return visit is due, and unread
notifications for the `staff` and `section_chief` logins. Bulk inserts, history rows included."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from assessment.models import (
    Membership,
    Person,
    QuarterGrade,
    QuarterlyAssessment,
    Role,
    User,
)
from assessment.periods import quarter_for
from notifications.services import Note, notify

from .models import DeficiencyReminder, MentoringCase, ReturnVisit
from .services import categories_for

YEAR = 2026
SHORTFALLS = (
    ("作风", "会议迟到，工作纪律意识有待加强", "按时参会，严格遵守作息制度"),
    ("工作", "材料报送不及时，影响整体进度", "建立工作台账，按时限报送"),
    ("能力", "公文写作不够规范", "参加公文写作培训，提交两篇修改稿"),
    ("纪律", "外出未按规定报备", "严格执行请销假和外出报备制度"),
    ("思想", "理论学习笔记不完整", "补齐学习笔记，按月参加集中学习"),
)


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


def seed_region(region, rng: random.Random) -> None:
    categories = {c.name: c for c in categories_for(region)}
    q3, q4 = quarter_for(region, YEAR, 3), quarter_for(region, YEAR, 4)
    people = list(Person.objects.filter(region=region, is_active=True).select_related("user"))
    chiefs = dict(
        Membership.objects.filter(region=region, role=Role.SECTION_CHIEF).values_list(
            "section_id", "user_id"
        )
    )
    rows = []
    for p in people:
        issuer = chiefs.get(p.section_id)
        if not issuer or issuer == p.user_id or rng.random() > 0.1:
            continue
        cat, shortfall, expectation = rng.choice(SHORTFALLS)
        quarter = rng.choice((q3, q4))
        issued = quarter.start + timedelta(days=rng.randrange(0, 50))
        done = issued < date(YEAR, 10, 15) or rng.random() < 0.4
        rows.append(
            DeficiencyReminder(
                region=region,
                unit_id=p.unit_id,
                section_id=p.section_id,
                person=p,
                quarter=quarter,
                issued_by_id=issuer,
                issued_at=_at(issued),
                kind=rng.choice(DeficiencyReminder.Kind.values),
                category=categories[cat],
                shortfall=shortfall,
                expectation=expectation,
                due=issued + timedelta(days=30),
                status=DeficiencyReminder.Status.ACCEPTED
                if done
                else DeficiencyReminder.Status.ACKNOWLEDGED,
                acknowledged_at=_at(issued + timedelta(days=1)),
                rectification="已按要求整改。" if done else "",
                rectified_at=_at(issued + timedelta(days=10)) if done else None,
                closed_at=_at(issued + timedelta(days=12)) if done else None,
            )
        )
    bulk_create_with_history(rows, DeficiencyReminder, default_change_reason="演示数据")

    graded = list(
        QuarterlyAssessment.objects.filter(
            quarter=q3, grade__in=(QuarterGrade.AVERAGE, QuarterGrade.POOR)
        ).only("pk", "region_id", "unit_id", "person_id", "grade")
    )
    cases = [
        MentoringCase(
            region=region,
            unit_id=qa.unit_id,
            person_id=qa.person_id,
            assessment=qa,
            grade=qa.grade,
            opened_at=_at(date(YEAR, 10, 20)),
        )
        for qa in graded
    ]
    bulk_create_with_history(cases, MentoringCase, default_change_reason="演示数据")
    _demo_unit(region, q3, q4, categories)


def _demo_unit(region, q3, q4, categories) -> None:
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=("staff", "section_chief", "unit_admin"), person__region=region
        ).select_related("person__unit")
    }
    if len(users) < 3:
        return  # the demo logins live in the main district only
    unit = users["staff"].person.unit  # 区财政局 (the seed's demo unit)
    staff, chief = users["staff"], users["section_chief"]
    person = staff.person
    today = timezone.localdate()
    demo = [
        DeficiencyReminder(
            region=region,
            unit=unit,
            section_id=person.section_id,
            person=person,
            quarter=q4,
            issued_by=chief,
            issued_at=_at(today - timedelta(days=3)),
            kind="random",
            category=categories["作风"],
            shortfall="本周两次晨会迟到",
            expectation="按时参会，说明原因",
            due=today + timedelta(days=7),
        ),
        DeficiencyReminder(
            region=region,
            unit=unit,
            section_id=person.section_id,
            person=person,
            quarter=q3,
            issued_by=chief,
            issued_at=_at(date(YEAR, 8, 5)),
            kind="regular",
            category=categories["工作"],
            shortfall="季度信息报送延误两次",
            expectation="建立报送台账",
            due=date(YEAR, 9, 5),
            status="accepted",
            acknowledged_at=_at(date(YEAR, 8, 6)),
            rectification="已建立台账并按时报送",
            rectified_at=_at(date(YEAR, 8, 30)),
            review_comment="整改到位，同意销号",
            closed_at=_at(date(YEAR, 9, 1)),
        ),
    ]
    bulk_create_with_history(demo, DeficiencyReminder, default_change_reason="演示数据")
    # two cases in the demo unit: one closed 已改进, one open with a visit due this quarter
    others = list(
        Person.objects.filter(unit=unit, is_active=True, user__isnull=False)
        .exclude(pk__in=(person.pk, chief.person.pk))
        .order_by("staff_no")[:3]
    )
    if len(others) == 3:
        mentor, mentees = others[0], others[1:]
        opened = _at(date(YEAR, 7, 15))
        made = []
        for mentee, status in zip(mentees, ("closed", "open"), strict=True):
            qa = QuarterlyAssessment.objects.filter(person=mentee, quarter=q3).first()
            if qa is None or MentoringCase.objects.filter(assessment=qa).exists():
                continue
            made.append(
                MentoringCase(
                    region=region,
                    unit=unit,
                    person=mentee,
                    assessment=qa,
                    grade=QuarterGrade.AVERAGE,
                    opened_at=opened,
                    mentor=mentor,
                    assigned_by=users["unit_admin"],
                    assigned_at=opened,
                    targets="提高材料撰写质量，按期完成重点任务",
                    status=status,
                    result="improved" if status == "closed" else "",
                    result_note="回访显示工作明显改进" if status == "closed" else "",
                    closed_at=_at(date(YEAR, 11, 20)) if status == "closed" else None,
                )
            )
        bulk_create_with_history(made, MentoringCase, default_change_reason="演示数据")
        visits = [
            ReturnVisit(
                case=c,
                quarter=q3,
                date=date(YEAR, 9, 20),
                summary="谈心谈话，分析差距",
                progress="按时完成本月任务",
                next_step="继续跟踪",
                recorded_by=mentor.user,
            )
            for c in made
        ]
        bulk_create_with_history(visits, ReturnVisit, default_change_reason="演示数据")
    link = "/reviews/deficiencies/"
    notify(
        [
            Note(
                staff.pk,
                region.pk,
                "deficiency",
                "demo:def",
                "您收到一条不足提醒（作风），请于一周内整改。",
                link,
            ),
            Note(
                staff.pk,
                region.pk,
                "result",
                "demo:result",
                "2026Q3 考核结果已确认，请查看。",
                "/reviews/mine/",
            ),
            Note(
                chief.pk,
                region.pk,
                "rectification",
                "demo:rect",
                "有 1 条不足提醒待跟踪整改。",
                link,
            ),
            Note(
                chief.pk,
                region.pk,
                "review_overdue",
                "demo:queue",
                "有季度考核待您审核，请及时处理。",
                "/reviews/queue/",
            ),
        ]
    )
