"""URL permission probes, one module per app; the walker merges them.

Each module defines PROBES: {url name: Probe}. Add an entry with every new URL pattern
(tests/test_url_walker.py fails for a pattern without one)."""

from __future__ import annotations

from importlib import import_module

from .base import OPEN, Probe

MODULES = (
    "assessment",
    "roster",
    "work",
    "keytasks",
    "indicators",
    "reviews",
    "annual",
    "rewards",
    "archive",
    "ratings",
    "api",
    "notifications",
    "improvement",
)

PROBES: dict[str, Probe] = {}
for _name in MODULES:
    PROBES.update(import_module(f"{__name__}.{_name}").PROBES)

__all__ = ["OPEN", "PROBES", "Probe"]
