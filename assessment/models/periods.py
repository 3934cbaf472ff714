"""Assessment years and quarters with their windows."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..tenancy import RegionScopedQuerySet
from .org import Region


class Rounding(models.TextChoices):
    HALF_UP = "half_up", _("四舍五入")
    DOWN = "down", _("向下取整")
    UP = "up", _("向上取整")


class ExcellentRule(models.TextChoices):
    GOOD_SHARE = "good_share", _("“好”至少占已评季度的一定比例")
    GOOD_COUNT = "good_count", _("“好”至少若干次")
    NONE = "none", _("不按季度等次限制")


class SheetVersion(models.TextChoices):
    V2020 = "2020", _("2020 年后版本")
    PRE2020 = "pre2020", _("2020 年前版本")


def default_blocking_grades() -> list[str]:
    return ["average", "poor"]


def default_sanction_table() -> dict[str, dict]:
    """Statutory periods [处分条例 Art. 7–8; 政务处分法 Art. 8]; 警告 bars 优秀 in its period,
    记过 and heavier leave the year ungraded (5C); 诫勉 and 通报批评 are local settings."""
    return {
        "admonition": {"months": 6, "effect": "no_excellent"},
        "criticism": {"months": 6, "effect": "no_good"},
        "warning": {"months": 6, "effect": "no_excellent"},
        "demerit": {"months": 12, "effect": "undetermined"},
        "major_demerit": {"months": 18, "effect": "undetermined"},
        "demotion": {"months": 24, "effect": "undetermined"},
        "dismissal_from_post": {"months": 24, "effect": "undetermined"},
    }


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
    # -- year-end appraisal (年底评鉴); DOMAIN.md "Annual" -----------------------------------
    excellent_rounding = models.CharField(
        _("优秀名额取整方式"), max_length=10, choices=Rounding, default=Rounding.HALF_UP
    )
    excellent_rule = models.CharField(
        _("优秀资格规则"), max_length=20, choices=ExcellentRule, default=ExcellentRule.GOOD_SHARE
    )
    excellent_min_good_share = models.PositiveSmallIntegerField(
        _("“好”次数至少占已评季度的比例（%）"), default=50
    )
    excellent_min_good_count = models.PositiveSmallIntegerField(_("“好”至少次数"), default=1)
    excellent_blocking_grades = models.JSONField(
        _("有此季度等次即不得评优秀"),
        default=default_blocking_grades,
        blank=True,
        help_text=_('季度等次代码列表，如 ["average", "poor"]（一般、较差）。（地方规则）'),
    )
    sanction_table = models.JSONField(
        _("处分影响表"),
        default=default_sanction_table,
        blank=True,
        help_text=_(
            "奖惩种类 → 影响期（月）与对年度考核的影响（no_good 不得评“好” / no_excellent "
            "不得评优秀 / undetermined 不定等次 5C）。默认按《行政机关公务员处分条例》第七、八条。"
        ),
    )
    annual_window_start = models.DateField(
        _("年度考核审定开始"), null=True, blank=True, help_text=_("留空为当年 12 月 1 日。")
    )
    annual_window_end = models.DateField(
        _("年度考核审定截止"), null=True, blank=True, help_text=_("留空为次年 3 月 31 日。")
    )
    annual_publicity_working_days = models.PositiveSmallIntegerField(
        _("优秀人选公示期（工作日）"), default=5
    )
    reexam_file_days = models.PositiveSmallIntegerField(
        _("复核申请期限（天，自知道结果之日）"), default=30
    )
    reexam_decide_days = models.PositiveSmallIntegerField(_("复核办结期限（天）"), default=30)
    annual_appeal_after_reexam_days = models.PositiveSmallIntegerField(
        _("申诉期限（天，自复核决定）"), default=15
    )
    annual_appeal_direct_days = models.PositiveSmallIntegerField(
        _("直接申诉期限（天，自知道结果之日）"), default=30
    )
    annual_appeal_decide_days = models.PositiveSmallIntegerField(
        _("申诉办结期限（天）"), default=60
    )
    annual_sheet_version = models.CharField(
        _("年度考核登记表版本"), max_length=10, choices=SheetVersion, default=SheetVersion.V2020
    )
    history = HistoricalRecords()

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核年度")
        verbose_name_plural = _("考核年度")
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="year_region_year")]

    def __str__(self) -> str:
        return f"{self.region} {self.year}"

    @property
    def annual_window(self) -> tuple[date, date]:
        """When annual grades may be decided (the year-end appraisal's window)."""
        return (
            self.annual_window_start or date(self.year, 12, 1),
            self.annual_window_end or date(self.year + 1, 3, 31),
        )


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
