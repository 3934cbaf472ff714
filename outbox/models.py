"""The transactional outbox: a task to send to the broker, written in the same database
transaction as the change that needs it, so a commit never loses its follow-up work and a
rollback never sends it."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessageQuerySet(models.QuerySet):
    def pending(self) -> OutboxMessageQuerySet:
        return self.filter(sent_at__isnull=True)

    def due(self, now=None) -> OutboxMessageQuerySet:
        return self.pending().filter(next_attempt__lte=now or timezone.now())


class OutboxMessage(models.Model):
    """发件箱消息: one Celery task call recorded with the transaction that made it necessary.
    Infrastructure, not assessment content: no history rows."""

    task = models.CharField(_("任务"), max_length=200)
    args = models.JSONField(_("位置参数"), default=list)
    kwargs = models.JSONField(_("关键字参数"), default=dict)
    # the Celery task id, the same on every send: a message sent twice (the relay died between
    # the broker's acceptance and marking the row) is recognisably the same task
    task_id = models.UUIDField(_("任务编号"), default=uuid.uuid4, unique=True, editable=False)
    created = models.DateTimeField(_("记录时间"), default=timezone.now)
    # the relay leases a row by moving this forward while it sends; an unsent row whose lease
    # ran out (its relay died) is due again
    next_attempt = models.DateTimeField(_("下次发送"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("发送次数"), default=0)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("发件箱消息")
        verbose_name_plural = _("发件箱消息")
        ordering = ["pk"]
        indexes = [
            models.Index(
                fields=["next_attempt"], condition=Q(sent_at__isnull=True), name="outbox_due"
            ),
            models.Index(fields=["sent_at"], name="outbox_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.task} {self.task_id}"


class SweepMark(models.Model):
    """How far a periodic consistency sweep has looked (its watermark), so each run reads only
    the changes made since the previous one."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    until = models.DateTimeField(_("已检查至"))

    class Meta:
        verbose_name = _("一致性检查进度")
        verbose_name_plural = _("一致性检查进度")

    def __str__(self) -> str:
        return f"{self.name} ≤ {self.until:%Y-%m-%d %H:%M:%S}"
