"""Opening a quarter: one quarterly record (the quarter's registration form) per active person.

Idempotent and race-safe: the Quarter row is locked for the whole run, so a second run (also a
concurrent one) waits, then finds every record present and creates nothing; the unique
(quarter, person) constraint is the last line of defence. Re-running during or after the quarter
is how movements are handled explicitly:

- joined: a person without a record gets one (noted "季度内入职" when they joined after the start);
- transferred: a record not yet submitted follows the person to their unit at quarter end, and
  the transfer is noted ("季度内由 A 调至 B");
- left: the draft record of a person no longer active stops participating, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from assessment.models import Person, Quarter, QuarterlyAssessment, Unit
from assessment.models.quarterly import UnitQuarter
from assessment.periods import quarter_for

from .models import ReviewState

EDITABLE = (ReviewState.DRAFT, ReviewState.RETURNED)


@dataclass
class OpenResult:
    quarter: Quarter
    created: int = 0
    transferred: int = 0
    left: int = 0


def quarter_open(*, region, year: int, number: int, today: date | None = None) -> OpenResult:
    today = today or timezone.localdate()
    quarter = quarter_for(region, year, number)
    with transaction.atomic():
        quarter = Quarter.objects.select_for_update().get(pk=quarter.pk)
        result = OpenResult(quarter)
        _ensure_unit_quarters(region, quarter)
        existing = {
            row["person_id"]: row
            for row in QuarterlyAssessment.objects.filter(quarter=quarter).values(
                "pk", "person_id", "unit_id", "section_id", "status", "participates"
            )
        }
        people = list(
            Person.objects.filter(region=region, is_active=True).values(
                "pk", "unit_id", "section_id", "kind"
            )
        )
        # the first run opens the roster as it stands; later runs note who came in since the start
        joined = _joined_after(region, quarter) if existing else set()
        new = [
            QuarterlyAssessment(
                region_id=region.pk,
                quarter=quarter,
                person_id=p["pk"],
                unit_id=p["unit_id"],
                section_id=p["section_id"],
                person_kind=p["kind"],
                movement_note=_("季度内入职") if p["pk"] in joined else "",
            )
            for p in people
            if p["pk"] not in existing
        ]
        if new:
            QuarterlyAssessment.objects.bulk_create(new, batch_size=1000)
            if new[0].pk is None:  # a backend without RETURNING: reload the ids
                ids = dict(
                    QuarterlyAssessment.objects.filter(quarter=quarter).values_list(
                        "person_id", "pk"
                    )
                )
                for qa in new:
                    qa.pk = qa.id = ids[qa.person_id]
            QuarterlyAssessment.history.bulk_history_create(
                new, batch_size=1000, default_change_reason=_("开启季度考核")
            )
        result.created = len(new)
        if existing:
            _sync_movements(region, quarter, existing, people, result)
        if quarter.status == Quarter.Status.PLANNED:
            quarter.status = Quarter.Status.OPEN
            quarter.save()
    return result


def _ensure_unit_quarters(region, quarter) -> None:
    unit_ids = Unit.objects.filter(region=region).values_list("pk", flat=True)
    UnitQuarter.objects.bulk_create(
        [UnitQuarter(region_id=region.pk, unit_id=u, quarter=quarter) for u in unit_ids],
        ignore_conflicts=True,
    )


def _joined_after(region, quarter) -> set[int]:
    """People whose record in the roster was created after the quarter started."""
    return set(
        Person.history.filter(
            region_id=region.pk, history_type="+", history_date__date__gt=quarter.start
        ).values_list("id", flat=True)
    )


def _sync_movements(region, quarter, existing, people, result: OpenResult) -> None:
    current = {p["pk"]: p for p in people}
    names = dict(Unit.objects.filter(region=region).values_list("pk", "name"))
    changed: list[QuarterlyAssessment] = []
    moved_ids = [
        pid
        for pid, row in existing.items()
        if row["status"] in EDITABLE
        and (
            pid not in current
            or current[pid]["unit_id"] != row["unit_id"]
            or current[pid]["section_id"] != row["section_id"]
        )
    ]
    for qa in QuarterlyAssessment.objects.filter(quarter=quarter, person_id__in=moved_ids):
        person = current.get(qa.person_id)
        if person is None:
            if not qa.participates:
                continue
            qa.participates = False
            qa.movement_note = _("季度内离职")
            qa.ungraded_reason = _("季度内离职，不参加本季度考核。")
            result.left += 1
        else:
            if person["unit_id"] != qa.unit_id:
                qa.movement_note = _("季度内由%(a)s调至%(b)s") % {
                    "a": names.get(qa.unit_id, ""),
                    "b": names.get(person["unit_id"], ""),
                }
                result.transferred += 1
            qa.unit_id, qa.section_id = person["unit_id"], person["section_id"]
        changed.append(qa)
    if changed:
        bulk_update_with_history(
            changed,
            QuarterlyAssessment,
            ["participates", "movement_note", "ungraded_reason", "unit", "section"],
            default_change_reason=_("按季度末所在单位更新"),
        )


def quarters_due(today: date | None = None):
    """(region, year, number) of the quarter containing today, for every region."""
    from assessment.models import Region
    from assessment.periods import quarter_number

    today = today or timezone.localdate()
    for region in Region.objects.all():
        yield region, today.year, quarter_number(today)


def quarter_advance_status(today: date | None = None) -> int:
    """Move quarters along open → summary → review → publicity → closed by their dates and
    records: summary after the quarter's end, review after the filing deadline, publicity once a
    unit has published, closed when nothing is left in review, publicity or appeal."""
    today = today or timezone.localdate()
    changed = 0
    for quarter in Quarter.objects.exclude(status=Quarter.Status.CLOSED).exclude(
        status=Quarter.Status.PLANNED
    ):
        status = quarter_phase(quarter, today)
        if status != quarter.status:
            quarter.status = status
            quarter.save()
            changed += 1
    return changed


def quarter_phase(quarter: Quarter, today: date) -> str:
    if today <= quarter.end:
        return Quarter.Status.OPEN
    if today <= quarter.filing_deadline:
        return Quarter.Status.SUMMARY
    rows = QuarterlyAssessment.objects.filter(quarter=quarter, participates=True)
    unfinished = rows.exclude(status=ReviewState.CONFIRMED).exists()
    if not unfinished and rows.exists():
        return Quarter.Status.CLOSED
    if rows.filter(status=ReviewState.PUBLICISED).exists():
        return Quarter.Status.PUBLICITY
    return Quarter.Status.REVIEW
