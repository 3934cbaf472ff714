"""Indicator systems, unit weights, leader ratings, negative records and stored scores."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators import services
from indicators.models import (
    Category,
    Grade,
    Indicator,
    LeaderRating,
    NegativeRecord,
    QuarterScore,
    Severity,
)
from indicators.providers import ProviderValue, register_provider, unregister_provider

from .helpers import attend, indicator, q3, system_a

pytestmark = pytest.mark.django_db
D = Decimal


def test_default_set_is_18_indicators_in_4_categories_per_unit_category(personas):
    from assessment.models import UnitCategory

    for code in ("window", "legal", "mass"):
        UnitCategory.objects.create(region=personas.a.region, code=code, name=code)
    systems = services.indicator_systems_ensure(region=personas.a.region, year=2026)
    assert len(systems) == 4
    specific = set()
    for system in systems.values():
        inds = list(system.indicators.all())
        assert len(inds) == 18
        counts = {c: sum(i.category == c for i in inds) for c in Category.values}
        assert counts == {"common": 5, "individual": 6, "featured": 3, "negative": 4}
        assert sum(i.weight for i in inds if i.category != Category.NEGATIVE) == 100
        specific |= {i.name for i in inds if i.category == "featured"} - {"同事互评", "群众满意度"}
    assert specific == {"服务质量与承诺兑现", "执法办案规范", "联系服务群众", "统筹协调"}


def test_ensure_is_idempotent_and_per_year(personas):
    first = services.indicator_systems_ensure(region=personas.a.region, year=2026)
    again = services.indicator_systems_ensure(region=personas.a.region, year=2026)
    assert first.keys() == again.keys()
    assert Indicator.objects.filter(system__region=personas.a.region).count() == 18
    services.indicator_systems_ensure(region=personas.a.region, year=2027)
    assert Indicator.objects.filter(system__region=personas.a.region).count() == 36


def _rows(system):
    return [
        {
            "pk": i.pk,
            "category": i.category,
            "code": i.code,
            "name": i.name,
            "weight": i.weight,
            "method": i.method,
            "order": i.order,
            "min_weight": i.min_weight,
            "max_weight": i.max_weight,
        }
        for i in system.indicators.all()
    ]


def test_positive_weights_must_sum_to_100(personas):
    system = system_a(personas)
    rows = _rows(system)
    rows[0]["weight"] = D(10)  # 102
    with pytest.raises(ValidationError, match="合计须为 100"):
        services.indicator_system_update(
            system=system, settings={}, indicators=rows, by=personas.a.district_admin
        )
    rows[1]["weight"] = D(6)  # back to 100
    services.indicator_system_update(
        system=system, settings={}, indicators=rows, by=personas.a.district_admin
    )
    assert indicator(system, "political").weight == 10


def test_only_district_admin_edits_a_system(personas):
    system = system_a(personas)
    for user in (personas.a.unit_admin, personas.b.district_admin, personas.a.hr):
        with pytest.raises(PermissionDenied):
            services.indicator_system_update(
                system=system, settings={}, indicators=_rows(system), by=user
            )


def test_unit_weights_within_bounds_and_keep_the_sum(personas):
    system = system_a(personas)
    duties, quality = indicator(system, "duties"), indicator(system, "quality")
    with pytest.raises(ValidationError) as exc:
        services.unit_weights_set(
            unit=personas.a.unit,
            system=system,
            weights={duties.pk: D(12), quality.pk: D(1)},
            by=personas.a.unit_admin,
        )
    assert f"w_{duties.pk}" in exc.value.message_dict and "__all__" in exc.value.message_dict
    with pytest.raises(ValidationError, match="合计须保持"):
        services.unit_weights_set(
            unit=personas.a.unit, system=system, weights={duties.pk: D(8)}, by=personas.a.unit_admin
        )
    services.unit_weights_set(
        unit=personas.a.unit,
        system=system,
        weights={duties.pk: D(8), quality.pk: D(4)},
        by=personas.a.unit_admin,
    )
    with pytest.raises(PermissionDenied):
        services.unit_weights_set(
            unit=personas.a.other_unit,
            system=system,
            weights={duties.pk: D(8), quality.pk: D(4)},
            by=personas.a.unit_admin,
        )


def _rate_all(personas, person, level, by):
    system = system_a(personas)
    ids = system.indicators.filter(method="leader_rating").values_list("pk", flat=True)
    services.leader_ratings_save(
        person=person, quarter=q3(personas), levels=dict.fromkeys(ids, level), by=by
    )


def test_score_from_ratings_and_attendance_with_breakdown(
    personas, django_capture_on_commit_callbacks
):
    staff = personas.a.people["staff"]
    with django_capture_on_commit_callbacks(execute=True):
        _rate_all(personas, staff, "good", personas.a.chief)  # 85 %
        attend(staff, {"present": 60, "leave": 2, "absent": 1, "late_early": 2})
        services.quarter_scores_recompute(quarter=q3(personas))
    score = QuarterScore.objects.get(person=staff, quarter=q3(personas))
    # leader-rated weight 8*4 + 6*4 + 8 = 64 at 85 %; attendance 8 at 1-0.2-0.1 = 70 %;
    # goals, key tasks, peer, public (6+6+8+8 = 28) have no data and are left out.
    expected = (D(64) * D("0.85") + D(8) * D("0.7")) / D(72) * 100
    assert score.score == expected.quantize(D("0.01"))
    assert score.covered_weight == 72
    assert score.suggested_grade == Grade.FAIRLY_GOOD
    by_code = {e["code"]: e for e in score.breakdown}
    assert by_code["goals"]["v"] is None and "暂无数据" in by_code["goals"]["note"]
    assert by_code["attendance"]["refs"] == {"present": 60, "leave": 2, "absent": 1, "late": 2}
    assert "achief" in by_code["political"]["note"]


def test_rating_needs_a_place_in_the_chain(personas):
    staff = personas.a.people["staff"]
    for user in (personas.a.staff2, personas.a.unit_admin, personas.b.chief):
        with pytest.raises(PermissionDenied):
            _rate_all(personas, staff, "good", user)
    assert not LeaderRating.objects.exists()


def test_negative_record_deducts_and_blocks_good(personas, django_capture_on_commit_callbacks):
    staff = personas.a.people["staff"]
    with django_capture_on_commit_callbacks(execute=True):
        _rate_all(personas, staff, "excellent", personas.a.chief)
    assert QuarterScore.objects.get(person=staff).suggested_grade == Grade.GOOD
    with django_capture_on_commit_callbacks(execute=True):
        services.negative_record_create(
            record=NegativeRecord(
                person=staff,
                source="discipline",
                type="violation",
                severity=Severity.SERIOUS,
                date=date(2026, 8, 3),
                document_no="纪〔2026〕3号",
            ),
            by=personas.a.discipline,
        )
    score = QuarterScore.objects.get(person=staff)
    assert score.deductions == 10 and score.score == 90
    assert score.good_blocked and score.suggested_grade == Grade.FAIRLY_GOOD
    assert score.history.count() == 2
    entry = next(e for e in score.breakdown if e["code"] == "violation")
    assert entry["refs"] == [NegativeRecord.objects.get().pk] and entry["pts"] == -10.0


def test_a_revoked_record_stays_on_file_and_stops_counting(
    personas, django_capture_on_commit_callbacks
):
    staff = personas.a.people["staff"]
    with django_capture_on_commit_callbacks(execute=True):
        _rate_all(personas, staff, "excellent", personas.a.chief)
        record = services.negative_record_create(
            record=NegativeRecord(
                person=staff,
                source="petition",
                type="complaint",
                severity=Severity.SERIOUS,
                date=date(2026, 8, 3),
            ),
            by=personas.a.discipline,
        )
    assert QuarterScore.objects.get(person=staff).good_blocked
    with pytest.raises(ValidationError, match="撤销理由"):
        services.negative_record_revoke(record=record, by=personas.a.discipline, reason=" ")
    for user in (personas.a.unit_admin, personas.a.principal, personas.b.discipline):
        with pytest.raises(PermissionDenied):
            services.negative_record_revoke(record=record, by=user, reason="录入错误")
    with django_capture_on_commit_callbacks(execute=True):
        services.negative_record_revoke(
            record=record, by=personas.a.district_admin, reason="经核查投诉不属实"
        )
    score = QuarterScore.objects.get(person=staff)
    assert score.deductions == 0 and not score.good_blocked
    assert score.suggested_grade == Grade.GOOD
    record.refresh_from_db()
    assert (record.revoked_by, record.revoke_reason) == (
        personas.a.district_admin,
        "经核查投诉不属实",
    )
    assert record.history.first().history_change_reason == "撤销负面信息：经核查投诉不属实"
    with pytest.raises(ValidationError, match="已于"):
        services.negative_record_revoke(record=record, by=personas.a.discipline, reason="再次")


def test_negative_record_only_by_discipline_or_district_admin(personas):
    record = NegativeRecord(
        person=personas.a.people["staff"],
        source="other",
        type="mistake",
        severity="minor",
        date=date(2026, 8, 3),
    )
    for user in (personas.a.unit_admin, personas.a.principal, personas.b.discipline):
        with pytest.raises(PermissionDenied):
            services.negative_record_create(record=record, by=user)


def test_weight_change_is_followed_by_scores(personas, django_capture_on_commit_callbacks):
    staff = personas.a.people["staff"]
    system = system_a(personas)
    with django_capture_on_commit_callbacks(execute=True):
        _rate_all(personas, staff, "excellent", personas.a.chief)
        attend(staff, {"absent": 5})  # attendance 0 %
        services.quarter_scores_recompute(quarter=q3(personas))
    before = QuarterScore.objects.get(person=staff).score
    rows = _rows(system)
    for row in rows:
        if row["code"] == "attendance":
            row["weight"] = D(4)
        if row["code"] == "political":
            row["weight"] = D(12)
    with django_capture_on_commit_callbacks(execute=True):
        services.indicator_system_update(
            system=system, settings={}, indicators=rows, by=personas.a.district_admin
        )
    after = QuarterScore.objects.get(person=staff).score
    assert before == (D(64) / D(72) * 100).quantize(D("0.01"))
    assert after == (D(68) / D(72) * 100).quantize(D("0.01"))


def test_external_provider_feeds_its_indicator(personas):
    staff = personas.a.people["staff"]

    def peer(quarter, person_ids):
        return {staff.pk: ProviderValue(D("0.9"), "互评 12 票", "/reviews/x/")}

    register_provider("peer_rating", peer)
    try:
        services.quarter_scores_recompute(quarter=q3(personas))
    finally:
        unregister_provider("peer_rating")
    score = QuarterScore.objects.get(person=staff)
    assert score.score == 90 and score.covered_weight == 8
    assert next(e for e in score.breakdown if e["code"] == "peer")["note"] == "互评 12 票"


def test_recompute_queries_do_not_grow_with_people(personas):
    from assessment.models import Person

    quarter = q3(personas)
    services.quarter_scores_recompute(quarter=quarter)
    for i in range(30):
        p = Person.objects.create(
            region=personas.a.region,
            unit=personas.a.unit,
            name=f"x{i}",
            staff_no=f"x{i}",
            gender="M",
        )
        attend(p, {"present": 3, "late_early": 1})
    with CaptureQueriesContext(connection) as ctx:
        written = services.quarter_scores_recompute(quarter=quarter)
    assert written == 30
    with CaptureQueriesContext(connection) as again:
        assert services.quarter_scores_recompute(quarter=quarter) == 0
    # constant in the number of people: one query per input source (attendance, ratings,
    # negatives, key tasks, peer and public ratings …), never one per person
    assert len(ctx) <= 26 and len(again) <= 21
    assert QuarterScore.objects.filter(quarter=quarter).count() == 40
