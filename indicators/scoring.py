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

`combine` is pure (table- and property-tested). `QuarterScorer` loads every input of a
region-quarter (or a few people) in a constant number of queries; `score_writes.write_scores`
stores only the rows that changed, with their history rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from django.db.models import Count

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


def scope_filter(quarter, person_ids) -> dict:
    """Rows of the quarter's region, narrowed to a few people when that is what is scored."""
    if person_ids is None:
        return {"region_id": quarter.region_id}
    return {"person_id__in": list(person_ids)}


def load_attendance(quarter, person_ids=None) -> dict[int, tuple[tuple[str, int], ...]]:
    """person → ((status, days), …) sorted by status: counted by the database."""
    rows = (
        AttendanceRecord.objects.filter(
            date__range=(quarter.start, quarter.end), **scope_filter(quarter, person_ids)
        )
        .values_list("person_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for pid, status, n in rows:
        out[pid][status] = n
    return {pid: tuple(sorted(counts.items())) for pid, counts in out.items()}


def load_ratings(quarter, person_ids=None) -> dict[int, dict[int, tuple[tuple[str, str], ...]]]:
    """person → indicator → ((level, rater name), …), in rater order."""
    ratings = LeaderRating.objects.filter(quarter=quarter, **scope_filter(quarter, person_ids))
    rows = ratings.values_list("person_id", "indicator_id", "level", "rated_by_id").order_by(
        "rated_by_id"
    )
    # a few hundred raters: their names once, not joined onto every rating
    raters = LeaderRating.rated_by.field.related_model.objects.filter(
        pk__in=ratings.values("rated_by_id")
    ).values_list("pk", "person__name", "username")
    names = {pk: name or username for pk, name, username in raters}
    given: dict[tuple[str, int], tuple[str, str]] = {}  # one tuple per (level, rater)
    out: dict[int, dict[int, tuple]] = defaultdict(dict)
    for pid, iid, level, rater in rows:
        pair = given.get((level, rater))
        if pair is None:
            pair = given[(level, rater)] = (level, names[rater])
        mine = out[pid]
        mine[iid] = (*mine.get(iid, ()), pair)
    return out


def load_negatives(quarter, person_ids=None) -> dict[int, list[tuple]]:
    rows = (
        NegativeRecord.objects.filter(**scope_filter(quarter, person_ids))
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
BREAKDOWN_ENCODER = QuarterScore._meta.get_field("breakdown").encoder


def _f(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _jsonb_key(key: str) -> tuple[int, bytes]:
    raw = key.encode()
    return len(raw), raw


def jsonb_ordered(value):
    """The value with every object's keys in the order PostgreSQL's jsonb keeps them (shorter
    first, then bytewise), so that our JSON text is the text the database gives back and a
    stored breakdown can be compared by a hash of its text (write_scores)."""
    if isinstance(value, dict):
        return {k: jsonb_ordered(value[k]) for k in sorted(value, key=_jsonb_key)}
    if isinstance(value, list | tuple):
        return [jsonb_ordered(v) for v in value]
    return value


_ENCODER = BREAKDOWN_ENCODER()


def _entry(head: dict, **values) -> tuple[dict, str]:
    """One breakdown line and its JSON text (built once per distinct line, then shared).
    head: the indicator's part (id, code, name, cat, method, w)."""
    fields = {**head, **values}
    entry = {
        k: jsonb_ordered(v) if isinstance(v, dict | list) else v
        for k, v in ((k, fields[k]) for k in _jsonb_order(tuple(fields)))
    }
    return entry, _ENCODER.encode(entry)


@cache
def _jsonb_order(keys: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(keys, key=_jsonb_key))


def _head(ind, weight: Decimal | None, **overrides) -> dict:
    head = {
        "id": ind.pk if ind else None,
        "code": ind.code if ind else None,
        "name": ind.name if ind else None,
        "cat": ind.category if ind else Category.NEGATIVE,
        "method": ind.method if ind else Method.DEDUCTION,
        "w": None if weight is None else float(weight),
    }
    return head | overrides


def _points(value: Decimal) -> float:
    # -0.0 would print as "-0.0" here but "0.0" from the database: keep one spelling
    return float(value) or 0.0


@dataclass(frozen=True, slots=True, eq=False)
class Line:
    """An indicator as a unit scores it (its own weight where the unit tuned it)."""

    ind: object
    ind_id: int
    weight: Decimal
    kind: str  # the method, or NEGATIVE
    head: dict  # the breakdown entry's indicator part
    results: dict  # input → (value, entry, JSON text), shared by lines of equal weight


NEGATIVE = Category.NEGATIVE  # a Line's kind: a deduction, whatever the indicator's method
NO_RATINGS: dict = {}


@dataclass(slots=True)
class Scored:
    """A computed QuarterScore row: the attributes are the model's attnames, plus the
    breakdown's JSON text as it is stored (see jsonb_ordered). The breakdown's entries are
    shared between people with the same line: read them, never change them."""

    region_id: int
    person_id: int
    quarter_id: int
    system_id: int
    score: Decimal | None
    positive: Decimal | None
    deductions: Decimal
    covered_weight: Decimal
    suggested_grade: str
    good_blocked: bool
    breakdown: list[dict]
    breakdown_json: str
    computed_at: datetime | None = None


class QuarterScorer:
    """Scores people of one region-quarter from inputs loaded in bulk.

    People share most breakdown lines (the same rater's levels, the same attendance counts,
    no negative record): each distinct line is computed and serialised once, and a person's
    breakdown text is the join of its lines' texts."""

    def __init__(
        self, quarter, systems: dict[int, object], people: list[PersonRow], person_ids=None
    ) -> None:
        self.quarter = quarter
        self.systems = systems  # unit category id → IndicatorSystem with indicators prefetched
        self.indicators = {
            cid: list(s.indicators.all()) for cid, s in systems.items()
        }  # ordered by Meta
        self.bands = {
            s.pk: Bands(s.band_good, s.band_fairly_good, s.band_average, s.min_coverage)
            for s in systems.values()
        }
        overrides = UnitIndicatorWeight.objects.filter(
            indicator__system__in=list(systems.values())
        ).values_list("unit_id", "indicator_id", "weight")
        self.overrides = {(u, i): w for u, i, w in overrides}
        self.attendance = load_attendance(quarter, person_ids)
        self.ratings = load_ratings(quarter, person_ids)
        self.negatives = load_negatives(quarter, person_ids)
        ids = [p.id for p in people]
        self.external = {m: provider_values(m, quarter, ids) for m in EXTERNAL_METHODS}
        self._unit_lines: dict[int, tuple[list[Line], frozenset[str]]] = {}
        self._results: dict[tuple, dict] = {}  # (indicator, weight) → Line.results
        self._ratings_memo: dict[tuple, tuple] = {}  # (system, levels) → (value, note, refs)

    def lines_for_unit(self, unit_id: int, category_id: int) -> tuple[list[Line], frozenset[str]]:
        """The unit's lines and the codes of its negative indicators."""
        if unit_id not in self._unit_lines:
            lines = []
            for ind in self.indicators.get(category_id, ()):
                weight = self.overrides.get((unit_id, ind.pk), ind.weight)
                kind = NEGATIVE if ind.category == Category.NEGATIVE else ind.method
                results = self._results.setdefault((ind.pk, weight), {})
                lines.append(Line(ind, ind.pk, weight, kind, _head(ind, weight), results))
            codes = frozenset(line.ind.code for line in lines if line.kind == NEGATIVE)
            self._unit_lines[unit_id] = (lines, codes)
        return self._unit_lines[unit_id]

    def score(self, person: PersonRow) -> Scored | None:
        """The person's row. Each line's result is looked up by the person's input to it (the
        raters' levels, the attendance counts, the records), computed on a first sight only."""
        system = self.systems.get(person.category_id)
        if system is None:
            return None
        q = self.quarter
        positives: list[tuple[Decimal, Decimal | None]] = []
        negatives: list[tuple[Decimal, Decimal]] = []
        entries: list[dict] = []
        texts: list[str] = []
        records = self.negatives.get(person.id, ())
        in_quarter = [r for r in records if q.start <= r[3] <= q.end]
        good_blocked = any(
            r[2] == Severity.SERIOUS and (r[4] is not None or q.start <= r[3] <= q.end)
            for r in records
        )
        ratings = self.ratings.get(person.id, NO_RATINGS)
        attendance = self.attendance.get(person.id)
        lines, negative_codes = self.lines_for_unit(person.unit_id, person.category_id)
        for line in lines:
            kind = line.kind
            if kind == Method.LEADER_RATING:
                given = ratings.get(line.ind_id)
            elif kind == Method.ATTENDANCE:
                given = attendance
            elif kind == NEGATIVE:
                given = tuple(r for r in in_quarter if r[1] == line.ind.code) or None
            elif kind in EXTERNAL_METHODS:
                given = self.external[kind].get(person.id)
            else:
                given = None
            result = line.results.get(given)
            if result is None:
                result = line.results[given] = self._result(line, given, system)
            value, entry, text = result
            (negatives if kind == NEGATIVE else positives).append((line.weight, value))
            entries.append(entry)
            texts.append(text)
        # records of a type the system has no indicator for still deduct, uncapped
        for rec in in_quarter:
            if rec[1] not in negative_codes:
                raw = system.deduction_for(rec[2])
                negatives.append((raw, raw))
                entry, text = _entry(
                    _head(None, None, code=rec[1], name=TYPE_LABEL.get(rec[1], rec[1])),
                    v=None,
                    pts=_points(-raw),
                    note=_negative_note([rec], raw, raw),
                    refs=[rec[0]],
                )
                entries.append(entry)
                texts.append(text)
        result = combine(positives, negatives, self.bands[system.pk], good_blocked=good_blocked)
        return Scored(
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
            breakdown=entries,
            breakdown_json=f"[{', '.join(texts)}]",
        )

    def _result(self, line: Line, given, system) -> tuple:
        """(share 0..1 or the deduction, breakdown entry, its JSON text) of one line for one
        input (None: no data)."""
        kind = line.kind
        if kind == NEGATIVE:
            mine = list(given or ())
            raw = sum((system.deduction_for(r[2]) for r in mine), ZERO)
            taken = min(line.weight, raw)
            return (
                raw,
                *_entry(
                    line.head,
                    v=None,
                    pts=_points(-taken),
                    note=_negative_note(mine, raw, taken),
                    refs=[r[0] for r in mine],
                ),
            )
        if kind in EXTERNAL_METHODS:
            if given is None:
                value, note, refs = None, "暂无数据（数据来源尚未接入或本季度无记录）", []
            else:
                value, note, refs = given.value, given.note, {"url": given.url} if given.url else []
        elif kind == Method.LEADER_RATING:
            if not given:
                value, note, refs = None, "暂无领导评价", []
            else:  # the same levels from the same raters read the same on every indicator
                memo = (system.pk, given)
                if memo not in self._ratings_memo:
                    self._ratings_memo[memo] = self._rating(given, system)
                value, note, refs = self._ratings_memo[memo]
        elif kind == Method.ATTENDANCE:
            if not given:
                value, note, refs = None, "本季度暂无考勤记录", []
            else:
                value, note, refs = self._attendance(dict(given), system)
        else:
            value, note, refs = None, "暂无数据", []
        return (
            value,
            *_entry(
                line.head,
                v=_f(value),
                pts=None if value is None else float(q2(line.weight * value)),
                note=note,
                refs=refs,
            ),
        )

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
