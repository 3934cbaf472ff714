"""Annual goals (年初定标) and work logs (全年纪实), with private attachments."""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from reviews.models import Reviewable

from ..tenancy import RegionScopedQuerySet, scope_for
from .org import Person, Region, Unit
from .tasks import KeyTask


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Files outside the web root (settings.PRIVATE_MEDIA_ROOT), served only through views.
    The location is read on every use so tests (and deployments) can move it."""

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


class PersonOwnedQuerySet(RegionScopedQuerySet):
    """Rows about one person: visible to the person, their section/unit leaders and the
    region-wide roles (the same reach as Person.objects.visible_to)."""

    def visible_to(self, user):
        scope = scope_for(user)
        q = (
            Q(region_id__in=scope.region_ids)
            | Q(person__unit_id__in=scope.unit_ids)
            | Q(person__section_id__in=scope.section_ids)
        )
        if scope.person_id:
            q |= Q(person_id=scope.person_id)
        return self.filter(q)


class IndicatorCategory(models.TextChoices):
    COMMON = "common", _("共性指标")
    INDIVIDUAL = "individual", _("个性指标")
    FEATURE = "feature", _("特色指标")


class GoalPlan(Reviewable):
    """年度目标: a person's goals for one year, approved by their chain as a whole."""

    region = models.ForeignKey(Region, verbose_name=_("区"), on_delete=models.CASCADE)
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), related_name="goal_plans", on_delete=models.CASCADE
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    history = HistoricalRecords()

    objects = PersonOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度目标")
        verbose_name_plural = _("年度目标")
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="goalplan_person_year")
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.year}"


class Goal(models.Model):
    """One goal of a plan, optionally taken from a key task assigned to the person."""

    plan = models.ForeignKey(GoalPlan, related_name="goals", on_delete=models.CASCADE)
    title = models.CharField(_("目标"), max_length=200)
    measure = models.CharField(_("衡量标准"), max_length=200, blank=True)
    key_task = models.ForeignKey(
        KeyTask, verbose_name=_("关联目责任务"), null=True, blank=True, on_delete=models.SET_NULL
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("目标")
        verbose_name_plural = _("目标")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


class WorkLog(Reviewable):
    """工作纪实: what a person did on a day; reviewed by the section chief."""

    region = models.ForeignKey(Region, verbose_name=_("区"), on_delete=models.CASCADE)
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), related_name="work_logs", on_delete=models.CASCADE
    )
    unit = models.ForeignKey(Unit, verbose_name=_("填报时单位"), on_delete=models.PROTECT)
    date = models.DateField(_("日期"))
    content = models.TextField(_("工作内容"))
    goal = models.ForeignKey(
        Goal, verbose_name=_("关联年度目标"), null=True, blank=True, on_delete=models.SET_NULL
    )
    key_task = models.ForeignKey(
        KeyTask, verbose_name=_("关联目责任务"), null=True, blank=True, on_delete=models.SET_NULL
    )
    category = models.CharField(_("指标类别"), max_length=20, choices=IndicatorCategory, blank=True)
    client_token = models.UUIDField(default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    objects = PersonOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("工作纪实")
        verbose_name_plural = _("工作纪实")
        ordering = ["-date", "-pk"]
        constraints = [
            # a double-clicked form (same token) creates one log
            models.UniqueConstraint(fields=["person", "client_token"], name="worklog_once"),
        ]
        indexes = [
            models.Index(fields=["person", "date"]),
            models.Index(fields=["pending_user", "status"]),
            models.Index(fields=["region", "date"]),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.date}"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{instance.region_id}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A file attached to a work log or a key-task progress report (stored privately)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE)
    log = models.ForeignKey(
        WorkLog, null=True, blank=True, related_name="attachments", on_delete=models.CASCADE
    )
    progress = models.ForeignKey(
        "assessment.KeyTaskProgress",
        null=True,
        blank=True,
        related_name="attachments",
        on_delete=models.CASCADE,
    )
    file = models.FileField(storage=private_storage, upload_to=attachment_path, max_length=300)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.name
