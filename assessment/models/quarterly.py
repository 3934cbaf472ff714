"""Quarterly assessment (季度考评): one record per person and quarter — the registration form of
the quarter. It moves through the review engine; the principal leader decides the grade."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from reviews.models import Reviewable

from .org import Person, Region, Section, Unit
from .periods import Quarter
from .work import PersonOwnedQuerySet


class QuarterGrade(models.TextChoices):
    GOOD = "good", _("好")
    FAIRLY_GOOD = "fairly_good", _("较好")
    AVERAGE = "average", _("一般")
    POOR = "poor", _("较差")
    UNGRADED = "ungraded", _("不确定等次")


class Opinion(models.TextChoices):
    AGREE = "agree", _("同意")
    DISAGREE = "disagree", _("不同意")


class QuarterlyAssessment(Reviewable):
    """季度考核登记: the person's quarter — summary, review, grade, publicity, feedback."""

    region = models.ForeignKey(Region, verbose_name=_("区"), on_delete=models.CASCADE)
    quarter = models.ForeignKey(
        Quarter, verbose_name=_("季度"), related_name="assessments", on_delete=models.CASCADE
    )
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), related_name="quarterly", on_delete=models.CASCADE
    )
    # where the person was at quarter end (a transfer during the quarter is noted below)
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT)
    section = models.ForeignKey(
        Section, verbose_name=_("组室"), null=True, blank=True, on_delete=models.SET_NULL
    )
    person_kind = models.CharField(_("人员身份"), max_length=20, choices=Person.Kind)
    participates = models.BooleanField(_("参加考核"), default=True)
    movement_note = models.CharField(_("调动/入职/离职情况"), max_length=200, blank=True)
    summary = models.TextField(_("个人小结"), blank=True)
    self_grade = models.CharField(_("自评等次"), max_length=20, choices=QuarterGrade, blank=True)
    score = models.DecimalField(
        _("指标得分"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    score_covered = models.DecimalField(
        _("得分依据权重"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("得分所依据的有数据指标权重（满 100）。"),
    )
    band_grade = models.CharField(
        _("分数段建议等次"), max_length=20, choices=QuarterGrade, blank=True
    )
    grade = models.CharField(_("考核等次"), max_length=20, choices=QuarterGrade, blank=True)
    ungraded_reason = models.TextField(_("未确定等次或不参加考核情况说明"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审定人"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    decided_at = models.DateTimeField(_("审定时间"), null=True, blank=True)
    publicity_start = models.DateField(_("公示开始"), null=True, blank=True)
    publicity_end = models.DateField(_("公示结束"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    opinion = models.CharField(_("本人意见"), max_length=10, choices=Opinion, blank=True)
    opinion_reason = models.TextField(_("不同意的理由"), blank=True)
    opinion_at = models.DateTimeField(_("本人意见时间"), null=True, blank=True)
    needs_mentoring = models.BooleanField(_("需导师帮带"), default=False)
    # when the record reached the reviewer it waits for (the per-level deadline counts from here)
    pending_since = models.DateTimeField(_("到达当前审核级别时间"), null=True, blank=True)
    history = HistoricalRecords()

    objects = PersonOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("季度考核")
        verbose_name_plural = _("季度考核")
        constraints = [
            models.UniqueConstraint(fields=["quarter", "person"], name="quarterly_once"),
        ]
        indexes = [
            models.Index(fields=["quarter", "unit", "status"]),
            models.Index(fields=["pending_user", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.quarter}"


class UnitQuarter(models.Model):
    """单位季度: one row per unit and quarter. The decide transaction locks it (select_for_update)
    before counting the 好 already granted, so concurrent decisions cannot exceed the quota."""

    region = models.ForeignKey(Region, verbose_name=_("区"), on_delete=models.CASCADE)
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.CASCADE)
    quarter = models.ForeignKey(Quarter, verbose_name=_("季度"), on_delete=models.CASCADE)
    published_at = models.DateTimeField(_("发布公示时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("单位季度")
        verbose_name_plural = _("单位季度")
        constraints = [
            models.UniqueConstraint(fields=["unit", "quarter"], name="unitquarter_once"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.quarter}"
