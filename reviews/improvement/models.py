"""The improvement loop: 不足提醒 (deficiency reminders with rectification) and 导师帮带 (mentoring
with 季度回访). Imported by reviews.models so they live in the reviews app."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessment.tenancy import RegionScopedQuerySet

DEFAULT_CATEGORIES = ("思想", "作风", "能力", "纪律", "工作")


class DeficiencyCategory(models.Model):
    """不足提醒类别: a region setting (default 思想、作风、能力、纪律、工作)."""

    region = models.ForeignKey("assessment.Region", verbose_name=_("区"), on_delete=models.CASCADE)
    name = models.CharField(_("类别"), max_length=30)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("不足提醒类别")
        verbose_name_plural = _("不足提醒类别")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="deficiency_category_once")
        ]

    def __str__(self) -> str:
        return self.name


class DeficiencyReminder(models.Model):
    """不足提醒: a reviewer's written reminder to a person about a shortfall, with the expected
    rectification and a date; the person acknowledges and reports the rectification, the
    reviewer accepts it or returns it."""

    class Kind(models.TextChoices):
        RANDOM = "random", _("随机提醒")
        REGULAR = "regular", _("定期提醒")

    class Status(models.TextChoices):
        ISSUED = "issued", _("待确认")
        ACKNOWLEDGED = "acknowledged", _("整改中")
        SUBMITTED = "submitted", _("待验收")
        RETURNED = "returned", _("整改退回")
        ACCEPTED = "accepted", _("已销号")

    OPEN_STATES = (Status.ISSUED, Status.ACKNOWLEDGED, Status.RETURNED)

    region = models.ForeignKey("assessment.Region", verbose_name=_("区"), on_delete=models.CASCADE)
    unit = models.ForeignKey("assessment.Unit", verbose_name=_("单位"), on_delete=models.PROTECT)
    section = models.ForeignKey(
        "assessment.Section",
        verbose_name=_("组室"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    person = models.ForeignKey(
        "assessment.Person",
        verbose_name=_("被提醒人"),
        related_name="deficiency_reminders",
        on_delete=models.CASCADE,
    )
    quarter = models.ForeignKey(
        "assessment.Quarter", verbose_name=_("季度"), on_delete=models.PROTECT
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提醒人"),
        related_name="+",
        on_delete=models.PROTECT,
    )
    issued_at = models.DateTimeField(_("提醒时间"), default=timezone.now)
    kind = models.CharField(_("提醒方式"), max_length=10, choices=Kind)
    category = models.ForeignKey(
        DeficiencyCategory, verbose_name=_("类别"), on_delete=models.PROTECT
    )
    shortfall = models.TextField(_("存在的不足"))
    expectation = models.TextField(_("整改要求"))
    due = models.DateField(_("整改期限"))
    status = models.CharField(
        _("状态"), max_length=15, choices=Status, default=Status.ISSUED, db_index=True
    )
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    rectification = models.TextField(_("整改情况"), blank=True)
    rectified_at = models.DateTimeField(_("整改提交时间"), null=True, blank=True)
    review_comment = models.TextField(_("验收意见"), blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    history = HistoricalRecords()

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("不足提醒")
        verbose_name_plural = _("不足提醒")
        ordering = ["-issued_at", "-pk"]
        indexes = [
            models.Index(fields=["person", "quarter"]),
            models.Index(fields=["unit", "quarter"]),
            models.Index(fields=["status", "due"]),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.category} {self.due}"

    @property
    def awaiting_rectification(self) -> bool:
        return self.status in self.OPEN_STATES

    @property
    def overdue(self) -> bool:
        return self.awaiting_rectification and self.due < timezone.localdate()


class MentoringCase(models.Model):
    """导师帮带: opened by a final quarterly grade of 一般 or 较差 (once per graded record), closed
    with a result, or 撤销 when an appeal raises the grade."""

    class Status(models.TextChoices):
        OPEN = "open", _("帮带中")
        CLOSED = "closed", _("已结束")
        CANCELLED = "cancelled", _("已撤销")

    class Result(models.TextChoices):
        IMPROVED = "improved", _("已改进")
        NOT_IMPROVED = "not_improved", _("未改进")

    region = models.ForeignKey("assessment.Region", verbose_name=_("区"), on_delete=models.CASCADE)
    unit = models.ForeignKey("assessment.Unit", verbose_name=_("单位"), on_delete=models.PROTECT)
    person = models.ForeignKey(
        "assessment.Person",
        verbose_name=_("帮带对象"),
        related_name="mentoring_cases",
        on_delete=models.CASCADE,
    )
    assessment = models.OneToOneField(
        "assessment.QuarterlyAssessment",
        verbose_name=_("触发的季度考核"),
        related_name="mentoring_case",
        on_delete=models.CASCADE,
    )
    grade = models.CharField(_("触发等次"), max_length=20)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status, default=Status.OPEN, db_index=True
    )
    opened_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    mentor = models.ForeignKey(
        "assessment.Person",
        verbose_name=_("导师"),
        null=True,
        blank=True,
        related_name="mentees",
        on_delete=models.PROTECT,
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    assigned_at = models.DateTimeField(_("指定时间"), null=True, blank=True)
    targets = models.TextField(_("帮带目标"), blank=True)
    result = models.CharField(_("帮带结果"), max_length=15, choices=Result, blank=True)
    result_note = models.TextField(_("结果说明"), blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    history = HistoricalRecords()

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("导师帮带")
        verbose_name_plural = _("导师帮带")
        ordering = ["-opened_at", "-pk"]
        indexes = [models.Index(fields=["mentor", "status"])]

    def __str__(self) -> str:
        return f"{self.person} {self.get_status_display()}"


class ReturnVisit(models.Model):
    """季度回访: the mentor's quarterly talk with the mentee (one per case and quarter)."""

    case = models.ForeignKey(
        MentoringCase, verbose_name=_("帮带"), related_name="visits", on_delete=models.CASCADE
    )
    quarter = models.ForeignKey(
        "assessment.Quarter", verbose_name=_("季度"), on_delete=models.PROTECT
    )
    date = models.DateField(_("回访日期"))
    summary = models.TextField(_("谈话摘要"))
    progress = models.TextField(_("改进情况"))
    next_step = models.TextField(_("下一步"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("季度回访")
        verbose_name_plural = _("季度回访")
        ordering = ["date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "quarter"], name="return_visit_once")
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.date}"
