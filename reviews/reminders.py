"""System reminder jobs (DOMAIN.md "Reminders"), all through the notification centre's job
engine (notifications.jobs.run_job: at most once a day per item, the next level from the
region's escalate_after_misses-th day, idempotent, constant queries per job):

- no work log for N working days (the year's unfiled_log_reminder_days, default 5) → the person,
  then their first reviewer;
- self-summary not submitted by the filing deadline → the person, then their first reviewer;
- reviews pending past the per-level deadline → the reviewer, then the unit's assessment admin;
- publicity ending → the person whose result is public (no escalation);
- goals window closing without a submitted goal plan → the person, then their first reviewer;
- key tasks overdue → the person / section chief / principal leader responsible, then the next;
- return visits due this quarter, or overdue → the mentor, then the unit's assessment admin;
- rectifications overdue → the person and the issuer, then the unit's principal leader."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.calendar import add_working_days
from assessment.chain import reviewer_chains
from assessment.models import (
    AssessmentYear,
    GoalPlan,
    Membership,
    Person,
    QuarterlyAssessment,
    Role,
    WorkLog,
)
from assessment.models.tasks import KeyTask
from assessment.periods import quarter_bounds, quarter_number
from notifications.jobs import Item, JobResult, region_settings, run_job

from .improvement.models import DeficiencyReminder, MentoringCase
from .improvement.selectors import visit_state
from .models import Reminder, ReviewState


def _holders(unit_ids, role: str, today: date) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    rows = (
        Membership.objects.current(today)
        .filter(unit_id__in=set(unit_ids), role=role, user__is_active=True)
        .values_list("unit_id", "user_id")
    )
    for unit_id, user_id in rows:
        out[unit_id].append(user_id)
    return out


def _first_reviewers(people) -> dict[int, list[int]]:
    """person id → the first level of their chain (one query for every unit involved)."""
    return {
        pid: [chain[0].user_id] if chain else [] for pid, chain in reviewer_chains(people).items()
    }


# -- work logs --------------------------------------------------------------------------------


def _log_days(region_ids, year: int) -> dict[int, int]:
    days = dict(
        AssessmentYear.objects.filter(region_id__in=region_ids, year=year).values_list(
            "region_id", "unfiled_log_reminder_days"
        )
    )
    default = AssessmentYear._meta.get_field("unfiled_log_reminder_days").default
    return {rid: days.get(rid, default) for rid in region_ids}


def working_days_between(start: date, end: date) -> int:
    """Working days (Mon–Fri) after `start` up to and including `end`."""
    if end <= start:
        return 0
    full_weeks, extra = divmod((end - start).days, 7)
    n = full_weeks * 5
    day = start + timedelta(days=full_weeks * 7)
    for _i in range(extra):
        day += timedelta(days=1)
        n += day.weekday() < 5
    return n


def log_missing_items(today: date) -> list[Item]:
    """People whose latest log (or, with none, the quarter's start) is more than N working days
    ago. The latest date comes from the (person, date) index: one lookup per person."""
    q_start = quarter_bounds(today.year, quarter_number(today))[0]
    latest = WorkLog.objects.filter(person=OuterRef("pk")).order_by("-date").values("date")[:1]
    people = list(
        Person.objects.filter(is_active=True, user__isnull=False, user__is_active=True)
        .annotate(last_log=Subquery(latest))
        .only("pk", "name", "user_id", "unit_id", "section_id", "region_id")
    )
    limits = _log_days({p.region_id for p in people}, today.year)
    late = []
    for p in people:
        since = max(p.last_log or q_start, q_start - timedelta(days=1))
        if working_days_between(since, today) > limits[p.region_id]:
            late.append((p, since))
    chains = _first_reviewers([p for p, _s in late])
    return [
        Item(
            key=f"{p.pk}:{since}",
            region_id=p.region_id,
            kind="log_missing",
            text=_("您已连续 %(n)s 个工作日未填报工作纪实，请及时补录。")
            % {"n": working_days_between(since, today)},
            link=reverse("work:log-list"),
            recipients=[p.user_id],
            escalate_text=_("%(name)s 已连续 %(n)s 个工作日未填报工作纪实。")
            % {"name": p.name, "n": working_days_between(since, today)},
            escalate_to=chains.get(p.pk, []),
        )
        for p, since in late
    ]


# -- quarterly review -------------------------------------------------------------------------


def summary_overdue_items(today: date) -> list[Item]:
    rows = list(
        QuarterlyAssessment.objects.filter(
            status__in=(ReviewState.DRAFT, ReviewState.RETURNED),
            participates=True,
            quarter__filing_deadline__lt=today,
            person__user__isnull=False,
        ).values_list(
            "pk",
            "region_id",
            "person_id",
            "person__user_id",
            "person__unit_id",
            "person__section_id",
            "quarter__filing_deadline",
            "person__name",
        )
    )
    people = [Person(pk=r[2], user_id=r[3], unit_id=r[4], section_id=r[5]) for r in rows]
    chains = _first_reviewers(people)
    return [
        Item(
            key=str(pk),
            region_id=region_id,
            kind="summary_overdue",
            text=_("您的季度个人小结尚未提交（截止 %(d)s），请尽快提交。") % {"d": deadline},
            link=f"/reviews/q/{pk}/",
            recipients=[user_id],
            escalate_to=chains.get(person_id, []),
            escalate_text=_("%(name)s 的季度个人小结尚未提交（截止 %(d)s）。")
            % {"name": name, "d": deadline},
        )
        for pk, region_id, person_id, user_id, _u, _s, deadline, name in rows
    ]


def review_overdue_items(today: date) -> list[Item]:
    rows = list(
        QuarterlyAssessment.objects.filter(
            status=ReviewState.IN_REVIEW, pending_since__isnull=False, pending_user__isnull=False
        ).values_list(
            "pk",
            "region_id",
            "unit_id",
            "pending_level",
            "pending_user_id",
            "pending_since",
            "person__name",
            "quarter__number",
            "quarter__year__year",
            "quarter__year__review_working_days",
        )
    )
    items, units = [], set()
    for pk, region_id, unit_id, level, user_id, since, name, number, year, days in rows:
        arrived = timezone.localtime(since).date()
        deadline = add_working_days(region_id, arrived, days)
        if today <= deadline:
            continue
        units.add(unit_id)
        facts = {"name": name, "q": f"{year}Q{number}", "d": deadline}
        items.append(
            (
                unit_id,
                Item(
                    key=f"{pk}:{level}:{arrived}",
                    region_id=region_id,
                    kind="review_overdue",
                    text=_("%(name)s 的 %(q)s 季度考核待您审核，已超过审核期限（%(d)s）。") % facts,
                    link=f"/reviews/q/{pk}/",
                    recipients=[user_id],
                    escalate_text=_("%(name)s 的 %(q)s 季度考核审核已逾期（期限 %(d)s）。") % facts,
                ),
            )
        )
    admins = _holders(units, Role.UNIT_ADMIN, today)
    for unit_id, item in items:
        item.escalate_to = admins.get(unit_id, [])
    return [item for _u, item in items]


def publicity_ending_items(today: date) -> list[Item]:
    rows = list(
        QuarterlyAssessment.objects.filter(
            status=ReviewState.PUBLICISED,
            publicity_end__gte=today,
            publicity_end__lte=today + timedelta(days=7),
            person__user__isnull=False,
        ).values_list("pk", "region_id", "person__user_id", "publicity_end")
    )
    days = {
        rid: s.publicity_ending_days for rid, s in region_settings({r[1] for r in rows}).items()
    }
    return [
        Item(
            key=f"{pk}:{end}",
            region_id=region_id,
            kind="publicity_ending",
            text=_("您的季度考核结果公示将于 %(d)s 结束，如有异议请在此前提出。") % {"d": end},
            link=f"/reviews/q/{pk}/",
            recipients=[user_id],
        )
        for pk, region_id, user_id, end in rows
        if (end - today).days <= days[region_id]
    ]


def goals_closing_items(today: date) -> list[Item]:
    years = list(
        AssessmentYear.objects.filter(
            goal_window_end__gte=today, goal_window_end__lte=today + timedelta(days=31)
        ).values_list("region_id", "year", "goal_window_end")
    )
    settings = region_settings({y[0] for y in years})
    years = [y for y in years if (y[2] - today).days <= settings[y[0]].goals_closing_days]
    if not years:
        return []
    q = Q()
    for region_id, year, _end in years:
        submitted = GoalPlan.objects.filter(year=year).exclude(
            status__in=(ReviewState.DRAFT, ReviewState.RETURNED)
        )
        q |= Q(region_id=region_id) & ~Q(pk__in=submitted.values("person_id"))
    people = list(
        Person.objects.filter(q, is_active=True, user__isnull=False).only(
            "pk", "name", "user_id", "unit_id", "section_id", "region_id"
        )
    )
    ends = {region_id: (year, end) for region_id, year, end in years}
    chains = _first_reviewers(people)
    return [
        Item(
            key=f"{p.pk}:{ends[p.region_id][0]}",
            region_id=p.region_id,
            kind="goals_closing",
            text=_("%(y)s 年度目标将于 %(d)s 截止提交，您尚未提交。")
            % {"y": ends[p.region_id][0], "d": ends[p.region_id][1]},
            link=reverse("work:goal-plan"),
            recipients=[p.user_id],
            escalate_text=_("%(name)s 尚未提交 %(y)s 年度目标（%(d)s 截止）。")
            % {"name": p.name, "y": ends[p.region_id][0], "d": ends[p.region_id][1]},
            escalate_to=chains.get(p.pk, []),
        )
        for p in people
    ]


# -- key tasks --------------------------------------------------------------------------------


def keytask_overdue_items(today: date) -> list[Item]:
    tasks = list(
        KeyTask.objects.filter(
            status=KeyTask.Status.ACTIVE, deadline__lt=today, progress__lt=100
        ).values_list(
            "pk",
            "region_id",
            "level",
            "unit_id",
            "section_id",
            "person__user_id",
            "title",
            "deadline",
        )
    )
    units = {t[3] for t in tasks if t[3]}
    principals = _holders(units, Role.PRINCIPAL_LEADER, today)
    chiefs: dict[int, list[int]] = defaultdict(list)
    leaders: dict[int, list[int]] = defaultdict(list)
    for role, section_id, user_id in (
        Membership.objects.current(today)
        .filter(
            section_id__in={t[4] for t in tasks if t[4]},
            role__in=(Role.SECTION_CHIEF, Role.LEADER_IN_CHARGE),
        )
        .values_list("role", "section_id", "user_id")
    ):
        (chiefs if role == Role.SECTION_CHIEF else leaders)[section_id].append(user_id)
    items = []
    for pk, region_id, level, unit_id, section_id, user_id, title, deadline in tasks:
        if level == KeyTask.Level.PERSON and user_id:
            who, up = [user_id], chiefs.get(section_id) or principals.get(unit_id, [])
        elif level == KeyTask.Level.SECTION:
            who, up = (
                chiefs.get(section_id, []),
                leaders.get(section_id) or principals.get(unit_id, []),
            )
        elif level == KeyTask.Level.UNIT:
            who, up = principals.get(unit_id, []), []
        else:
            continue  # region-level tasks are supervised on the district's own page
        if who:
            items.append(
                Item(
                    key=f"{pk}:{deadline}",
                    region_id=region_id,
                    kind="keytask_overdue",
                    text=_("目责任务“%(t)s”已超过完成时限（%(d)s）。")
                    % {"t": title, "d": deadline},
                    link=reverse("keytasks:task-detail", args=[pk]),
                    recipients=who,
                    escalate_to=up,
                )
            )
    return items


# -- improvement loop -------------------------------------------------------------------------


def return_visit_items(today: date) -> list[Item]:
    start, end = quarter_bounds(today.year, quarter_number(today))
    cases = list(
        MentoringCase.objects.filter(status=MentoringCase.Status.OPEN, mentor__user__isnull=False)
        .annotate(last_visit=Max("visits__date"))
        .select_related("person", "mentor")
        .only(
            "pk", "region_id", "unit_id", "status", "opened_at", "mentor__user_id", "person__name"
        )
    )
    days = {
        rid: s.visit_due_days for rid, s in region_settings({c.region_id for c in cases}).items()
    }
    admins = _holders({c.unit_id for c in cases}, Role.UNIT_ADMIN, today)
    items = []
    for case in cases:
        state = visit_state(case, today)
        if state == "overdue" or (state == "due" and (end - today).days <= days[case.region_id]):
            items.append(
                Item(
                    key=f"{case.pk}:{start}",
                    region_id=case.region_id,
                    kind="return_visit_due",
                    text=(
                        _("对 %(n)s 的季度回访已逾期，请尽快回访。")
                        if state == "overdue"
                        else _("请在 %(d)s 前完成对 %(n)s 的本季度回访。")
                    )
                    % {"n": case.person.name, "d": end},
                    link=reverse("reviews:mentoring-detail", args=[case.pk]),
                    recipients=[case.mentor.user_id],
                    escalate_to=admins.get(case.unit_id, []),
                )
            )
    return items


def rectification_overdue_items(today: date) -> list[Item]:
    rows = list(
        DeficiencyReminder.objects.filter(
            status__in=DeficiencyReminder.OPEN_STATES, due__lt=today
        ).values_list(
            "pk", "region_id", "unit_id", "person__user_id", "issued_by_id", "person__name", "due"
        )
    )
    principals = _holders({r[2] for r in rows}, Role.PRINCIPAL_LEADER, today)
    return [
        Item(
            key=f"{pk}:{due}",
            region_id=region_id,
            kind="rectification_overdue",
            text=_("%(n)s 的不足提醒整改已超过期限（%(d)s）。") % {"n": name, "d": due},
            link=reverse("reviews:deficiency-detail", args=[pk]),
            recipients=[uid for uid in (user_id, issuer) if uid],
            escalate_to=principals.get(unit_id, []),
        )
        for pk, region_id, unit_id, user_id, issuer, name, due in rows
    ]


JOBS = {
    "log_missing": log_missing_items,
    "summary_overdue": summary_overdue_items,
    "review_overdue": review_overdue_items,
    "publicity_ending": publicity_ending_items,
    "goals_closing": goals_closing_items,
    "keytask_overdue": keytask_overdue_items,
    "return_visit_due": return_visit_items,
    "rectification_overdue": rectification_overdue_items,
}


def run(name: str, *, today: date | None = None) -> JobResult:
    today = today or timezone.localdate()
    return run_job(name, JOBS[name](today), today=today)


def run_all(*, today: date | None = None) -> dict[str, JobResult]:
    today = today or timezone.localdate()
    return {name: run(name, today=today) for name in JOBS}


# the names the quarterly-review code used before the jobs were folded in
def overdue_review_reminders(*, today: date | None = None) -> int:
    return run("review_overdue", today=today).notices


def summary_reminders(*, today: date | None = None) -> int:
    return run("summary_overdue", today=today).notices


def reminder_email(*, reminder_id: int) -> bool:
    """Mail one (older, pre-notification-centre) reminder to its account, once: the row is
    locked and stamped in the same transaction, so a second run (a redelivered task) sends
    nothing. True when sent."""
    with transaction.atomic():
        reminder = (
            Reminder.objects.select_for_update()
            .select_related("user")
            .filter(pk=reminder_id, emailed_at__isnull=True)
            .first()
        )
        if reminder is None or not reminder.user.email:
            return False
        send_mail(_("平时考核提醒"), reminder.text, None, [reminder.user.email])
        reminder.emailed_at = timezone.now()
        reminder.save(update_fields=["emailed_at"])
    return True
