from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from reviews.ratings import peer
from reviews.ratings.models import PeerRound

UNIT_MEMBERS = ("principal", "leader", "chief", "staff", "staff2", "unit_admin")


def open_round(cast, *, scope=PeerRound.Scope.UNIT, quarter=3, year=2026, **kw) -> PeerRound:
    today = timezone.localdate()
    return peer.peer_round_open(
        unit=cast.unit,
        by=cast.unit_admin,
        year=year,
        quarter=quarter,
        scope=scope,
        opens_on=kw.pop("opens_on", today - timedelta(days=1)),
        closes_on=kw.pop("closes_on", today + timedelta(days=7)),
        **kw,
    )


def all_levels(round_, rater_key, cast, level="good", comment="") -> tuple[dict, dict]:
    rater = cast.people[rater_key]
    ratees = peer.ratees_for(round_, rater.pk)
    dims = [d for d, _label in round_.dimensions]
    scores = {p.pk: dict.fromkeys(dims, level) for p in ratees}
    return scores, {p.pk: comment for p in ratees}


def vote(round_, cast, rater_key, level="good", comment="", **overrides) -> int:
    scores, comments = all_levels(round_, rater_key, cast, level, comment)
    for pid, lv in overrides.items():
        scores[int(pid)] = dict.fromkeys(scores[int(pid)], lv)
    return peer.peer_ballots_submit(
        round_=round_, by=cast.users[rater_key], scores=scores, comments=comments
    )


def later(days=1) -> date:
    return timezone.localdate() + timedelta(days=days)
