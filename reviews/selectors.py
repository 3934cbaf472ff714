"""Reads for the quarterly review pages, scoped to the acting account. Page selectors keep their
query count constant in the number of rows."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, Subquery
from django.http import Http404
from django.utils import timezone

from assessment.models import (
    KeyTask,
    Person,
    Quarter,
    QuarterGrade,
    QuarterlyAssessment,
    Role,
    Unit,
    WorkLog,
)
from assessment.periods import parse_quarter_code
from assessment.tenancy import get_or_404, scope_for
from indicators.models import AttendanceRecord, NegativeRecord, QuarterScore
from rewards.models import RewardRecord

from .engine import REGION_LEVEL
from .improvement.selectors import deficiency_line, person_deficiency_summary
from .models import LEVEL_NAMES, Appeal, Decision, Delegation, ReviewState
from .quota import PoolMap, leader_flag, quota_pools
from .rules import blocked_people

REVIEWER_ROLES = (Role.SECTION_CHIEF, Role.LEADER_IN_CHARGE, Role.PRINCIPAL_LEADER)


def assessment_for_user(user, pk) -> QuarterlyAssessment:
    return get_or_404(
        QuarterlyAssessment.objects.visible_to(user).select_related(
            "person__user",
            "unit",
            "section",
            "quarter__year",
            "pending_user__person",
            "region",
        ),
        pk=pk,
    )


def my_assessments(user):
    return (
        QuarterlyAssessment.objects.filter(person__user=user)
        .select_related("quarter__year", "unit")
        .order_by("-quarter__start")
    )


def quarter_or_404(region_id: int, code: str) -> Quarter:
    try:
        year, number = parse_quarter_code(code)
    except ValueError as exc:
        raise Http404 from exc
    return get_or_404(
        Quarter.objects.select_related("year"), region_id=region_id, year__year=year, number=number
    )


def _delegated_from(user) -> list[int]:
    today = timezone.localdate()
    return list(
        Delegation.objects.filter(delegate=user, start__lte=today, end__gte=today).values_list(
            "reviewer_id", flat=True
        )
    )


def with_current_score(qs):
    """Annotate each record with its indicator score as it stands now (live_score,
    live_covered, live_band): until the decision copies them, the record's own score fields
    are those of its submission, before the reviewers' ratings."""
    current = QuarterScore.objects.filter(
        person_id=OuterRef("person_id"), quarter_id=OuterRef("quarter_id")
    )
    return qs.annotate(
        live_score=Subquery(current.values("score")[:1]),
        live_covered=Subquery(current.values("covered_weight")[:1]),
        live_band=Subquery(current.values("suggested_grade")[:1]),
    )


def _waiting_for(user):
    return QuarterlyAssessment.objects.filter(
        Q(pending_user=user) | Q(pending_user_id__in=_delegated_from(user)),
        status=ReviewState.IN_REVIEW,
    )


def review_queue(user):
    """Quarterly records waiting for this account (or someone it stands in for)."""
    return with_current_score(
        _waiting_for(user)
        .select_related("person", "section", "unit", "quarter__year")
        .order_by("quarter__start", "section__name", "person__staff_no")
    )


def is_reviewer(user) -> bool:
    scope = scope_for(user)
    return scope.has(*REVIEWER_ROLES) or Delegation.objects.filter(delegate=user).exists()


def pending_count(user) -> int:
    return _waiting_for(user).count()


# -- the unit decide screen ---------------------------------------------------------------------


def decide_units(user):
    scope = scope_for(user)
    return Unit.objects.filter(
        Q(pk__in=scope.units_with(Role.PRINCIPAL_LEADER))
        | Q(region_id__in=scope.regions_with(Role.DISTRICT_ADMIN))
    )


def unit_for_decide(user, pk) -> Unit:
    return get_or_404(decide_units(user).select_related("region"), pk=pk)


@dataclass
class DecideRow:
    qa: QuarterlyAssessment
    score: object = None
    covered: object = None  # the weight the score rests on (of 100)
    band: str = ""
    band_label: str = ""
    pool: object = None  # reviews.quota.Pool
    suggestions: dict[int, str] = field(default_factory=dict)
    comments: list = field(default_factory=list)
    blocked: bool = False
    actionable: bool = False


def decide_screen(user, unit: Unit, quarter: Quarter, section_id: int | None = None) -> dict:
    """Every record of the unit for the quarter, with score, band, the levels' suggestions and
    comments, whether a sanction blocks 好, whether this account may decide it now; and the
    quota used/remaining per pool (名额组). A fixed number of queries whatever the unit's size."""
    pmap = PoolMap.load(quarter.year_id)
    rows_qs = (
        QuarterlyAssessment.objects.filter(unit=unit, quarter=quarter)
        .annotate(leader=leader_flag(quarter, pmap))
        .select_related("person", "section")
        .defer("summary", "opinion_reason", "ungraded_reason")
        .order_by("section__name", "person__staff_no")
    )
    if section_id:
        rows_qs = rows_qs.filter(section_id=section_id)
    records = list(rows_qs)
    ids = [qa.person_id for qa in records]
    scores = {
        s.person_id: s
        for s in QuarterScore.objects.filter(quarter=quarter, person_id__in=ids).only(
            "person_id", "score", "covered_weight", "suggested_grade", "good_blocked"
        )
    }
    pools = quota_pools(quarter, [unit.pk], pmap)
    trail = _trail_values(records)
    blocked = blocked_people(ids, quarter)
    mine = actionable_ids(records, user)
    labels = dict(QuarterGrade.choices)
    rows = []
    for qa in records:
        score = scores.get(qa.person_id)
        band = score.suggested_grade if score else qa.band_grade
        row = DecideRow(
            qa=qa,
            score=score.score if score else qa.score,
            covered=score.covered_weight if score else qa.score_covered,
            band=band,
            band_label=labels.get(band, "—"),
            blocked=qa.person_id in blocked or bool(score and score.good_blocked),
            actionable=qa.pk in mine,
            pool=pools.get(pmap.key_of(qa.unit_id, qa.section_id, qa.person_kind, qa.leader)),
        )
        row.suggestions = {0: labels.get(qa.self_grade, "—")}
        for level, grade, comment, decision in trail.get(qa.pk, ()):
            if level and grade:
                row.suggestions[level] = labels.get(grade, grade)
            if comment and decision != Decision.SUBMIT:
                row.comments.append(f"{LEVEL_NAMES.get(level, '')}：{comment[:60]}")
        rows.append(row)
    return {
        "rows": rows,
        # the pools of this unit's people (a group also counts its members in other units)
        "quota": pmap.pools_of_unit(pools, unit.pk),
        "sections": unit.sections.filter(is_active=True).order_by("name"),
        "decided": sum(1 for r in records if r.status == ReviewState.DECIDED),
    }


def _trail_values(records) -> dict[int, list[tuple]]:
    """(level, suggested grade, comment, decision) per record, in one lean query."""
    from django.contrib.contenttypes.models import ContentType

    from .models import ReviewAction

    trail: dict[int, list[tuple]] = {}
    if not records:
        return trail
    rows = (
        ReviewAction.objects.filter(
            content_type=ContentType.objects.get_for_model(QuarterlyAssessment),
            object_id__in=[qa.pk for qa in records],
        )
        .order_by("at", "pk")
        .values_list("object_id", "level", "suggested_grade", "comment", "decision")
    )
    for object_id, *rest in rows:
        trail.setdefault(object_id, []).append(tuple(rest))
    return trail


def actionable_ids(records, user) -> set[int]:
    """Records at their last level that this account decides now (in one query for delegations)."""
    absent = set(_delegated_from(user))
    regions = scope_for(user).regions_with(Role.DISTRICT_ADMIN)
    ids = set()
    for qa in records:
        if qa.status != ReviewState.IN_REVIEW or not qa.chain:
            continue
        if qa.pending_level != qa.chain[-1][0]:
            continue
        if qa.pending_level == REGION_LEVEL:
            if qa.region_id in regions:
                ids.add(qa.pk)
        elif qa.pending_user_id == user.pk or qa.pending_user_id in absent:
            ids.add(qa.pk)
    return ids


def undecided(unit: Unit, quarter: Quarter):
    """The unit's participants whose grade is not decided yet (draft, in review, returned)."""
    return (
        QuarterlyAssessment.objects.filter(
            unit=unit,
            quarter=quarter,
            participates=True,
            status__in=(ReviewState.DRAFT, ReviewState.IN_REVIEW, ReviewState.RETURNED),
        )
        .select_related("person", "section", "pending_user__person")
        .order_by("section__name", "person__staff_no")
    )


# -- publicity ------------------------------------------------------------------------------


def may_see_publicity(user, unit: Unit) -> bool:
    scope = scope_for(user)
    return (
        scope.person_unit_id == unit.pk
        or unit.pk in scope.units_with(Role.PRINCIPAL_LEADER, Role.UNIT_ADMIN)
        or unit.region_id in scope.regions_with(Role.DISTRICT_ADMIN)
    )


def publicity_rows(unit: Unit, quarter: Quarter):
    """The unit's results while they are in publicity (公示期内)."""
    today = timezone.localdate()
    return (
        QuarterlyAssessment.objects.filter(
            unit=unit,
            quarter=quarter,
            publicity_start__lte=today,
            publicity_end__gte=today,
            status__in=(ReviewState.PUBLICISED, ReviewState.APPEALED, ReviewState.CONFIRMED),
        )
        .select_related("person", "section")
        .order_by("section__name", "person__staff_no")
    )


# -- appeals and quarter admin -----------------------------------------------------------------


def district_regions(user) -> set[int]:
    return scope_for(user).regions_with(Role.DISTRICT_ADMIN)


def appeals_for_admin(user):
    return (
        Appeal.objects.filter(region_id__in=district_regions(user))
        .select_related("assessment__person", "assessment__unit", "assessment__quarter__year")
        .order_by("status", "due")
    )


def appeal_for_admin(user, pk) -> Appeal:
    return get_or_404(appeals_for_admin(user), pk=pk)


def quarter_admin(user) -> list[dict]:
    """Per region quarter: status counts per unit, in one aggregate query per page."""
    quarters = list(
        Quarter.objects.filter(region_id__in=district_regions(user))
        .select_related("year", "region")
        .order_by("-start")[:8]
    )
    counts = (
        QuarterlyAssessment.objects.filter(quarter__in=quarters)
        .values("quarter_id", "unit_id", "unit__name", "status")
        .annotate(n=Count("pk"))
        .order_by("unit__code")
    )
    table: dict[int, dict[int, dict]] = {q.pk: {} for q in quarters}
    for row in counts:
        unit = table[row["quarter_id"]].setdefault(
            row["unit_id"], {"name": row["unit__name"], "id": row["unit_id"], "total": 0}
        )
        unit[row["status"]] = row["n"]
        unit["total"] += row["n"]
    return [{"quarter": q, "units": list(table[q.pk].values())} for q in quarters]


def reminders_for(user, limit: int = 10):
    """The home card's unread notices (the notification centre holds them since issue 12)."""
    from notifications.selectors import notifications_for

    return notifications_for(user, unread=True)[:limit]


# -- the self-summary's facts ------------------------------------------------------------------


def summary_facts(qa: QuarterlyAssessment) -> dict:
    """What the quarter holds about the person: logs, goals and key tasks, attendance, rewards
    and punishments, negative records — the raw material of the pre-filled summary."""
    quarter, person = qa.quarter, qa.person
    logs = WorkLog.objects.filter(person=person, date__range=(quarter.start, quarter.end))
    attendance = dict(
        AttendanceRecord.objects.filter(person=person, date__range=(quarter.start, quarter.end))
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {
        "log_count": logs.count(),
        "log_approved": logs.filter(status=ReviewState.APPROVED).count(),
        "logs": list(logs.order_by("-date")[:8].values("date", "content")),
        "tasks": list(
            KeyTask.objects.filter(person=person, year=quarter.year.year)
            .exclude(status=KeyTask.Status.CANCELLED)
            .values("title", "progress")[:10]
        ),
        "goals": list(
            person.goal_plans.filter(year=quarter.year.year).values_list("goals__title", flat=True)
        ),
        "attendance": attendance,
        "rewards": list(
            RewardRecord.objects.filter(
                person=person, date__range=(quarter.start, quarter.end)
            ).order_by("date")
        ),
        "negatives": list(
            NegativeRecord.objects.filter(person=person)
            .in_force_during(quarter.start, quarter.end)
            .order_by("date")
        ),
        "deficiencies": person_deficiency_summary([person.pk], quarter.start, quarter.end).get(
            person.pk, []
        ),
    }


def people_of(unit: Unit):
    return Person.objects.filter(unit=unit, is_active=True)


def prefill_text(facts: dict) -> str:
    """The self-summary's first draft, drawn from the quarter's records (the person edits it)."""
    from indicators.models import AttendanceStatus

    lines = [
        f"【工作纪实】本季度填报纪实 {facts['log_count']} 条（已通过 {facts['log_approved']} 条）。"
    ]
    lines += [
        f"{i}. {log['date']:%m-%d} {log['content'][:60]}" for i, log in enumerate(facts["logs"], 1)
    ]
    if facts["goals"] or facts["tasks"]:
        lines.append("【年度目标与重点任务】")
        lines += [f"- 目标：{g}" for g in facts["goals"] if g]
        lines += [f"- 任务：{t['title']}（进度 {t['progress']:.0f}%）" for t in facts["tasks"]]
    att = facts["attendance"]
    if att:
        lines.append(
            "【出勤】"
            + "，".join(
                f"{AttendanceStatus(k).label} {att.get(k, 0)} 天"
                for k in AttendanceStatus.values
                if k in att
            )
            + "。"
        )
    records = [
        f"{r.get_kind_display()}：{r.get_type_display()}（{r.issuer}，{r.date:%Y-%m-%d}）"
        for r in facts["rewards"]
    ] + [str(n) for n in facts["negatives"]]
    lines.append("【奖惩与负面信息】" + ("；".join(records) or "无"))
    reminders = facts.get("deficiencies", [])
    lines.append(
        f"【不足提醒】本季度 {len(reminders)} 条"
        + "".join(f"\n- {deficiency_line(r)}" for r in reminders)
    )
    return "\n".join(lines)


def publish_units(user):
    scope = scope_for(user)
    return Unit.objects.filter(
        Q(pk__in=scope.units_with(Role.PRINCIPAL_LEADER, Role.UNIT_ADMIN))
        | Q(region_id__in=scope.regions_with(Role.DISTRICT_ADMIN))
    )


def publicity_units(user):
    """The unit's people see its publicity; so do its leaders and the district admin."""
    scope = scope_for(user)
    return publish_units(user) | Unit.objects.filter(pk=scope.person_unit_id or 0)
