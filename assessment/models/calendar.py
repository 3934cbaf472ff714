"""Working-day calendar (工作日历): a region's departures from the national calendar.

The national calendar (public holidays and the 调休 working Saturdays/Sundays of the State
Council's yearly notice) comes from the `holidays` library; a row here is the district admin's
correction for one day in one region — an extra local holiday or an extra working day — and
wins over the library."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..tenancy import RegionScopedQuerySet
from .org import Region


class CalendarDay(models.Model):
    """工作日历调整: one day a region treats differently from the national calendar."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("休息日")
        WORKDAY = "workday", _("工作日")

    region = models.ForeignKey(Region, verbose_name=_("区"), on_delete=models.CASCADE)
    date = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=10, choices=Kind)
    name = models.CharField(_("说明"), max_length=60)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("设置人"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    history = HistoricalRecords()

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("工作日历调整")
        verbose_name_plural = _("工作日历调整")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["region", "date"], name="calendarday_region_date")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"
