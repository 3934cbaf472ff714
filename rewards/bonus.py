"""Bonus pool computation: people's facts and a rule set in, an explained distribution out.

Pure (no queries): `selectors.pool_people` loads the facts; the simulator calls `distribute`
with a changed rule set on the same facts."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

from .allocation import Entry, Payout, Result, Settings, allocate
from .models import RewardLevel, SecondedMode, UngradedMode

GRADE_LABELS = {"good": "好", "fairly_good": "较好", "average": "一般", "poor": "较差"}
LEVEL_LABELS = dict(RewardLevel.choices)
SEVERITY_LABELS = {"minor": "轻微", "general": "一般", "serious": "严重"}
CIVIL, SECONDED = "civil", "seconded"


@dataclass
class PersonFacts:
    """What the pool reads about one person in the period."""

    person_id: int
    name: str
    staff_no: str
    civil_servant: bool
    # quarter number → final grade code, or "" for 不确定等次/不参加考核/not yet decided
    grades: dict[int, str] = field(default_factory=dict)
    rewards: list[tuple[str, str]] = field(default_factory=list)  # (description, level)
    negatives: list[tuple[str, str]] = field(default_factory=list)  # (description, severity)


@dataclass(frozen=True)
class RuleSet:
    grade_points: dict[str, Decimal]
    reward_points: dict[str, Decimal]
    negative_points: dict[str, Decimal]
    base_percent: Decimal
    cap_fen: int | None
    ungraded_mode: str = UngradedMode.PRO_RATA

    @classmethod
    def from_rule(cls, rule) -> RuleSet:
        return cls(
            grade_points=rule.grade_points(),
            reward_points=rule.reward_points(),
            negative_points=rule.negative_points(),
            base_percent=rule.base_percent,
            cap_fen=rule.cap_fen,
            ungraded_mode=rule.ungraded_mode,
        )

    def as_json(self) -> dict:
        return {
            "grade_points": {k: str(v) for k, v in self.grade_points.items()},
            "reward_points": {k: str(v) for k, v in self.reward_points.items()},
            "negative_points": {k: str(v) for k, v in self.negative_points.items()},
            "base_percent": str(self.base_percent),
            "cap_fen": self.cap_fen,
            "ungraded_mode": self.ungraded_mode,
        }

    def with_changes(self, **changes) -> RuleSet:
        return replace(self, **changes)


@dataclass
class Row:
    """One person's line: points by source, weight, payout (None when not paid) and why."""

    facts: PersonFacts
    group: str
    grade_items: list[tuple[str, str, Decimal]]  # (quarter, grade label, points)
    reward_items: list[tuple[str, Decimal]]
    negative_items: list[tuple[str, Decimal]]
    points: Decimal
    graded_quarters: int
    weight: Fraction
    payout: Payout | None = None
    note: str = ""

    @property
    def amount_fen(self) -> int | None:
        return self.payout.amount_fen if self.payout else None

    @property
    def rounding_fen(self) -> int:
        return self.payout.rounding_fen if self.payout else 0

    @property
    def base_fen(self) -> Fraction:
        return self.payout.base if self.payout else Fraction(0)

    @property
    def points_fen(self) -> Fraction:
        return self.payout.points_part if self.payout else Fraction(0)

    @property
    def share(self) -> Fraction:
        return self.payout.share if self.payout else Fraction(0)

    def _fen(self, num: int) -> str:
        """An exact part in fen, to 4 decimals (display only; amounts are integer fen)."""
        if not self.payout:
            return "0"
        return str(Decimal(num * 10_000 // self.payout.denom) / 10_000)

    @property
    def amount_yuan(self) -> Decimal | None:
        return None if self.amount_fen is None else Decimal(self.amount_fen) / 100

    def explanation(self) -> dict:
        return {
            "grades": [[q, g, str(p)] for q, g, p in self.grade_items],
            "rewards": [[d, str(p)] for d, p in self.reward_items],
            "negatives": [[d, str(p)] for d, p in self.negative_items],
            "points": str(self.points),
            "weight": str(self.weight),
            "base_fen": self._fen(self.payout.base_num if self.payout else 0),
            "points_fen": self._fen(self.payout.points_num if self.payout else 0),
            "exact_fen": self._fen(
                self.payout.base_num + self.payout.points_num if self.payout else 0
            ),
            "rounding_fen": self.rounding_fen,
            "share_percent": (
                str(Decimal(self.payout.amount_fen * 1_000_000 // self.payout.pool_fen) / 10_000)
                if self.payout and self.payout.pool_fen
                else "0"
            ),
            "note": self.note,
        }


@dataclass
class Stats:
    count: int = 0
    min_fen: int = 0
    max_fen: int = 0
    median_fen: Decimal = Decimal(0)
    gap_fen: int = 0  # civil servants' max − min


@dataclass
class Distribution:
    rows: list[Row]
    results: dict[str, Result]
    blend: Fraction = Fraction(0)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (field, message)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def paid(self) -> list[Row]:
        return [r for r in self.rows if r.amount_fen is not None]

    def stats(self, group: str = CIVIL) -> Stats:
        amounts = sorted(r.amount_fen for r in self.paid if r.group == group)
        if not amounts:
            return Stats()
        civil = [r.amount_fen for r in self.paid if r.group == group and r.facts.civil_servant]
        return Stats(
            count=len(amounts),
            min_fen=amounts[0],
            max_fen=amounts[-1],
            median_fen=Decimal(str(statistics.median(amounts))),
            gap_fen=(max(civil) - min(civil)) if civil else 0,
        )

    @property
    def total_fen(self) -> int:
        return sum(r.amount_fen for r in self.paid)


def score(facts: PersonFacts, rules: RuleSet, quarters: list[int]) -> Row:
    """Points by source and the weight of one person."""
    grade_items = []
    graded = 0
    for q in quarters:
        code = facts.grades.get(q, "")
        if code in rules.grade_points:
            graded += 1
            grade_items.append((f"Q{q}", GRADE_LABELS[code], rules.grade_points[code]))
        else:
            grade_items.append((f"Q{q}", _("未定等次"), Decimal(0)))
    reward_items = [(d, rules.reward_points.get(level, Decimal(0))) for d, level in facts.rewards]
    negative_items = [
        (d, -rules.negative_points.get(sev, Decimal(0))) for d, sev in facts.negatives
    ]
    points = sum((p for *_, p in grade_items), Decimal(0))
    points += sum((p for _, p in reward_items), Decimal(0))
    points += sum((p for _, p in negative_items), Decimal(0))
    if graded == 0:
        weight = Fraction(0)
    elif rules.ungraded_mode == UngradedMode.FULL:
        weight = Fraction(1)
    else:
        weight = Fraction(graded, len(quarters))
    return Row(
        facts=facts,
        group=CIVIL,
        grade_items=grade_items,
        reward_items=reward_items,
        negative_items=negative_items,
        points=points,
        graded_quarters=graded,
        weight=weight,
    )


def distribute(
    people: list[PersonFacts],
    rules: RuleSet,
    *,
    quarters: list[int],
    amount_fen: int,
    seconded_mode: str,
    seconded_amount_fen: int = 0,
) -> Distribution:
    """Score everyone, split them into the pool's groups and allocate each group's amount."""
    rows = [score(p, rules, quarters) for p in people]
    groups: dict[str, tuple[int, list[Row]]] = {CIVIL: (amount_fen, [])}
    if seconded_mode == SecondedMode.OWN:
        groups[SECONDED] = (seconded_amount_fen, [])
    for row in rows:
        if not row.facts.civil_servant and seconded_mode == SecondedMode.EXCLUDED:
            row.group, row.note = SECONDED, _("借用人员不参与本单位奖金池")
            continue
        if not row.facts.civil_servant and seconded_mode == SecondedMode.OWN:
            row.group = SECONDED
        if row.weight == 0:
            row.note = _("期内无已审定的季度等次")
        groups[row.group][1].append(row)
    dist = Distribution(rows=rows, results={})
    for group, (amount, members) in groups.items():
        if not members and not amount:
            continue
        result = allocate(
            [
                Entry(
                    key=r.facts.person_id,
                    points=Fraction(r.points),
                    weight=r.weight,
                    civil_servant=r.facts.civil_servant,
                )
                for r in members
            ],
            Settings(
                pool_fen=amount,
                base_percent=Fraction(rules.base_percent),
                cap_fen=rules.cap_fen if group == CIVIL else None,
            ),
        )
        dist.results[group] = result
        if not result.ok:
            dist.errors.append((result.error_field, result.error))
            continue
        if group == CIVIL:
            dist.blend = result.blend
        by_key = result.by_key
        for r in members:
            p = by_key.get(r.facts.person_id)
            if p is None:
                continue
            r.payout = p
    return dist
