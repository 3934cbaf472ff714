"""Bulk exports of registration sheets: one job row per export, polled by the page."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessment.models import Region, Role, Unit, private_storage
from assessment.tenancy import scope_for


def export_path(instance: ExportJob, filename: str) -> str:
    return f"exports/{instance.region_id}/{uuid.uuid4().hex}"


def retention_days() -> int:
    return int(getattr(settings, "EXPORT_RETENTION_DAYS", 7))


def stale_minutes() -> int:
    return int(getattr(settings, "EXPORT_STALE_MINUTES", 30))


def queued_minutes() -> int:
    return int(getattr(settings, "EXPORT_QUEUED_MINUTES", 30))


def export_reach(user) -> tuple[set[int], set[int]]:
    """(regions, units) the account may export: HR for its region or unit, the district admin
    for the region, the unit admin for the unit."""
    scope = scope_for(user)
    regions = {g.region_id for g in scope.grants if g.role == Role.HR and not g.unit_id}
    regions |= scope.regions_with(Role.DISTRICT_ADMIN)
    return regions, scope.units_with(Role.UNIT_ADMIN, Role.HR)


class ExportJobQuerySet(models.QuerySet):
    def visible_to(self, user) -> ExportJobQuerySet:
        regions, units = export_reach(user)
        return self.filter(Q(region_id__in=regions) | Q(unit_id__in=units))


class ExportJob(models.Model):
    """导出任务: a unit's or a region's sheets for a quarter or year, built in the background."""

    class Sheet(models.TextChoices):
        QUARTERLY = "quarterly", _("平时考核登记表（季度）")
        ANNUAL = "annual", _("年度考核登记表")

    class Output(models.TextChoices):
        LIST = "list", _("清单（Excel 工作簿）")
        PDF = "pdf", _("每人一份 PDF（zip）")
        XLSX = "xlsx", _("每人一份 Excel（zip）")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")
        EXPIRED = "expired", _("已过期")

        @classmethod
        def active(cls) -> list[str]:
            return [cls.QUEUED, cls.RUNNING]

    region = models.ForeignKey(Region, verbose_name=_("区"), on_delete=models.CASCADE)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("留空表示全区。"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        related_name="+",
        on_delete=models.CASCADE,
    )
    sheet = models.CharField(_("登记表"), max_length=20, choices=Sheet)
    period = models.CharField(_("期间"), max_length=10)
    output = models.CharField(_("格式"), max_length=10, choices=Output)
    status = models.CharField(_("状态"), max_length=10, choices=Status, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    done = models.PositiveIntegerField(_("已完成人数"), default=0)
    total = models.PositiveIntegerField(_("总人数"), default=0)
    incomplete = models.PositiveIntegerField(_("有缺项的人数"), default=0)
    error = models.TextField(_("错误"), blank=True)
    file = models.FileField(storage=private_storage, upload_to=export_path, blank=True)
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    created = models.DateTimeField(_("创建时间"), default=timezone.now)
    finished = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # last sign of life of a running job (start, each progress write): a job whose worker died
    # stops beating and is failed by the stale-job sweep instead of staying "running" forever
    heartbeat = models.DateTimeField(_("最近进展"), null=True, blank=True)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created"]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.get_sheet_display()} {self.period} {self.get_output_display()}"

    @property
    def is_active(self) -> bool:
        return self.status in self.Status.active()

    @property
    def scope_name(self) -> str:
        return self.unit.name if self.unit_id else self.region.name
