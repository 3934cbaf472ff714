"""The working-day calendar: the national holidays and 调休 days from the library, a region's
corrections (only its own), and the district admin's page."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from assessment.calendar import WorkingCalendar, add_working_days, calendar_day_set
from assessment.models import CalendarDay

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 11, 27), 0, date(2026, 11, 27)),
        (date(2026, 11, 27), 1, date(2026, 11, 30)),  # Friday → Monday
        (date(2026, 11, 27), 5, date(2026, 12, 4)),
        (date(2026, 9, 30), 1, date(2026, 10, 8)),  # 国庆 1–7 October are off
        (date(2026, 9, 30), 3, date(2026, 10, 10)),  # the 调休 Saturday is a working day
        (date(2026, 9, 30), 5, date(2026, 10, 13)),
        (date(2026, 9, 18), 1, date(2026, 9, 20)),  # Sunday 20 September is 调休上班
        (date(2026, 2, 13), 1, date(2026, 2, 14)),  # Saturday before 春节 is 调休上班
        (date(2026, 2, 14), 1, date(2026, 2, 24)),  # 春节 15–23 February off
        (date(2025, 12, 31), 1, date(2026, 1, 4)),  # 元旦 1–3 January, Sunday 4th works
    ],
)
def test_national_calendar(start, n, expected):
    assert add_working_days(None, start, n) == expected


def test_region_correction_applies_to_its_region_only(personas):
    a, b = personas.a, personas.b
    calendar_day_set(
        region_id=a.region.pk,
        by=a.district_admin,
        day=date(2026, 12, 7),
        kind="holiday",
        name="本区调休",
    )
    calendar_day_set(
        region_id=a.region.pk,
        by=a.district_admin,
        day=date(2026, 10, 8),
        kind="holiday",
        name="本区延长假期",
    )
    calendar_day_set(
        region_id=a.region.pk,
        by=a.district_admin,
        day=date(2026, 10, 7),
        kind="workday",
        name="本区防汛值守",
    )
    cal_a, cal_b = WorkingCalendar(a.region.pk), WorkingCalendar(b.region.pk)
    assert not cal_a.is_working_day(date(2026, 12, 7)) and cal_b.is_working_day(date(2026, 12, 7))
    assert cal_a.add(date(2026, 9, 30), 1) == date(2026, 10, 7)
    assert cal_a.add(date(2026, 9, 30), 2) == date(2026, 10, 9)
    assert cal_b.add(date(2026, 9, 30), 1) == date(2026, 10, 8)
    row = CalendarDay.objects.get(region=a.region, date=date(2026, 10, 7))
    assert row.history.first().history_change_reason.startswith("调整工作日历")
    assert row.set_by == a.district_admin


def test_only_the_district_admin_corrects_the_calendar(personas):
    from django.core.exceptions import PermissionDenied

    a, b = personas.a, personas.b
    for user in (a.unit_admin, b.district_admin):
        with pytest.raises(PermissionDenied):
            calendar_day_set(
                region_id=a.region.pk, by=user, day=date(2026, 12, 7), kind="holiday", name="x"
            )


def test_calendar_page_lists_and_adds(client, personas):
    a = personas.a
    client.force_login(a.district_admin)
    url = reverse("assessment:calendar", args=[personas.a.region.pk, 2026])
    page = client.get(url).content.decode()
    assert "国庆节" in page and "调休上班" in page and "2026-10-10" in page
    response = client.post(url, {"date": "2026-12-07", "kind": "holiday", "name": "本区调休"})
    assert response.status_code == 302
    assert "本区调休" in client.get(url).content.decode()
    assert not WorkingCalendar(a.region.pk).is_working_day(date(2026, 12, 7))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date": "2027-01-04", "kind": "holiday", "name": "跨年"}, "日期须在 2026 年内"),
        ({"date": "2026-12-07", "kind": "holiday", "name": ""}, "这个字段是必填项"),
        ({"date": "2026-13-40", "kind": "holiday", "name": "坏日期"}, "输入一个有效的日期"),
    ],
)
def test_calendar_bad_input_is_refused_beside_the_field(client, personas, data, message):
    client.force_login(personas.a.district_admin)
    response = client.post(reverse("assessment:calendar", args=[personas.a.region.pk, 2026]), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert data["name"] in page  # nothing typed is lost
    assert not CalendarDay.objects.exists()


def test_remove_restores_the_national_day_and_other_region_gets_404(client, personas):
    a, b = personas.a, personas.b
    row = calendar_day_set(
        region_id=a.region.pk,
        by=a.district_admin,
        day=date(2026, 10, 10),
        kind="holiday",
        name="本区不调休",
    )
    url = reverse("assessment:calendar-remove", args=[row.pk])
    client.force_login(b.district_admin)
    assert client.post(url).status_code == 404
    client.force_login(a.unit_admin)
    assert client.post(url).status_code == 404
    client.force_login(a.district_admin)
    assert client.post(url).status_code == 302
    assert not CalendarDay.objects.exists()
    assert WorkingCalendar(a.region.pk).is_working_day(date(2026, 10, 10))


def test_calendar_page_wrong_role_and_anonymous(client, personas):
    url = reverse("assessment:calendar", args=[personas.a.region.pk, 2026])
    assert "/login/" in client.get(url)["Location"]
    client.force_login(personas.a.unit_admin)
    assert client.get(url).status_code == 404
    assert client.get(reverse("assessment:calendar-home")).status_code == 403
