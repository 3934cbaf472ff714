"""Read queries and access helpers for indicators, scores and their inputs, scoped to the actor.
Anything outside the actor's reach is a 404 (never a 403 that confirms it exists)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from assessment.chain import reviewer_chain, reviewer_chains
from assessment.models import Person, Quarter, Region, Role, Unit
from assessment.periods import parse_quarter_code
from assessment.tenancy import get_or_404, scope_for

from .models import (
    AttendanceRecord,
    ImportBatch,
    IndicatorSystem,
    LeaderRating,
    NegativeRecord,
    QuarterScore,
)

NEGATIVE_EDITORS = (Role.DISTRICT_ADMIN, Role.DISCIPLINE)


# -- who may do what -----------------------------------------------------------------------


def district_regions(user) -> set[int]:
    return scope_for(user).regions_with(Role.DISTRICT_ADMIN)


def negative_editor_regions(user) -> set[int]:
    return scope_for(user).regions_with(*NEGATIVE_EDITORS)


def hr_region_ids(user) -> set[int]:
    return {g.region_id for g in scope_for(user).grants if g.role == Role.HR and not g.unit_id}


def attendance_import_scope(user) -> Q | None:
    """People whose attendance the account may import: district admin or region-wide HR for
    the region, unit admin or unit HR for the unit. None when the account may import nothing."""
    scope = scope_for(user)
    regions = district_regions(user) | hr_region_ids(user)
    units = scope.units_with(Role.UNIT_ADMIN, Role.HR)
    if not regions and not units:
        return None
    return Q(region_id__in=regions) | Q(unit_id__in=units)


def import_region(user, kind: str) -> Region:
    """The region an account imports into (the first one where it holds an import role)."""
    scope = scope_for(user)
    if kind == ImportBatch.Kind.NEGATIVE:
        ids = negative_editor_regions(user)
    else:
        ids = district_regions(user) | hr_region_ids(user)
        units = scope.units_with(Role.UNIT_ADMIN, Role.HR)
        ids |= set(Unit.objects.filter(pk__in=units).values_list("region_id", flat=True))
    region = Region.objects.filter(pk__in=ids).order_by("pk").first()
    if region is None:
        raise PermissionDenied
    return region


def importable_people(user, kind: str, region: Region):
    people = Person.objects.filter(region=region)
    if kind == ImportBatch.Kind.NEGATIVE:
        return people if region.pk in negative_editor_regions(user) else people.none()
    allowed = attendance_import_scope(user)
    return people.filter(allowed) if allowed is not None else people.none()


# -- indicator systems ---------------------------------------------------------------------


def systems_for_admin(user):
    return (
        IndicatorSystem.objects.filter(region_id__in=district_regions(user))
        .select_related("year", "category", "region")
        .annotate(indicator_count=Count("indicators"))
        .order_by("-year__year", "category__code")
    )


def system_for_admin(user, pk) -> IndicatorSystem:
    return get_or_404(
        IndicatorSystem.objects.filter(region_id__in=district_regions(user)).select_related(
            "year", "category", "region"
        ),
        pk=pk,
    )


def tunable_units(user):
    """Units whose 个性/特色 weights the account tunes: its unit admin's units, the district's."""
    scope = scope_for(user)
    return Unit.objects.filter(
        Q(pk__in=scope.units_with(Role.UNIT_ADMIN)) | Q(region_id__in=district_regions(user))
    )


def unit_for_tuning(user, pk) -> Unit:
    return get_or_404(tunable_units(user).select_related("region", "category"), pk=pk)


# -- scores --------------------------------------------------------------------------------


def can_see_scores_of(user, person: Person) -> bool:
    """The person, their reviewer chain, the unit's admin and HR, the district admin and HR."""
    scope = scope_for(user)
    if scope.person_id == person.pk:
        return True
    if person.region_id in district_regions(user) | hr_region_ids(user):
        return True
    if person.unit_id in scope.units_with(Role.UNIT_ADMIN, Role.HR, Role.PRINCIPAL_LEADER):
        return True
    return any(step.user_id == user.pk for step in reviewer_chain(person))


def person_for_scores(user, pk) -> Person:
    person = get_or_404(
        Person.objects.visible_to(user).select_related("unit", "section", "region"), pk=pk
    )
    if not can_see_scores_of(user, person):
        raise Http404
    return person


def quarter_or_404(region_id: int, code: str) -> Quarter:
    try:
        year, number = parse_quarter_code(code)
    except ValueError as exc:
        raise Http404 from exc
    return get_or_404(
        Quarter.objects.select_related("year"), region_id=region_id, year__year=year, number=number
    )


def person_scores(person: Person):
    return (
        QuarterScore.objects.filter(person=person)
        .select_related("quarter__year")
        .order_by("-quarter__start")
    )


def score_inputs(person: Person, quarter: Quarter) -> dict:
    """The records behind a score: attendance days, leader ratings, negative records."""
    return {
        "attendance": AttendanceRecord.objects.filter(
            person=person, date__range=(quarter.start, quarter.end)
        ).order_by("date"),
        "ratings": LeaderRating.objects.filter(person=person, quarter=quarter)
        .select_related("indicator", "rated_by__person")
        .order_by("indicator__order", "rated_by_id"),
        "negatives": NegativeRecord.objects.filter(person=person)
        .in_force_during(quarter.start, quarter.end)
        .order_by("date"),
    }


def unit_scores(unit: Unit, quarter: Quarter):
    return (
        Person.objects.filter(unit=unit, is_active=True)
        .select_related("section")
        .prefetch_related(None)
        .annotate(
            score=_score_field(quarter, "score"),
            grade=_score_field(quarter, "suggested_grade"),
            blocked=_score_field(quarter, "good_blocked"),
        )
        .order_by("section__name", "staff_no")
    )


def _score_field(quarter: Quarter, field: str):
    from django.db.models import OuterRef, Subquery

    return Subquery(
        QuarterScore.objects.filter(person=OuterRef("pk"), quarter=quarter).values(field)[:1]
    )


def score_units(user):
    """Units whose score lists the account may open."""
    scope = scope_for(user)
    return Unit.objects.filter(
        Q(region_id__in=district_regions(user) | hr_region_ids(user))
        | Q(pk__in=scope.units_with(Role.UNIT_ADMIN, Role.HR, Role.PRINCIPAL_LEADER))
    )


def unit_for_scores(user, pk) -> Unit:
    return get_or_404(score_units(user).select_related("region", "category"), pk=pk)


# -- leader ratings ------------------------------------------------------------------------


def people_i_rate(user, quarter: Quarter) -> list[Person]:
    """People whose reviewer chain includes the account (it rates them as their leader)."""
    scope = scope_for(user)
    candidates = (
        Person.objects.filter(region_id=quarter.region_id, is_active=True)
        .filter(
            Q(section_id__in=scope.sections_with(Role.SECTION_CHIEF, Role.LEADER_IN_CHARGE))
            | Q(unit_id__in=scope.units_with(Role.PRINCIPAL_LEADER))
        )
        .select_related("unit", "section")
        .order_by("unit__code", "section__name", "staff_no")
    )
    candidates = list(candidates)
    chains = reviewer_chains(candidates)
    return [p for p in candidates if any(s.user_id == user.pk for s in chains[p.pk])]


def person_for_rating(user, pk) -> Person:
    person = get_or_404(
        Person.objects.visible_to(user).select_related("unit", "section", "region"), pk=pk
    )
    if not any(step.user_id == user.pk for step in reviewer_chain(person)):
        raise Http404
    return person


def rating_quarters(user):
    scope = scope_for(user)
    return Quarter.objects.filter(region_id__in=scope.member_region_ids).select_related("year")


# -- negative records ----------------------------------------------------------------------


def negative_record_for_user(user, pk) -> NegativeRecord:
    """The person, their reviewer chain, district admins and discipline officers of the region."""
    record = get_or_404(
        NegativeRecord.objects.visible_to(user).select_related(
            "person__unit", "person__section", "recorded_by__person"
        ),
        pk=pk,
    )
    scope = scope_for(user)
    if record.region_id in negative_editor_regions(user) or scope.person_id == record.person_id:
        return record
    if any(step.user_id == user.pk for step in reviewer_chain(record.person)):
        return record
    raise Http404


def may_edit_negatives(user, region_id: int) -> bool:
    return region_id in negative_editor_regions(user)


def negative_units(user, year: int):
    """Units of the district with their record count in the year; units with none first."""
    return (
        Unit.objects.filter(region_id__in=negative_editor_regions(user), is_active=True)
        .select_related("category")
        .annotate(
            records=Count(
                "people__negative_records",
                filter=Q(
                    people__negative_records__date__year=year,
                    people__negative_records__revoked_at__isnull=True,
                ),
                distinct=True,
            ),
            people_count=Count("people", filter=Q(people__is_active=True), distinct=True),
        )
        .order_by("records", "code")
    )


def unit_for_negatives(user, pk) -> Unit:
    return get_or_404(
        Unit.objects.filter(region_id__in=negative_editor_regions(user)).select_related("region"),
        pk=pk,
    )


def unit_negative_records(unit: Unit):
    return (
        NegativeRecord.objects.filter(person__unit=unit)
        .select_related("person", "recorded_by__person")
        .order_by("-date", "-pk")
    )


def negative_home(user, *, recent: int = 3) -> dict:
    """The discipline officer's home card: this year's records in their regions (revoked ones
    left out) and the latest entered — two queries."""
    regions = negative_editor_regions(user)
    if not regions:
        return {}
    records = NegativeRecord.objects.filter(region_id__in=regions, revoked_at__isnull=True)
    return {
        "year_count": records.filter(date__year=timezone.localdate().year).count(),
        "recent": list(
            records.select_related("person", "person__unit").order_by("-created", "-pk")[:recent]
        ),
    }


def negative_people(user):
    return Person.objects.filter(region_id__in=negative_editor_regions(user), is_active=True)


# -- imports -------------------------------------------------------------------------------


def import_batches(user, kind: str):
    return ImportBatch.objects.filter(uploaded_by=user, kind=kind).defer("rows")


def import_batch_for_user(user, pk) -> ImportBatch:
    """A batch is its uploader's work: only they preview and confirm it, while they still
    hold the import role in its region."""
    batch = get_or_404(ImportBatch.objects.filter(uploaded_by=user), pk=pk)
    if batch.kind == ImportBatch.Kind.NEGATIVE:
        allowed = batch.region_id in negative_editor_regions(user)
    else:
        allowed = attendance_import_scope(user) is not None
    if not allowed:
        raise Http404
    return batch
