"""The rules of the annual grade (DOMAIN.md "Annual"), as pure functions over the year's
settings and the person's facts, each refusal naming the rule and the facts.

Quota (优秀比例):
    places(group) = round(rate × graded(group) / 100) with the year's rounding (half-up by
    default), rate = the unit's rate set by the district admin, else the year's default, never
    above the year's ceiling (excellent_quota_max_percent). A group is the unit's civil servants,
    or its seconded staff, without leadership members (decided by the region, in their own
    region-wide group); graded = participants without a coded outcome (5A–6A are not counted).

Eligibility for 优秀 (excellent_rule):
    good_share — 好 in at least excellent_min_good_share % of the graded quarters;
    good_count — at least excellent_min_good_count 好;
    none       — no condition on the quarters;
    and never with a quarterly grade in excellent_blocking_grades, nor with a sanction whose
    effect (sanction_table) is no_excellent or undetermined in force during the year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext as _

from assessment.models import AssessmentYear, Person, QuarterGrade
from assessment.models.periods import ExcellentRule, Rounding

GRADED_QUARTER = (
    QuarterGrade.GOOD,
    QuarterGrade.FAIRLY_GOOD,
    QuarterGrade.AVERAGE,
    QuarterGrade.POOR,
)
LEADERSHIP = "leadership"  # the region-wide quota group of leadership members


def excellent_places(percent: int, graded: int, rounding: str) -> int:
    if graded <= 0:
        return 0
    product = percent * graded
    if rounding == Rounding.DOWN:
        return product // 100
    if rounding == Rounding.UP:
        return -(-product // 100)
    return (product * 2 + 100) // 200  # half-up, in integers


def effective_rate(year: AssessmentYear, unit_percent: int | None) -> int:
    rate = year.excellent_quota_percent if unit_percent is None else unit_percent
    return min(rate, year.excellent_quota_max_percent)


@dataclass(frozen=True)
class QuotaUse:
    group: str  # Person.Kind or LEADERSHIP
    percent: int
    graded: int
    places: int
    used: int
    rounding: str

    @property
    def remaining(self) -> int:
        return max(0, self.places - self.used)

    @property
    def label(self) -> str:
        if self.group == LEADERSHIP:
            return _("领导班子成员")
        return str(Person.Kind(self.group).label)


def quota_refusal(use: QuotaUse) -> str | None:
    if use.used < use.places:
        return None
    return _(
        "本年度“优秀”名额 %(places)s 已用 %(used)s（%(label)s参加定等次 %(n)s 人 × "
        "%(pct)s%%，%(rounding)s），不能再评为“优秀”。"
    ) % {
        "label": use.label,
        "n": use.graded,
        "pct": use.percent,
        "rounding": Rounding(use.rounding).label,
        "places": use.places,
        "used": use.used,
    }


@dataclass(frozen=True)
class Sanction:
    """A punishment with its effect on the annual grade, as the year's sanction table sets it."""

    label: str
    start: date
    end: date  # last day in force
    effect: str  # no_good / no_excellent / undetermined


def sanction_period(kind: str, on: date, table: dict, blocks_until: date | None) -> date | None:
    """The last day a punishment of `kind` dated `on` is in force (the table's months), else
    the record's own blocks_until; None when it has no period."""
    entry = table.get(kind)
    if entry and entry.get("months"):
        return on + relativedelta(months=int(entry["months"])) - timedelta(days=1)
    return blocks_until


def sanctions_in_year(records, year: AssessmentYear) -> list[Sanction]:
    """RewardRecord punishments (any iterable of rows with type, date, blocks_until and
    get_type_display) whose period overlaps the year, with the table's effect."""
    start, end = date(year.year, 1, 1), date(year.year, 12, 31)
    table = year.sanction_table or {}
    found = []
    for r in records:
        until = sanction_period(r.type, r.date, table, r.blocks_until)
        if until is None or r.date > end or until < start:
            continue
        effect = (table.get(r.type) or {}).get("effect", "no_excellent")
        found.append(Sanction(f"{r.get_type_display()}（{r.date}）", r.date, until, effect))
    return found


@dataclass
class QuarterFacts:
    grades: list[str]  # the year's decided quarterly grades

    @property
    def graded(self) -> int:
        return sum(1 for g in self.grades if g in GRADED_QUARTER)

    def count(self, grade: str) -> int:
        return sum(1 for g in self.grades if g == grade)


def excellent_refusal(
    year: AssessmentYear,
    quarters: QuarterFacts,
    sanctions: list[Sanction],
    serious_negative: str = "",
) -> str | None:
    """Why the person may not be graded 优秀 this year (the rule and the facts), or None."""
    labels = dict(QuarterGrade.choices)
    for s in sanctions:
        if s.effect in ("no_excellent", "undetermined"):
            return _("处分影响期内（%(s)s，至 %(d)s），本年度不得评为“优秀”。") % {
                "s": s.label,
                "d": s.end,
            }
    if serious_negative:
        return _("存在影响期内的严重负面信息（%(n)s），本年度不得评为“优秀”。") % {
            "n": serious_negative
        }
    blocking = [g for g in (year.excellent_blocking_grades or []) if quarters.count(g)]
    if blocking:
        return _("本年度季度等次有“%(g)s”%(n)s次，按规则有%(all)s等次者不得评为“优秀”。") % {
            "g": labels.get(blocking[0], blocking[0]),
            "n": quarters.count(blocking[0]),
            "all": "、".join(f"“{labels.get(g, g)}”" for g in year.excellent_blocking_grades),
        }
    good, graded = quarters.count(QuarterGrade.GOOD), quarters.graded
    if year.excellent_rule == ExcellentRule.GOOD_SHARE:
        share = year.excellent_min_good_share
        if graded == 0 or good * 100 < share * graded:
            return _(
                "本年度“好”%(good)s次，少于已评季度（%(graded)s个）的%(share)s%%"
                "（规则：“好”至少占已评季度的%(share)s%%），不得评为“优秀”。"
            ) % {"good": good, "graded": graded, "share": share}
    elif year.excellent_rule == ExcellentRule.GOOD_COUNT:
        if good < year.excellent_min_good_count:
            return _("本年度“好”%(good)s次，少于规则要求的%(n)s次，不得评为“优秀”。") % {
                "good": good,
                "n": year.excellent_min_good_count,
            }
    return None


def proposed_outcome(
    *,
    year: AssessmentYear,
    hire_date: date | None,
    investigation: str,
    sanctions: list[Sanction],
    leave_days: int,
    working_days: int,
) -> tuple[str, str]:
    """The coded outcome the facts propose (code, explanation), or ("", "")."""
    end = date(year.year, 12, 31)
    if working_days and leave_days * 2 > working_days:
        return "6A", _("本年度病、事假累计 %(n)s 个工作日，超过全年工作日（%(w)s 天）的一半。") % {
            "n": leave_days,
            "w": working_days,
        }
    if investigation:
        return "5B", _("涉嫌违纪违法被立案审查调查，尚未结案（%(s)s）。") % {"s": investigation}
    for s in sanctions:
        if s.effect == "undetermined":
            return "5C", _("处分影响期内（%(s)s，至 %(d)s）。") % {"s": s.label, "d": s.end}
    if hire_date and hire_date + relativedelta(years=1) > end + timedelta(days=1):
        return "5A", _("新录用人员（%(d)s 录用），年底试用期未满一年。") % {"d": hire_date}
    return "", ""
