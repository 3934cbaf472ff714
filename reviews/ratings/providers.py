"""Scoring providers for the 同事互评 (Method.PEER_RATING) and 群众满意度 (Method.PUBLIC_RATING)
indicators (indicators/providers.py): shares 0..1 from real data, nobody without data.

- Peer: the closed rounds of the quarter that the person was a member of, from k ballots up;
  the round's (trimmed) mean on the 100-point level scale. Several rounds: their average.
- Public: the counted ratings dated in the quarter; the share that were 非常满意/满意/基本满意,
  where a 差评 counts against the person only when its case was verified (属实)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from assessment.periods import quarter_bounds
from indicators.providers import ProviderValue

from .peer import rating_settings
from .selectors import (
    describe_public,
    peer_results_bulk,
    public_summaries,
    quarter_peer_rounds,
)


def peer_rating_scores(quarter, person_ids) -> dict[int, ProviderValue]:
    rounds = quarter_peer_rounds(quarter.region_id, quarter.year.year, quarter.number, person_ids)
    trimmed = rating_settings(quarter.region_id, quarter.year.year).trimmed_mean
    scores: dict[int, list] = defaultdict(list)
    for round_id, results in peer_results_bulk(rounds, person_ids).items():
        for pid, agg in results.items():
            if agg["shown"]:
                score = agg["trimmed_mean"] if agg["trimmed_mean"] is not None else agg["mean"]
                scores[pid].append((round_id, agg["ballots"], score))
    out = {}
    for pid, items in scores.items():
        mean = sum((s for _round, _n, s in items), Decimal(0)) / len(items)
        note = _("互评 %(n)s 票，得分 %(m)s（满分 100%(t)s）") % {
            "n": sum(n for _round, n, _s in items),
            "m": mean.quantize(Decimal("0.01")),
            "t": _("，去掉一个最高分和一个最低分") if trimmed else "",
        }
        url = reverse("reviews:peer-results", kwargs={"pk": items[0][0]})
        out[pid] = ProviderValue(mean / 100, note, url)
    return out


def public_rating_scores(quarter, person_ids) -> dict[int, ProviderValue]:
    start, end = quarter_bounds(quarter.year.year, quarter.number)
    out = {}
    for pid, summary in public_summaries(person_ids, start, end).items():
        value = Decimal(summary.satisfied) / summary.total
        out[pid] = ProviderValue(value, describe_public(summary))
    return out


def register() -> None:
    from indicators.models import Method
    from indicators.providers import register_provider

    register_provider(Method.PEER_RATING, peer_rating_scores)
    register_provider(Method.PUBLIC_RATING, public_rating_scores)
