"""Demo ratings: in 区财政局 a closed 2026Q3 peer round (section scope, everyone voted) and an
open 2026Q4 round in which the demo `staff` login has not voted yet; QR cards for every window
-service person of the district and a few hundred public ratings (a few 差评 with cases: verified,
unfounded, open and one overdue; a burst held for review). Bulk inserts, history rows included;
the Q3 scores are recomputed so 同事互评 and 群众满意度 show real values."""

from __future__ import annotations

import random
import secrets
import uuid
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from assessment.calendar import add_working_days
from assessment.models import Membership, Person, Role, User
from assessment.periods import quarter_for

from .models import (
    BAD_TAGS,
    PeerBallot,
    PeerParticipation,
    PeerRound,
    PeerRoundMember,
    PublicCard,
    PublicRating,
    RatingCase,
)
from .peer import ratees_for, rating_settings

YEAR = 2026
PEER_WEIGHTS = (("good", 50), ("fair", 35), ("average", 12), ("poor", 3))
PEER_COMMENTS = ("工作认真负责", "业务熟练，乐于助人", "沟通协调能力强", "希望加强学习", "")
PUBLIC_WEIGHTS = ((5, 62), (4, 25), (3, 8), (2, 3), (1, 2))
PUBLIC_COMMENTS = ("办事效率高，一次办好", "态度热情，解释耐心", "", "", "")
BAD_COMMENTS = ("等候时间较长", "材料要求没有一次说清", "窗口人员态度生硬")


def _pick(rng, weights):
    values, w = zip(*weights, strict=True)
    return rng.choices(values, weights=w)[0]


def seed_region(region, rng: random.Random) -> None:
    staff = Person.objects.filter(region=region, user__username="staff").select_related("unit")
    if not staff.exists():
        return  # only the main district has the demo logins (their unit is 区财政局)
    unit = staff.first().unit
    creator = (
        Membership.objects.filter(unit=unit, role=Role.UNIT_ADMIN).values_list("user", flat=True)
    ).first()
    creator = User.objects.get(pk=creator)
    rating_settings(region, YEAR)
    _closed_round(region, unit, creator, rng)
    _open_round(region, unit, creator, rng)
    _public(region, unit, rng)
    from indicators.services import quarter_scores_recompute

    quarter_scores_recompute(
        quarter=quarter_for(region, YEAR, 3), reason="演示数据：互评与群众评价"
    )


def _round(region, unit, creator, *, quarter, opens_on, closes_on, status) -> PeerRound:
    rules = rating_settings(region, YEAR)
    round_ = PeerRound.objects.create(
        region=region,
        unit=unit,
        year=YEAR,
        quarter=quarter,
        scope=PeerRound.Scope.SECTION,
        dimensions=rules.dimensions,
        levels=rules.levels,
        opens_on=opens_on,
        closes_on=closes_on,
        status=status,
        closed_at=timezone.make_aware(datetime.combine(closes_on, time(18)))
        if status == PeerRound.Status.CLOSED
        else None,
        created_by=creator,
    )
    people = Person.objects.filter(unit=unit, is_active=True).values_list("pk", "section_id")
    PeerRoundMember.objects.bulk_create(
        PeerRoundMember(round=round_, person_id=pk, section_id_at_open=s) for pk, s in people
    )
    return round_


def _vote_all(round_, rater_ids, rng) -> None:
    dims = [d for d, _label in round_.dimensions]
    ballots, participations = [], []
    for rater_id in rater_ids:
        # a rater leans to one level with some spread, as real ballots do
        for ratee in ratees_for(round_, rater_id):
            ballots.append(
                PeerBallot(
                    id=uuid.UUID(int=rng.getrandbits(128), version=4),
                    round=round_,
                    ratee_id=ratee.pk,
                    scores={d: _pick(rng, PEER_WEIGHTS) for d in dims},
                    comment=rng.choice(PEER_COMMENTS) if rng.random() < 0.2 else "",
                )
            )
        participations.append(
            PeerParticipation(
                id=uuid.UUID(int=rng.getrandbits(128), version=4), round=round_, rater_id=rater_id
            )
        )
    rng.shuffle(ballots)
    PeerParticipation.objects.bulk_create(participations)
    PeerBallot.objects.bulk_create(ballots, batch_size=2000)


def _closed_round(region, unit, creator, rng) -> None:
    round_ = _round(
        region,
        unit,
        creator,
        quarter=3,
        opens_on=date(YEAR, 10, 8),
        closes_on=date(YEAR, 10, 15),
        status=PeerRound.Status.CLOSED,
    )
    PeerRound.history.bulk_history_create([round_], default_change_reason="演示数据：2026Q3 互评")
    _vote_all(round_, list(round_.members.values_list("person_id", flat=True)), rng)


def _open_round(region, unit, creator, rng) -> None:
    today = timezone.localdate()
    round_ = _round(
        region,
        unit,
        creator,
        quarter=4,
        opens_on=min(today, date(YEAR, 12, 1)),
        closes_on=max(today + timedelta(days=14), date(YEAR, 12, 31)),
        status=PeerRound.Status.OPEN,
    )
    PeerRound.history.bulk_history_create([round_], default_change_reason="演示数据：2026Q4 互评")
    members = list(round_.members.values_list("person_id", "person__user__username"))
    # about half have voted; the demo logins have not, so each can walk through it
    voters = [pk for pk, username in members if not username or username not in _DEMO_USERS]
    _vote_all(round_, [pk for pk in voters if rng.random() < 0.5], rng)


_DEMO_USERS = {"staff", "section_chief", "leader_in_charge", "principal_leader", "unit_admin"}


def _public(region, demo_unit, rng) -> None:
    people = Person.objects.filter(region=region, is_active=True)
    window = list(
        people.filter(unit__category__code="window", unit__is_active=True).values_list(
            "pk", "unit_id"
        )
    )
    if not window:  # a small demo without window halls: the demo unit's people get cards
        window = list(people.filter(unit=demo_unit).values_list("pk", "unit_id"))
    now = timezone.now()
    cards = [
        PublicCard(
            region=region,
            unit_id=unit_id,
            person_id=pk,
            window_no=str(i % 30 + 1),
            nonce=secrets.token_urlsafe(12),
            changed_at=now,
        )
        for i, (pk, unit_id) in enumerate(window)
    ]
    PublicCard.objects.bulk_create(cards)
    PublicCard.history.bulk_history_create(cards, default_change_reason="演示数据：启用二维码")
    today = timezone.localdate()
    start = date(YEAR, 7, 1)
    span = max(1, (min(today, date(YEAR, 12, 31)) - start).days)
    ratings = []
    for _ in range(420):
        pk, unit_id = rng.choice(window)
        day = start + timedelta(days=rng.randrange(span))
        level = _pick(rng, PUBLIC_WEIGHTS)
        bad = level <= 2
        phone = f"13{rng.randrange(10**9):09d}" if bad and rng.random() < 0.6 else ""
        ratings.append(
            PublicRating(
                region=region,
                unit_id=unit_id,
                person_id=pk,
                created=timezone.make_aware(datetime.combine(day, time(rng.randrange(9, 17)))),
                day=day,
                level=level,
                efficiency=level if rng.random() < 0.6 else None,
                skill=level if rng.random() < 0.6 else None,
                attitude=max(1, min(5, level + rng.choice((-1, 0, 0, 1))))
                if rng.random() < 0.6
                else None,
                tags=[rng.choice(BAD_TAGS)[0]] if bad else [],
                comment=rng.choice(BAD_COMMENTS) if bad else rng.choice(PUBLIC_COMMENTS),
                phone_masked=f"{phone[:3]}****{phone[-4:]}" if phone else "",
                device_hash=secrets.token_hex(20),
                address_hash=secrets.token_hex(20) if (today - day).days <= 30 else "",
            )
        )
    # a burst: 22 ratings of one person within minutes, the last ones held for review
    pk, unit_id = window[0]
    burst_day = today - timedelta(days=2)
    for i in range(22):
        ratings.append(
            PublicRating(
                region=region,
                unit_id=unit_id,
                person_id=pk,
                created=timezone.make_aware(datetime.combine(burst_day, time(15, i // 3))),
                day=burst_day,
                level=5,
                device_hash=secrets.token_hex(20),
                address_hash=secrets.token_hex(20),
                status=PublicRating.Status.HELD if i >= 20 else PublicRating.Status.COUNTED,
            )
        )
    PublicRating.objects.bulk_create(ratings, batch_size=1000)
    PublicRating.history.bulk_history_create(ratings, default_change_reason="演示数据：群众点评")
    _cases(region, [r for r in ratings if r.level <= 2], rng, today)


def _cases(region, bad, rng, today) -> None:
    days = rating_settings(region, YEAR).case_working_days
    cases = []
    for i, rating in enumerate(sorted(bad, key=lambda r: r.day)):
        due = add_working_days(region.pk, rating.day, days)
        case = RatingCase(region=region, unit_id=rating.unit_id, rating=rating, due=due)
        if due < today and i % 5:  # most old cases closed; every fifth left overdue
            case.status = rng.choice((RatingCase.Status.VERIFIED, RatingCase.Status.UNFOUNDED))
            case.rectification = (
                "经调取窗口录像核实，情况属实，已对当事人批评教育并优化叫号流程。"
                if case.status == RatingCase.Status.VERIFIED
                else "经调取录像核实，窗口按规定一次性告知，评价情况不属实。"
            )
            case.return_call = "已电话回访，群众表示认可。" if rating.phone_masked else ""
            case.closed_at = timezone.make_aware(datetime.combine(due, time(16)))
        cases.append(case)
    RatingCase.objects.bulk_create(cases)
    RatingCase.history.bulk_history_create(cases, default_change_reason="演示数据：差评处理")
