"""Inputs that other apps feed into scoring: goal progress, key-task progress (assessment),
peer ratings and public ratings (reviews).

A provider is a function ``provider(quarter, person_ids) -> {person_id: ProviderValue}``:

- ``quarter`` is an ``assessment.models.Quarter``; ``person_ids`` are the people being scored
  (one person after an input changed, or the whole region for a bulk recompute: filter by
  ``quarter.region_id`` and the quarter's dates in one or two queries, never per person).
- Return a value only for people that have data. A person missing from the result is scored
  "暂无数据" for that indicator: the indicator is left out of the weighted base and the other
  indicators are renormalised (see scoring.combine). Never return an invented figure.

The owning app registers its provider once, in its ``AppConfig.ready()``::

    from indicators.models import Method
    from indicators.providers import register_provider
    register_provider(Method.PEER_RATING, reviews.selectors.peer_rating_scores)

and calls ``indicators.services.score_inputs_changed(quarter=..., person_ids=[...])`` after a
change to one of its inputs (inside its transaction; the recompute runs after commit).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal

from .models import Method


@dataclass(frozen=True)
class ProviderValue:
    value: Decimal  # share of the indicator's points earned, 0..1
    note: str = ""  # shown in the breakdown, e.g. "年度目标 5 项，本季度完成 4 项"
    url: str = ""  # link to the records behind the figure (a page the person's chain may open)


Provider = Callable[[object, Collection[int]], Mapping[int, ProviderValue]]

EXTERNAL_METHODS = (
    Method.GOAL_PROGRESS,
    Method.KEY_TASK_PROGRESS,
    Method.PEER_RATING,
    Method.PUBLIC_RATING,
)
_providers: dict[str, Provider] = {}


def register_provider(method: str, provider: Provider) -> None:
    if method not in EXTERNAL_METHODS:
        raise ValueError(f"no external provider for method {method!r}")
    _providers[method] = provider


def unregister_provider(method: str) -> None:
    _providers.pop(method, None)


def provider_values(method: str, quarter, person_ids: Collection[int]) -> dict[int, ProviderValue]:
    """Values from the registered provider, clamped to 0..1; {} (no data) when none is."""
    provider = _providers.get(method)
    if provider is None:
        return {}
    out = {}
    for pid, pv in provider(quarter, person_ids).items():
        value = min(Decimal(1), max(Decimal(0), Decimal(pv.value)))
        out[pid] = ProviderValue(value, pv.note, pv.url)
    return out


def has_provider(method: str) -> bool:
    return method in _providers
