"""Reads for the year-end pages, scoped to the acting account; page selectors keep their query
count constant in the number of rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from assessment.models import (
    AnnualAssessment,
    AnnualContest,
    AssessmentYear,
    KeyTask,
    OutcomeCode,
    QuarterGrade,
    QuarterlyAssessment,
    Region,
    Role,
    Unit,
    UnitYear,
)
from assessment.tenancy import get_or_404, scope_for
from rewards.models import RewardRecord

from ..models import ReviewState
from . import facts
from .rules import excellent_refusal
from .services import deciding_bodies_for

QUARTER_LABELS = dict(QuarterGrade.choices)


def annual_for_user(user, pk) -> AnnualAssessment:
    return get_or_404(
        AnnualAssessment.objects.visible_to(user).select_related(
            "person__user", "unit", "section", "year", "pending_user__person", "decided_by__person"
        ),
        pk=pk,
    )


def my_annual(user):
    return (
        AnnualAssessment.objects.filter(person__user=user)
        .select_related("year", "unit")
        .order_by("-year__year")
    )


def pending_for(user):
    """Annual records waiting for this account's 评语 and proposal."""
    return (
        AnnualAssessment.objects.filter(pending_user=user, status=ReviewState.IN_REVIEW)
        .select_related("person", "unit", "year")
        .order_by("year__year", "person__staff_no")
    )


def year_or_404(region_id: int, year: int) -> AssessmentYear:
    return get_or_404(AssessmentYear.objects.all(), region_id=region_id, year=year)


# -- the person's year, pre-filled ---------------------------------------------------------------


def quarter_summary(person_id: int, year: AssessmentYear) -> dict:
    rows = list(
        QuarterlyAssessment.objects.filter(person_id=person_id, quarter__year=year)
        .order_by("quarter__number")
        .values("quarter__number", "grade", "score", "status")
    )
    decided = [r for r in rows if r["grade"] and r["status"] in facts.QUARTER_RESULT_STATES]
    counts = {g: sum(1 for r in decided if r["grade"] == g) for g in QuarterGrade.values}
    return {"rows": rows, "counts": counts, "good": counts[QuarterGrade.GOOD]}


def quarter_count_text(year: int, counts: dict) -> str:
    """The sheet's “X年度平时考核情况” line (DOMAIN.md "Registration sheets")."""
    return (
        f"{year}年度平时考核情况：“好” {counts.get('good', 0)} 次，“较好” "
        f"{counts.get('fairly_good', 0)} 次，“一般” {counts.get('average', 0)} 次，“较差” "
        f"{counts.get('poor', 0)} 次"
    )


def prefill_text(aa: AnnualAssessment) -> str:
    """The annual summary's first draft: the four quarters, goals and key tasks, rewards and
    punishments of the year (the person edits it)."""
    year = aa.year
    start, end = date(year.year, 1, 1), date(year.year, 12, 31)
    q = quarter_summary(aa.person_id, year)
    lines = ["【季度考核】" + quarter_count_text(year.year, q["counts"]) + "。"]
    for r in q["rows"]:
        grade = QUARTER_LABELS.get(r["grade"], "—") if r["grade"] else "—"
        score = f"，得分 {r['score']}" if r["score"] is not None else ""
        lines.append(f"- 第{r['quarter__number']}季度：{grade}{score}")
    goals = list(aa.person.goal_plans.filter(year=year.year).values_list("goals__title", flat=True))
    tasks = list(
        KeyTask.objects.filter(person_id=aa.person_id, year=year.year)
        .exclude(status=KeyTask.Status.CANCELLED)
        .values("title", "progress")[:10]
    )
    if goals or tasks:
        lines.append("【年度目标与重点任务】")
        lines += [f"- 目标：{g}" for g in goals if g]
        lines += [f"- 任务：{t['title']}（进度 {t['progress']:.0f}%）" for t in tasks]
    records = RewardRecord.objects.filter(person_id=aa.person_id, date__range=(start, end))
    lines.append("【奖惩情况】" + ("；".join(r.sheet_text for r in records) or "无"))
    lines.append("【主要工作和成绩】")
    return "\n".join(lines)


# -- the decide screen ----------------------------------------------------------------------------


def decide_units(user):
    scope = scope_for(user)
    return Unit.objects.filter(pk__in=scope.units_with(Role.PRINCIPAL_LEADER, Role.UNIT_ADMIN))


def unit_for_decide(user, pk) -> Unit:
    return get_or_404(decide_units(user).select_related("region"), pk=pk)


@dataclass
class DecideRow:
    aa: AnnualAssessment
    good: int = 0
    quarters: str = ""
    eligible: bool = True
    refusal: str = ""
    bodies: tuple = ()

    @property
    def actionable(self) -> bool:
        if not self.bodies:
            return False
        if self.aa.outcome_code:
            return self.aa.status not in (ReviewState.DECIDED, ReviewState.CONFIRMED)
        return self.aa.status == ReviewState.APPROVED


def _rows(user, records, year) -> list[DecideRow]:
    all_facts = facts.bulk_eligibility_facts([aa.person_id for aa in records], year)
    rows = []
    for aa in records:
        aa.year = year
        quarters, sanctions, negative = all_facts[aa.person_id]
        refusal = excellent_refusal(year, quarters, sanctions, negative) or ""
        rows.append(
            DecideRow(
                aa=aa,
                good=quarters.count(QuarterGrade.GOOD),
                quarters="、".join(str(QUARTER_LABELS.get(g, g)) for g in quarters.grades) or "—",
                eligible=not refusal and not aa.outcome_code,
                refusal=refusal,
                bodies=deciding_bodies_for(user, aa),
            )
        )
    return rows


def decide_screen(user, unit: Unit, year: AssessmentYear) -> dict:
    """Every unit member's year (leadership members apart) with quarters, eligibility for 优秀
    and its rule, the proposal and 评语; the quota used/remaining per group. Fixed queries."""
    records = list(
        AnnualAssessment.objects.filter(unit=unit, year=year, is_leadership_member=False)
        .select_related("person", "section")
        .defer("summary", "training", "opinion_reason")
        .order_by("section__name", "person__staff_no")
    )
    quota = facts.unit_quota(unit.pk, year)
    return {
        "rows": _rows(user, records, year),
        "quota": [q for q in quota.values() if q.graded],
    }


def leadership_screen(user, region_id: int, year: AssessmentYear) -> dict:
    records = list(
        AnnualAssessment.objects.filter(region_id=region_id, year=year, is_leadership_member=True)
        .select_related("person", "section", "unit")
        .defer("summary", "training", "opinion_reason")
        .order_by("unit__code", "person__staff_no")
    )
    quota = facts.leadership_quota(year)
    return {"rows": _rows(user, records, year), "quota": [quota] if quota.graded else []}


# -- the district's year page ---------------------------------------------------------------------


def district_regions(user) -> set[int]:
    return scope_for(user).regions_with(Role.DISTRICT_ADMIN)


def region_for_admin(user, pk) -> Region:
    return get_or_404(Region.objects.filter(pk__in=district_regions(user)), pk=pk)


def year_overview(region_id: int, year: AssessmentYear) -> list[dict]:
    """Per unit: the rate, and records by state and result — two queries."""
    units = {
        uy.unit_id: {
            "unit_year": uy,
            "name": uy.unit.name,
            "total": 0,
            "decided": 0,
            "excellent": 0,
            "coded": 0,
        }
        for uy in UnitYear.objects.filter(year=year).select_related("unit", "rate_set_by__person")
    }
    counts = (
        AnnualAssessment.objects.filter(year=year, participates=True)
        .values("unit_id")
        .annotate(
            total=Count("pk"),
            decided=Count("pk", filter=Q(status__in=(ReviewState.DECIDED, ReviewState.CONFIRMED))),
            excellent=Count("pk", filter=Q(grade="excellent")),
            coded=Count("pk", filter=~Q(outcome_code="")),
        )
    )
    for row in counts:
        if row["unit_id"] in units:
            units[row["unit_id"]].update(row)
    return sorted(units.values(), key=lambda u: u["unit_year"].unit.code)


def contests_for(user):
    """Pending and past 复核/申诉 this account handles: appeals and district-decided 复核 for
    the district admin, the unit's 复核 for its principal leader."""
    scope = scope_for(user)
    regions = scope.regions_with(Role.DISTRICT_ADMIN)
    units = scope.units_with(Role.PRINCIPAL_LEADER)
    return (
        AnnualContest.objects.filter(
            Q(region_id__in=regions, stage=AnnualContest.Stage.APPEAL)
            | Q(region_id__in=regions, assessment__deciding_body="district")
            | Q(
                assessment__unit_id__in=units,
                stage=AnnualContest.Stage.REEXAMINATION,
            )
            & ~Q(assessment__deciding_body="district")
        )
        .select_related("assessment__person", "assessment__unit", "assessment__year")
        .order_by("status", "due")
    )


def contest_for_decider(user, pk) -> AnnualContest:
    return get_or_404(contests_for(user), pk=pk)


# -- the results page: statutory consequences ------------------------------------------------


def consequences(aa: AnnualAssessment) -> list[str]:
    """What the result means in law (DOMAIN.md "Annual"), with the article; local rules marked."""
    if aa.status not in (ReviewState.DECIDED, ReviewState.CONFIRMED):
        return []
    if aa.outcome_code:
        return [
            _("本年度%(r)s，不计入等次；情况说明：%(e)s")
            % {"r": OutcomeCode(aa.outcome_code).label, "e": aa.outcome_reason or "—"}
        ]
    if aa.person_kind == "seconded":
        return [_("借用事业身份人员，考核结果按事业单位工作人员考核规定运用。")]
    lines = []
    if aa.grade in ("excellent", "competent"):
        lines.append(_("评为优秀、称职等次，享受年终奖金。【公务员法第八十条】"))
    if aa.grade == "incompetent":
        lines.append(_("评为不称职等次，按规定降低一个职务或者职级层次任职。【公务员法第五十条】"))
        previous = (
            AnnualAssessment.objects.filter(person_id=aa.person_id, year__year=aa.year.year - 1)
            .values_list("grade", flat=True)
            .first()
        )
        if previous == "incompetent":
            lines.append(_("连续两年年度考核不称职，予以辞退。【公务员法第八十八条】"))
    lines.append(
        _(
            "定期考核的结果作为调整职位、职务、职级、级别、工资以及公务员奖励、培训、辞退的依据。"
            "【公务员法第三十九条】"
        )
    )
    if aa.grade == "excellent":
        streak = AnnualAssessment.objects.filter(
            person_id=aa.person_id,
            year__year__in=(aa.year.year - 1, aa.year.year - 2),
            grade="excellent",
        ).count()
        lines.append(
            "（地方规定，非全国统一）评为优秀给予嘉奖"
            + ("；连续三年优秀记三等功。" if streak == 2 else "。")
        )
    return lines
