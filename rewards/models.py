"""Reward/punishment records (奖惩记录): commendations, awards and sanctions of one person."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessment.models import Person, Region, Role, Unit, private_storage
from assessment.tenancy import RegionScopedQuerySet, scope_for


def evidence_path(instance: RewardRecord, filename: str) -> str:
    return f"rewards/{instance.region_id}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class RewardKind(models.TextChoices):
    REWARD = "reward", _("奖励")
    PUNISHMENT = "punishment", _("惩戒")


class RewardType(models.TextChoices):
    COMMENDATION = "commendation", _("嘉奖")
    MERIT_3 = "merit_3", _("记三等功")
    MERIT_2 = "merit_2", _("记二等功")
    MERIT_1 = "merit_1", _("记一等功")
    HONOUR = "honour", _("授予称号")
    PRAISE = "praise", _("通报表扬")
    OTHER_REWARD = "other_reward", _("其他奖励")
    ADMONITION = "admonition", _("诫勉")
    CRITICISM = "criticism", _("通报批评")
    WARNING = "warning", _("警告")
    DEMERIT = "demerit", _("记过")
    MAJOR_DEMERIT = "major_demerit", _("记大过")
    DEMOTION = "demotion", _("降级")
    DISMISSAL_FROM_POST = "dismissal_from_post", _("撤职")
    EXPULSION = "expulsion", _("开除")
    OTHER_SANCTION = "other_sanction", _("其他惩戒")


REWARD_TYPES = frozenset(
    {
        RewardType.COMMENDATION,
        RewardType.MERIT_3,
        RewardType.MERIT_2,
        RewardType.MERIT_1,
        RewardType.HONOUR,
        RewardType.PRAISE,
        RewardType.OTHER_REWARD,
    }
)


class RewardLevel(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")
    CITY = "city", _("市级")
    DISTRICT = "district", _("区级")
    UNIT = "unit", _("单位级")


class RewardRecordQuerySet(RegionScopedQuerySet):
    def managed_by(self, user) -> RewardRecordQuerySet:
        """Records the account may list and enter: HR (its region or unit), the unit admin of
        the unit; the district admin reads the whole region."""
        return self.filter(manager_q(user, read=True))

    def during(self, start, end) -> RewardRecordQuerySet:
        return self.filter(date__range=(start, end))

    def blocking_during(self, start, end) -> RewardRecordQuerySet:
        """Sanctions whose blocking period (from the record's date to blocks_until) overlaps
        start–end: they bar 好 in a quarter and 优秀 in a year."""
        return self.filter(kind=RewardKind.PUNISHMENT, date__lte=end, blocks_until__gte=start)


def manager_reach(user, *, read: bool) -> tuple[set[int], set[int]]:
    """(regions, units) whose records the account manages: region-wide HR, the unit's HR and
    unit admin enter and read; the district admin only reads."""
    scope = scope_for(user)
    regions = {g.region_id for g in scope.grants if g.role == Role.HR and not g.unit_id}
    if read:
        regions |= scope.regions_with(Role.DISTRICT_ADMIN)
    return regions, scope.units_with(Role.UNIT_ADMIN, Role.HR)


def manager_q(user, *, read: bool) -> Q:
    regions, units = manager_reach(user, read=read)
    return Q(region_id__in=regions) | Q(unit_id__in=units)


class RewardRecord(models.Model):
    """奖惩记录: one reward or sanction; a sanction may block 优秀/好 until a date."""

    region = models.ForeignKey(Region, verbose_name=_("区"), on_delete=models.CASCADE)
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), related_name="reward_records", on_delete=models.PROTECT
    )
    # the person's unit when the record was entered (lists and scoping by unit)
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT)
    kind = models.CharField(_("类别"), max_length=20, choices=RewardKind)
    type = models.CharField(_("奖惩种类"), max_length=30, choices=RewardType)
    level = models.CharField(_("级别"), max_length=20, choices=RewardLevel)
    date = models.DateField(_("奖惩日期"))
    issuer = models.CharField(_("批准机关"), max_length=100)
    document_no = models.CharField(_("文号"), max_length=100, blank=True)
    reason = models.TextField(_("事由"), blank=True)
    blocks_until = models.DateField(
        _("影响期截止"),
        null=True,
        blank=True,
        help_text=_("惩戒在影响期内不得评为“优秀”或“好”；奖励不填。"),
    )
    evidence = models.FileField(
        _("佐证材料"),
        storage=private_storage,
        upload_to=evidence_path,
        blank=True,
        max_length=300,
    )
    evidence_name = models.CharField(_("佐证文件名"), max_length=200, blank=True)
    evidence_type = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        related_name="+",
        on_delete=models.PROTECT,
    )
    created = models.DateTimeField(_("录入时间"), default=timezone.now)
    history = HistoricalRecords()

    objects = RewardRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("奖惩记录")
        verbose_name_plural = _("奖惩记录")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["region", "date"]),
            models.Index(fields=["unit", "date"]),
            models.Index(fields=["person", "date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(blocks_until__isnull=True) | Q(blocks_until__gte=models.F("date")),
                name="reward_blocks_after_date",
            ),
            models.CheckConstraint(
                condition=Q(kind="punishment") | Q(blocks_until__isnull=True),
                name="reward_only_sanctions_block",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_type_display()} {self.date}"

    @property
    def is_sanction(self) -> bool:
        return self.kind == RewardKind.PUNISHMENT

    @property
    def sheet_text(self) -> str:
        """One line as the registration sheets print it."""
        parts = [f"{self.date:%Y.%m.%d}", self.get_level_display(), self.get_type_display()]
        if self.issuer:
            parts.append(f"（{self.issuer}")
            parts[-1] += f" {self.document_no}）" if self.document_no else "）"
        text = " ".join(parts)
        if self.reason:
            text += f"：{self.reason}"
        return text


# ---------------------------------------------------------------------------------------------
# Bonus pool (奖金池)


class UngradedMode(models.TextChoices):
    PRO_RATA = "pro_rata", _("按已定等次季度折算")
    FULL = "full", _("有一个季度定等次即全额")


class SecondedMode(models.TextChoices):
    SHARED = "shared", _("与公务员共用奖金池")
    OWN = "own", _("单独设奖金池")
    EXCLUDED = "excluded", _("不参与分配")


class BonusRule(models.Model):
    """奖金池规则: a region's rules for one year — points per grade, reward level and negative
    severity, base share, optional gap cap, how ungraded quarters count, the default seconded
    mode and the per-capita ceiling of a unit's pool. Kept per year so a locked pool of last
    year stays explainable."""

    region = models.ForeignKey(Region, verbose_name=_("区"), on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField(_("年度"))
    points_good = models.DecimalField(_("“好”积分"), max_digits=5, decimal_places=1, default=4)
    points_fairly_good = models.DecimalField(
        _("“较好”积分"), max_digits=5, decimal_places=1, default=3
    )
    points_average = models.DecimalField(_("“一般”积分"), max_digits=5, decimal_places=1, default=1)
    points_poor = models.DecimalField(_("“较差”积分"), max_digits=5, decimal_places=1, default=0)
    points_reward_national = models.DecimalField(
        _("国家级奖励积分"), max_digits=5, decimal_places=1, default=4
    )
    points_reward_provincial = models.DecimalField(
        _("省级奖励积分"), max_digits=5, decimal_places=1, default=3
    )
    points_reward_city = models.DecimalField(
        _("市级奖励积分"), max_digits=5, decimal_places=1, default=2
    )
    points_reward_district = models.DecimalField(
        _("区级奖励积分"), max_digits=5, decimal_places=1, default=1
    )
    points_reward_unit = models.DecimalField(
        _("单位级奖励积分"), max_digits=5, decimal_places=1, default=Decimal("0.5")
    )
    minus_minor = models.DecimalField(
        _("轻微负面信息扣分"), max_digits=5, decimal_places=1, default=Decimal("0.5")
    )
    minus_general = models.DecimalField(
        _("一般负面信息扣分"), max_digits=5, decimal_places=1, default=1
    )
    minus_serious = models.DecimalField(
        _("严重负面信息扣分"), max_digits=5, decimal_places=1, default=4
    )
    base_percent = models.DecimalField(
        _("基础份额比例（%）"),
        max_digits=5,
        decimal_places=2,
        default=40,
        help_text=_("奖金池中人人均等（按季度折算）领取的部分，其余按积分分配。"),
    )
    cap_fen = models.PositiveBigIntegerField(
        _("最高最低差额上限（分）"),
        null=True,
        blank=True,
        help_text=_("公务员最高与最低奖金之差的上限；不填则不设上限。"),
    )
    ungraded_mode = models.CharField(
        _("不确定等次/不参加考核季度的计算方式"),
        max_length=20,
        choices=UngradedMode,
        default=UngradedMode.PRO_RATA,
    )
    seconded_mode = models.CharField(
        _("借用人员默认方式"), max_length=20, choices=SecondedMode, default=SecondedMode.SHARED
    )
    pays_quarterly = models.BooleanField(_("按季度发放"), default=False)
    per_capita_limit_fen = models.PositiveBigIntegerField(
        _("人均金额上限（分/人·期）"),
        null=True,
        blank=True,
        help_text=_("单位奖金池金额不得超过 人均上限 × 参与分配人数；不填则不限。"),
    )
    history = HistoricalRecords()

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("奖金池规则")
        verbose_name_plural = _("奖金池规则")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="bonusrule_region_year"),
            models.CheckConstraint(
                condition=Q(base_percent__gte=0, base_percent__lte=100),
                name="bonusrule_base_percent_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}"

    def grade_points(self) -> dict[str, Decimal]:
        return {
            "good": self.points_good,
            "fairly_good": self.points_fairly_good,
            "average": self.points_average,
            "poor": self.points_poor,
        }

    def reward_points(self) -> dict[str, Decimal]:
        return {
            RewardLevel.NATIONAL: self.points_reward_national,
            RewardLevel.PROVINCIAL: self.points_reward_provincial,
            RewardLevel.CITY: self.points_reward_city,
            RewardLevel.DISTRICT: self.points_reward_district,
            RewardLevel.UNIT: self.points_reward_unit,
        }

    def negative_points(self) -> dict[str, Decimal]:
        return {
            "minor": self.minus_minor,
            "general": self.minus_general,
            "serious": self.minus_serious,
        }


class BonusPoolQuerySet(RegionScopedQuerySet):
    def readable_by(self, user) -> BonusPoolQuerySet:
        """Pools of the units the account runs (unit admin, principal leader, unit HR) and of
        the regions it oversees (district admin, region HR)."""
        return self.filter(pool_reader_q(user))


def pool_reader_q(user) -> Q:
    scope = scope_for(user)
    regions = scope.regions_with(Role.DISTRICT_ADMIN) | {
        g.region_id for g in scope.grants if g.role == Role.HR and not g.unit_id
    }
    units = scope.units_with(Role.UNIT_ADMIN, Role.PRINCIPAL_LEADER, Role.HR)
    return Q(region_id__in=regions) | Q(unit_id__in=units)


class BonusPool(models.Model):
    """奖金池: a unit's money for differentiated bonuses in one year (quarter 0) or one quarter,
    in fen; a draft until the principal leader locks it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        LOCKED = "locked", _("已锁定")

    region = models.ForeignKey(Region, verbose_name=_("区"), on_delete=models.CASCADE)
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), related_name="bonus_pools", on_delete=models.PROTECT
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"), default=0, help_text=_("0 表示全年"))
    amount_fen = models.PositiveBigIntegerField(_("奖金池金额（分）"))
    seconded_mode = models.CharField(
        _("借用人员"), max_length=20, choices=SecondedMode, default=SecondedMode.SHARED
    )
    seconded_amount_fen = models.PositiveBigIntegerField(_("借用人员奖金池金额（分）"), default=0)
    status = models.CharField(_("状态"), max_length=10, choices=Status, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        related_name="+",
        on_delete=models.PROTECT,
    )
    created = models.DateTimeField(_("创建时间"), default=timezone.now)
    history = HistoricalRecords()

    objects = BonusPoolQuerySet.as_manager()

    class Meta:
        verbose_name = _("奖金池")
        verbose_name_plural = _("奖金池")
        ordering = ["-year", "quarter", "unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "quarter"], name="bonuspool_once"),
            models.CheckConstraint(
                condition=Q(quarter__gte=0, quarter__lte=4), name="bonuspool_quarter_0_4"
            ),
            models.CheckConstraint(
                condition=Q(seconded_mode="own") | Q(seconded_amount_fen=0),
                name="bonuspool_seconded_amount_only_own",
            ),
        ]
        indexes = [models.Index(fields=["region", "year"])]

    def __str__(self) -> str:
        return f"{self.unit} {self.period_label}"

    @property
    def period_label(self) -> str:
        return f"{self.year}年" + (f"第{self.quarter}季度" if self.quarter else "")

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.LOCKED

    @property
    def total_fen(self) -> int:
        return self.amount_fen + self.seconded_amount_fen


class BonusLock(models.Model):
    """锁定记录: one lock of a pool by the principal leader, with the payouts frozen at that
    moment; unlocking fills the unlock fields (with a reason) and keeps the row."""

    region = models.ForeignKey(Region, verbose_name=_("区"), on_delete=models.CASCADE)
    pool = models.ForeignKey(
        BonusPool, verbose_name=_("奖金池"), related_name="locks", on_delete=models.CASCADE
    )
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("锁定人"),
        related_name="+",
        on_delete=models.PROTECT,
    )
    locked_at = models.DateTimeField(_("锁定时间"), default=timezone.now)
    amount_fen = models.PositiveBigIntegerField(_("锁定时金额（分）"))
    rules = models.JSONField(_("锁定时规则"), default=dict)
    unlocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("解锁人"),
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    unlocked_at = models.DateTimeField(_("解锁时间"), null=True, blank=True)
    unlock_reason = models.TextField(_("解锁理由"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("奖金池锁定记录")
        verbose_name_plural = _("奖金池锁定记录")
        ordering = ["-locked_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pool"], condition=Q(unlocked_at__isnull=True), name="bonuslock_one_open"
            )
        ]

    def __str__(self) -> str:
        return f"{self.pool} {self.locked_at:%Y-%m-%d %H:%M}"


class BonusPayout(models.Model):
    """One person's payout in a lock, with the explanation (points by source, share, rounding)."""

    lock = models.ForeignKey(
        BonusLock, verbose_name=_("锁定记录"), related_name="payouts", on_delete=models.CASCADE
    )
    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.PROTECT)
    group = models.CharField(_("分配组"), max_length=20)
    points = models.DecimalField(_("积分"), max_digits=8, decimal_places=2)
    amount_fen = models.BigIntegerField(_("金额（分）"))
    explanation = models.JSONField(_("计算说明"), default=dict)

    class Meta:
        verbose_name = _("奖金发放")
        verbose_name_plural = _("奖金发放")
        ordering = ["lock", "-amount_fen", "person_id"]
        constraints = [
            models.UniqueConstraint(fields=["lock", "person"], name="bonuspayout_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.amount_fen}"
