"""The consistency sweep: scores whose inputs changed since the previous sweep are recomputed.

Every change of a score input queues its recompute durably (the outbox), but a queued task can
still be lost after the broker accepted it (a Redis restart without persistence, a task that
failed all its retries). The sweep is the backstop: a beat job reads the inputs' change times
(history rows, import batches) from the last sweep's watermark up to a short grace period ago
(changes younger than that are normally being recomputed right now) and recomputes the people
and quarters they touch. A recompute writes only rows that differ, so a sweep after a recompute
that did happen costs reading, not writing. docs/ARCHITECTURE.md lists the derived data this
covers and what it does not.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.models import Quarter, Region
from outbox.models import SweepMark

from .models import (
    ImportBatch,
    Indicator,
    IndicatorSystem,
    LeaderRating,
    NegativeRecord,
    QuarterScore,
    UnitIndicatorWeight,
)
from .services import _quarters_touched, quarter_scores_recompute

MARK = "indicators.scores"
GRACE = timedelta(minutes=2)
FIRST_LOOKBACK = timedelta(days=1)
WHOLE = None  # the whole region's scores of a quarter


def scores_sweep(*, now=None) -> int:
    """Recompute what changed in (watermark, now - GRACE]; returns the rows rewritten."""
    now = now or timezone.now()
    upper = now - GRACE
    with transaction.atomic():
        mark, _created = SweepMark.objects.select_for_update().get_or_create(
            name=MARK, defaults={"until": upper - FIRST_LOOKBACK}
        )
        lower = mark.until
        if upper <= lower:
            return 0
        changes = _changes(lower, upper)
        written = 0
        for quarter_id, people in changes.items():
            quarter = Quarter.objects.select_related("region", "year").get(pk=quarter_id)
            if people is not WHOLE:
                people = _not_recomputed_since(quarter_id, people)
                if not people:
                    continue
            written += quarter_scores_recompute(
                quarter=quarter,
                person_ids=None if people is WHOLE else sorted(people),
                reason=_("一致性检查：输入数据变化后重新计算"),
            )
        mark.until = upper
        mark.save(update_fields=["until"])
    return written


def _changes(lower, upper) -> dict[int, dict[int, object] | None]:
    """quarter id → {person id: latest change} or WHOLE."""
    out: dict[int, dict | None] = defaultdict(dict)
    window = {"history_date__gt": lower, "history_date__lte": upper}

    def add(quarter_id: int, person_id: int | None, at) -> None:
        if person_id is None:
            out[quarter_id] = WHOLE
        elif out[quarter_id] is not WHOLE:
            people = out[quarter_id]
            people[person_id] = max(at, people.get(person_id, at))

    regions: dict[int, Region] = {}

    def region(pk: int) -> Region:
        if pk not in regions:
            regions[pk] = Region.objects.get(pk=pk)
        return regions[pk]

    negatives = NegativeRecord.history.filter(**window).values_list(
        "region_id", "person_id", "date", "in_force_until", "history_date"
    )
    for region_id, person_id, day, until, at in negatives:
        for quarter in _quarters_touched(region(region_id), day, until or day):
            add(quarter.pk, person_id, at)
    ratings = LeaderRating.history.filter(**window).values_list(
        "quarter_id", "person_id", "history_date"
    )
    for quarter_id, person_id, at in ratings:
        add(quarter_id, person_id, at)
    batches = ImportBatch.objects.filter(
        kind=ImportBatch.Kind.ATTENDANCE, applied_at__gt=lower, applied_at__lte=upper
    ).values_list("region_id", "rows")
    for region_id, rows in batches:
        days = sorted(row["date"] for row in rows)
        if days:
            first, last = date.fromisoformat(days[0]), date.fromisoformat(days[-1])
            for quarter in _quarters_touched(region(region_id), first, last):
                add(quarter.pk, None, upper)
    # rules: a changed system, indicator or unit weight reaches every begun quarter of its year
    system_ids = set(IndicatorSystem.history.filter(**window).values_list("id", flat=True))
    system_ids |= set(Indicator.history.filter(**window).values_list("system_id", flat=True))
    system_ids |= set(
        UnitIndicatorWeight.history.filter(**window).values_list("indicator__system_id", flat=True)
    )
    today = timezone.localdate()
    years = IndicatorSystem.objects.filter(pk__in=system_ids).values_list("year_id", flat=True)
    for quarter_id in Quarter.objects.filter(year__in=set(years), start__lte=today).values_list(
        "pk", flat=True
    ):
        add(quarter_id, None, upper)
    return dict(out)


def _not_recomputed_since(quarter_id: int, people: dict[int, object]) -> set[int]:
    """The people whose stored score is older than their latest input change (or missing)."""
    computed = dict(
        QuarterScore.objects.filter(quarter_id=quarter_id, person_id__in=list(people)).values_list(
            "person_id", "computed_at"
        )
    )
    return {pid for pid, at in people.items() if pid not in computed or computed[pid] < at}
