"""不足提醒 and 导师帮带 where the rest of the system shows them: the self-summary pre-fill, the
quarterly registration sheet (奖惩情况与不良行为记录) and the personal archive."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from archive.sheets import build_quarterly
from reviews.improvement import services
from reviews.improvement.models import DeficiencyReminder
from reviews.selectors import prefill_text, summary_facts
from tests.reviews.helpers import decided, open_quarter, record

pytestmark = pytest.mark.django_db


def _reminder_in_q3(a, shortfall="调研报告拖延"):
    r = services.deficiency_issue(
        person=a.people["staff"],
        by=a.chief,
        kind="regular",
        category=services.categories_for(a.region).get(name="工作"),
        shortfall=shortfall,
        expectation="按期完成",
        due=date(2026, 9, 30),
        today=date(2026, 8, 1),
    )
    DeficiencyReminder.objects.filter(pk=r.pk).update(
        issued_at=timezone.make_aware(datetime(2026, 8, 1, 10))
    )
    return r


def test_prefill_counts_the_quarters_reminders(personas):
    a = personas.a
    quarter = open_quarter(a)
    _reminder_in_q3(a)
    text = prefill_text(summary_facts(record(a, "staff", quarter)))
    assert "【不足提醒】本季度 1 条" in text and "定期提醒，工作）：调研报告拖延" in text
    other = prefill_text(summary_facts(record(a, "staff2", quarter)))
    assert "【不足提醒】本季度 0 条" in other


def test_quarterly_sheet_lists_reminders(personas):
    a = personas.a
    quarter = open_quarter(a)
    _reminder_in_q3(a)
    sheets = {
        s.staff_no: s for s in build_quarterly(quarter, [a.people["staff"], a.people["staff2"]])
    }
    assert "不足提醒" in sheets["a003"].get("奖惩情况与不良行为记录").value
    assert sheets["a004"].get("奖惩情况与不良行为记录").value == "无"


def test_archive_shows_reminders_and_mentoring(client, personas):
    a = personas.a
    _reminder_in_q3(a)
    decided(a, "staff", open_quarter(a), "average")
    client.force_login(a.staff)
    body = client.get(reverse("archive:person", args=[a.people["staff"].pk])).content.decode()
    assert 'id="deficiencies"' in body and "调研报告拖延" in body
    assert 'id="mentoring"' in body and "2026Q3（一般）" in body and "帮带中" in body
