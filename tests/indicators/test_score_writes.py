"""How recomputed scores are stored: only changed rows, each with its history row, and the same
rows and history whether they go through COPY (PostgreSQL) or bulk_create."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from indicators import score_writes, services
from indicators.models import LeaderRating, NegativeRecord, QuarterScore
from indicators.providers import ProviderValue, register_provider, unregister_provider

from .helpers import attend, indicator, q3, system_a

pytestmark = pytest.mark.django_db
D = Decimal
SCORE_FIELDS = [f.attname for f in QuarterScore._meta.concrete_fields if f.name != "id"]


def _inputs(personas):
    """Two raters with different levels, attendance with every status, a capped negative
    record and one of a type the system has no indicator for (after the indicator is gone)."""
    a, quarter, system = personas.a, q3(personas), system_a(personas)
    staff, staff2 = a.people["staff"], a.people["staff2"]
    for ind in system.indicators.filter(method="leader_rating"):
        for user, level in ((a.chief, "good"), (a.leader, "average")):
            LeaderRating.objects.create(
                region=a.region,
                person=staff,
                quarter=quarter,
                indicator=ind,
                level=level,
                rated_by=user,
            )
    attend(staff, {"present": 50, "leave": 3, "absent": 1, "late_early": 4})
    attend(staff2, {"present": 60})
    for kind, severity, day in (("complaint", "serious", 5), ("mistake", "minor", 9)):
        NegativeRecord.objects.create(
            region=a.region,
            person=staff2,
            source="other",
            type=kind,
            severity=severity,
            date=date(2026, 8, day),
            in_force_until=None,
            recorded_by=a.discipline,
        )
    indicator(system, "mistake").delete()


def _stored():
    rows = list(QuarterScore.objects.order_by("person_id").values_list(*SCORE_FIELDS))
    history = list(
        QuarterScore.history.order_by("person_id", "history_date", "history_type").values_list(
            "history_type", "history_change_reason", "history_user_id", *SCORE_FIELDS
        )
    )
    return rows, history


def _cycle(quarter, staff):
    """cold, warm, then one person's input changed: what each run wrote, and the tables."""
    written = [services.quarter_scores_recompute(quarter=quarter, reason="首次")]
    written.append(services.quarter_scores_recompute(quarter=quarter, reason="无变化"))
    attend(staff, {"absent": 1}, start=date(2026, 9, 20))
    written.append(services.quarter_scores_recompute(quarter=quarter, reason="考勤变化"))
    return written, *_stored()


def test_recompute_writes_history_only_for_what_changed(personas):
    _inputs(personas)
    quarter, staff = q3(personas), personas.a.people["staff"]
    written, rows, history = _cycle(quarter, staff)
    people = QuarterScore.objects.count()
    assert people >= 3 and written == [people, 0, 1]
    assert [h[:2] for h in history if h[0] == "+"] == [("+", "首次")] * people
    changed = [h for h in history if h[0] == "~"]
    assert [(h[1], h[3 + SCORE_FIELDS.index("person_id")]) for h in changed] == [
        ("考勤变化", staff.pk)
    ]
    # the history row is the stored row
    assert changed[0][3:] == next(r for r in rows if r[SCORE_FIELDS.index("person_id")] == staff.pk)
    score = QuarterScore.objects.get(person=staff)
    entry = next(e for e in score.breakdown if e["code"] == "attendance")
    assert entry["refs"] == {"present": 50, "leave": 3, "absent": 2, "late": 4}
    staff2 = QuarterScore.objects.get(person=personas.a.people["staff2"])
    uncapped = next(e for e in staff2.breakdown if e["code"] == "mistake")
    assert uncapped["id"] is None and uncapped["pts"] == -2.0
    assert staff2.deductions == 12 and staff2.good_blocked


@pytest.mark.postgres
def test_copy_and_bulk_writes_store_the_same_rows(personas, monkeypatch):
    _inputs(personas)
    quarter, staff = q3(personas), personas.a.people["staff"]
    outcomes = {}
    for copy in (True, False):
        QuarterScore.objects.all().delete()
        QuarterScore.history.all().delete()  # with the deletion's '-' rows
        monkeypatch.setattr(score_writes, "copy_supported", lambda person_ids=None, copy=copy: copy)
        outcomes[copy] = _cycle(quarter, staff)
        staff.attendance.filter(date=date(2026, 9, 20)).delete()
    written, rows, history = outcomes[True]
    assert written[0] >= 3 and written[1:] == [0, 1]
    # dates differ between the runs; everything else is the same
    drop_dates = [i for i, name in enumerate(SCORE_FIELDS) if name == "computed_at"]

    def same(rows, offset=0):
        return [tuple(v for i, v in enumerate(r) if i - offset not in drop_dates) for r in rows]

    assert same(rows) == same(outcomes[False][1])
    assert same(history, 3) == same(outcomes[False][2], 3)
    assert written == outcomes[False][0]


@pytest.mark.postgres
def test_stored_text_hashes_like_the_computed_text(personas, monkeypatch):
    """A warm recompute on PostgreSQL finds every row unchanged by its hash alone (our JSON text
    is jsonb's own spelling); a text jsonb spells differently (an exponent float) reaches the
    database, whose comparison still writes nothing."""
    _inputs(personas)
    quarter, staff = q3(personas), personas.a.people["staff"]
    register_provider(
        "peer_rating", lambda q, ids: {staff.pk: ProviderValue(D("0.8"), "互评", "/x/")}
    )
    try:
        assert services.quarter_scores_recompute(quarter=quarter) >= 3
        sent = []
        real = score_writes._write_copy
        monkeypatch.setattr(
            score_writes, "_write_copy", lambda rows, **kw: sent.append(list(rows)) or 0
        )
        assert services.quarter_scores_recompute(quarter=quarter) == 0
        assert sent == []
        register_provider(
            "peer_rating", lambda q, ids: {staff.pk: ProviderValue(D("0.00001"), "互评", "")}
        )
        monkeypatch.setattr(score_writes, "_write_copy", real)
        assert services.quarter_scores_recompute(quarter=quarter) == 1  # 0.8 → 0.00001
        history = QuarterScore.history.count()

        def spy(rows, **kw):
            sent.append(list(rows))
            return real(sent[-1], **kw)

        monkeypatch.setattr(score_writes, "_write_copy", spy)
        assert services.quarter_scores_recompute(quarter=quarter) == 0
        assert [r.person_id for r in sent[0]] == [staff.pk]  # "1e-05" vs jsonb's "0.00001"
        assert QuarterScore.history.count() == history
    finally:
        unregister_provider("peer_rating")


def test_no_history_rows_when_history_is_disabled(personas, settings):
    """Like simple-history's own bulk writes, the COPY path honours SIMPLE_HISTORY_ENABLED."""
    _inputs(personas)
    settings.SIMPLE_HISTORY_ENABLED = False
    written = services.quarter_scores_recompute(quarter=q3(personas))
    assert written >= 3 and QuarterScore.objects.count() == written
    assert not QuarterScore.history.exists()


def test_a_breakdown_spelled_differently_is_not_a_change(personas):
    """Rows written before (keys in another order, 8 for 8.0, -0.0) hash differently from the
    computed text, but hold the same figures: nothing is rewritten, no history row added."""
    _inputs(personas)
    quarter = q3(personas)
    assert services.quarter_scores_recompute(quarter=quarter) >= 3

    def respelled(value):
        if isinstance(value, dict):
            return {k: respelled(value[k]) for k in reversed(list(value))}
        if isinstance(value, list):
            return [respelled(v) for v in value]
        if isinstance(value, float) and value.is_integer():
            return int(value) if value else -0.0
        return value

    for score in QuarterScore.objects.all():
        # simulating rows of an older release: no history row for this on purpose
        QuarterScore.objects.filter(pk=score.pk).update(breakdown=respelled(score.breakdown))
    history = QuarterScore.history.count()
    assert services.quarter_scores_recompute(quarter=quarter) == 0
    assert QuarterScore.history.count() == history
