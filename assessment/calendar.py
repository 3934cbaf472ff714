"""Working days (工作日) of a region: the national calendar from the `holidays` library (public
holidays and 调休 working weekend days, as the State Council's yearly notice sets them), corrected
by the region's own CalendarDay rows. Every working-day deadline in the product counts here.

A year the library does not know yet (the notice comes out in November for the next year) has
only the fixed-date holidays it can compute; the district admin adds that year's 调休 days by
hand until the library is upgraded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays
from django.utils.translation import gettext as _

from .models import CalendarDay


@dataclass(frozen=True)
class NationalYear:
    holidays: dict[date, str]  # day → name (public holidays and days off in lieu)
    workdays: frozenset[date]  # weekend days that are working days (调休上班)


@lru_cache(maxsize=32)
def national_year(year: int) -> NationalYear:
    cal = holidays.China(years=year, language="zh_CN")
    names = {day: str(name) for day, name in cal.items() if day.year == year}
    extra = frozenset(d for d in getattr(cal, "weekend_workdays", ()) if d.year == year)
    return NationalYear(names, extra)


class WorkingCalendar:
    """One region's working days; loads each year it is asked about once (one query)."""

    def __init__(self, region_id: int | None):
        self.region_id = region_id
        self._years: dict[int, tuple[dict[date, str], set[date]]] = {}

    def _year(self, year: int) -> tuple[dict[date, str], set[date]]:
        if year not in self._years:
            national = national_year(year)
            off = dict(national.holidays)
            on = set(national.workdays)
            if self.region_id is not None:
                rows = CalendarDay.objects.filter(
                    region_id=self.region_id, date__year=year
                ).values_list("date", "kind", "name")
                for day, kind, name in rows:
                    if kind == CalendarDay.Kind.HOLIDAY:
                        off[day] = name
                        on.discard(day)
                    else:
                        off.pop(day, None)
                        on.add(day)
            self._years[year] = (off, on)
        return self._years[year]

    def is_working_day(self, day: date) -> bool:
        off, on = self._year(day.year)
        if day in on:
            return True
        return day.weekday() < 5 and day not in off

    def day_name(self, day: date) -> str:
        off, on = self._year(day.year)
        if day in on:
            return _("调休上班")
        return off.get(day, "")

    def add(self, day: date, n: int) -> date:
        """The date n working days after `day` (day itself not counted)."""
        while n > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                n -= 1
        return day

    def between(self, start: date, end: date) -> list[date]:
        """The working days from start to end, both included."""
        days, day = [], start
        while day <= end:
            if self.is_working_day(day):
                days.append(day)
            day += timedelta(days=1)
        return days


def add_working_days(region_id: int | None, day: date, n: int) -> date:
    return WorkingCalendar(region_id).add(day, n)


def year_days(region_id: int, year: int) -> list[dict]:
    """The year's non-ordinary days (holidays, 调休 working days, region corrections), for the
    calendar page: national rows and the region's rows, the region's marked and winning."""
    national = national_year(year)
    rows: dict[date, dict] = {}
    for day, name in national.holidays.items():
        rows[day] = {"date": day, "kind": CalendarDay.Kind.HOLIDAY, "name": name, "local": None}
    for day in national.workdays:
        rows[day] = {
            "date": day,
            "kind": CalendarDay.Kind.WORKDAY,
            "name": _("调休上班"),
            "local": None,
        }
    for row in CalendarDay.objects.filter(region_id=region_id, date__year=year).select_related(
        "set_by__person"
    ):
        rows[row.date] = {"date": row.date, "kind": row.kind, "name": row.name, "local": row}
    return [rows[d] for d in sorted(rows)]


# -- the district admin's corrections --------------------------------------------------------


def _require_district_admin(user, region_id: int) -> None:
    from django.core.exceptions import PermissionDenied

    from .models import Role
    from .tenancy import scope_for

    if region_id not in scope_for(user).regions_with(Role.DISTRICT_ADMIN):
        raise PermissionDenied(_("只有区委组织部管理员可以调整工作日历。"))


def calendar_day_set(*, region_id: int, by, day: date, kind: str, name: str) -> CalendarDay:
    """The region treats `day` as a holiday or a working day (kept in history with who)."""
    from django.core.exceptions import ValidationError
    from django.db import transaction
    from simple_history.utils import update_change_reason

    _require_district_admin(by, region_id)
    if kind not in CalendarDay.Kind.values:
        raise ValidationError({"kind": _("请选择休息日或工作日。")})
    if not name.strip():
        raise ValidationError({"name": _("请填写说明（如：本区防汛调休）。")})
    with transaction.atomic():
        row, _created = CalendarDay.objects.select_for_update().get_or_create(
            region_id=region_id, date=day, defaults={"kind": kind, "name": name, "set_by": by}
        )
        row.kind, row.name, row.set_by = kind, name, by
        row.save()
        update_change_reason(
            row,
            _("调整工作日历：%(d)s 设为%(k)s（%(n)s）")
            % {"d": day, "k": CalendarDay.Kind(kind).label, "n": name},
        )
    return row


def calendar_day_remove(*, row: CalendarDay, by) -> None:
    """Back to the national calendar for that day (the deletion stays in history)."""
    _require_district_admin(by, row.region_id)
    row._change_reason = _("恢复全国统一安排：%(d)s") % {"d": row.date}
    row.delete()
