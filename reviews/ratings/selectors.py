"""Reads of peer and public ratings: access helpers (404 for anything out of reach) and the
aggregates — per person only, and only from k ballots up (RatingSettings.k_min)."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.db.models.functions import ExtractQuarter, ExtractYear
from django.utils.translation import gettext as _

from assessment.models import Person, Role
from assessment.selectors import managed_units
from assessment.tenancy import get_or_404, scope_for

from .models import (
    BAD_LEVELS,
    PeerBallot,
    PeerParticipation,
    PeerRound,
    PeerRoundMember,
    PublicCard,
    PublicRating,
    RatingCase,
)
from .peer import rating_settings

TWO = Decimal("0.01")
_shuffle = random.SystemRandom().shuffle


# -- access --------------------------------------------------------------------------------


def rounds_managed(user):
    return PeerRound.objects.filter(unit__in=managed_units(user))


def round_for_manager(user, pk) -> PeerRound:
    return get_or_404(rounds_managed(user).select_related("unit", "region"), pk=pk)


def round_for_rater(user, pk) -> PeerRound:
    """A round the account's person is a member of."""
    person_id = scope_for(user).person_id
    qs = (
        PeerRound.objects.filter(members__person_id=person_id)
        if person_id
        else PeerRound.objects.none()
    )
    return get_or_404(qs.select_related("unit"), pk=pk)


def rounds_readable(user):
    """Closed rounds whose 晾晒 table the account may read: the unit's own people, its admin,
    principal leader and HR, its section reviewers, and the region's admins and HR."""
    scope = scope_for(user)
    q = (
        Q(unit_id__in=scope.units_with(Role.UNIT_ADMIN, Role.PRINCIPAL_LEADER, Role.HR))
        | Q(region_id__in=scope.regions_with(Role.DISTRICT_ADMIN))
        | Q(
            region_id__in={g.region_id for g in scope.grants if g.role == Role.HR and not g.unit_id}
        )
        | Q(unit__sections__in=scope.sections_with(Role.SECTION_CHIEF, Role.LEADER_IN_CHARGE))
    )
    if scope.person_unit_id:
        q |= Q(unit_id=scope.person_unit_id)
    return PeerRound.objects.filter(q, status=PeerRound.Status.CLOSED).distinct()


def round_for_reader(user, pk) -> PeerRound:
    return get_or_404(rounds_readable(user).select_related("unit"), pk=pk)


def my_rounds(user) -> list[dict]:
    """The account's person's rounds: open ones to vote in (and whether they did), closed ones
    with their own result."""
    person_id = scope_for(user).person_id
    if not person_id:
        return []
    rounds = list(
        PeerRound.objects.filter(members__person_id=person_id).select_related("unit")[:40]
    )
    voted = set(
        PeerParticipation.objects.filter(round__in=rounds, rater_id=person_id).values_list(
            "round_id", flat=True
        )
    )
    return [{"round": r, "voted": r.pk in voted} for r in rounds]


# -- aggregates ----------------------------------------------------------------------------


@dataclass
class PeerResult:
    """One person's aggregate in a round. `shown` is False below k: then nothing else is."""

    person: Person
    ballots: int
    shown: bool
    distribution: dict[str, list[int]] = field(default_factory=dict)  # dim → count per level
    dimension_means: dict[str, Decimal] = field(default_factory=dict)
    mean: Decimal | None = None
    trimmed_mean: Decimal | None = None
    comments: list[str] = field(default_factory=list)

    @property
    def score(self) -> Decimal | None:
        return self.trimmed_mean if self.trimmed_mean is not None else self.mean


def _q(value) -> Decimal:
    return Decimal(value).quantize(TWO, ROUND_HALF_UP)


def trimmed_mean(values: list[Decimal]) -> Decimal | None:
    """去掉一个最高分和一个最低分: the mean without one highest and one lowest value (from 3
    values up; fewer have nothing left to average)."""
    if len(values) < 3:
        return None
    ordered = sorted(values)[1:-1]
    return sum(ordered, Decimal(0)) / len(ordered)


def aggregate(round_: PeerRound, ballots, *, k: int, trim: bool, comments: bool) -> dict:
    """Aggregate (ratee_id, scores, comment) rows into {ratee_id: PeerResult-ish dict}."""
    dims = [code for code, _label in round_.dimensions]
    level_codes = [code for code, _label, _points in round_.levels]
    index = {code: i for i, code in enumerate(level_codes)}
    points = {code: int(p) for code, _label, p in round_.levels}
    width = len(dims)
    rows: dict[int, list] = defaultdict(list)
    for ratee_id, scores, comment in ballots:
        rows[ratee_id].append((scores, comment))
    out = {}
    for ratee_id, items in rows.items():
        n = len(items)
        if n < k:
            out[ratee_id] = {"ballots": n, "shown": False}
            continue
        # integer sums in the loop (26,000 ballots aggregate well under a second); Decimal
        # only for the few figures shown
        dist = {d: [0] * len(level_codes) for d in dims}
        sums = dict.fromkeys(dims, 0)
        totals = []
        for scores, _comment in items:
            total = 0
            for d in dims:
                code = scores[d]
                dist[d][index[code]] += 1
                sums[d] += points[code]
                total += points[code]
            totals.append(total)
        texts = []
        if comments and n > k:
            texts = [c for _s, c in items if c]
            _shuffle(texts)
        tm = trimmed_mean([Decimal(t) for t in totals]) if trim else None
        trimmed = _q(tm / width) if tm is not None else None
        out[ratee_id] = {
            "ballots": n,
            "shown": True,
            "distribution": dist,
            "dimension_means": {d: _q(Decimal(sums[d]) / n) for d in dims},
            "mean": _q(Decimal(sum(totals)) / (n * width)),
            "trimmed_mean": trimmed,
            "comments": texts,
        }
    return out


def round_results(
    round_: PeerRound, *, person_ids=None, comments: bool = False
) -> list[PeerResult]:
    """Per-person results of a round, in roster order (three queries whatever the size)."""
    rules = rating_settings(round_.region_id, round_.year)
    ballots = PeerBallot.objects.filter(round=round_)
    members = PeerRoundMember.objects.filter(round=round_)
    if person_ids is not None:
        ballots = ballots.filter(ratee_id__in=person_ids)
        members = members.filter(person_id__in=person_ids)
    agg = aggregate(
        round_,
        ballots.values_list("ratee_id", "scores", "comment"),
        k=rules.k_min,
        trim=rules.trimmed_mean,
        comments=comments,
    )
    people = (
        Person.objects.filter(pk__in=members.values("person_id"))
        .select_related("section")
        .order_by("section__name", "staff_no")
    )
    return [PeerResult(person=p, **agg.get(p.pk, {"ballots": 0, "shown": False})) for p in people]


def round_completion(round_: PeerRound) -> tuple[int, int]:
    """(voted, eligible) — the only thing the participation rows are read for."""
    eligible = round_.members.count()
    voted = PeerParticipation.objects.filter(round=round_).count()
    return voted, eligible


def managed_round_list(user):
    return (
        rounds_managed(user)
        .select_related("unit")
        .annotate(
            eligible=Count("members", distinct=True),
            voted=Count("participations", distinct=True),
        )
        .order_by("-year", "-quarter", "-pk")
    )


def peer_summary(person_id: int, rounds) -> list[tuple[PeerRound, PeerResult]]:
    """A person's own result in each closed round given (for the archive and result screens)."""
    out = []
    for round_ in rounds:
        results = round_results(round_, person_ids=[person_id])
        if results:
            out.append((round_, results[0]))
    return out


# -- public rating ------------------------------------------------------------------------


def cards_managed(user):
    return PublicCard.objects.filter(unit__in=managed_units(user))


def card_for_manager(user, pk) -> PublicCard:
    return get_or_404(cards_managed(user).select_related("person", "unit"), pk=pk)


def ratings_managed(user):
    return PublicRating.objects.filter(unit__in=managed_units(user))


def rating_for_manager(user, pk) -> PublicRating:
    return get_or_404(ratings_managed(user).select_related("person", "unit"), pk=pk)


def case_for_manager(user, pk) -> RatingCase:
    return get_or_404(
        RatingCase.objects.filter(unit__in=managed_units(user)).select_related(
            "rating__person", "unit"
        ),
        pk=pk,
    )


def cases_managed(user):
    return (
        RatingCase.objects.filter(unit__in=managed_units(user))
        .select_related("rating__person", "unit")
        .order_by("status", "due", "pk")
    )


@dataclass
class PublicSummary:
    total: int
    satisfied: int
    bad_verified: int

    @property
    def rate(self) -> Decimal | None:
        return _q(Decimal(100) * self.satisfied / self.total) if self.total else None


def public_summaries(person_ids, start, end) -> dict[int, PublicSummary]:
    """Counted ratings of each person between two dates: a 差评 counts against the person only
    once its case was verified (属实); unfounded and open ones are left out."""
    bad_verified = Q(level__in=BAD_LEVELS, case__status=RatingCase.Status.VERIFIED)
    rows = (
        PublicRating.objects.filter(
            person_id__in=person_ids,
            day__range=(start, end),
            status=PublicRating.Status.COUNTED,
        )
        .values("person_id")
        .annotate(
            satisfied=Count("pk", filter=~Q(level__in=BAD_LEVELS)),
            bad=Count("pk", filter=bad_verified),
        )
    )
    return {
        r["person_id"]: PublicSummary(r["satisfied"] + r["bad"], r["satisfied"], r["bad"])
        for r in rows
        if r["satisfied"] + r["bad"]
    }


def unit_public_counts(unit_id: int, start, end) -> dict:
    """Unit-level counts include every 差评, verified or not."""
    counted = Q(status=PublicRating.Status.COUNTED)
    return PublicRating.objects.filter(unit_id=unit_id, day__range=(start, end)).aggregate(
        total=Count("pk", filter=counted),
        bad=Count("pk", filter=counted & Q(level__in=BAD_LEVELS)),
        held=Count("pk", filter=Q(status=PublicRating.Status.HELD)),
    )


def describe_peer(result: PeerResult) -> str:
    if not result.shown:
        return _("互评票数不足，不显示结果")
    text = _("互评 %(n)s 票，平均 %(m)s 分") % {"n": result.ballots, "m": result.mean}
    if result.trimmed_mean is not None:
        text += _("（去掉一个最高分和一个最低分后 %(t)s 分）") % {"t": result.trimmed_mean}
    return text


def describe_public(summary: PublicSummary) -> str:
    return _("群众评价 %(n)s 条，满意率 %(r)s%%") % {"n": summary.total, "r": summary.rate}


# -- results for other screens (scores, sheets, archive): a constant number of queries ------


def peer_results_bulk(rounds, person_ids) -> dict[int, dict[int, dict]]:
    """{round_id: {person_id: aggregate}} for many closed rounds and people, in two queries
    plus one per distinct region-year of settings."""
    rounds = {r.pk: r for r in rounds}
    if not rounds:
        return {}
    rows: dict[int, list] = defaultdict(list)
    for round_id, ratee_id, scores, comment in PeerBallot.objects.filter(
        round_id__in=list(rounds), ratee_id__in=list(person_ids)
    ).values_list("round_id", "ratee_id", "scores", "comment"):
        rows[round_id].append((ratee_id, scores, comment))
    rules = {}
    out = {}
    for pk, round_ in rounds.items():
        key = (round_.region_id, round_.year)
        if key not in rules:
            rules[key] = rating_settings(*key)
        out[pk] = aggregate(
            round_,
            rows.get(pk, []),
            k=rules[key].k_min,
            trim=rules[key].trimmed_mean,
            comments=False,
        )
    return out


def quarter_peer_rounds(region_id: int, year: int, number: int | None, person_ids):
    """Closed rounds of a quarter (number None: the year's 民主测评) that any of the people
    were members of."""
    return list(
        PeerRound.objects.filter(
            region_id=region_id,
            year=year,
            quarter=number,
            status=PeerRound.Status.CLOSED,
            members__person_id__in=list(person_ids),
        ).distinct()
    )


def peer_text(agg: dict) -> str:
    if not agg.get("shown"):
        return _("同事互评票数不足，不显示结果")
    text = _("同事互评 %(n)s 票，平均 %(m)s 分") % {"n": agg["ballots"], "m": agg["mean"]}
    if agg.get("trimmed_mean") is not None:
        text += _("（去掉一个最高分和一个最低分后 %(t)s 分）") % {"t": agg["trimmed_mean"]}
    return text


def sheet_rating_texts(quarter, person_ids) -> dict[int, str]:
    """The quarterly sheet's 互评/群众评议情况 for many people: the quarter's closed peer rounds
    and its public ratings (only verified 差评 against the person)."""
    ids = list(person_ids)
    rounds = quarter_peer_rounds(quarter.region_id, quarter.year.year, quarter.number, ids)
    parts: dict[int, list[str]] = defaultdict(list)
    for round_results_ in peer_results_bulk(rounds, ids).values():
        for pid, agg in round_results_.items():
            parts[pid].append(peer_text(agg))
    for pid, summary in public_summaries(ids, quarter.start, quarter.end).items():
        parts[pid].append(describe_public(summary))
    return {pid: "；".join(texts) for pid, texts in parts.items()}


def person_rating_history(person_id: int) -> dict:
    """The archive's 互评与群众评价 section: every closed round the person was in (aggregate
    only) and public ratings per quarter."""
    rounds = list(
        PeerRound.objects.filter(members__person_id=person_id, status=PeerRound.Status.CLOSED)
        .select_related("unit")
        .order_by("-year", "-quarter")[:40]
    )
    bulk = peer_results_bulk(rounds, [person_id])
    peer_rows = [
        (r, peer_text(bulk[r.pk].get(person_id, {"ballots": 0, "shown": False}))) for r in rounds
    ]
    bad_verified = Q(level__in=BAD_LEVELS, case__status=RatingCase.Status.VERIFIED)
    public_rows = list(
        PublicRating.objects.filter(person_id=person_id, status=PublicRating.Status.COUNTED)
        .annotate(y=ExtractYear("day"), q=ExtractQuarter("day"))
        .values("y", "q")
        .annotate(
            satisfied=Count("pk", filter=~Q(level__in=BAD_LEVELS)),
            bad=Count("pk", filter=bad_verified),
        )
        .order_by("-y", "-q")
    )
    public_rows = [
        (f"{r['y']}Q{r['q']}", PublicSummary(r["satisfied"] + r["bad"], r["satisfied"], r["bad"]))
        for r in public_rows
        if r["satisfied"] + r["bad"]
    ]
    return {"peer": peer_rows, "public": public_rows}
