"""Bonus pool allocation (奖金池分配): a pure function, plain dataclasses in, payouts out.

The pool (integer fen) is split into
- a **base share** (base_percent of the pool) divided by each person's weight — 1 for a person
  graded in every quarter of the period, k/n for k of n quarters graded when the region counts
  不确定等次/不参加考核 quarters pro rata (the default), 0 for a person with no graded quarter;
- a **points share** (the rest) divided by points (negative totals count as 0). When nobody
  has a positive point total the points share goes by weight, like the base share.

Gap cap: the highest minus the lowest civil-servant payout must not exceed cap_fen. When the
uncapped split breaks it, the points share is blended towards the by-weight split by the
smallest factor t ∈ [0, 1] that satisfies the cap (x_i(t) = base_i + (1−t)·pts_i + t·even_i,
so ordering by points is kept and nobody's payout moves past another's). When even t = 1 breaks
it, the differences come from the weights alone and the result names the conflicting setting
instead of paying a wrong sum.

Rounding: exact in fen by largest remainder. Everybody gets the floor of their exact amount;
the fen left over go one each to the largest remainders. Tie-break (documented, deterministic):
larger remainder first, then more points, then the smaller key. Equal inputs therefore differ
by at most 1 fen, more points never pay less, and the payouts add up to the pool exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from math import lcm

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Entry:
    """One person in a pool. key orders ties (a person id); weight is the share of the period's
    quarters that counts (0–1); civil_servant says whether the gap cap applies."""

    key: int
    points: Fraction
    weight: Fraction = Fraction(1)
    civil_servant: bool = True


@dataclass(frozen=True)
class Settings:
    pool_fen: int
    base_percent: Fraction = Fraction(0)
    cap_fen: int | None = None


@dataclass(frozen=True)
class Payout:
    """One payout. Exact parts are kept as integer numerators over a common denominator
    (cheap for hundreds of people); the Fraction properties give them in fen."""

    key: int
    amount_fen: int
    rounding_fen: int  # 0 or 1: the largest-remainder adjustment
    base_num: int
    points_num: int
    denom: int
    pool_fen: int

    @property
    def exact(self) -> Fraction:  # the exact amount before rounding, in fen
        return Fraction(self.base_num + self.points_num, self.denom)

    @property
    def base(self) -> Fraction:  # base part, in fen
        return Fraction(self.base_num, self.denom)

    @property
    def points_part(self) -> Fraction:  # points part after any cap blending, in fen
        return Fraction(self.points_num, self.denom)

    @property
    def share(self) -> Fraction:
        return Fraction(self.amount_fen, self.pool_fen) if self.pool_fen else Fraction(0)

    @property
    def floor_fen(self) -> int:
        return self.amount_fen - self.rounding_fen


@dataclass
class Result:
    payouts: list[Payout] = field(default_factory=list)
    blend: Fraction = Fraction(0)  # t: how far the points share was evened out for the cap
    error: str = ""  # the conflicting setting, when the rules cannot be met
    error_field: str = ""  # which setting conflicts (a form field name)

    @property
    def ok(self) -> bool:
        return not self.error

    @property
    def by_key(self) -> dict[int, Payout]:
        return {p.key: p for p in self.payouts}

    @property
    def total_fen(self) -> int:
        return sum(p.amount_fen for p in self.payouts)


def _yuan(fen: int | Fraction) -> str:
    fen = Fraction(fen)
    return f"{Decimal(fen.numerator) / Decimal(fen.denominator) / 100:.2f}"


def _lcm_denominator(values) -> int:
    d = 1
    for v in values:
        d = lcm(d, v.denominator)
    return d


@dataclass
class _Scaled:
    """Everything in integers: payout_i(t) = (A_i + Bc_i·t) / S fen, t = the cap blend;
    base_i = Bs_i / S."""

    base: list[int]
    a: list[int]
    b: list[int]
    s: int


def _scale(entries: list[Entry], st: Settings) -> _Scaled:
    dw = _lcm_denominator(e.weight for e in entries)
    kw = [e.weight.numerator * (dw // e.weight.denominator) for e in entries]
    positive = [max(e.points, Fraction(0)) for e in entries]
    dp = _lcm_denominator(positive)
    kp = [p.numerator * (dp // p.denominator) for p in positive]
    total_w, total_p = sum(kw), sum(kp)
    if total_p == 0:  # nobody has points: the points share goes by weight
        kp, total_p = kw, total_w
    bn, bd = st.base_percent.numerator, st.base_percent.denominator
    rest = 100 * bd - bn
    pool = st.pool_fen
    base = [pool * bn * w * total_p for w in kw]
    pts = [pool * rest * p * total_w for p in kp]
    even = [pool * rest * w * total_p for w in kw]
    return _Scaled(
        base=base,
        a=[x + y for x, y in zip(base, pts, strict=True)],
        b=[v - y for v, y in zip(even, pts, strict=True)],
        s=100 * bd * total_w * total_p,
    )


def _blend_for_cap(entries: list[Entry], sc: _Scaled, cap: int) -> Fraction | None:
    """Smallest t in [0, 1] with max − min of civil-servant payouts ≤ cap, or None.

    Each payout is a line a + b·t. Within one weight, the order by points never changes
    (1 − t ≥ 0), so only the extremes of each weight class can be the max or the min: the
    pairwise constraints between those few lines give t exactly."""
    lines: dict[Fraction, list[tuple[int, int]]] = {}
    for i, e in enumerate(entries):
        if e.civil_servant:
            lines.setdefault(e.weight, []).append((sc.a[i], sc.b[i]))
    candidates = []
    for group in lines.values():
        candidates.extend({min(group), max(group)})
    limit = cap * sc.s
    low, high = Fraction(0), Fraction(1)
    for a1, b1 in candidates:
        for a2, b2 in candidates:
            d0, d1 = a1 - a2, b1 - b2  # (payout1 − payout2)·S = d0 + d1·t ≤ cap·S
            if d1 == 0:
                if d0 > limit:
                    return None
            elif d1 < 0:
                low = max(low, Fraction(d0 - limit, -d1))
            else:
                high = min(high, Fraction(limit - d0, d1))
    return low if low <= high else None


def _round(entries: list[Entry], nums: list[int], denom: int, pool_fen: int):
    """Largest remainder: floors, then one fen each to the largest remainders (ties: more
    points, then the smaller key)."""
    floors, rems = zip(*(divmod(n, denom) for n in nums), strict=True)
    left = pool_fen - sum(floors)
    order = sorted(
        range(len(entries)), key=lambda i: (-rems[i], -entries[i].points, entries[i].key)
    )
    plus = [0] * len(entries)
    for i in order[:left]:
        plus[i] = 1
    return [f + d for f, d in zip(floors, plus, strict=True)], plus


def _gap(entries: list[Entry], amounts: list[int]) -> int:
    civil = [a for e, a in zip(entries, amounts, strict=True) if e.civil_servant]
    return max(civil) - min(civil) if civil else 0


def allocate(entries: list[Entry], settings: Settings) -> Result:
    """Split settings.pool_fen over the entries with weight > 0 (the others get nothing)."""
    s = settings
    if s.pool_fen < 0:
        return Result(error=_("奖金池金额不能为负数。"), error_field="amount")
    if not 0 <= s.base_percent <= 100:
        return Result(error=_("基础份额比例须在 0–100% 之间。"), error_field="base_percent")
    paid = [e for e in entries if e.weight > 0]
    if not paid:
        return Result(
            error=_("没有可参与分配的人员（期内无已审定的季度等次）。"), error_field="amount"
        )
    sc = _scale(paid, s)
    targets = [] if s.cap_fen is None else [s.cap_fen, s.cap_fen - 1]
    blend = Fraction(0)
    for attempt, cap in enumerate(targets or [None]):
        if cap is not None:
            t = _blend_for_cap(paid, sc, cap) if cap >= 0 else None
            if t is None:
                return _cap_conflict(paid, sc, s, rounding=attempt > 0)
            blend = t
        tn, td = blend.numerator, blend.denominator
        denom = sc.s * td
        nums = [a * td + b * tn for a, b in zip(sc.a, sc.b, strict=True)]
        amounts, plus = _round(paid, nums, denom, s.pool_fen)
        if s.cap_fen is None or _gap(paid, amounts) <= s.cap_fen:
            break
    else:  # unreachable: the second target leaves room for a rounding fen
        return _cap_conflict(paid, sc, s, rounding=True)
    payouts = [
        Payout(
            key=e.key,
            amount_fen=amounts[i],
            rounding_fen=plus[i],
            base_num=sc.base[i] * td,
            points_num=nums[i] - sc.base[i] * td,
            denom=denom,
            pool_fen=s.pool_fen,
        )
        for i, e in enumerate(paid)
    ]
    return Result(payouts=payouts, blend=blend)


def _cap_conflict(paid: list[Entry], sc: _Scaled, s: Settings, *, rounding: bool) -> Result:
    """The cap cannot hold: say which setting conflicts."""
    if rounding:
        msg = _(
            "最高最低差额上限 %(cap)s 元过小：奖金池需按分精确分配，舍入后差额至少 %(need)s 元。"
            "请调高“差额上限”。"
        ) % {"cap": _yuan(s.cap_fen), "need": _yuan(s.cap_fen + 1)}
        return Result(error=msg, error_field="cap")
    flat = [a + b for a, b, e in zip(sc.a, sc.b, paid, strict=True) if e.civil_servant]
    floor_gap = Fraction(max(flat) - min(flat), sc.s) if flat else Fraction(0)
    msg = _(
        "最高最低差额上限 %(cap)s 元无法满足：即使不按积分拉开差距，仅按季度折算的基础份额"
        "差额就有 %(gap)s 元。冲突的设置是“不确定等次/不参加考核季度的计算方式”（按季度折算）"
        "与“差额上限”，请调高上限或改为全额计算。"
    ) % {"cap": _yuan(s.cap_fen), "gap": _yuan(floor_gap)}
    return Result(error=msg, error_field="cap")
