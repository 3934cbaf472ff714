"""Assessment years and quarters with their windows."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..tenancy import RegionScopedQuerySet
from .org import Region


class AssessmentYear(models.Model):
    """考核年度: a region's rules for one year (every figure is a setting with DOMAIN.md's default),
    kept per year so last year's results stay explainable."""

    region = models.ForeignKey(Region, verbose_name=_("区"), on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField(_("年度"))
    good_quota_percent = models.PositiveSmallIntegerField(_("“好”等次比例上限（%）"), default=40)
    good_quota_min_one = models.BooleanField(
        _("有参加考核人员的名额组至少 1 个“好”名额"),
        default=False,
        help_text=_("（本地做法）开启后，1–2 人的名额组也有 1 个名额，会突破比例上限。"),
    )
    excellent_quota_percent = models.PositiveSmallIntegerField(_("优秀比例（%）"), default=20)
    excellent_quota_min_percent = models.PositiveSmallIntegerField(
        _("优秀比例下限（%）"), default=15
    )
    excellent_quota_max_percent = models.PositiveSmallIntegerField(
        _("优秀比例上限（%）"), default=35
    )
    goal_window_start = models.DateField(_("年初定标开始"), null=True, blank=True)
    goal_window_end = models.DateField(_("年初定标截止"), null=True, blank=True)
    filing_grace_days = models.PositiveSmallIntegerField(
        _("季度结束后纪实补录天数"),
        default=10,
        help_text=_("季度结束后还可补录该季度纪实的天数，超过即拒绝。"),
    )
    review_working_days = models.PositiveSmallIntegerField(_("每级审核时限（工作日）"), default=5)
    publicity_working_days = models.PositiveSmallIntegerField(_("公示期（工作日）"), default=5)
    appeal_days = models.PositiveSmallIntegerField(_("申诉期限（天）"), default=15)
    appeal_decide_days = models.PositiveSmallIntegerField(_("申诉办结期限（天）"), default=30)
    unfiled_log_reminder_days = models.PositiveSmallIntegerField(
        _("未填纪实提醒（工作日）"), default=5
    )
    history = HistoricalRecords()

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核年度")
        verbose_name_plural = _("考核年度")
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="year_region_year")]

    def __str__(self) -> str:
        return f"{self.region} {self.year}"


class Quarter(models.Model):
    """季度: a region's quarter with its windows. Dates are derived from the year's settings
    when the quarter is created and may then be adjusted by the district admin."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("未开始")
        OPEN = "open", _("进行中")
        SUMMARY = "summary", _("个人小结")
        REVIEW = "review", _("审核评鉴")
        PUBLICITY = "publicity", _("公示")
        CLOSED = "closed", _("已结束")

    region = models.ForeignKey(Region, verbose_name=_("区"), on_delete=models.CASCADE)
    year = models.ForeignKey(
        AssessmentYear, verbose_name=_("年度"), related_name="quarters", on_delete=models.CASCADE
    )
    number = models.PositiveSmallIntegerField(_("季度"))
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    filing_deadline = models.DateField(_("纪实填报截止"))
    status = models.CharField(_("状态"), max_length=20, choices=Status, default=Status.PLANNED)
    history = HistoricalRecords()

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("季度")
        verbose_name_plural = _("季度")
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "number"], name="quarter_unique"),
            models.CheckConstraint(condition=Q(number__gte=1, number__lte=4), name="quarter_1_4"),
        ]

    def __str__(self) -> str:
        return f"{self.year.year}Q{self.number}"

    @property
    def code(self) -> str:
        return f"{self.year.year}Q{self.number}"

    def accepts_logs_on(self, today: date) -> bool:
        return today <= self.filing_deadline
