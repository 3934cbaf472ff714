"""Registration sheets (登记表) as neutral data: one dataclass per sheet kind, the fields of
DOMAIN.md in its order. The xlsx and PDF renderers read only this data.

A field is `missing` when the sheet requires it and the record has nothing (the export marks the
blank), `pending` when a feature that does not exist yet will fill it (shown blank, never
invented). The bulk builders load a whole unit or region in a constant number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.utils import timezone

from assessment.models import Person, Quarter, QuarterGrade, QuarterlyAssessment, Region, Unit
from indicators.models import AttendanceRecord, AttendanceStatus, NegativeRecord
from reviews.improvement.selectors import deficiency_line, person_deficiency_summary
from reviews.models import LEVEL_NAMES, Decision, ReviewAction
from reviews.ratings.selectors import sheet_rating_texts
from rewards.models import RewardRecord

QUARTER_NAMES = {1: "一", 2: "二", 3: "三", 4: "四"}
GRADE_LABEL = {value: str(label) for value, label in QuarterGrade.choices}


@dataclass
class SheetField:
    """One labelled value of a sheet. `parts` splits a compound field (出勤情况) into
    sub-labels for the list form's columns."""

    label: str
    value: str = ""
    required: bool = False
    pending: bool = False
    parts: list[tuple[str, str]] = field(default_factory=list)
    date: str = ""  # the date printed beside an opinion

    @property
    def missing(self) -> bool:
        return self.required and not self.value.strip()


@dataclass
class QuarterlySheet:
    """公务员平时考核登记表: one person's quarter."""

    title = "公务员平时考核登记表"
    person_id: int
    staff_no: str
    unit_id: int
    unit_name: str
    period_code: str
    period_label: str
    grade: str
    fields: list[SheetField]

    @property
    def missing(self) -> list[str]:
        return [f.label for f in self.fields if f.missing]

    def get(self, label: str) -> SheetField:
        return next(f for f in self.fields if f.label == label)


@dataclass
class AnnualSheet:
    """公务员年度考核登记表: one person's year. Year-end fields are pending until the annual
    appraisal exists; the four quarterly grades come from the quarterly records."""

    title = "公务员年度考核登记表"
    person_id: int
    staff_no: str
    unit_id: int
    unit_name: str
    period_code: str
    period_label: str
    grade: str
    quarter_grades: list[str]
    fields: list[SheetField]

    @property
    def missing(self) -> list[str]:
        return [f.label for f in self.fields if f.missing]

    def get(self, label: str) -> SheetField:
        return next(f for f in self.fields if f.label == label)


QUARTERLY_LABELS = [
    "姓名",
    "性别",
    "出生年月",
    "政治面貌",
    "单位及职务（职级）",
    "从事或分管工作",
    "个人小结",
    "出勤情况",
    "奖惩情况与不良行为记录",
    "互评/群众评议情况",
    "主管领导点评和考核等次建议",
    "机关审定意见（考核等次）",
    "未确定等次或不参加考核情况说明",
    "本人意见",
]
ATTENDANCE_PARTS = ["旷工天数", "请假天数", "迟到早退次数"]

ANNUAL_LABELS = [  # version "2020+" (the default; DOMAIN.md "Registration sheets")
    "姓名",
    "性别",
    "出生年月",
    "民族",
    "政治面貌",
    "学历",
    "单位及职务（职级）",
    "任现职务（职级）时间",
    "从事或分管工作",
    "个人总结",
    "参加脱产培训情况",
    "平时考核情况",
    "主管领导评语和考核等次建议",
    "机关负责人或考核委员会意见（考核等次）",
    "本人意见",
    "需要说明的情况",
    "备注",
]
ANNUAL_LABELS_PRE2020 = [
    label for label in ANNUAL_LABELS if label not in ("参加脱产培训情况", "需要说明的情况")
][:-1] + ["未确定等次或不参加考核情况说明", "复核（申诉）情况", "备注"]


# -- formatting ------------------------------------------------------------------------------


def _ym(day: date | None) -> str:
    return f"{day.year}.{day.month:02d}" if day else ""


def _day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return f"{value.year}年{value.month}月{value.day}日"


def quarter_label(quarter: Quarter) -> str:
    return f"{quarter.year.year}年第{QUARTER_NAMES[quarter.number]}季度"


def _reward_lines(rewards, negatives, deficiencies=()) -> str:
    lines = [r.sheet_text for r in rewards]
    lines += [deficiency_line(r) for r in deficiencies]  # 不足提醒 of the period
    for n in negatives:
        text = f"{n.date:%Y.%m.%d} {n.get_type_display()}（{n.get_severity_display()}）"
        if n.document_no:
            text += f" {n.document_no}"
        if n.description:
            text += f"：{n.description}"
        lines.append(text)
    return "\n".join(lines) if lines else "无"


def _leader_comment(actions) -> tuple[str, str]:
    """The chain's comments (levels 1 and 2) with the latest grade suggestion, and its date."""
    lines, suggestion, last = [], "", None
    for a in actions:
        if a.level not in (1, 2) or a.decision not in (
            Decision.APPROVE,
            Decision.COMMENT,
            Decision.RETURN,
        ):
            continue
        if a.comment:
            lines.append(f"{LEVEL_NAMES.get(a.level, '')}：{a.comment}")
        if a.suggested_grade:
            suggestion = GRADE_LABEL.get(a.suggested_grade, a.suggested_grade)
        last = a.at
    if suggestion:
        lines.append(f"建议等次：{suggestion}")
    return "\n".join(lines), _day(last)


def _opinion(qa: QuarterlyAssessment | None) -> tuple[str, str]:
    if qa is None or not qa.opinion:
        return "", ""
    text = qa.get_opinion_display()
    if qa.opinion_reason:
        text += f"：{qa.opinion_reason}"
    return text, _day(qa.opinion_at)


# -- scope -----------------------------------------------------------------------------------


def people_in_scope(*, region: Region, unit: Unit | None = None):
    """Active people of the unit (or region), in sheet order."""
    people = Person.objects.filter(region=region, is_active=True)
    if unit is not None:
        people = people.filter(unit=unit)
    return people.select_related("unit", "section").order_by("unit__code", "staff_no")


# -- quarterly -------------------------------------------------------------------------------


def build_quarterly(quarter: Quarter, people) -> list[QuarterlySheet]:
    """Sheets of many people for one quarter, in a constant number of queries."""
    people = list(people)
    ids = [p.pk for p in people]
    start, end = quarter.start, quarter.end
    assessments = {
        qa.person_id: qa
        for qa in QuarterlyAssessment.objects.filter(quarter=quarter, person_id__in=ids)
    }
    trail: dict[int, list[ReviewAction]] = defaultdict(list)
    if assessments:
        ct = ContentType.objects.get_for_model(QuarterlyAssessment)
        by_assessment = {qa.pk: qa.person_id for qa in assessments.values()}
        for action in ReviewAction.objects.filter(
            content_type=ct, object_id__in=list(by_assessment)
        ).order_by("at", "pk"):
            trail[by_assessment[action.object_id]].append(action)
    attendance: dict[int, dict[str, int]] = defaultdict(dict)
    for pid, status, n in (
        AttendanceRecord.objects.filter(person_id__in=ids, date__range=(start, end))
        .values_list("person_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        attendance[pid][status] = n
    rewards = _group(RewardRecord.objects.filter(person_id__in=ids, date__range=(start, end)))
    negatives = _group(NegativeRecord.objects.filter(person_id__in=ids).in_force_during(start, end))
    ratings = sheet_rating_texts(quarter, ids)
    deficiencies = person_deficiency_summary(ids, start, end)
    return [
        _quarterly_sheet(
            p,
            quarter,
            assessments.get(p.pk),
            trail.get(p.pk, []),
            attendance.get(p.pk),
            rewards.get(p.pk, []),
            negatives.get(p.pk, []),
            ratings.get(p.pk, ""),
            deficiencies.get(p.pk, []),
        )
        for p in people
    ]


def _group(rows) -> dict[int, list]:
    out: dict[int, list] = defaultdict(list)
    for row in rows.order_by("date", "pk"):
        out[row.person_id].append(row)
    return out


def _quarterly_sheet(
    person, quarter, qa, actions, attendance, rewards, negatives, ratings="", deficiencies=()
):
    if attendance:
        counts = [
            str(attendance.get(AttendanceStatus.ABSENT, 0)),
            str(attendance.get(AttendanceStatus.LEAVE, 0)),
            str(attendance.get(AttendanceStatus.LATE_EARLY, 0)),
        ]
        attendance_text = "；".join(
            f"{label} {n}" for label, n in zip(ATTENDANCE_PARTS, counts, strict=True)
        )
    else:  # no attendance imported for the quarter: blank, not zero
        counts, attendance_text = ["", "", ""], ""
    grade = qa.grade if qa else ""
    ungraded = grade == QuarterGrade.UNGRADED or (qa is not None and not qa.participates)
    comment, comment_date = _leader_comment(actions)
    opinion, opinion_date = _opinion(qa)
    decided = GRADE_LABEL.get(grade, "") if grade else ""
    explanation = ""
    if qa is not None:
        explanation = qa.ungraded_reason or (qa.movement_note if not qa.participates else "")
    fields = [
        SheetField("姓名", person.name, required=True),
        SheetField("性别", person.get_gender_display(), required=True),
        SheetField("出生年月", _ym(person.birth_date), required=True),
        SheetField("政治面貌", person.political_status, required=True),
        SheetField("单位及职务（职级）", person.unit_and_position, required=True),
        SheetField("从事或分管工作", person.work_in_charge, required=True),
        SheetField("个人小结", qa.summary if qa else "", required=True),
        SheetField(
            "出勤情况",
            attendance_text,
            required=True,
            parts=list(zip(ATTENDANCE_PARTS, counts, strict=True)),
        ),
        SheetField("奖惩情况与不良行为记录", _reward_lines(rewards, negatives, deficiencies)),
        SheetField("互评/群众评议情况", ratings),
        SheetField("主管领导点评和考核等次建议", comment, required=True, date=comment_date),
        SheetField(
            "机关审定意见（考核等次）",
            decided,
            required=True,
            date=_day(qa.decided_at) if qa else "",
        ),
        SheetField("未确定等次或不参加考核情况说明", explanation, required=ungraded),
        SheetField("本人意见", opinion, required=True, date=opinion_date),
    ]
    return QuarterlySheet(
        person_id=person.pk,
        staff_no=person.staff_no,
        unit_id=person.unit_id,
        unit_name=person.unit.name,
        period_code=quarter.code,
        period_label=quarter_label(quarter),
        grade=grade,
        fields=fields,
    )


# -- annual ----------------------------------------------------------------------------------


def build_annual(region: Region, year: int, people) -> list[AnnualSheet]:
    """Sheets of many people for one year: the four quarterly grades and, once the year-end
    appraisal has a record, its fields (summary, training, 评语 and proposal, decision,
    本人意见, coded outcome, 复核/申诉); without one they stay pending. The layout follows the
    year's sheet version (AssessmentYear.annual_sheet_version). A fixed number of queries."""
    from assessment.models import AnnualAssessment, AnnualContest, AssessmentYear

    people = list(people)
    ids = [p.pk for p in people]
    grades: dict[int, dict[int, QuarterlyAssessment]] = defaultdict(dict)
    for qa in QuarterlyAssessment.objects.filter(
        region=region, quarter__year__year=year, person_id__in=ids
    ).select_related("quarter"):
        grades[qa.person_id][qa.quarter.number] = qa
    start, end = date(year, 1, 1), date(year, 12, 31)
    rewards = _group(RewardRecord.objects.filter(person_id__in=ids, date__range=(start, end)))
    negatives = _group(NegativeRecord.objects.filter(person_id__in=ids).in_force_during(start, end))
    annual = {
        aa.person_id: aa
        for aa in AnnualAssessment.objects.filter(
            region=region, year__year=year, person_id__in=ids
        ).select_related("decided_by__person")
    }
    contests: dict[int, list] = defaultdict(list)
    for contest in AnnualContest.objects.filter(
        assessment_id__in=[aa.pk for aa in annual.values()]
    ).select_related("assessment"):
        contests[contest.assessment.person_id].append(contest)
    version = (
        AssessmentYear.objects.filter(region=region, year=year)
        .values_list("annual_sheet_version", flat=True)
        .first()
        or "2020"
    )
    return [
        _annual_sheet(
            p,
            year,
            grades.get(p.pk, {}),
            rewards.get(p.pk, []),
            negatives.get(p.pk, []),
            annual.get(p.pk),
            contests.get(p.pk, []),
            version,
        )
        for p in people
    ]


def _annual_sheet(person, year, quarters, rewards, negatives, aa, contests, version):
    quarter_grades = []
    for n in range(1, 5):
        qa = quarters.get(n)
        quarter_grades.append(GRADE_LABEL.get(qa.grade, "") if qa and qa.grade else "")
    routine = "；".join(
        f"第{QUARTER_NAMES[n]}季度 {g or '—'}" for n, g in enumerate(quarter_grades, start=1)
    )
    remark = _reward_lines(rewards, negatives)
    pending = aa is None
    decided = bool(aa and aa.decided_at)
    counts = {
        value: sum(1 for qa in quarters.values() if qa.grade == value)
        for value in ("good", "fairly_good", "average", "poor")
    }
    contest_text = "；".join(
        f"{c.get_stage_display()}（{c.filed_on:%Y-%m-%d} 提出）：{c.get_status_display()}"
        + (f"，{c.get_new_grade_display()}" if c.new_grade and c.status == "changed" else "")
        + (f"（{c.decided_on:%Y-%m-%d}）" if c.decided_on else "")
        for c in contests
    )
    explain = aa.outcome_reason if aa and aa.outcome_code else ""
    if aa and aa.outcome_code:
        explain = f"{aa.get_outcome_code_display()}：{aa.outcome_reason}"
    notes = (
        f"{year}年度平时考核情况：“好” {counts['good']} 次，“较好” {counts['fairly_good']} 次，"
        f"“一般” {counts['average']} 次，“较差” {counts['poor']} 次"
    )
    notes = "；".join(x for x in (notes, explain, contest_text) if x)
    proposal = ""
    if aa and (aa.leader_comment or aa.proposed_grade):
        proposal = aa.leader_comment + (
            f"\n建议等次：{aa.get_proposed_grade_display()}" if aa.proposed_grade else ""
        )
    decision = ""
    if decided:
        decision = f"{aa.get_deciding_body_display()}审定：{aa.result_label}"
        if aa.committee_members:
            decision += f"（委员会成员：{aa.committee_members}）"
        if aa.decision_comment:
            decision += f"。{aa.decision_comment}"
    opinion = ""
    if aa and aa.opinion:
        opinion = aa.get_opinion_display() + (f"：{aa.opinion_reason}" if aa.opinion_reason else "")
    values = {
        "姓名": SheetField("姓名", person.name, required=True),
        "性别": SheetField("性别", person.get_gender_display(), required=True),
        "出生年月": SheetField("出生年月", _ym(person.birth_date), required=True),
        "民族": SheetField("民族", person.ethnicity, required=True),
        "政治面貌": SheetField("政治面貌", person.political_status, required=True),
        "学历": SheetField("学历", person.education, required=True),
        "单位及职务（职级）": SheetField(
            "单位及职务（职级）", person.unit_and_position, required=True
        ),
        "任现职务（职级）时间": SheetField(
            "任现职务（职级）时间", _ym(person.in_post_since), required=True
        ),
        "从事或分管工作": SheetField("从事或分管工作", person.work_in_charge, required=True),
        "个人总结": SheetField("个人总结", aa.summary if aa else "", pending=pending),
        "参加脱产培训情况": SheetField(
            "参加脱产培训情况", aa.training if aa else "", pending=pending
        ),
        "平时考核情况": SheetField(
            "平时考核情况",
            routine if any(quarter_grades) else "",
            required=True,
            parts=[(f"第{QUARTER_NAMES[n]}季度", g) for n, g in enumerate(quarter_grades, 1)],
        ),
        "主管领导评语和考核等次建议": SheetField(
            "主管领导评语和考核等次建议", proposal, pending=pending
        ),
        "机关负责人或考核委员会意见（考核等次）": SheetField(
            "机关负责人或考核委员会意见（考核等次）",
            decision,
            pending=pending,
            date=_day(aa.notice_date) if decided else "",
        ),
        "本人意见": SheetField(
            "本人意见", opinion, pending=pending, date=_day(aa.opinion_at) if opinion else ""
        ),
        "需要说明的情况": SheetField("需要说明的情况", notes),
        "未确定等次或不参加考核情况说明": SheetField(
            "未确定等次或不参加考核情况说明", explain, pending=pending
        ),
        "复核（申诉）情况": SheetField("复核（申诉）情况", contest_text, pending=pending),
        "备注": SheetField("备注", "" if remark == "无" else f"奖惩情况：{remark}"),
    }
    labels = ANNUAL_LABELS_PRE2020 if version == "pre2020" else ANNUAL_LABELS
    return AnnualSheet(
        person_id=person.pk,
        staff_no=person.staff_no,
        unit_id=person.unit_id,
        unit_name=person.unit.name,
        period_code=str(year),
        period_label=f"{year}年度",
        grade=aa.result_label if decided else "",
        quarter_grades=quarter_grades,
        fields=[values[label] for label in labels],
    )


def grade_summary(sheets) -> list[tuple[str, dict[str, int], int]]:
    """Per unit: counts of each decided grade (quarterly) or of quarterly grades over the year
    (annual), and the number of people."""
    units: dict[str, dict[str, int]] = {}
    totals: dict[str, int] = defaultdict(int)
    for s in sheets:
        counts = units.setdefault(s.unit_name, defaultdict(int))
        totals[s.unit_name] += 1
        grades = s.quarter_grades if isinstance(s, AnnualSheet) else [GRADE_LABEL.get(s.grade, "")]
        for g in grades:
            counts[g or "未评定"] += 1
    return [(name, dict(c), totals[name]) for name, c in units.items()]
