"""Demo quarterly reviews: 2026Q3 fully decided, publicised and confirmed for everyone (grades
from the indicator bands, within the 好 quota, sanctions respected, a few 一般 flagged for
mentoring); 2026Q4 mid-review — in 区财政局 records wait at each level, and the demo "staff"
user's own record is still a draft so a new user can walk it through the whole chain.

Written with bulk operations (history rows included) so a 1,300-person region seeds in seconds;
the states are the ones the services would have produced, with the review trail alongside."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.utils import timezone

from assessment.calendar import add_working_days
from assessment.chain import reviewer_chains
from assessment.models import (
    Membership,
    Person,
    Quarter,
    QuarterGrade,
    QuarterlyAssessment,
    Role,
    Unit,
)
from assessment.periods import quarter_for
from indicators.models import QuarterScore

from .engine import REGION_LEVEL
from .models import Decision, QuotaGroup, QuotaGroupMember, ReviewAction, ReviewState
from .opening import _ensure_unit_quarters
from .quota import PoolMap, good_places
from .rules import blocked_people

YEAR = 2026
DEMO_UNIT = "区财政局"
SUMMARY = (
    "本季度认真履行岗位职责，按时完成{n}项重点工作，纪实填报及时；"
    "积极参加业务学习，遵守工作纪律。不足：调查研究还不够深入，下季度加强。"
)
COMMENTS = (
    "工作扎实，完成情况较好。",
    "同意本人小结。",
    "责任心强，建议继续保持。",
    "按期完成任务。",
)


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def seed_region(region, rng: random.Random) -> None:
    q3, q4 = quarter_for(region, YEAR, 3), quarter_for(region, YEAR, 4)
    _quota_group(region, q3.year)
    for quarter in (q3, q4):
        _ensure_unit_quarters(region, quarter)
    people = {p.pk: p for p in Person.objects.filter(region=region).select_related("user")}
    chains = {
        pk: [[s.level, s.user_id] for s in c] for pk, c in reviewer_chains(people.values()).items()
    }
    admin = (
        Membership.objects.filter(region=region, role=Role.DISTRICT_ADMIN)
        .values_list("user_id", flat=True)
        .first()
    )
    for pk, chain in chains.items():
        if not chain:
            chains[pk] = [[REGION_LEVEL, None]]
    trail: list[ReviewAction] = []
    ct = ContentType.objects.get_for_model(QuarterlyAssessment)
    _decide_q3(region, q3, people, chains, admin, rng, trail, ct)
    _mid_review_q4(region, q4, people, chains, admin, rng, trail, ct)
    ReviewAction.objects.bulk_create(
        [ReviewAction(object_id=qa.pk, **fields) for qa, fields in trail], batch_size=2000
    )
    Quarter.objects.filter(pk=q3.pk).update(status=Quarter.Status.CLOSED)
    Quarter.objects.filter(pk=q4.pk).update(status=Quarter.Status.OPEN)


def _quota_group(region, year) -> None:
    """Two of the smallest units (not the demo logins' unit) share one 好 quota pool."""
    sizes = (
        Person.objects.filter(region=region, is_active=True, kind=Person.Kind.CIVIL_SERVANT)
        .exclude(unit__name=DEMO_UNIT)
        .values("unit_id")
        .annotate(n=Count("pk"))
        .order_by("n", "unit_id")
    )
    small = [row["unit_id"] for row in sizes[:2]]
    if len(small) < 2:
        return
    group = QuotaGroup.objects.create(region=region, year=year, name="小单位合并名额组")
    QuotaGroupMember.objects.bulk_create(
        [QuotaGroupMember(group=group, year=year, unit_id=u) for u in small]
    )


def _fresh_records(region, quarter, people) -> list[QuarterlyAssessment]:
    """The quarter's records as quarter_open makes them, not yet saved (the demo fills in their
    states and inserts them in one go: far faster than updating them afterwards)."""
    return [
        QuarterlyAssessment(
            region_id=region.pk,
            quarter=quarter,
            person_id=p.pk,
            unit_id=p.unit_id,
            section_id=p.section_id,
            person_kind=p.kind,
        )
        for p in people.values()
        if p.is_active
    ]


def _insert(records, reason: str) -> None:
    QuarterlyAssessment.objects.bulk_create(records, batch_size=1000)
    QuarterlyAssessment.history.bulk_history_create(
        records, batch_size=1000, default_change_reason=reason
    )


def _action(trail, ct, qa, *, actor, decision, before, after, at, level=None, grade="", comment=""):
    """Queue a trail entry; it is written once the record has its id."""
    if actor is None:
        return
    trail.append(
        (
            qa,
            {
                "region_id": qa.region_id,
                "content_type": ct,
                "actor_id": actor,
                "level": level,
                "decision": decision,
                "from_status": before,
                "to_status": after,
                "suggested_grade": grade,
                "comment": comment,
                "at": at,
            },
        )
    )


def _scores(quarter) -> dict[int, QuarterScore]:
    return {
        s.person_id: s
        for s in QuarterScore.objects.filter(quarter=quarter).only(
            "person_id", "score", "covered_weight", "suggested_grade"
        )
    }


def _q3_grades(records, scores, blocked, year) -> dict[int, str]:
    """Band grades, with 好 capped per unit and group by score, sanctions respected, and at least
    a couple of 一般 in the region so the mentoring flag shows."""
    grades: dict[int, str] = {}
    groups: dict[tuple, list] = defaultdict(list)
    pmap = PoolMap.load(year.pk)
    for qa in records:
        s = scores.get(qa.person_id)
        band = (s.suggested_grade if s else "") or QuarterGrade.FAIRLY_GOOD
        grades[qa.person_id] = band
        groups[pmap.key_of(qa.unit_id, qa.section_id, qa.person_kind, False)].append(qa)
    for members in groups.values():
        places = good_places(year.good_quota_percent, len(members), min_one=year.good_quota_min_one)
        ranked = sorted(
            (qa for qa in members if grades[qa.person_id] == QuarterGrade.GOOD),
            key=lambda qa: -(scores[qa.person_id].score or 0) if qa.person_id in scores else 0,
        )
        granted = 0
        for qa in ranked:
            if qa.person_id in blocked or granted >= places:
                grades[qa.person_id] = QuarterGrade.FAIRLY_GOOD
            else:
                granted += 1
    if sum(1 for g in grades.values() if g in (QuarterGrade.AVERAGE, QuarterGrade.POOR)) < 2:
        lowest = sorted(
            records,
            key=lambda qa: scores[qa.person_id].score or 0 if qa.person_id in scores else 999,
        )
        for qa in [r for r in lowest if grades[r.person_id] != QuarterGrade.GOOD][:3]:
            grades[qa.person_id] = QuarterGrade.AVERAGE
    return grades


def _snapshot(qa, s) -> None:
    """The score as services.snapshot_score copies it onto the record."""
    qa.score, qa.score_covered, qa.band_grade = (
        (s.score, s.covered_weight, s.suggested_grade) if s else (None, None, "")
    )


def _decide_q3(region, quarter, people, chains, admin, rng, trail, ct) -> None:
    records = _fresh_records(region, quarter, people)
    scores = _scores(quarter)
    blocked = blocked_people([qa.person_id for qa in records], quarter)
    grades = _q3_grades(records, scores, blocked, quarter.year)
    submitted = _at(date(YEAR, 10, 9), 9)
    decided_day = date(YEAR, 10, 9)
    start = date(YEAR, 10, 12)
    end = add_working_days(region.pk, start, quarter.year.publicity_working_days)
    for qa in records:
        chain = chains[qa.person_id]
        grade = grades[qa.person_id]
        s = scores.get(qa.person_id)
        qa.summary = SUMMARY.format(n=rng.randint(3, 8))
        qa.self_grade = rng.choice((QuarterGrade.GOOD, QuarterGrade.FAIRLY_GOOD))
        qa.chain, qa.submitted_at = chain, submitted
        _snapshot(qa, s)
        qa.grade, qa.needs_mentoring = grade, grade in (QuarterGrade.AVERAGE, QuarterGrade.POOR)
        decider = chain[-1][1] or admin
        qa.decided_by_id, qa.decided_at = decider, _at(decided_day, 16)
        qa.publicity_start, qa.publicity_end = start, end
        qa.confirmed_at = _at(end + timedelta(days=1), 1)
        qa.status, qa.pending_level, qa.pending_user_id, qa.pending_since = (
            ReviewState.CONFIRMED,
            None,
            None,
            None,
        )
        qa.opinion, qa.opinion_at = "agree", _at(start, 15)
        user = people[qa.person_id].user_id
        _action(
            trail,
            ct,
            qa,
            actor=user,
            decision=Decision.SUBMIT,
            before="draft",
            after="in_review",
            at=submitted,
        )
        for i, (level, uid) in enumerate(chain):
            last = i == len(chain) - 1
            _action(
                trail,
                ct,
                qa,
                actor=uid or admin,
                level=level,
                decision=Decision.DECIDE if last else Decision.APPROVE,
                before="in_review",
                after="decided" if last else "in_review",
                at=_at(decided_day, 10 + i),
                grade=grade,
                comment=rng.choice(COMMENTS),
            )
        _action(
            trail,
            ct,
            qa,
            actor=decider,
            decision=Decision.PUBLISH,
            before="decided",
            after="publicised",
            at=_at(start, 9),
            comment=f"公示至 {end}",
        )
        _action(
            trail,
            ct,
            qa,
            actor=user,
            decision=Decision.OPINION,
            before="publicised",
            after="publicised",
            at=_at(start, 15),
            comment="同意",
        )
    _insert(records, "演示数据：2026Q3 已审定、公示并确认")


def _mid_review_q4(region, quarter, people, chains, admin, rng, trail, ct) -> None:
    """Q4 in the demo unit: the staff user's record stays a draft; of the others, about a third
    wait at their first level, a third have moved one level on, the rest wait at the last
    level (the principal's decide screen). Elsewhere: drafts, some submitted to level 1."""
    records = _fresh_records(region, quarter, people)
    # the demo logins' unit (区财政局 in the full demo): where the staff user works
    demo_units = set(
        Person.objects.filter(region=region, user__username="staff").values_list(
            "unit_id", flat=True
        )
    ) or set(Unit.objects.filter(region=region, name=DEMO_UNIT).values_list("pk", flat=True))
    scores = _scores(quarter)
    base = _at(date(YEAR, 11, 20), 9)
    for qa in records:
        person = people[qa.person_id]
        user = person.user_id
        in_demo_unit = qa.unit_id in demo_units
        if user is None or (person.user and person.user.username == "staff"):
            continue
        chain = chains[qa.person_id]
        if in_demo_unit:
            depth = rng.choice((0, 1, 2)) if len(chain) > 1 else 0
            depth = min(depth, len(chain) - 1)
        elif rng.random() < 0.4:
            depth = 0
        else:
            continue
        s = scores.get(qa.person_id)
        qa.summary = SUMMARY.format(n=rng.randint(2, 6))
        qa.self_grade = rng.choice((QuarterGrade.GOOD, QuarterGrade.FAIRLY_GOOD, ""))
        qa.chain, qa.submitted_at = chain, base
        _snapshot(qa, s)
        qa.status = ReviewState.IN_REVIEW
        qa.pending_level, qa.pending_user_id = chain[depth]
        qa.pending_since = _at(date(YEAR, 11, 20) + timedelta(days=depth), 9)
        _action(
            trail,
            ct,
            qa,
            actor=user,
            decision=Decision.SUBMIT,
            before="draft",
            after="in_review",
            at=base,
        )
        for i in range(depth):
            level, uid = chain[i]
            _action(
                trail,
                ct,
                qa,
                actor=uid,
                level=level,
                decision=Decision.APPROVE,
                before="in_review",
                after="in_review",
                at=qa.pending_since,
                grade=qa.band_grade or QuarterGrade.FAIRLY_GOOD,
                comment=rng.choice(COMMENTS),
            )
    _insert(records, "演示数据：2026Q4 审核中")
