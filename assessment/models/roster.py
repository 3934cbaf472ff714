"""Roster imports (人员名册导入): an uploaded roster checked into a preview, applied as a whole."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..tenancy import RegionScopedQuerySet
from .org import Region, Unit


class RosterImport(models.Model):
    """One uploaded 人员名册: the checked rows and row errors kept for the preview; nothing
    changes in the organisation until a preview without errors is confirmed, all or nothing."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("待确认")
        APPLIED = "applied", _("已导入")

    region = models.ForeignKey(Region, verbose_name=_("区"), on_delete=models.CASCADE)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("限定单位"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("单位管理员只能导入本单位的人员；为空表示全区名册。"),
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status, default=Status.PREVIEW)
    file_name = models.CharField(_("文件名"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导入人"), on_delete=models.PROTECT
    )
    created = models.DateTimeField(_("上传时间"), default=timezone.now)
    applied_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    reason = models.CharField(_("导入原因"), max_length=200, blank=True)
    rows = models.JSONField(_("有效行"), default=list, blank=True)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    missing = models.JSONField(
        _("名册中缺少的在职人员"), default=list, blank=True, help_text=_("[人员 id, 工号, 姓名]")
    )
    counts = models.JSONField(_("结果"), default=dict, blank=True)
    history = HistoricalRecords(excluded_fields=["rows", "missing"])

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("人员名册导入")
        verbose_name_plural = _("人员名册导入")
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.file_name

    def planned(self) -> dict[str, int]:
        """How many rows would create, update or leave each person (the preview's summary)."""
        out = {"create": 0, "update": 0, "unchanged": 0}
        for row in self.rows:
            out[row["action"]] += 1
        return out
