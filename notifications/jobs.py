"""The reminder-job engine. A job lists its open items (each an occurrence with a stable key);
`run_job` reminds each item's recipients at most once a day and, from the region's
`escalate_after_misses`-th day an item is found still open, also the next level. Idempotent:
a second run the same day — also one running at the same moment — adds nothing (the day is
in every notice's event key; the state row is upserted). A constant number of queries per job."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from .models import ReminderSettings, ReminderState
from .services import Note, notify


@dataclass
class Item:
    key: str
    region_id: int
    kind: str
    text: str
    link: str
    recipients: list[int]
    escalate_to: list[int] = field(default_factory=list)
    escalate_text: str = ""  # for the next level when `text` speaks to the recipient ("您…")


@dataclass
class JobResult:
    items: int = 0
    notices: int = 0
    escalated: int = 0


def region_settings(region_ids) -> dict[int, ReminderSettings]:
    stored = {s.region_id: s for s in ReminderSettings.objects.filter(region_id__in=region_ids)}
    return {rid: stored.get(rid) or ReminderSettings(region_id=rid) for rid in region_ids}


def run_job(job: str, items: list[Item], *, today: date) -> JobResult:
    result = JobResult(items=len(items))
    if not items:
        return result
    keys = [i.key for i in items]
    settings = region_settings({i.region_id for i in items})
    with transaction.atomic():
        states = {
            k: (m, d)
            for k, m, d in ReminderState.objects.filter(job=job, item_key__in=keys).values_list(
                "item_key", "misses", "last_day"
            )
        }
        notes, rows = [], []
        for item in items:
            misses, last_day = states.get(item.key, (0, None))
            if last_day != today:
                misses += 1
            rows.append(ReminderState(job=job, item_key=item.key, misses=misses, last_day=today))
            event = f"{job}:{item.key}:{today}"
            notes += [
                Note(uid, item.region_id, item.kind, event, item.text, item.link)
                for uid in item.recipients
            ]
            if item.escalate_to and misses >= settings[item.region_id].escalate_after_misses:
                result.escalated += 1
                text = _("督办（第 %(n)s 次提醒）：%(t)s") % {
                    "n": misses,
                    "t": item.escalate_text or item.text,
                }
                notes += [
                    Note(uid, item.region_id, item.kind, f"{event}:esc", text, item.link)
                    for uid in item.escalate_to
                    if uid not in item.recipients
                ]
        ReminderState.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["job", "item_key"],
            update_fields=["misses", "last_day"],
            batch_size=1000,
        )
        result.notices = notify(notes)
    return result
