"""The grading rules of a quarter (DOMAIN.md "Grades"): the sanction block. The 好 quota and
its pools (名额组) are in reviews.quota.

The check returns the refusal message naming the rule and the facts, or None.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from indicators.models import NegativeRecord, Severity
from rewards.models import RewardRecord


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
