"""Everything about one person, gathered for the personal archive (个人电子档案) page in a
fixed number of queries, whatever the number of years and records."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.models import GoalPlan, Person, QuarterlyAssessment, WorkLog
from indicators.models import NegativeRecord, QuarterScore
from reviews.models import Appeal
from rewards.models import RewardRecord

GRADE_LEVEL = {"good": 4, "fairly_good": 3, "average": 2, "poor": 1}
GRADE_NAMES = {4: "好", 3: "较好", 2: "一般", 1: "较差"}
# modules whose records do not exist in the system yet: the page shows an empty state
NOT_YET = ["deficiency_reminders", "peer_ratings", "mentoring", "bonus"]


@dataclass
class Event:
    day: date
    kind: str
    text: str
    url: str = ""


@dataclass
class ChartPoint:
    x: int
    y: int
    label: str
    grade: str


LABEL_HALF_WIDTH = 24  # "2026Q3" at the chart's 11 px axis font is about 40 px wide


def grade_chart(assessments, *, width: int = 640, height: int = 180) -> dict:
    """Points of an inline SVG line chart of decided quarterly grades over time (drawn on the
    server: no script, nothing for the CSP to allow)."""
    graded = [qa for qa in assessments if qa.grade in GRADE_LEVEL]
    # the x-axis labels (2026Q3) are centred on their points: the last one needs half a label
    # of room on the right or the SVG clips it
    left, top, bottom, right = 56, 16, 28, LABEL_HALF_WIDTH + 8
    span = max(len(graded) - 1, 1)
    step = (width - left - right) / span
    points = []
    for i, qa in enumerate(graded):
        level = GRADE_LEVEL[qa.grade]
        y = top + (4 - level) * (height - top - bottom) / 3
        points.append(ChartPoint(round(left + i * step), round(y), qa.quarter.code, qa.grade))
    levels = [
        {"y": round(top + (4 - lv) * (height - top - bottom) / 3), "name": GRADE_NAMES[lv]}
        for lv in (4, 3, 2, 1)
    ]
    return {
        "width": width,
        "height": height,
        "points": points,
        "polyline": " ".join(f"{p.x},{p.y}" for p in points),
        "levels": levels,
        "left": left,
        "right": width - right,
        "label_y": height - 8,
    }


def archive_context(person: Person) -> dict:
    assessments = list(
        QuarterlyAssessment.objects.filter(person=person)
        .select_related("quarter__year", "unit")
        .order_by("quarter__start")
    )
    scores = {
        s.quarter_id: s
        for s in QuarterScore.objects.filter(person=person).select_related("quarter__year")
    }
    quarters = [(qa, scores.get(qa.quarter_id)) for qa in assessments]
    scored_only = [
        s for qid, s in scores.items() if qid not in {qa.quarter_id for qa in assessments}
    ]
    plans = list(GoalPlan.objects.filter(person=person).prefetch_related("goals").order_by("-year"))
    log_counts = list(
        WorkLog.objects.filter(person=person)
        .annotate(y=ExtractYear("date"))
        .values("y", "status")
        .annotate(n=Count("id"))
        .order_by("-y")
    )
    logs_by_year: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in log_counts:
        logs_by_year[row["y"]][row["status"]] += row["n"]
        logs_by_year[row["y"]]["total"] += row["n"]
    recent_logs = list(WorkLog.objects.filter(person=person).order_by("-date", "-pk")[:10])
    rewards = list(RewardRecord.objects.filter(person=person).order_by("-date", "-pk"))
    negatives = list(NegativeRecord.objects.filter(person=person).order_by("-date", "-pk"))
    appeals = list(
        Appeal.objects.filter(assessment__person=person)
        .select_related("assessment__quarter__year")
        .order_by("-created", "-pk")
    )

    years: dict[int, dict] = {}
    for qa in assessments:
        y = years.setdefault(qa.quarter.year.year, {"grades": ["", "", "", ""], "good": 0})
        y["grades"][qa.quarter.number - 1] = qa.get_grade_display() if qa.grade else ""
        y["good"] += qa.grade == "good"
    annual = sorted(years.items(), reverse=True)

    events: list[Event] = []
    for qa in assessments:
        if qa.grade and qa.decided_at:
            text = f"{qa.quarter.code} 季度考核等次：{qa.get_grade_display()}"
            events.append(Event(timezone.localtime(qa.decided_at).date(), "grade", text))
    for plan in plans:
        events.append(Event(date(plan.year, 1, 1), "goal", f"{plan.year} 年度目标"))
    for r in rewards:
        events.append(Event(r.date, r.kind, f"{r.get_type_display()}（{r.get_level_display()}）"))
    for n in negatives:
        revoked = _("（已撤销）") if n.revoked_at else ""
        events.append(Event(n.date, "negative", f"{n.get_type_display()}{revoked}"))
    events.sort(key=lambda e: e.day, reverse=True)
    timeline: dict[int, list[Event]] = defaultdict(list)
    for e in events:
        timeline[e.day.year].append(e)

    return {
        "person": person,
        "quarters": quarters,
        "scored_only": scored_only,
        "plans": plans,
        "logs_by_year": sorted(((y, dict(c)) for y, c in logs_by_year.items()), reverse=True),
        "recent_logs": recent_logs,
        "rewards": rewards,
        "negatives": negatives,
        "appeals": appeals,
        "annual": annual,
        "timeline": sorted(timeline.items(), reverse=True),
        "chart": grade_chart(assessments),
        "not_yet": NOT_YET,
        "sheet_years": sorted({qa.quarter.year.year for qa in assessments}, reverse=True),
    }
