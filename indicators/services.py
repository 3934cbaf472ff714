"""State-changing operations on indicator systems, scoring inputs and scores.

Every service that changes an input of a score queues the recompute after commit
(`score_inputs_changed`); the recompute itself is `quarter_scores_recompute`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, update_change_reason

from assessment.chain import reviewer_chain
from assessment.models import Person, Quarter, Region, UnitCategory
from assessment.periods import assessment_year, quarter_bounds, quarter_of_day

from . import imports, selectors
from .defaults import default_indicators
from .models import (
    TUNABLE_CATEGORIES,
    AttendanceRecord,
    Category,
    ImportBatch,
    Indicator,
    IndicatorSystem,
    LeaderRating,
    NegativeRecord,
    UnitIndicatorWeight,
)
from .score_writes import write_scores
from .scoring import PersonRow, QuarterScorer

HUNDRED = Decimal(100)


# -- indicator systems ---------------------------------------------------------------------


def indicator_systems_ensure(*, region: Region, year: int) -> dict[int, IndicatorSystem]:
    """The region's systems for a year, one per unit category, created with the default 18
    indicators where missing (idempotent, race-safe). Keyed by unit category id."""
    ay = assessment_year(region, year)
    systems = {s.category_id: s for s in IndicatorSystem.objects.filter(year=ay)}
    for category in UnitCategory.objects.filter(region=region).exclude(pk__in=list(systems)):
        try:
            with transaction.atomic():
                system = IndicatorSystem.objects.create(region=region, year=ay, category=category)
                update_change_reason(system, _("按默认指标创建"))
                bulk_create_with_history(
                    [Indicator(system=system, **row) for row in default_indicators(category.code)],
                    Indicator,
                    default_change_reason=_("按默认指标创建"),
                )
        except IntegrityError:
            system = IndicatorSystem.objects.get(year=ay, category=category)
        systems[category.pk] = system
    return systems


def weights_errors(rows: Iterable[dict]) -> list[str]:
    """Rule check for a system's indicators (dicts with category, weight, min_weight,
    max_weight): positive weights sum to 100; bounds hold the weight."""
    errors = []
    total = sum(
        (Decimal(r["weight"]) for r in rows if r["category"] != Category.NEGATIVE), Decimal(0)
    )
    if total != HUNDRED:
        errors.append(
            _("正向指标（共性、个性、特色）权重合计须为 100，当前为 %(t)s。") % {"t": total}
        )
    return errors


def bounds_error(row: dict) -> str | None:
    lo, hi, w = row.get("min_weight"), row.get("max_weight"), row["weight"]
    if row["category"] not in TUNABLE_CATEGORIES:
        return None
    if lo is None or hi is None:
        return _("个性、特色指标须填写单位可调的上下限。")
    if not lo <= w <= hi:
        return _("权重须在单位可调范围 %(lo)s–%(hi)s 之内。") % {"lo": lo, "hi": hi}
    return None


@transaction.atomic
def indicator_system_update(
    *, system: IndicatorSystem, settings: dict, indicators: list[dict], by
) -> IndicatorSystem:
    """Save a system's rules and its indicators. indicators: dicts with the Indicator fields,
    "pk" for an existing row (absent for a new one) and "delete"."""
    if system.region_id not in selectors.district_regions(by):
        raise PermissionDenied(_("只有区委组织部管理员可以修改指标体系。"))
    system = IndicatorSystem.objects.select_for_update().get(pk=system.pk)
    keep = [r for r in indicators if not r.get("delete")]
    errors = weights_errors(keep)
    errors += [e for e in (bounds_error(r) for r in keep) if e]
    if errors:
        raise ValidationError(errors)
    for field, value in settings.items():
        setattr(system, field, value)
    system.full_clean()
    system.save()
    update_change_reason(system, _("修改指标体系"))
    current = {i.pk: i for i in system.indicators.all()}
    for row in indicators:
        pk = row.get("pk")
        if pk and pk not in current:
            raise ValidationError(_("指标不属于该指标体系。"))
        if row.get("delete"):
            if pk:
                current[pk].delete()
            continue
        ind = current[pk] if pk else Indicator(system=system)
        for field in ("category", "code", "name", "weight", "method", "order"):
            setattr(ind, field, row[field])
        tunable = ind.category in TUNABLE_CATEGORIES
        ind.min_weight = row.get("min_weight") if tunable else None
        ind.max_weight = row.get("max_weight") if tunable else None
        ind.full_clean(exclude=["system"])
        ind.save()
        update_change_reason(ind, _("修改指标体系"))
    _recompute_year(system)
    return system


def _recompute_year(system: IndicatorSystem) -> None:
    """Scores of the year's quarters that have begun follow the changed rules."""
    today = timezone.localdate()
    for quarter in Quarter.objects.filter(year=system.year_id, start__lte=today):
        score_inputs_changed(quarter=quarter, reason=_("指标体系调整后重新计算"))


@transaction.atomic
def unit_weights_set(*, unit, system: IndicatorSystem, weights: dict[int, Decimal], by) -> None:
    """A unit's own 个性/特色 weights, each within the region's bounds; their sum must stay
    what the region set, so the positive weights still add up to 100."""
    if unit.pk not in set(selectors.tunable_units(by).values_list("pk", flat=True)):
        raise PermissionDenied(_("您无权调整该单位的指标权重。"))
    if system.category_id != unit.category_id or system.region_id != unit.region_id:
        raise ValidationError(_("指标体系与单位类别不符。"))
    tunable = {i.pk: i for i in system.indicators.filter(category__in=TUNABLE_CATEGORIES)}
    errors: dict[str, list[str]] = {}
    for pk, weight in weights.items():
        ind = tunable.get(pk)
        if ind is None:
            raise ValidationError(_("只能调整个性、特色指标。"))
        if not ind.min_weight <= weight <= ind.max_weight:
            errors[f"w_{pk}"] = [
                _("须在 %(lo)s–%(hi)s 之间。") % {"lo": ind.min_weight, "hi": ind.max_weight}
            ]
    expected = sum((i.weight for i in tunable.values()), Decimal(0))
    total = sum((weights.get(pk, i.weight) for pk, i in tunable.items()), Decimal(0))
    if total != expected:
        errors["__all__"] = [
            _("个性、特色指标权重合计须保持 %(e)s（当前 %(t)s），以使正向权重合计为 100。")
            % {"e": expected, "t": total}
        ]
    if errors:
        raise ValidationError(errors)
    existing = {
        w.indicator_id: w
        for w in UnitIndicatorWeight.objects.select_for_update().filter(
            unit=unit, indicator__in=list(tunable)
        )
    }
    for pk, weight in weights.items():
        row = existing.get(pk)
        if weight == tunable[pk].weight:
            if row:
                row.delete()
            continue
        if row is None:
            row = UnitIndicatorWeight(region_id=unit.region_id, unit=unit, indicator_id=pk)
        elif row.weight == weight:
            continue
        row.weight = weight
        row.save()
        update_change_reason(row, _("单位调整指标权重"))
    _recompute_year(system)


# -- scores --------------------------------------------------------------------------------


def quarter_scores_recompute(*, quarter: Quarter, person_ids=None, reason: str = "") -> int:
    """Compute and store the scores of the quarter's region (or of person_ids) in a constant
    number of queries; returns the number of rows that changed."""
    region = quarter.region
    systems = indicator_systems_ensure(region=region, year=quarter.year.year)
    loaded = (
        IndicatorSystem.objects.filter(pk__in=[s.pk for s in systems.values()])
        .select_related("category")
        .prefetch_related("indicators")
    )
    systems = {s.category_id: s for s in loaded}
    people = Person.objects.filter(region=region, is_active=True)
    if person_ids is not None:
        people = people.filter(pk__in=list(person_ids))
    rows = [
        PersonRow(*r)
        for r in people.values_list("id", "unit_id", "unit__category_id").iterator(chunk_size=5000)
    ]
    scorer = QuarterScorer(quarter, systems, rows, person_ids)
    computed = (s for s in map(scorer.score, rows) if s is not None)  # scored while written
    with transaction.atomic():
        return write_scores(quarter, computed, person_ids, reason=reason or _("重新计算"))


def score_inputs_changed(*, quarter: Quarter, person_ids: Iterable[int] | None = None, reason=""):
    """Call after an input of the quarter's scores changed (inside the changing transaction):
    recomputes those people's scores (None: the whole region) after commit, in a task."""
    from .tasks import recompute_scores

    ids = None if person_ids is None else sorted(set(person_ids))
    transaction.on_commit(
        lambda: recompute_scores.delay(quarter.pk, ids, str(reason or _("输入数据变化")))
    )


def score_inputs_changed_on(*, region: Region, day: date, person_ids=None, reason="") -> None:
    """The same, for an input dated `day` (the quarter containing it)."""
    score_inputs_changed(quarter=quarter_of_day(region, day), person_ids=person_ids, reason=reason)


def _quarters_touched(region: Region, start: date, end: date) -> list[Quarter]:
    """Quarters overlapping [start, end] that exist or have begun."""
    today = timezone.localdate()
    out, day = [], start
    while day <= end and day <= today:
        quarter = quarter_of_day(region, day)
        out.append(quarter)
        _, qend = quarter_bounds(day.year, quarter.number)
        day = date.fromordinal(qend.toordinal() + 1)
    return out


# -- leader ratings ------------------------------------------------------------------------


@transaction.atomic
def leader_ratings_save(*, person: Person, quarter: Quarter, levels: dict[int, str], by) -> int:
    """A reviewer's levels for the person's leader-rated indicators ("" clears one)."""
    if not any(step.user_id == by.pk for step in reviewer_chain(person)):
        raise PermissionDenied(_("只有该人员考核链上的领导可以评价。"))
    if quarter.region_id != person.region_id:
        raise ValidationError(_("季度不属于该人员所在的区。"))
    system = indicator_systems_ensure(region=person.region, year=quarter.year.year).get(
        person.unit.category_id
    )
    allowed = set(
        system.indicators.filter(method="leader_rating").values_list("pk", flat=True)
        if system
        else ()
    )
    existing = {
        r.indicator_id: r
        for r in LeaderRating.objects.select_for_update().filter(
            person=person, quarter=quarter, rated_by=by
        )
    }
    changed = 0
    for indicator_id, level in levels.items():
        if indicator_id not in allowed:
            raise ValidationError(_("该指标不由领导评价。"))
        row = existing.get(indicator_id)
        if not level:
            if row:
                row.delete()
                changed += 1
            continue
        if row and row.level == level:
            continue
        row = row or LeaderRating(
            region_id=person.region_id,
            person=person,
            quarter=quarter,
            indicator_id=indicator_id,
            rated_by=by,
        )
        row.level, row.rated_at = level, timezone.now()
        row.save()
        update_change_reason(row, _("领导评价"))
        changed += 1
    if changed:
        score_inputs_changed(quarter=quarter, person_ids=[person.pk], reason=_("领导评价变化"))
    return changed


# -- negative records ----------------------------------------------------------------------


def _require_negative_editor(by, region_id: int) -> None:
    if not selectors.may_edit_negatives(by, region_id):
        raise PermissionDenied(_("只有纪检/信息报送员和区委组织部管理员可以录入负面信息。"))


@transaction.atomic
def negative_record_create(*, record: NegativeRecord, by) -> NegativeRecord:
    _require_negative_editor(by, record.person.region_id)
    record.region_id = record.person.region_id
    record.recorded_by = by
    record.full_clean()
    record.save()
    update_change_reason(record, _("录入负面信息"))
    _negative_changed(record.person.region, [record])
    return record


@transaction.atomic
def negative_record_revoke(*, record: NegativeRecord, by, reason: str) -> NegativeRecord:
    """撤销: the record stays on file with who revoked it, when and why, and stops counting;
    the scores of the quarters it touched are recomputed."""
    _require_negative_editor(by, record.region_id)
    record = NegativeRecord.objects.select_for_update().get(pk=record.pk)
    if record.revoked_at is not None:
        raise ValidationError(
            _("该负面信息已于 %(at)s 撤销。") % {"at": f"{record.revoked_at:%Y-%m-%d}"}
        )
    if not reason.strip():
        raise ValidationError({"reason": _("请填写撤销理由。")})
    record.revoked_at, record.revoked_by, record.revoke_reason = timezone.now(), by, reason.strip()
    record.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    update_change_reason(record, _("撤销负面信息：%(r)s") % {"r": record.revoke_reason})
    _negative_changed(record.person.region, [record])
    return record


def _negative_changed(region: Region, records: list[NegativeRecord]) -> None:
    if not records:
        return
    start = min(r.date for r in records)
    end = max(r.in_force_until or r.date for r in records)
    ids = {r.person_id for r in records}
    for quarter in _quarters_touched(region, start, end):
        score_inputs_changed(
            quarter=quarter,
            person_ids=ids if len(ids) <= 200 else None,
            reason=_("负面信息变化"),
        )


# -- imports -------------------------------------------------------------------------------


def import_preview(*, kind: str, region: Region, name: str, data: bytes, by) -> ImportBatch:
    """Read and check a sheet; store the checked rows and the row errors for the preview.
    by=None is a command-line import (every person of the region)."""
    if by is None:
        people = Person.objects.filter(region=region)
    else:
        people = selectors.importable_people(by, kind, region)
    return import_table(
        kind=kind,
        region=region,
        name=name,
        table=imports.read_table(name, data),
        by=by,
        people=people,
    )


def import_table(*, kind: str, region: Region, name: str, table, by, people) -> ImportBatch:
    """Check a table (a file's rows, or an API payload laid out as one) into a batch; people
    are those the importer may import for."""
    checked = imports.check_rows(kind, table, people.select_related("unit"))
    batch = ImportBatch(
        region=region,
        kind=kind,
        file_name=name[:200],
        uploaded_by=by,
        row_count=len(checked.rows) + checked.error_count,
        rows=checked.rows,
        errors=checked.errors,
    )
    batch.save()
    update_change_reason(batch, _("上传预览"))
    return batch


@transaction.atomic
def import_apply(*, batch: ImportBatch, by) -> int:
    """Save a previewed batch: all rows or none, and only when the preview had no errors."""
    batch = ImportBatch.objects.select_for_update().select_related("region").get(pk=batch.pk)
    if by is not None and batch.uploaded_by_id != by.pk:
        raise PermissionDenied
    if batch.status != ImportBatch.Status.PREVIEW:
        raise ValidationError(_("该批次已导入，不能重复导入。"))
    if batch.errors:
        raise ValidationError(_("文件有错误，未导入任何记录。请修改后重新上传。"))
    people = (
        Person.objects.filter(region=batch.region)
        if by is None
        else selectors.importable_people(by, batch.kind, batch.region)
    )
    allowed = set(people.values_list("pk", flat=True))
    if any(row["person"] not in allowed for row in batch.rows):
        raise PermissionDenied(_("文件中有您无权导入的人员。"))
    region = batch.region
    if batch.kind == ImportBatch.Kind.ATTENDANCE:
        count = _apply_attendance(batch)
    else:
        count = _apply_negative(batch, by)
    batch.status, batch.applied_at = ImportBatch.Status.APPLIED, timezone.now()
    batch.save()
    update_change_reason(batch, _("确认导入"))
    days = [date.fromisoformat(r["date"]) for r in batch.rows]
    if batch.kind == ImportBatch.Kind.ATTENDANCE and days:
        for quarter in _quarters_touched(region, min(days), max(days)):
            score_inputs_changed(quarter=quarter, reason=_("导入考勤记录"))
    return count


def _apply_attendance(batch: ImportBatch) -> int:
    records = [
        AttendanceRecord(
            region_id=batch.region_id,
            person_id=r["person"],
            date=date.fromisoformat(r["date"]),
            status=r["status"],
            batch=batch,
        )
        for r in batch.rows
    ]
    try:
        with transaction.atomic():
            AttendanceRecord.objects.bulk_create(records, batch_size=5000)
    except IntegrityError as exc:  # a record for the same day arrived since the preview
        raise ValidationError(
            _("部分人员当日已有考勤记录（预览后有新导入），请重新上传。")
        ) from exc
    return len(records)


def _apply_negative(batch: ImportBatch, by) -> int:
    records = [
        NegativeRecord(
            region_id=batch.region_id,
            person_id=r["person"],
            source=r["source"],
            type=r["type"],
            severity=r["severity"],
            date=date.fromisoformat(r["date"]),
            in_force_until=date.fromisoformat(r["in_force_until"])
            if r.get("in_force_until")
            else None,
            document_no=r.get("document_no", ""),
            description=r.get("description", ""),
            recorded_by=by or batch.uploaded_by,
            batch=batch,
        )
        for r in batch.rows
    ]
    bulk_create_with_history(
        records, NegativeRecord, default_user=by, default_change_reason=_("批量导入负面信息")
    )
    _negative_changed(batch.region, records)
    return len(records)
