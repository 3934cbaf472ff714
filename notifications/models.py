"""Notification centre (通知中心): one Notification per recipient and event, the person's
preferences, the region's group-robot channels and a delivery log per channel."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessment.tenancy import RegionScopedQuerySet, scope_for

from .kinds import CHOICES


class Mode(models.TextChoices):
    IMMEDIATE = "immediate", _("立即")
    DIGEST = "digest", _("每日汇总")
    OFF = "off", _("关闭")


class Notification(models.Model):
    """通知: one message to one account about one event. `event_key` makes every sender
    idempotent: the same event never notifies the same account twice."""

    region = models.ForeignKey("assessment.Region", null=True, blank=True, on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        related_name="notifications",
        on_delete=models.CASCADE,
    )
    kind = models.CharField(_("类别"), max_length=30, choices=CHOICES)
    event_key = models.CharField(_("事件键"), max_length=160)
    text = models.CharField(_("内容"), max_length=300)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    mode = models.CharField(_("推送方式"), max_length=10, choices=Mode, default=Mode.IMMEDIATE)
    created = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    digested_at = models.DateTimeField(_("汇总发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "event_key"], name="notification_once")
        ]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(fields=["user", "-created"]),
            models.Index(
                fields=["mode", "digested_at"],
                condition=models.Q(mode="digest", digested_at__isnull=True),
                name="notification_digest_due",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class Preference(models.Model):
    """通知偏好: how one account receives one optional kind (mandatory kinds ignore this)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="notify_preferences", on_delete=models.CASCADE
    )
    kind = models.CharField(_("类别"), max_length=30, choices=CHOICES)
    mode = models.CharField(_("推送方式"), max_length=10, choices=Mode)

    class Meta:
        verbose_name = _("通知偏好")
        verbose_name_plural = _("通知偏好")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="preference_once")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.mode}"


class ChannelQuerySet(RegionScopedQuerySet):
    def managed_by(self, user):
        from assessment.models import Role

        return self.filter(region_id__in=scope_for(user).regions_with(Role.DISTRICT_ADMIN))


class WebhookChannel(models.Model):
    """群机器人: a 企业微信/政务微信 or 钉钉 group robot the district admin configures for the region
    (or one unit of it). Notices of people in its scope are posted to the group."""

    class Kind(models.TextChoices):
        WECOM = "wecom", _("企业微信/政务微信")
        DINGTALK = "dingtalk", _("钉钉")

    region = models.ForeignKey("assessment.Region", verbose_name=_("区"), on_delete=models.CASCADE)
    unit = models.ForeignKey(
        "assessment.Unit",
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("留空则用于全区。"),
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind)
    name = models.CharField(_("名称"), max_length=60)
    url = models.URLField(_("Webhook 地址"), max_length=500)
    secret = models.CharField(
        _("加签密钥"),
        max_length=200,
        blank=True,
        help_text=_("钉钉“加签”安全设置的密钥（SEC 开头）。"),
    )
    active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, on_delete=models.SET_NULL
    )
    history = HistoricalRecords(excluded_fields=["secret"])

    objects = ChannelQuerySet.as_manager()

    class Meta:
        verbose_name = _("群机器人")
        verbose_name_plural = _("群机器人")
        ordering = ["region_id", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class Delivery(models.Model):
    """投递记录: one message on one channel (e-mail to one address, or a post to one group robot).
    `key` is unique, so a re-run or a redelivered task never creates a second message; a row is
    claimed (pending/retry → sending) before the send, so two workers never send it both."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("电子邮件")
        WECOM = "wecom", _("企业微信/政务微信")
        DINGTALK = "dingtalk", _("钉钉")

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        RETRY = "retry", _("等待重试")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("失败")

    key = models.CharField(max_length=200, unique=True)
    region = models.ForeignKey("assessment.Region", null=True, blank=True, on_delete=models.CASCADE)
    notification = models.ForeignKey(
        Notification, null=True, blank=True, related_name="deliveries", on_delete=models.CASCADE
    )
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel)
    webhook = models.ForeignKey(
        WebhookChannel, null=True, blank=True, related_name="deliveries", on_delete=models.CASCADE
    )
    recipient = models.CharField(_("收件地址"), max_length=254, blank=True)
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("失败原因"), max_length=500, blank=True)
    created = models.DateTimeField(_("创建时间"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("下次尝试"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("投递记录")
        verbose_name_plural = _("投递记录")
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.get_status_display()}"


class ReminderSettings(models.Model):
    """提醒设置: a region's reminder-job figures (DOMAIN.md defaults; the 'no log for N working
    days' figure is on the assessment year)."""

    region = models.OneToOneField(
        "assessment.Region", verbose_name=_("区"), related_name="+", on_delete=models.CASCADE
    )
    escalate_after_misses = models.PositiveSmallIntegerField(
        _("第几次提醒起同时督办上一级"), default=2
    )
    publicity_ending_days = models.PositiveSmallIntegerField(_("公示结束前几天提醒"), default=1)
    goals_closing_days = models.PositiveSmallIntegerField(_("定标截止前几天提醒"), default=3)
    visit_due_days = models.PositiveSmallIntegerField(_("季度末前几天提醒回访"), default=15)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("提醒设置")
        verbose_name_plural = _("提醒设置")

    def __str__(self) -> str:
        return str(self.region)


class ReminderState(models.Model):
    """How often a reminder job has found one item (an occurrence: a gap in the logs, an overdue
    rectification …) still open, and on which day last — at most one count per day, and the
    count decides the escalation."""

    job = models.CharField(max_length=30)
    item_key = models.CharField(max_length=120)
    misses = models.PositiveSmallIntegerField(default=0)
    last_day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "item_key"], name="reminder_state_once")
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.item_key} ×{self.misses}"
