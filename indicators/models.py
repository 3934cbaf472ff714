"""Indicator systems (指标体系), their inputs (attendance, negative records, leader ratings) and
the stored quarterly scores. Every figure a rule uses is a field of the system (per region, year
and unit category), never a constant in code."""

from __future__ import annotations

import os
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessment.models import AssessmentYear, Person, Quarter, Region, Unit, UnitCategory
from assessment.tenancy import RegionScopedQuerySet

PCT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


class PrivateStorage(FileSystemStorage):
    """Files outside the web root (settings.PRIVATE_MEDIA_ROOT), served only through views.
    The location is read on every use, so a changed setting (tests) is honoured."""

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


private_storage = PrivateStorage()


def _private_storage():
    return private_storage


class UnicodeJSONEncoder(DjangoJSONEncoder):
    """Keep Chinese as UTF-8 rather than \\uXXXX escapes: a breakdown is mostly Chinese text,
    and escaped backslashes make psycopg's client-side quoting of bulk writes very slow."""

    def __init__(self, *args, **kwargs):
        kwargs["ensure_ascii"] = False
        super().__init__(*args, **kwargs)


class BulkJSONField(models.JSONField):
    """JSON stored as UTF-8 text. Having get_placeholder keeps Django's bulk insert on
    PostgreSQL off the UNNEST(array) path, where psycopg escapes every quote of every JSON
    document in Python (about 10x slower for the score breakdowns)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("encoder", UnicodeJSONEncoder)
        super().__init__(*args, **kwargs)

    def get_placeholder(self, value, compiler, connection):
        return "%s"


class Category(models.TextChoices):
    COMMON = "common", _("共性指标")
    INDIVIDUAL = "individual", _("个性指标")
    FEATURED = "featured", _("特色指标")
    NEGATIVE = "negative", _("负面指标")


TUNABLE_CATEGORIES = (Category.INDIVIDUAL, Category.FEATURED)


class Method(models.TextChoices):
    LEADER_RATING = "leader_rating", _("领导按等级评价")
    ATTENDANCE = "attendance", _("量化：考勤数据")
    GOAL_PROGRESS = "goal_progress", _("年初目标推进")
    KEY_TASK_PROGRESS = "key_task_progress", _("重点任务进度")
    PEER_RATING = "peer_rating", _("同事互评")
    PUBLIC_RATING = "public_rating", _("群众评价")
    DEDUCTION = "deduction", _("按负面记录扣分")


class Severity(models.TextChoices):
    MINOR = "minor", _("轻微")
    GENERAL = "general", _("一般")
    SERIOUS = "serious", _("严重（处分）")


class IndicatorSystem(models.Model):
    """指标体系: a region's indicators for one year and unit category, with the year's rules."""

    region = models.ForeignKey(Region, verbose_name=_("区"), on_delete=models.CASCADE)
    year = models.ForeignKey(AssessmentYear, verbose_name=_("年度"), on_delete=models.CASCADE)
    category = models.ForeignKey(UnitCategory, verbose_name=_("单位类别"), on_delete=models.CASCADE)
    band_good = models.DecimalField(_("“好”分数线"), max_digits=5, decimal_places=2, default=90)
    band_fairly_good = models.DecimalField(
        _("“较好”分数线"), max_digits=5, decimal_places=2, default=80
    )
    band_average = models.DecimalField(
        _("“一般”分数线"), max_digits=5, decimal_places=2, default=60
    )
    deduct_minor = models.DecimalField(
        _("轻微负面记录每条扣分"), max_digits=5, decimal_places=2, default=2
    )
    deduct_general = models.DecimalField(
        _("一般负面记录每条扣分"), max_digits=5, decimal_places=2, default=5
    )
    deduct_serious = models.DecimalField(
        _("严重负面记录每条扣分"), max_digits=5, decimal_places=2, default=10
    )
    rating_excellent = models.DecimalField(
        _("领导评价“优”得分率（%）"), max_digits=5, decimal_places=2, default=100, validators=PCT
    )
    rating_good = models.DecimalField(
        _("领导评价“良”得分率（%）"), max_digits=5, decimal_places=2, default=85, validators=PCT
    )
    rating_average = models.DecimalField(
        _("领导评价“中”得分率（%）"), max_digits=5, decimal_places=2, default=70, validators=PCT
    )
    rating_poor = models.DecimalField(
        _("领导评价“差”得分率（%）"), max_digits=5, decimal_places=2, default=50, validators=PCT
    )
    absent_day_pct = models.DecimalField(
        _("旷工每天扣该项分值（%）"), max_digits=5, decimal_places=2, default=20, validators=PCT
    )
    leave_day_pct = models.DecimalField(
        _("请假每天扣该项分值（%）"), max_digits=5, decimal_places=2, default=0, validators=PCT
    )
    late_pct = models.DecimalField(
        _("迟到早退每次扣该项分值（%）"), max_digits=5, decimal_places=2, default=5, validators=PCT
    )
    min_coverage = models.DecimalField(
        _("给出等次建议所需的最低有数据权重"),
        max_digits=5,
        decimal_places=2,
        default=60,
        validators=PCT,
        help_text=_("有数据的正向指标权重之和低于此值时，只显示得分，不给出等次建议。"),
    )
    history = HistoricalRecords()

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("指标体系")
        verbose_name_plural = _("指标体系")
        constraints = [
            models.UniqueConstraint(fields=["year", "category"], name="indicatorsystem_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year.year} {self.category.name}"

    def deduction_for(self, severity: str) -> Decimal:
        return {
            Severity.MINOR: self.deduct_minor,
            Severity.GENERAL: self.deduct_general,
            Severity.SERIOUS: self.deduct_serious,
        }[severity]


class Indicator(models.Model):
    """指标: one line of a system. For 负面 indicators the weight is the cap on deductions."""

    system = models.ForeignKey(
        IndicatorSystem,
        verbose_name=_("指标体系"),
        related_name="indicators",
        on_delete=models.CASCADE,
    )
    category = models.CharField(_("类别"), max_length=20, choices=Category)
    code = models.SlugField(_("代码"), max_length=40)
    name = models.CharField(_("名称"), max_length=60)
    weight = models.DecimalField(
        _("权重（分值）"),
        max_digits=5,
        decimal_places=2,
        validators=PCT,
        help_text=_("正向指标权重合计 100；负面指标为该项最高扣分。"),
    )
    min_weight = models.DecimalField(
        _("单位可调下限"), max_digits=5, decimal_places=2, null=True, blank=True, validators=PCT
    )
    max_weight = models.DecimalField(
        _("单位可调上限"), max_digits=5, decimal_places=2, null=True, blank=True, validators=PCT
    )
    method = models.CharField(_("计分方式"), max_length=30, choices=Method)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        ordering = ["system_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["system", "code"], name="indicator_system_code")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_negative(self) -> bool:
        return self.category == Category.NEGATIVE

    @property
    def unit_tunable(self) -> bool:
        return self.category in TUNABLE_CATEGORIES


class UnitIndicatorWeight(models.Model):
    """A unit's own weight for one of its 个性/特色 indicators, within the region's bounds."""

    region = models.ForeignKey(Region, verbose_name=_("区"), on_delete=models.CASCADE)
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.CASCADE)
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), related_name="unit_weights", on_delete=models.CASCADE
    )
    weight = models.DecimalField(_("权重"), max_digits=5, decimal_places=2, validators=PCT)
    history = HistoricalRecords()

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位指标权重")
        verbose_name_plural = _("单位指标权重")
        constraints = [
            models.UniqueConstraint(fields=["unit", "indicator"], name="unitweight_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.indicator}: {self.weight}"


class ImportBatch(models.Model):
    """One uploaded sheet (attendance or negative records): validated rows kept for the preview;
    nothing is saved to the records until a preview without errors is confirmed."""

    class Kind(models.TextChoices):
        ATTENDANCE = "attendance", _("考勤记录")
        NEGATIVE = "negative", _("负面信息")

    class Status(models.TextChoices):
        PREVIEW = "preview", _("待确认")
        APPLIED = "applied", _("已导入")

    region = models.ForeignKey(Region, verbose_name=_("区"), on_delete=models.CASCADE)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind)
    status = models.CharField(_("状态"), max_length=20, choices=Status, default=Status.PREVIEW)
    file_name = models.CharField(_("文件名"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("为空表示由管理命令导入。"),
    )
    created = models.DateTimeField(_("上传时间"), default=timezone.now)
    applied_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    row_count = models.PositiveIntegerField(_("行数"), default=0)
    rows = BulkJSONField(_("有效行"), default=list, blank=True)
    errors = BulkJSONField(_("错误"), default=list, blank=True)
    history = HistoricalRecords(excluded_fields=["rows"])

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("出勤")
    LEAVE = "leave", _("请假")
    ABSENT = "absent", _("旷工")
    LATE_EARLY = "late_early", _("迟到早退")


class AttendanceRecord(models.Model):
    """考勤记录: one person's status on one day, as the attendance machine exported it. Rows are
    written only by confirmed imports (the batch records who and when) and never edited, so they
    carry no history of their own."""

    region = models.ForeignKey(Region, verbose_name=_("区"), on_delete=models.CASCADE)
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), related_name="attendance", on_delete=models.CASCADE
    )
    date = models.DateField(_("日期"))
    status = models.CharField(_("状态"), max_length=20, choices=AttendanceStatus)
    batch = models.ForeignKey(
        ImportBatch, verbose_name=_("导入批次"), null=True, blank=True, on_delete=models.PROTECT
    )

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("考勤记录")
        verbose_name_plural = _("考勤记录")
        ordering = ["person_id", "date"]
        constraints = [
            models.UniqueConstraint(fields=["person", "date"], name="attendance_person_date")
        ]
        indexes = [models.Index(fields=["region", "date"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.date} {self.status}"


class NegativeSource(models.TextChoices):
    DISCIPLINE = "discipline", _("纪检")
    POLITICAL_LEGAL = "political_legal", _("政法")
    POLICE = "police", _("公安")
    PETITION = "petition", _("信访")
    ORGANISATION = "organisation", _("组织")
    OTHER = "other", _("其他")


class NegativeType(models.TextChoices):
    """The four default 负面 indicators; a record deducts from the indicator with this code."""

    VIOLATION = "violation", _("违规违纪违法")
    ACCOUNTABILITY = "accountability", _("问责追责")
    COMPLAINT = "complaint", _("有效投诉")
    MISTAKE = "mistake", _("工作失误")


class NegativeRecordQuerySet(RegionScopedQuerySet):
    def effective(self) -> NegativeRecordQuerySet:
        """Not revoked: a revoked record stays on file (history) but has no consequence."""
        return self.filter(revoked_at__isnull=True)

    def in_force_during(self, start, end) -> NegativeRecordQuerySet:
        """Effective records whose deduction falls in [start, end] or whose 好-block overlaps
        it: every consequence (scores, the 好 block, sheets) reads through here."""
        return self.effective().filter(
            Q(date__range=(start, end))
            | Q(date__lte=end, in_force_until__isnull=False, in_force_until__gte=start)
        )


class NegativeRecord(models.Model):
    """负面信息: a violation, accountability, valid complaint or work mistake of one person."""

    region = models.ForeignKey(Region, verbose_name=_("区"), on_delete=models.CASCADE)
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), related_name="negative_records", on_delete=models.PROTECT
    )
    source = models.CharField(_("来源部门"), max_length=20, choices=NegativeSource)
    type = models.CharField(_("类型"), max_length=20, choices=NegativeType)
    severity = models.CharField(_("严重程度"), max_length=20, choices=Severity)
    date = models.DateField(_("发生/认定日期"))
    in_force_until = models.DateField(
        _("影响期截止"),
        null=True,
        blank=True,
        help_text=_("严重（处分）记录在影响期内各季度不得评为“好”；留空则只影响发生当季。"),
    )
    under_investigation = models.BooleanField(
        _("立案审查调查中"),
        default=False,
        help_text=_("涉嫌违纪违法被立案审查调查、尚未结案：年度考核不定等次（5B）。"),
    )
    document_no = models.CharField(_("文号"), max_length=100, blank=True)
    description = models.TextField(_("事由"), blank=True)
    evidence = models.FileField(
        _("佐证材料"),
        storage=_private_storage,
        upload_to="negative/%Y/%m/",
        blank=True,
        max_length=300,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        related_name="+",
        on_delete=models.PROTECT,
    )
    batch = models.ForeignKey(
        ImportBatch, verbose_name=_("导入批次"), null=True, blank=True, on_delete=models.PROTECT
    )
    created = models.DateTimeField(_("录入时间"), default=timezone.now)
    # 撤销: a record entered in error or overturned (e.g. a complaint found invalid) is revoked
    # with a reason, never deleted; it then deducts nothing and blocks nothing
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤销人"),
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    revoke_reason = models.TextField(_("撤销理由"), blank=True)
    history = HistoricalRecords()

    objects = NegativeRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("负面信息")
        verbose_name_plural = _("负面信息")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["region", "date"]), models.Index(fields=["person", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(in_force_until__isnull=True) | Q(in_force_until__gte=models.F("date")),
                name="negative_in_force_after_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_type_display()} {self.date}"

    @property
    def blocks_good(self) -> bool:
        return self.severity == Severity.SERIOUS


class RatingLevel(models.TextChoices):
    EXCELLENT = "excellent", _("优")
    GOOD = "good", _("良")
    AVERAGE = "average", _("中")
    POOR = "poor", _("差")


class LeaderRating(models.Model):
    """领导评价: one reviewer's level for one indicator of one person in one quarter."""

    region = models.ForeignKey(Region, verbose_name=_("区"), on_delete=models.CASCADE)
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), related_name="leader_ratings", on_delete=models.CASCADE
    )
    quarter = models.ForeignKey(Quarter, verbose_name=_("季度"), on_delete=models.CASCADE)
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.CASCADE)
    level = models.CharField(_("等级"), max_length=20, choices=RatingLevel)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评价人"),
        related_name="+",
        on_delete=models.PROTECT,
    )
    rated_at = models.DateTimeField(_("评价时间"), default=timezone.now)
    history = HistoricalRecords()

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("领导评价")
        verbose_name_plural = _("领导评价")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "quarter", "indicator", "rated_by"], name="leaderrating_unique"
            )
        ]
        indexes = [models.Index(fields=["quarter", "person"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.indicator_id} {self.level}"


class Grade(models.TextChoices):
    GOOD = "good", _("好")
    FAIRLY_GOOD = "fairly_good", _("较好")
    AVERAGE = "average", _("一般")
    POOR = "poor", _("较差")


class QuarterScore(models.Model):
    """季度得分: a person's computed score for a quarter, with the per-indicator breakdown
    (JSON, one entry per indicator) that explains every figure. Written only by the scoring
    service; each change is a history row."""

    region = models.ForeignKey(Region, verbose_name=_("区"), on_delete=models.CASCADE)
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), related_name="quarter_scores", on_delete=models.CASCADE
    )
    quarter = models.ForeignKey(Quarter, verbose_name=_("季度"), on_delete=models.CASCADE)
    system = models.ForeignKey(
        IndicatorSystem, verbose_name=_("指标体系"), on_delete=models.PROTECT
    )
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    positive = models.DecimalField(
        _("正向得分"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    deductions = models.DecimalField(_("扣分"), max_digits=6, decimal_places=2, default=0)
    covered_weight = models.DecimalField(_("有数据权重"), max_digits=6, decimal_places=2, default=0)
    suggested_grade = models.CharField(
        _("建议等次"), max_length=20, choices=Grade, blank=True, default=""
    )
    good_blocked = models.BooleanField(_("不得评为“好”"), default=False)
    breakdown = BulkJSONField(_("明细"), default=list)
    computed_at = models.DateTimeField(_("计算时间"), default=timezone.now)
    history = HistoricalRecords()

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("季度得分")
        verbose_name_plural = _("季度得分")
        constraints = [
            models.UniqueConstraint(fields=["person", "quarter"], name="quarterscore_unique")
        ]
        indexes = [models.Index(fields=["quarter", "region"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.quarter_id}: {self.score}"
