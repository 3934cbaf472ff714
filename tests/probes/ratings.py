"""Probes of the peer and public rating pages (reviews/ratings/)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from reviews.ratings import peer, public
from reviews.ratings.models import PeerRound, PublicRating, RatingCase

from .base import PERSONS, Probe, no_kwargs

MANAGERS = ("unit_admin", "district_admin")
UNIT_MEMBERS = ("principal", "leader", "chief", "staff", "staff2", "unit_admin")
# the 晾晒 table: the unit's people and reviewers, its admin, the district admin and HR
RESULT_READERS = (*UNIT_MEMBERS, "district_admin", "hr")


def _round(p, *, closed: bool) -> PeerRound:
    a = p.a
    status = PeerRound.Status.CLOSED if closed else PeerRound.Status.OPEN
    found = PeerRound.objects.filter(unit=a.unit, status=status).first()
    if found:
        return found
    today = timezone.localdate()
    round_ = peer.peer_round_open(
        unit=a.unit,
        by=a.unit_admin,
        year=2026,
        quarter=3 if closed else 4,
        scope=PeerRound.Scope.UNIT,
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=5),
    )
    if closed:
        peer.peer_round_close(round_=round_, by=a.unit_admin)
    return round_


def _open_round(p):
    return {"pk": _round(p, closed=False).pk}


def _closed_round(p):
    return {"pk": _round(p, closed=True).pk}


def _unit(p):
    return {"unit_pk": p.a.unit.pk}


def _card(p):
    return public.card_enable(person=p.a.people["staff"], by=p.a.unit_admin, window_no="3")


def _card_action(p):
    return {"pk": _card(p).pk, "action": "rotate"}


def _rating(p):
    card = _card(p)
    rating = PublicRating.objects.filter(person=card.person).first()
    if rating is None:
        rating = PublicRating.objects.create(
            region=p.a.region,
            unit=p.a.unit,
            person=card.person,
            day=date(2026, 11, 2),
            level=2,
            comment="慢",
        )
    return rating


def _rating_kwargs(p):
    return {"pk": _rating(p).pk}


def _case(p):
    rating = _rating(p)
    case, _created = RatingCase.objects.get_or_create(
        rating=rating, defaults={"region": p.a.region, "unit": p.a.unit, "due": date(2026, 12, 1)}
    )
    return {"pk": case.pk}


PROBES = {
    "reviews:peer-home": Probe(no_kwargs, PERSONS),
    "reviews:peer-rounds": Probe(no_kwargs, MANAGERS),
    "reviews:peer-round-new": Probe(_unit, MANAGERS),
    "reviews:peer-round": Probe(_open_round, MANAGERS),
    "reviews:peer-round-close": Probe(_open_round, MANAGERS, "post"),
    "reviews:peer-vote": Probe(_open_round, UNIT_MEMBERS),
    "reviews:peer-results": Probe(_closed_round, RESULT_READERS),
    "reviews:peer-mine": Probe(_closed_round, UNIT_MEMBERS),
    "reviews:public-units": Probe(no_kwargs, MANAGERS),
    "reviews:public-unit": Probe(_unit, MANAGERS),
    "reviews:public-cards-pdf": Probe(_unit, MANAGERS),
    "reviews:public-card-action": Probe(_card_action, MANAGERS, "post"),
    "reviews:public-rating-hide": Probe(_rating_kwargs, MANAGERS, "post"),
    "reviews:public-rating-held": Probe(_rating_kwargs, MANAGERS, "post"),
    "reviews:rating-cases": Probe(no_kwargs, MANAGERS),
    "reviews:rating-case": Probe(_case, MANAGERS),
}
