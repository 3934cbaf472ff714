"""Quarterly scores (DOMAIN.md "Indicators", "Grades").

score = positive − deductions, floored at 0, where

- positive = Σ(wᵢ · vᵢ) / Σwᵢ · 100 over the positive indicators that have data (vᵢ is the share
  of the indicator's points earned, 0..1). An indicator without data ("暂无数据") is left out of
  the weighted base and the others are renormalised, so a missing input neither gives free
  points nor costs points; the breakdown shows the covered weight. With no data at all there
  is no score.
- deductions = Σ per negative indicator of min(cap, Σ deduction per record by severity); the cap
  is the indicator's weight, the per-record deduction a setting of the year's system.
- grade suggestion from the system's bands, only when the covered weight reaches the system's
  minimum; a serious (sanction-weight) record in force during the quarter turns 好 into 较好.

`combine` is pure (table- and property-tested). `compute_scores` loads every input of a
region-quarter (or a few people) in a constant number of queries and `write_scores` upserts
only the rows that changed, with their history rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count
from django.utils import timezone

from .models import (
    AttendanceRecord,
    AttendanceStatus,
    Category,
    Grade,
    LeaderRating,
    Method,
    NegativeRecord,
    NegativeType,
    QuarterScore,
    RatingLevel,
    Severity,
    UnitIndicatorWeight,
)
from .providers import EXTERNAL_METHODS, provider_values

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)


def q2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Bands:
    good: Decimal
    fairly_good: Decimal
    average: Decimal
    min_coverage: Decimal


@dataclass(frozen=True)
class Result:
    score: Decimal | None
    positive: Decimal | None
    deductions: Decimal
    covered: Decimal
    grade: str


def grade_for(score: Decimal, bands: Bands) -> str:
    if score >= bands.good:
        return Grade.GOOD
    if score >= bands.fairly_good:
        return Grade.FAIRLY_GOOD
    if score >= bands.average:
        return Grade.AVERAGE
    return Grade.POOR


def combine(
    positives: list[tuple[Decimal, Decimal | None]],
    negatives: list[tuple[Decimal, Decimal]],
    bands: Bands,
    *,
    good_blocked: bool = False,
) -> Result:
    """positives: (weight, share 0..1 or None for no data); negatives: (cap, raw deduction)."""
    covered = sum((w for w, v in positives if v is not None and w > 0), ZERO)
    earned = sum((w * v for w, v in positives if v is not None and w > 0), ZERO)
    deductions = q2(sum((min(cap, raw) for cap, raw in negatives), ZERO))
    if covered <= 0:
        return Result(None, None, deductions, ZERO, "")
    positive = q2(earned * HUNDRED / covered)
    score = max(ZERO, positive - deductions)
    grade = ""
    if covered >= bands.min_coverage:
        grade = grade_for(score, bands)
        if grade == Grade.GOOD and good_blocked:
            grade = Grade.FAIRLY_GOOD
    return Result(score, positive, deductions, q2(covered), grade)


# -- inputs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonRow:
    id: int
    unit_id: int
    category_id: int


def _where(quarter, person_ids):
    """Rows of the quarter's region, narrowed to a few people when that is what is scored."""
    if person_ids is None:
        return {"region_id": quarter.region_id}
    return {"person_id__in": list(person_ids)}


def load_attendance(quarter, person_ids=None) -> dict[int, dict[str, int]]:
    rows = (
        AttendanceRecord.objects.filter(
            date__range=(quarter.start, quarter.end), **_where(quarter, person_ids)
        )
        .values_list("person_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for pid, status, n in rows:
        out[pid][status] = n
    return out


def load_ratings(quarter, person_ids=None) -> dict[tuple[int, int], list[tuple[str, str]]]:
    """(person, indicator) → [(level, rater name)], in rater order."""
    rows = (
        LeaderRating.objects.filter(quarter=quarter, **_where(quarter, person_ids))
        .values_list(
            "person_id",
            "indicator_id",
            "level",
            "rated_by__person__name",
            "rated_by__username",
        )
        .order_by("rated_by_id")
    )
    out: dict[tuple[int, int], list[tuple[str, str]]] = defaultdict(list)
    for pid, iid, level, name, username in rows:
        out[(pid, iid)].append((level, name or username))
    return out


def load_negatives(quarter, person_ids=None) -> dict[int, list[tuple]]:
    rows = (
        NegativeRecord.objects.filter(**_where(quarter, person_ids))
        .in_force_during(quarter.start, quarter.end)
        .values_list("person_id", "id", "type", "severity", "date", "in_force_until")
        .order_by("date", "id")
    )
    out: dict[int, list[tuple]] = defaultdict(list)
    for pid, *rest in rows:
        out[pid].append(tuple(rest))
    return out


# -- the computation -------------------------------------------------------------------------

LEVEL_FIELD = {
    RatingLevel.EXCELLENT: "rating_excellent",
    RatingLevel.GOOD: "rating_good",
    RatingLevel.AVERAGE: "rating_average",
    RatingLevel.POOR: "rating_poor",
}
LEVEL_LABEL = dict(RatingLevel.choices)
TYPE_LABEL = dict(NegativeType.choices)
SEVERITY_LABEL = dict(Severity.choices)


def _f(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


class QuarterScorer:
    """Scores people of one region-quarter from inputs loaded in bulk."""

    def __init__(
        self, quarter, systems: dict[int, object], people: list[PersonRow], person_ids=None
    ) -> None:
        self.quarter = quarter
        self.systems = systems  # unit category id → IndicatorSystem with indicators prefetched
        self.indicators = {
            cid: list(s.indicators.all()) for cid, s in systems.items()
        }  # ordered by Meta
        overrides = UnitIndicatorWeight.objects.filter(
            indicator__system__in=list(systems.values())
        ).values_list("unit_id", "indicator_id", "weight")
        self.overrides = {(u, i): w for u, i, w in overrides}
        self.attendance = load_attendance(quarter, person_ids)
        self.ratings = load_ratings(quarter, person_ids)
        self.negatives = load_negatives(quarter, person_ids)
        ids = [p.id for p in people]
        self.external = {m: provider_values(m, quarter, ids) for m in EXTERNAL_METHODS}
        self._unit_lines: dict[int, list] = {}
        self._memo: dict[tuple, tuple] = {}

    def lines_for_unit(self, unit_id: int, category_id: int):
        key = unit_id
        if key not in self._unit_lines:
            self._unit_lines[key] = [
                (ind, self.overrides.get((unit_id, ind.pk), ind.weight))
                for ind in self.indicators.get(category_id, ())
            ]
        return self._unit_lines[key]

    def score(self, person: PersonRow) -> QuarterScore | None:
        system = self.systems.get(person.category_id)
        if system is None:
            return None
        q = self.quarter
        positives: list[tuple[Decimal, Decimal | None]] = []
        negatives: list[tuple[Decimal, Decimal]] = []
        breakdown: list[dict] = []
        records = self.negatives.get(person.id, ())
        in_quarter = [r for r in records if q.start <= r[3] <= q.end]
        good_blocked = any(
            r[2] == Severity.SERIOUS and (r[4] is not None or q.start <= r[3] <= q.end)
            for r in records
        )
        used_types: set[str] = set()
        for ind, weight in self.lines_for_unit(person.unit_id, person.category_id):
            entry = {
                "id": ind.pk,
                "code": ind.code,
                "name": ind.name,
                "cat": ind.category,
                "method": ind.method,
                "w": float(weight),
            }
            if ind.category == Category.NEGATIVE:
                mine = [r for r in in_quarter if r[1] == ind.code]
                used_types.add(ind.code)
                raw = sum((system.deduction_for(r[2]) for r in mine), ZERO)
                taken = min(weight, raw)
                negatives.append((weight, raw))
                entry.update(
                    v=None,
                    pts=-float(taken),
                    note=_negative_note(mine, raw, taken),
                    refs=[r[0] for r in mine],
                )
            else:
                value, note, refs = self._positive(ind, person.id, system)
                positives.append((weight, value))
                entry.update(
                    v=_f(value),
                    pts=None if value is None else float(q2(weight * value)),
                    note=note,
                    refs=refs,
                )
            breakdown.append(entry)
        # records of a type the system has no indicator for still deduct, uncapped
        for rec in in_quarter:
            if rec[1] not in used_types:
                raw = system.deduction_for(rec[2])
                negatives.append((raw, raw))
                breakdown.append(
                    {
                        "id": None,
                        "code": rec[1],
                        "name": TYPE_LABEL.get(rec[1], rec[1]),
                        "cat": Category.NEGATIVE,
                        "method": Method.DEDUCTION,
                        "w": None,
                        "v": None,
                        "pts": -float(raw),
                        "note": _negative_note([rec], raw, raw),
                        "refs": [rec[0]],
                    }
                )
        bands = Bands(
            system.band_good, system.band_fairly_good, system.band_average, system.min_coverage
        )
        result = combine(positives, negatives, bands, good_blocked=good_blocked)
        return QuarterScore(
            region_id=q.region_id,
            person_id=person.id,
            quarter_id=q.pk,
            system_id=system.pk,
            score=result.score,
            positive=result.positive,
            deductions=result.deductions,
            covered_weight=result.covered,
            suggested_grade=result.grade,
            good_blocked=good_blocked,
            breakdown=breakdown,
        )

    def _positive(self, ind, person_id: int, system):
        # people share inputs (the same rater's levels, the same attendance counts): compute
        # each distinct combination once
        if ind.method == Method.LEADER_RATING:
            given = self.ratings.get((person_id, ind.pk))
            if not given:
                return None, "暂无领导评价", []
            key = (system.pk, tuple(given))
            if key not in self._memo:
                self._memo[key] = self._rating(given, system)
            return self._memo[key]
        if ind.method == Method.ATTENDANCE:
            counts = self.attendance.get(person_id)
            if not counts:
                return None, "本季度暂无考勤记录", []
            key = (system.pk, tuple(sorted(counts.items())))
            if key not in self._memo:
                self._memo[key] = self._attendance(counts, system)
            return self._memo[key]
        if ind.method in EXTERNAL_METHODS:
            pv = self.external[ind.method].get(person_id)
            if pv is None:
                return None, "暂无数据（数据来源尚未接入或本季度无记录）", []
            return pv.value, pv.note, {"url": pv.url} if pv.url else []
        return None, "暂无数据", []

    @staticmethod
    def _rating(given, system):
        pct = [getattr(system, LEVEL_FIELD[level]) for level, _ in given]
        value = sum(pct, ZERO) / len(pct) / HUNDRED
        note = "；".join(f"{name}：{LEVEL_LABEL[level]}" for level, name in given)
        return value, f"{note}（平均得分率 {q2(value * HUNDRED)}%）", []

    @staticmethod
    def _attendance(counts, system):
        absent = counts.get(AttendanceStatus.ABSENT, 0)
        leave = counts.get(AttendanceStatus.LEAVE, 0)
        late = counts.get(AttendanceStatus.LATE_EARLY, 0)
        present = counts.get(AttendanceStatus.PRESENT, 0)
        lost = (
            absent * system.absent_day_pct + leave * system.leave_day_pct + late * system.late_pct
        ) / HUNDRED
        value = max(ZERO, Decimal(1) - lost)
        note = (
            f"出勤 {present} 天，请假 {leave} 天，旷工 {absent} 天，迟到早退 {late} 次"
            f"（每天旷工扣 {system.absent_day_pct}%，请假扣 {system.leave_day_pct}%，"
            f"每次迟到早退扣 {system.late_pct}%）"
        )
        return value, note, {"present": present, "leave": leave, "absent": absent, "late": late}


def _negative_note(records, raw: Decimal, taken: Decimal) -> str:
    if not records:
        return "本季度无记录"
    parts = [f"{r[3]:%Y-%m-%d} {SEVERITY_LABEL[r[2]]}" for r in records]
    note = f"{len(records)} 条（{'；'.join(parts)}），扣 {q2(raw)} 分"
    if taken < raw:
        note += f"，本项最高扣 {q2(taken)} 分"
    return note


# -- writing -------------------------------------------------------------------------------

# small batches: psycopg's client-side parameter binding grows worse than linearly with the
# size of one statement (the JSON breakdowns make every row large)
WRITE_BATCH = 200
SCORE_FIELDS = (
    "system_id",
    "score",
    "positive",
    "deductions",
    "covered_weight",
    "suggested_grade",
    "good_blocked",
    "breakdown",
)


def _key(values) -> tuple:
    return tuple(
        (q2(v) if isinstance(v, Decimal) else v) for v in values
    )  # Decimal("80") == Decimal("80.00"), but keep the stored scale out of it


def write_scores(quarter, computed: list[QuarterScore], person_ids=None, *, reason: str) -> int:
    """Upsert the computed rows that differ from what is stored; returns the number written."""
    existing = {
        row[0]: _key(row[1:])
        for row in QuarterScore.objects.filter(quarter=quarter, **_where(quarter, person_ids))
        .values_list("person_id", *SCORE_FIELDS)
        .iterator(chunk_size=5000)
    }
    now = timezone.now()
    created, updated = [], []
    for obj in computed:
        old = existing.get(obj.person_id)
        if old is not None and old == _key(getattr(obj, f) for f in SCORE_FIELDS):
            continue
        obj.computed_at = now
        (updated if old is not None else created).append(obj)
    if not created and not updated:
        return 0
    rows = QuarterScore.objects.bulk_create(
        created + updated,
        batch_size=WRITE_BATCH,
        update_conflicts=True,
        unique_fields=["person", "quarter"],
        update_fields=[*(f.removesuffix("_id") for f in SCORE_FIELDS), "computed_at"],
    )
    history = QuarterScore.history
    history.bulk_history_create(
        rows[: len(created)], batch_size=WRITE_BATCH, default_change_reason=reason, default_date=now
    )
    history.bulk_history_create(
        rows[len(created) :],
        batch_size=WRITE_BATCH,
        update=True,
        default_change_reason=reason,
        default_date=now,
    )
    return len(rows)
