"""Key tasks (目责任务): set by the region or a unit, decomposed region → unit → section →
person, with progress reports and supervision (督办)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..tenancy import RegionScopedQuerySet, scope_for
from .org import Person, Region, Section, Unit

AT_RISK_DAYS = 14  # a task due within this many days and below 80 % is at risk


class KeyTaskQuerySet(RegionScopedQuerySet):
    def visible_to(self, user):
        """Region-wide roles see the region's tasks; unit roles their unit's; section roles
        their sections'; everyone the tasks assigned to them."""
        scope = scope_for(user)
        q = (
            Q(region_id__in=scope.region_ids)
            | Q(unit_id__in=scope.unit_ids)
            | Q(section_id__in=scope.section_ids)
            | Q(section__unit_id__in=scope.unit_ids)
            | Q(person__section_id__in=scope.section_ids)
            | Q(person__unit_id__in=scope.unit_ids)
        )
        if scope.person_id:
            q |= Q(person_id=scope.person_id)
        return self.filter(q)

    def overdue(self, today: date | None = None):
        today = today or timezone.localdate()
        return self.filter(status=KeyTask.Status.ACTIVE, deadline__lt=today, progress__lt=100)


class KeyTask(models.Model):
    """A key task at one level of the tree; decomposition creates children one level down."""

    class Level(models.TextChoices):
        REGION = "region", _("区级")
        UNIT = "unit", _("单位")
        SECTION = "section", _("组室")
        PERSON = "person", _("个人")

    class Status(models.TextChoices):
        ACTIVE = "active", _("进行中")
        DONE = "done", _("已完成")
        CANCELLED = "cancelled", _("已取消")

    region = models.ForeignKey(Region, verbose_name=_("区"), on_delete=models.CASCADE)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级任务"),
        null=True,
        blank=True,
        related_name="children",
        on_delete=models.CASCADE,
    )
    level = models.CharField(_("层级"), max_length=10, choices=Level)
    unit = models.ForeignKey(
        Unit, verbose_name=_("责任单位"), null=True, blank=True, on_delete=models.CASCADE
    )
    section = models.ForeignKey(
        Section, verbose_name=_("责任组室"), null=True, blank=True, on_delete=models.CASCADE
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("责任人"),
        null=True,
        blank=True,
        related_name="key_tasks",
        on_delete=models.CASCADE,
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("任务名称"), max_length=200)
    description = models.TextField(_("任务内容"), blank=True)
    target = models.CharField(_("量化目标"), max_length=200)
    deadline = models.DateField(_("完成时限"))
    progress = models.DecimalField(
        _("完成进度（%）"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status, default=Status.ACTIVE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    objects = KeyTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("目责任务")
        verbose_name_plural = _("目责任务")
        ordering = ["deadline", "pk"]
        indexes = [
            models.Index(fields=["region", "status", "deadline"]),
            models.Index(fields=["unit", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100), name="keytask_progress_0_100"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def assignee_label(self) -> str:
        node = self.person or self.section or self.unit or self.region
        return str(node)

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status == self.Status.ACTIVE and self.deadline < today and self.progress < 100

    def is_at_risk(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        days_left = (self.deadline - today).days
        return (
            self.status == self.Status.ACTIVE
            and 0 <= days_left <= AT_RISK_DAYS
            and self.progress < 80
        )


class KeyTaskProgress(models.Model):
    """A progress report by the assignee: a percentage, a note and optional evidence."""

    task = models.ForeignKey(KeyTask, related_name="reports", on_delete=models.CASCADE)
    percent = models.DecimalField(
        _("完成进度（%）"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    value = models.CharField(_("完成数值"), max_length=100, blank=True)
    note = models.TextField(_("进展说明"))
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    posted_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("任务进展")
        verbose_name_plural = _("任务进展")
        ordering = ["-posted_at"]

    def __str__(self) -> str:
        return f"{self.task} {self.percent}%"


class SupervisionNote(models.Model):
    """督办: a note from a leader or the district to a task's assignee."""

    task = models.ForeignKey(KeyTask, related_name="supervision_notes", on_delete=models.CASCADE)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT)
    text = models.TextField(_("督办意见"))
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("督办意见")
        verbose_name_plural = _("督办意见")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.task}: {self.text[:20]}"
