"""The grading rules of a quarter (DOMAIN.md "Grades"): the 好 quota and the sanction block.

Quota rule (好等次比例):
    places(group) = floor(good_quota_percent × participants(group) / 100), at least 1 when the
    group has any participant, where a group is the unit's civil servants or the unit's seconded
    staff (借用人员) in the quarter. Seconded staff never count against the civil-servant quota
    (DOMAIN.md "Rewards"): the civil servants' 好 are capped by the civil servants' count, and
    the seconded staff's 好 by their own count. Participants are the unit's quarterly records
    with `participates` set.

Both checks return the refusal message naming the rule and the facts, or None.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from assessment.models import Person, QuarterGrade, QuarterlyAssessment
from indicators.models import NegativeRecord, Severity
from rewards.models import RewardRecord

from .models import ReviewState

GRADED_STATES = (
    ReviewState.DECIDED,
    ReviewState.PUBLICISED,
    ReviewState.CONFIRMED,
    ReviewState.APPEALED,
)


def good_places(percent: int, participants: int) -> int:
    """floor(percent × participants / 100), at least 1 when there is any participant."""
    if participants <= 0:
        return 0
    return max(1, percent * participants // 100)


@dataclass(frozen=True)
class QuotaUse:
    kind: str  # Person.Kind
    percent: int
    participants: int
    places: int
    used: int

    @property
    def remaining(self) -> int:
        return max(0, self.places - self.used)

    @property
    def label(self) -> str:
        return str(Person.Kind(self.kind).label)


def quota_use(unit_id: int, quarter, percent: int) -> dict[str, QuotaUse]:
    """Participants, places and 好 used per group, in one query."""
    rows = (
        QuarterlyAssessment.objects.filter(unit_id=unit_id, quarter=quarter, participates=True)
        .values("person_kind")
        .annotate(
            n=Count("pk"),
            good=Count("pk", filter=Q(grade=QuarterGrade.GOOD, status__in=GRADED_STATES)),
        )
    )
    found = {r["person_kind"]: r for r in rows}
    result = {}
    for kind in Person.Kind.values:
        row = found.get(kind, {"n": 0, "good": 0})
        result[kind] = QuotaUse(
            kind, percent, row["n"], good_places(percent, row["n"]), row["good"]
        )
    return result


def quota_refusal(use: QuotaUse) -> str | None:
    if use.used < use.places:
        return None
    return _(
        "本季度“好”等次名额 %(places)s 已用 %(used)s（%(kind)s参加考核 %(n)s 人 × "
        "%(pct)s%%，向下取整，至少 1 名），不能再评为“好”。"
    ) % {
        "kind": use.label,
        "n": use.participants,
        "pct": use.percent,
        "places": use.places,
        "used": use.used,
    }


def sanction_blocks_good(person, quarter) -> str | None:
    """A sanction in force during the quarter blocks 好: a negative record of sanction weight
    (indicators.NegativeRecord, severity 严重（处分）, its date or in-force period overlapping the
    quarter) or a punishment in rewards whose blocking period (date – blocks_until) overlaps it."""
    record = (
        NegativeRecord.objects.filter(person_id=person.pk, severity=Severity.SERIOUS)
        .in_force_during(quarter.start, quarter.end)
        .order_by("-date")
        .first()
    )
    if record is not None:
        until = record.in_force_until or quarter.end
        return _(
            "存在处分影响期内的负面信息（%(type)s，%(date)s 认定，影响期至 %(until)s），"
            "本季度不得评为“好”。"
        ) % {"type": record.get_type_display(), "date": record.date, "until": until}
    sanction = (
        RewardRecord.objects.filter(person_id=person.pk)
        .blocking_during(quarter.start, quarter.end)
        .order_by("-date")
        .first()
    )
    if sanction is not None:
        return _(
            "存在影响期内的惩戒（%(type)s，%(date)s，影响期至 %(until)s），本季度不得评为“好”。"
        ) % {
            "type": sanction.get_type_display(),
            "date": sanction.date,
            "until": sanction.blocks_until,
        }
    return None


def blocked_people(person_ids, quarter) -> set[int]:
    """Which of many people a sanction blocks from 好 this quarter (two queries, for pages)."""
    ids = list(person_ids)
    negative = NegativeRecord.objects.filter(person_id__in=ids, severity=Severity.SERIOUS)
    sanctions = RewardRecord.objects.filter(person_id__in=ids)
    return set(
        negative.in_force_during(quarter.start, quarter.end).values_list("person_id", flat=True)
    ) | set(
        sanctions.blocking_during(quarter.start, quarter.end).values_list("person_id", flat=True)
    )
