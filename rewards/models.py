"""Reward/punishment records (奖惩记录): commendations, awards and sanctions of one person."""

from __future__ import annotations

import uuid

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
