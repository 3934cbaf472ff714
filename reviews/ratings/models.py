"""Peer rating (互评/民主测评) and public rating (群众点评).

Anonymity by construction: a `PeerBallot` holds the round, the person rated and the scores —
no rater, no timestamp, no insertion-ordered id (a random UUID key), no grouping of one rater's
ballots, no history. `PeerParticipation` records only that a rater has voted in a round.
tests/reviews/test_peer_anonymity.py tries to link the two from every table and column."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessment.tenancy import RegionScopedQuerySet

DEFAULT_DIMENSIONS = [["de", "德"], ["neng", "能"], ["qin", "勤"], ["ji", "绩"], ["lian", "廉"]]
DEFAULT_LEVELS = [
    ["good", "好", 100],
    ["fair", "较好", 80],
    ["average", "一般", 60],
    ["poor", "较差", 40],
]


def _dimensions():
    return [list(d) for d in DEFAULT_DIMENSIONS]


def _levels():
    return [list(level) for level in DEFAULT_LEVELS]


class RatingSettings(models.Model):
    """互评与群众点评设置: one region's rules for one year (defaults from the issue)."""

    region = models.ForeignKey("assessment.Region", verbose_name=_("区"), on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField(_("年度"))
    k_min = models.PositiveSmallIntegerField(
        _("显示结果所需最少票数"), default=3, help_text=_("少于该票数不显示任何结果（匿名保护）。")
    )
    trimmed_mean = models.BooleanField(_("去掉一个最高分和一个最低分"), default=True)
    dimensions = models.JSONField(_("测评维度"), default=_dimensions)
    levels = models.JSONField(_("测评等次及分值"), default=_levels)
    case_working_days = models.PositiveSmallIntegerField(_("差评办结时限（工作日）"), default=15)
    address_retention_days = models.PositiveSmallIntegerField(_("地址摘要保留天数"), default=30)
    device_daily_limit = models.PositiveSmallIntegerField(_("同一设备每人每日评价次数"), default=1)
    address_limit = models.PositiveSmallIntegerField(_("同一地址时段内评价上限"), default=10)
    address_window_minutes = models.PositiveSmallIntegerField(_("地址限流时段（分钟）"), default=10)
    burst_count = models.PositiveSmallIntegerField(
        _("集中评价阈值"), default=20, help_text=_("时段内同一人员收到超过该数的评价转人工审核。")
    )
    burst_minutes = models.PositiveSmallIntegerField(_("集中评价时段（分钟）"), default=10)
    min_fill_seconds = models.PositiveSmallIntegerField(_("最短填写时间（秒）"), default=3)
    history = HistoricalRecords()

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("评价设置")
        verbose_name_plural = _("评价设置")
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="rating_settings_once")
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year}"

    @property
    def level_points(self) -> dict[str, int]:
        return {code: int(points) for code, _label, points in self.levels}


class PeerRound(models.Model):
    """互评轮次: a unit's peer rating for a quarter, or the year's 民主测评 (quarter empty)."""

    class Scope(models.TextChoices):
        SECTION = "section", _("同组室互评")
        UNIT = "unit", _("全单位互评")
        LIST = "list", _("指定人员互评")

    class Status(models.TextChoices):
        OPEN = "open", _("进行中")
        CLOSED = "closed", _("已结束")

    region = models.ForeignKey("assessment.Region", verbose_name=_("区"), on_delete=models.CASCADE)
    unit = models.ForeignKey(
        "assessment.Unit",
        verbose_name=_("单位"),
        related_name="peer_rounds",
        on_delete=models.PROTECT,
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(
        _("季度"), null=True, blank=True, help_text=_("留空为年度民主测评。")
    )
    scope = models.CharField(_("互评范围"), max_length=10, choices=Scope, default=Scope.SECTION)
    dimensions = models.JSONField(_("测评维度"))
    levels = models.JSONField(_("测评等次及分值"))
    allow_comment = models.BooleanField(_("允许填写评语"), default=True)
    opens_on = models.DateField(_("开始日期"))
    closes_on = models.DateField(_("截止日期"))
    status = models.CharField(_("状态"), max_length=10, choices=Status, default=Status.OPEN)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    history = HistoricalRecords()

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("互评轮次")
        verbose_name_plural = _("互评轮次")
        ordering = ["-year", "-quarter", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")), name="peer_round_dates"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.period_label}"

    @property
    def period_label(self) -> str:
        if self.quarter:
            return f"{self.year}Q{self.quarter}"
        return _("%(y)s年度民主测评") % {"y": self.year}

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def accepts_on(self, day) -> bool:
        return self.is_open and self.opens_on <= day <= self.closes_on


class PeerRoundMember(models.Model):
    """A person who rates and is rated in a round (fixed when the round opens)."""

    round = models.ForeignKey(PeerRound, related_name="members", on_delete=models.CASCADE)
    person = models.ForeignKey("assessment.Person", related_name="+", on_delete=models.PROTECT)
    section_id_at_open = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("互评人员")
        verbose_name_plural = _("互评人员")
        constraints = [models.UniqueConstraint(fields=["round", "person"], name="peer_member_once")]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.person_id}"


class PeerParticipation(models.Model):
    """参评记录: only that `rater` has voted in `round` (completion, and no second ballot set).
    No time, no link to any ballot."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(PeerRound, related_name="participations", on_delete=models.CASCADE)
    rater = models.ForeignKey("assessment.Person", related_name="+", on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("参评记录")
        verbose_name_plural = _("参评记录")
        constraints = [models.UniqueConstraint(fields=["round", "rater"], name="peer_vote_once")]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.rater_id}"


class PeerBallot(models.Model):
    """互评票: one rater's levels for one colleague — deliberately without the rater, a time,
    an ordered id or history (see the module docstring)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(PeerRound, related_name="ballots", on_delete=models.CASCADE)
    ratee = models.ForeignKey("assessment.Person", related_name="+", on_delete=models.PROTECT)
    scores = models.JSONField(_("各维度等次"))
    comment = models.CharField(_("评语"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("互评票")
        verbose_name_plural = _("互评票")
        indexes = [models.Index(fields=["round", "ratee"])]

    def __str__(self) -> str:
        return str(self.pk)


# -- public rating -------------------------------------------------------------------------


class PublicLevel(models.IntegerChoices):
    """政务服务“好差评” five levels (国办发〔2019〕51号)."""

    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    BASIC = 3, _("基本满意")
    UNSATISFIED = 2, _("不满意")
    VERY_UNSATISFIED = 1, _("非常不满意")


BAD_LEVELS = (PublicLevel.UNSATISFIED, PublicLevel.VERY_UNSATISFIED)
PUBLIC_DIMENSIONS = (
    ("efficiency", _("服务效率")),
    ("skill", _("服务水平")),
    ("attitude", _("服务态度")),
)
BAD_TAGS = (
    ("slow", _("办事效率低")),
    ("attitude", _("态度生硬")),
    ("unclear", _("一次性告知不清")),
    ("runaround", _("推诿扯皮")),
    ("wait", _("等候时间长")),
    ("other", _("其他")),
)


class PublicCard(models.Model):
    """群众点评二维码: one window-service person's card; `nonce` is in the signed token, so
    rotating it or deactivating the card stops every printed copy."""

    region = models.ForeignKey("assessment.Region", verbose_name=_("区"), on_delete=models.CASCADE)
    unit = models.ForeignKey("assessment.Unit", verbose_name=_("单位"), on_delete=models.PROTECT)
    person = models.OneToOneField(
        "assessment.Person",
        verbose_name=_("人员"),
        related_name="public_card",
        on_delete=models.PROTECT,
    )
    window_no = models.CharField(_("窗口号"), max_length=20, blank=True)
    nonce = models.CharField(max_length=32)
    is_active = models.BooleanField(_("启用"), default=True)
    changed_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    history = HistoricalRecords(excluded_fields=["nonce"])

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("群众点评二维码")
        verbose_name_plural = _("群众点评二维码")

    def __str__(self) -> str:
        return f"{self.person_id} {self.window_no}"


class PublicRating(models.Model):
    """群众点评: one rating by a member of the public. No identity: the client address and the
    device only as keyed hashes (the address purged after the retention), the phone masked."""

    class Status(models.TextChoices):
        COUNTED = "counted", _("有效")
        HELD = "held", _("待审核（集中评价）")
        REJECTED = "rejected", _("不计入（审核未通过）")

    region = models.ForeignKey("assessment.Region", verbose_name=_("区"), on_delete=models.CASCADE)
    unit = models.ForeignKey("assessment.Unit", verbose_name=_("单位"), on_delete=models.PROTECT)
    person = models.ForeignKey(
        "assessment.Person", verbose_name=_("被评价人"), related_name="+", on_delete=models.PROTECT
    )
    created = models.DateTimeField(_("评价时间"), default=timezone.now)
    day = models.DateField(_("评价日期"))
    level = models.PositiveSmallIntegerField(_("总体评价"), choices=PublicLevel)
    efficiency = models.PositiveSmallIntegerField(
        _("服务效率"), choices=PublicLevel, null=True, blank=True
    )
    skill = models.PositiveSmallIntegerField(
        _("服务水平"), choices=PublicLevel, null=True, blank=True
    )
    attitude = models.PositiveSmallIntegerField(
        _("服务态度"), choices=PublicLevel, null=True, blank=True
    )
    tags = models.JSONField(_("差评原因"), default=list, blank=True)
    comment = models.CharField(_("意见"), max_length=500, blank=True)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True)
    phone_hash = models.CharField(max_length=64, blank=True)
    address_hash = models.CharField(max_length=64, blank=True, db_index=True)
    device_hash = models.CharField(max_length=64, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status, default=Status.COUNTED)
    comment_hidden_reason = models.CharField(_("隐藏原因"), max_length=200, blank=True)
    comment_hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    history = HistoricalRecords(
        excluded_fields=["phone_hash", "address_hash", "device_hash", "phone_masked"]
    )

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("群众点评")
        verbose_name_plural = _("群众点评")
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(fields=["person", "created"]),
            models.Index(fields=["address_hash", "created"]),
            models.Index(fields=["device_hash", "person", "day"]),
            models.Index(fields=["unit", "day"]),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.get_level_display()}"

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_LEVELS

    @property
    def comment_hidden(self) -> bool:
        return bool(self.comment_hidden_reason)


class RatingCase(models.Model):
    """差评处理: a 不满意/非常不满意 rating verified, rectified and answered by the unit within
    the region's working days, with a 回访 when a phone number was left."""

    class Status(models.TextChoices):
        OPEN = "open", _("待核实")
        VERIFIED = "verified", _("属实，已整改")
        UNFOUNDED = "unfounded", _("不属实")

    region = models.ForeignKey("assessment.Region", verbose_name=_("区"), on_delete=models.CASCADE)
    unit = models.ForeignKey("assessment.Unit", verbose_name=_("单位"), on_delete=models.PROTECT)
    rating = models.OneToOneField(PublicRating, related_name="case", on_delete=models.PROTECT)
    due = models.DateField(_("办结期限"))
    status = models.CharField(_("状态"), max_length=10, choices=Status, default=Status.OPEN)
    rectification = models.TextField(_("核实与整改情况"), blank=True)
    return_call = models.TextField(_("回访情况"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    history = HistoricalRecords()

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("差评处理")
        verbose_name_plural = _("差评处理")
        ordering = ["due", "pk"]
        indexes = [models.Index(fields=["status", "due"])]

    def __str__(self) -> str:
        return f"{self.rating_id} {self.get_status_display()}"

    @property
    def needs_return_call(self) -> bool:
        return bool(self.rating.phone_masked)
