"""Opening the year-end appraisal: one annual record per participant of the year, with its
proposed coded outcome (5A/5B/5C/6A) where the facts call for one.

Idempotent and race-safe like opening a quarter: the AssessmentYear row is locked for the run, so
a second run (also a concurrent one) waits, then finds every record present and creates nothing;
the unique (year, person) constraint is the last line of defence. A later run notes movements:
joiners get a record ("年内入职"), a record not yet submitted follows a transfer ("年内由 A 调至
B"), and a leaver's draft stops participating ("年内离职")."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from assessment.calendar import WorkingCalendar
from assessment.models import AnnualAssessment, AssessmentYear, Person, Unit, UnitYear
from assessment.periods import assessment_year
from indicators.models import AttendanceRecord, AttendanceStatus, NegativeRecord
from rewards.models import RewardKind, RewardRecord

from ..models import ReviewState
from .rules import proposed_outcome, sanctions_in_year

EDITABLE = (ReviewState.DRAFT, ReviewState.RETURNED)


@dataclass
class YearOpenResult:
    year: AssessmentYear
    created: int = 0
    coded: int = 0
    transferred: int = 0
    left: int = 0


def year_open(*, region, year: int) -> YearOpenResult:
    settings = assessment_year(region, year)
    with transaction.atomic():
        settings = AssessmentYear.objects.select_for_update().get(pk=settings.pk)
        result = YearOpenResult(settings)
        UnitYear.objects.bulk_create(
            [
                UnitYear(region_id=region.pk, unit_id=u, year=settings)
                for u in Unit.objects.filter(region=region).values_list("pk", flat=True)
            ],
            ignore_conflicts=True,
        )
        existing = {
            row["person_id"]: row
            for row in AnnualAssessment.objects.filter(year=settings).values(
                "pk", "person_id", "unit_id", "section_id", "status", "participates"
            )
        }
        people = list(
            Person.objects.filter(region=region, is_active=True).values(
                "pk", "unit_id", "section_id", "kind", "hire_date", "is_leadership_member"
            )
        )
        fresh = [p for p in people if p["pk"] not in existing]
        codes = outcome_codes(region.pk, settings, fresh)
        first_day = date(year, 1, 1)
        new = []
        for p in fresh:
            code, reason = codes.get(p["pk"], ("", ""))
            joined = bool(existing) or (p["hire_date"] and p["hire_date"] > first_day)
            new.append(
                AnnualAssessment(
                    region_id=region.pk,
                    year=settings,
                    person_id=p["pk"],
                    unit_id=p["unit_id"],
                    section_id=p["section_id"],
                    person_kind=p["kind"],
                    is_leadership_member=p["is_leadership_member"],
                    outcome_code=code,
                    outcome_reason=reason,
                    movement_note=_("年内入职") if joined else "",
                )
            )
        if new:
            AnnualAssessment.objects.bulk_create(new, batch_size=1000)
            if new[0].pk is None:  # a backend without RETURNING: reload the ids
                ids = dict(
                    AnnualAssessment.objects.filter(year=settings).values_list("person_id", "pk")
                )
                for row in new:
                    row.pk = row.id = ids[row.person_id]
            AnnualAssessment.history.bulk_history_create(
                new, batch_size=1000, default_change_reason=_("开启年度考核")
            )
        result.created = len(new)
        result.coded = sum(1 for row in new if row.outcome_code)
        if existing:
            _sync_movements(region, settings, existing, people, result)
    return result


def outcome_codes(region_id: int, year: AssessmentYear, people: list[dict]) -> dict:
    """{person id: (code, explanation)} for those the facts give a coded outcome — a fixed
    number of queries whatever the number of people."""
    if not people:
        return {}
    start, end = date(year.year, 1, 1), date(year.year, 12, 31)
    ids = [p["pk"] for p in people]
    investigations = {}
    for pid, doc, description in (
        NegativeRecord.objects.effective()
        .filter(region_id=region_id, under_investigation=True, date__lte=end)
        .values_list("person_id", "document_no", "description")
    ):
        investigations.setdefault(pid, doc or description[:40] or _("立案审查调查"))
    sanctions = defaultdict(list)
    for record in RewardRecord.objects.filter(
        region_id=region_id, kind=RewardKind.PUNISHMENT, date__lte=end
    ).only("person_id", "type", "date", "blocks_until"):
        sanctions[record.person_id].append(record)
    leave = dict(
        AttendanceRecord.objects.filter(
            region_id=region_id, status=AttendanceStatus.LEAVE, date__range=(start, end)
        )
        .values("person_id")
        .annotate(n=Count("pk"))
        .values_list("person_id", "n")
    )
    working = len(WorkingCalendar(region_id).between(start, end))
    wanted = set(ids)
    codes = {}
    for p in people:
        if p["pk"] not in wanted:
            continue
        code = proposed_outcome(
            year=year,
            hire_date=p["hire_date"],
            investigation=investigations.get(p["pk"], ""),
            sanctions=sanctions_in_year(sanctions.get(p["pk"], ()), year),
            leave_days=leave.get(p["pk"], 0),
            working_days=working,
        )
        if code[0]:
            codes[p["pk"]] = code
    return codes


def _sync_movements(region, year, existing, people, result: YearOpenResult) -> None:
    current = {p["pk"]: p for p in people}
    names = dict(Unit.objects.filter(region=region).values_list("pk", "name"))
    moved = [
        pid
        for pid, row in existing.items()
        if row["status"] in EDITABLE
        and (
            (pid not in current and row["participates"])
            or (pid in current and current[pid]["unit_id"] != row["unit_id"])
            or (pid in current and current[pid]["section_id"] != row["section_id"])
        )
    ]
    changed = []
    for aa in AnnualAssessment.objects.filter(year=year, person_id__in=moved):
        person = current.get(aa.person_id)
        if person is None:
            aa.participates = False
            aa.movement_note = _("年内离职")
            aa.outcome_reason = _("年内离职，不参加本年度考核。")
            result.left += 1
        else:
            if person["unit_id"] != aa.unit_id:
                aa.movement_note = _("年内由%(a)s调至%(b)s") % {
                    "a": names.get(aa.unit_id, ""),
                    "b": names.get(person["unit_id"], ""),
                }
                result.transferred += 1
            aa.unit_id, aa.section_id = person["unit_id"], person["section_id"]
        changed.append(aa)
    if changed:
        bulk_update_with_history(
            changed,
            AnnualAssessment,
            ["participates", "movement_note", "outcome_reason", "unit", "section"],
            default_change_reason=_("按年末所在单位更新"),
        )


def years_due(today: date):
    """(region, year) to open: the current year from 1 December on."""
    from assessment.models import Region

    if today.month == 12:
        for region in Region.objects.all():
            yield region, today.year
