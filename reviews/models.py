"""The review engine's records: the state every reviewable carries, and the action log."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ReviewState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    IN_REVIEW = "in_review", _("审核中")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已通过")
    DECIDED = "decided", _("已审定")
    PUBLICISED = "publicised", _("公示中")
    CONFIRMED = "confirmed", _("已确认")
    APPEALED = "appealed", _("申诉中")


class Decision(models.TextChoices):
    SUBMIT = "submit", _("提交")
    APPROVE = "approve", _("通过")
    RETURN = "return", _("退回")
    COMMENT = "comment", _("点评")
    DECIDE = "decide", _("审定")
    REOPEN = "reopen", _("申请修改")
    PUBLISH = "publish", _("公示")
    CONFIRM = "confirm", _("确认")
    OPINION = "opinion", _("本人意见")
    APPEAL = "appeal", _("申诉")
    REDECIDE = "redecide", _("复核")


LEVEL_NAMES = {1: _("股组长"), 2: _("分管领导"), 3: _("主要领导")}


def grade_choices():
    """Every grade a review may carry (QuarterGrade is defined beside the quarterly record,
    which imports this module, hence the late import: Django accepts a callable here)."""
    from assessment.models.quarterly import QuarterGrade

    return QuarterGrade.choices


def grade_label(value: str) -> str:
    """A stored grade as the UI shows it (an unknown value is shown as it is)."""
    return str(dict(grade_choices()).get(value, value)) if value else ""


class Reviewable(models.Model):
    """Abstract: a record that moves through the review chain.

    `chain` is the reviewer chain frozen at submission ([[level, user_id], …]); `pending_level`
    is the level whose reviewer acts next (None when nobody has to act)."""

    status = models.CharField(
        _("状态"), max_length=20, choices=ReviewState, default=ReviewState.DRAFT, db_index=True
    )
    pending_level = models.PositiveSmallIntegerField(_("待审级别"), null=True, blank=True)
    pending_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("待审人"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    chain = models.JSONField(_("审核链"), default=list, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_editable(self) -> bool:
        return self.status in (ReviewState.DRAFT, ReviewState.RETURNED)

    @property
    def pending_level_name(self) -> str:
        return LEVEL_NAMES.get(self.pending_level, "") if self.pending_level else ""


class ReviewAction(models.Model):
    """审核记录: one act of review on any reviewable (who, for whom, level, decision, when)."""

    region = models.ForeignKey("assessment.Region", on_delete=models.CASCADE)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        related_name="+",
        on_delete=models.PROTECT,
    )
    acting_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代理"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    level = models.PositiveSmallIntegerField(_("级别"), null=True, blank=True)
    decision = models.CharField(_("操作"), max_length=20, choices=Decision)
    from_status = models.CharField(_("原状态"), max_length=20, choices=ReviewState)
    to_status = models.CharField(_("新状态"), max_length=20, choices=ReviewState)
    suggested_grade = models.CharField(_("等次"), max_length=20, choices=grade_choices, blank=True)
    comment = models.TextField(_("意见"), blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} {self.at:%Y-%m-%d %H:%M}"

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES.get(self.level, "") if self.level else ""


class Delegation(models.Model):
    """代理审核: while a reviewer is away, a delegate acts for them (recorded as acting)."""

    region = models.ForeignKey("assessment.Region", on_delete=models.CASCADE)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("原审核人"),
        related_name="+",
        on_delete=models.CASCADE,
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代理人"),
        related_name="delegations",
        on_delete=models.CASCADE,
    )
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("代理审核")
        verbose_name_plural = _("代理审核")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="delegation_dates"
            )
        ]

    def __str__(self) -> str:
        return f"{self.delegate} → {self.reviewer} ({self.start}–{self.end})"


class Reminder(models.Model):
    """站内提醒: a message to one account (an overdue review, a result to acknowledge …).
    `key` makes a reminder job idempotent: the same fact never reminds twice."""

    region = models.ForeignKey("assessment.Region", on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        related_name="reminders",
        on_delete=models.CASCADE,
    )
    text = models.CharField(_("内容"), max_length=300)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    key = models.CharField(_("去重键"), max_length=120)
    created = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        ordering = ["-created", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="reminder_once")]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.text


class Appeal(models.Model):
    """申诉/复核: the person contests a quarterly grade; decided by someone outside the chain."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待复核")
        UPHELD = "upheld", _("维持原等次")
        CHANGED = "changed", _("变更等次")

    region = models.ForeignKey("assessment.Region", on_delete=models.CASCADE)
    assessment = models.ForeignKey(
        "assessment.QuarterlyAssessment",
        verbose_name=_("季度考核"),
        related_name="appeals",
        on_delete=models.CASCADE,
    )
    reason = models.TextField(_("申诉理由"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status, default=Status.PENDING, db_index=True
    )
    original_grade = models.CharField(_("原等次"), max_length=20, choices=grade_choices)
    new_grade = models.CharField(_("复核等次"), max_length=20, choices=grade_choices, blank=True)
    outcome_reason = models.TextField(_("复核意见"), blank=True)
    created = models.DateTimeField(_("申诉时间"), default=timezone.now)
    due = models.DateField(_("办结期限"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("复核人"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    decided_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("申诉")
        verbose_name_plural = _("申诉")
        ordering = ["-created", "-pk"]
        constraints = [
            # one open appeal per record at a time
            models.UniqueConstraint(
                fields=["assessment"],
                condition=models.Q(status="pending"),
                name="appeal_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.get_status_display()}"


class QuotaGroup(models.Model):
    """名额组: units and/or sections of a region that share one grade quota for a year.

    By default each unit is its own pool (its civil servants, and separately its seconded
    staff). A region merges small units or sections into one pool with a group, and may split
    the group's leaders (领导成员: principal leaders and leaders in charge) from its other staff.
    Civil servants and seconded staff are always counted apart (DOMAIN.md "Rewards"). The same
    groups serve the quarterly 好 quota and the year-end 优秀 quota of that year."""

    region = models.ForeignKey("assessment.Region", verbose_name=_("区"), on_delete=models.CASCADE)
    year = models.ForeignKey(
        "assessment.AssessmentYear",
        verbose_name=_("年度"),
        related_name="quota_groups",
        on_delete=models.CASCADE,
    )
    name = models.CharField(_("名称"), max_length=60)
    split_leaders = models.BooleanField(
        _("领导成员单独计算名额"),
        default=False,
        help_text=_("勾选后，组内领导成员（主要领导、分管领导）与其他人员分别计算名额。"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("名额组")
        verbose_name_plural = _("名额组")
        ordering = ["year_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["year", "name"], name="quotagroup_year_name")
        ]

    def __str__(self) -> str:
        return self.name


class QuotaGroupMember(models.Model):
    """名额组成员: one unit or one section in a quota group. A unit or a section is in at most
    one group per year; a section's group takes precedence over its unit's."""

    group = models.ForeignKey(
        QuotaGroup, verbose_name=_("名额组"), related_name="members", on_delete=models.CASCADE
    )
    # the group's year, repeated so "one group per unit and year" is a database constraint
    year = models.ForeignKey(
        "assessment.AssessmentYear", related_name="+", on_delete=models.CASCADE
    )
    unit = models.ForeignKey(
        "assessment.Unit",
        verbose_name=_("单位"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.CASCADE,
    )
    section = models.ForeignKey(
        "assessment.Section",
        verbose_name=_("组室"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.CASCADE,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("名额组成员")
        verbose_name_plural = _("名额组成员")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit__isnull=False, section__isnull=True)
                | models.Q(unit__isnull=True, section__isnull=False),
                name="quotamember_unit_xor_section",
            ),
            models.UniqueConstraint(
                fields=["year", "unit"],
                condition=models.Q(unit__isnull=False),
                name="quotamember_unit_once",
            ),
            models.UniqueConstraint(
                fields=["year", "section"],
                condition=models.Q(section__isnull=False),
                name="quotamember_section_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.section or self.unit}"


# 互评 and 群众点评 live in reviews.ratings; importing them here registers them with the app.
# 不足提醒 and 导师帮带 live in reviews/improvement/ (models registered with this app)
from .improvement.models import (  # noqa: E402
    DeficiencyCategory,
    DeficiencyReminder,
    MentoringCase,
    ReturnVisit,
)
from .ratings.models import (  # noqa: E402, F401
    PeerBallot,
    PeerParticipation,
    PeerRound,
    PeerRoundMember,
    PublicCard,
    PublicRating,
    RatingCase,
    RatingSettings,
)

__all__ = ["DeficiencyCategory", "DeficiencyReminder", "MentoringCase", "ReturnVisit"]
