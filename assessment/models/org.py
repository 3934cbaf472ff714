"""Organisation tree and tenancy: platform → region (tenant) → unit → section → person, roles."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..tenancy import RegionScopedQuerySet, scope_for


class User(AbstractUser):
    """A login account. A civil servant's account is linked to their Person."""

    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")


class CityPlatform(models.Model):
    """城市平台: one deployment may serve every district of a city."""

    name = models.CharField(_("名称"), max_length=100)
    code = models.SlugField(_("代码"), max_length=30, unique=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("城市平台")
        verbose_name_plural = _("城市平台")

    def __str__(self) -> str:
        return self.name


class RegionQuerySet(models.QuerySet):
    def visible_to(self, user) -> RegionQuerySet:
        return self.filter(pk__in=scope_for(user).member_region_ids)


class Region(models.Model):
    """区: the tenant. Everything assessed belongs to exactly one region."""

    platform = models.ForeignKey(
        CityPlatform, verbose_name=_("城市平台"), null=True, blank=True, on_delete=models.PROTECT
    )
    name = models.CharField(_("名称"), max_length=100)
    code = models.SlugField(_("代码"), max_length=30, unique=True)
    history = HistoricalRecords()

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("区")
        verbose_name_plural = _("区")

    def __str__(self) -> str:
        return self.name


class UnitCategory(models.Model):
    """单位类别 (综合管理, 政法司法, 群团组织, 窗口服务 …); each has its own indicator set."""

    region = models.ForeignKey(Region, verbose_name=_("区"), on_delete=models.CASCADE)
    name = models.CharField(_("名称"), max_length=50)
    code = models.SlugField(_("代码"), max_length=30)
    history = HistoricalRecords()

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位类别")
        verbose_name_plural = _("单位类别")
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="unitcategory_region_code")
        ]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """单位: a government department or office inside a region."""

    region = models.ForeignKey(Region, verbose_name=_("区"), on_delete=models.PROTECT)
    category = models.ForeignKey(UnitCategory, verbose_name=_("单位类别"), on_delete=models.PROTECT)
    name = models.CharField(_("名称"), max_length=100)
    code = models.SlugField(_("代码"), max_length=30)
    is_pilot = models.BooleanField(_("试点单位"), default=False)
    is_active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["region_id", "code"]
        constraints = [models.UniqueConstraint(fields=["region", "code"], name="unit_region_code")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.category_id and self.region_id and self.category.region_id != self.region_id:
            raise ValidationError({"category": _("单位类别必须属于同一个区。")})


class Section(models.Model):
    """组室/股室: a section inside a unit, led by a chief, in the charge of a leader."""

    region = models.ForeignKey(Region, verbose_name=_("区"), on_delete=models.PROTECT)
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), related_name="sections", on_delete=models.PROTECT
    )
    name = models.CharField(_("名称"), max_length=100)
    is_active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("组室")
        verbose_name_plural = _("组室")
        ordering = ["unit_id", "name"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="section_unit_name")]

    def __str__(self) -> str:
        return f"{self.unit.name} · {self.name}"


class PersonQuerySet(RegionScopedQuerySet):
    def visible_to(self, user) -> PersonQuerySet:
        scope = scope_for(user)
        q = (
            Q(region_id__in=scope.region_ids)
            | Q(unit_id__in=scope.unit_ids)
            | Q(section_id__in=scope.section_ids)
        )
        if scope.person_id:
            q |= Q(pk=scope.person_id)
        return self.filter(q)

    def active(self) -> PersonQuerySet:
        return self.filter(is_active=True)


class Person(models.Model):
    """A person assessed by the system: a civil servant or seconded staff (借用人员)."""

    class Kind(models.TextChoices):
        CIVIL_SERVANT = "civil_servant", _("公务员")
        SECONDED = "seconded", _("借用人员")

    class Gender(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    region = models.ForeignKey(Region, verbose_name=_("区"), on_delete=models.PROTECT)
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), related_name="people", on_delete=models.PROTECT
    )
    section = models.ForeignKey(
        Section,
        verbose_name=_("组室"),
        related_name="people",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    user = models.OneToOneField(
        User,
        verbose_name=_("账号"),
        related_name="person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    name = models.CharField(_("姓名"), max_length=50)
    staff_no = models.CharField(_("工号"), max_length=30)
    kind = models.CharField(_("人员身份"), max_length=20, choices=Kind, default=Kind.CIVIL_SERVANT)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender)
    birth_date = models.DateField(_("出生年月"), null=True, blank=True)
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True, default="汉族")
    political_status = models.CharField(_("政治面貌"), max_length=20, blank=True)
    education = models.CharField(_("学历"), max_length=30, blank=True)
    position = models.CharField(_("职务（职级）"), max_length=60, blank=True)
    in_post_since = models.DateField(_("任现职务（职级）时间"), null=True, blank=True)
    work_in_charge = models.CharField(_("从事或分管工作"), max_length=200, blank=True)
    is_active = models.BooleanField(_("在职"), default=True)
    history = HistoricalRecords()

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["unit_id", "section_id", "staff_no"]
        constraints = [
            models.UniqueConstraint(fields=["region", "staff_no"], name="person_region_staff_no")
        ]
        indexes = [models.Index(fields=["unit", "is_active"])]

    def __str__(self) -> str:
        return self.name

    @property
    def unit_and_position(self) -> str:
        """单位及职务（职级）, as the registration sheets print it."""
        return f"{self.unit.name}{self.position}"

    def clean(self) -> None:
        if self.unit_id and self.region_id and self.unit.region_id != self.region_id:
            raise ValidationError({"unit": _("单位必须属于该人员所在的区。")})
        if self.section_id and self.section.unit_id != self.unit_id:
            raise ValidationError({"section": _("组室必须属于所选单位。")})


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")
    DISTRICT_ADMIN = "district_admin", _("区委组织部管理员")
    HR = "hr", _("人事干部")
    DISCIPLINE = "discipline", _("纪检/信息报送员")
    UNIT_ADMIN = "unit_admin", _("单位考核管理员")
    PRINCIPAL_LEADER = "principal_leader", _("主要领导")
    LEADER_IN_CHARGE = "leader_in_charge", _("分管领导")
    SECTION_CHIEF = "section_chief", _("股组长")


# The three 等保 admin roles: one per account, powers disjoint from every other role.
SEPARATED_ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
REGION_ROLES = frozenset({Role.DISTRICT_ADMIN, Role.DISCIPLINE})
UNIT_ROLES = frozenset({Role.UNIT_ADMIN, Role.PRINCIPAL_LEADER})
SECTION_ROLES = frozenset({Role.LEADER_IN_CHARGE, Role.SECTION_CHIEF})
# HR is held for a whole region (unit empty) or for one unit.


class MembershipQuerySet(RegionScopedQuerySet):
    def current(self, on: date | None = None) -> MembershipQuerySet:
        on = on or timezone.localdate()
        # valid_to is exclusive: a role revoked today is no longer held today
        return self.filter(Q(valid_from__lte=on), Q(valid_to__isnull=True) | Q(valid_to__gt=on))


class Membership(models.Model):
    """A role held by an account at a node of the tree, for a period."""

    user = models.ForeignKey(
        User, verbose_name=_("账号"), related_name="memberships", on_delete=models.CASCADE
    )
    role = models.CharField(_("角色"), max_length=30, choices=Role)
    region = models.ForeignKey(
        Region, verbose_name=_("区"), null=True, blank=True, on_delete=models.CASCADE
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), null=True, blank=True, on_delete=models.CASCADE
    )
    section = models.ForeignKey(
        Section, verbose_name=_("组室"), null=True, blank=True, on_delete=models.CASCADE
    )
    valid_from = models.DateField(_("起始日期"), default=timezone.localdate)
    valid_to = models.DateField(_("终止日期（不含）"), null=True, blank=True)
    history = HistoricalRecords()

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("角色任职")
        verbose_name_plural = _("角色任职")
        indexes = [
            models.Index(fields=["section", "role"]),
            models.Index(fields=["unit", "role"]),
            models.Index(fields=["user", "role"]),
        ]

    def __str__(self) -> str:
        node = self.section or self.unit or self.region or _("全平台")
        return f"{self.user} · {self.get_role_display()} · {node}"

    def clean(self) -> None:
        errors = {}
        if self.role in SECTION_ROLES and not self.section_id:
            errors["section"] = _("该角色必须指定组室。")
        if self.role in UNIT_ROLES and not self.unit_id:
            errors["unit"] = _("该角色必须指定单位。")
        if self.role not in SEPARATED_ADMIN_ROLES and not self.region_id:
            errors["region"] = _("该角色必须指定区。")
        if self.section_id and self.unit_id and self.section.unit_id != self.unit_id:
            errors["section"] = _("组室必须属于所选单位。")
        if self.unit_id and self.region_id and self.unit.region_id != self.region_id:
            errors["unit"] = _("单位必须属于所选区。")
        if self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = _("终止日期不能早于起始日期。")
        if errors:
            raise ValidationError(errors)


class AuditEvent(models.Model):
    """审计日志: security-relevant events. Never updated or deleted by the application."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("登录")
        LOGOUT = "logout", _("退出")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKOUT = "lockout", _("账号锁定")
        UNLOCKED = "unlocked", _("解除锁定")
        PASSWORD_CHANGED = "password_changed", _("修改密码")
        ROLE_GRANTED = "role_granted", _("授予角色")
        ROLE_REVOKED = "role_revoked", _("撤销角色")
        SESSION_EXPIRED = "session_expired", _("会话超时")
        ACCOUNT_DISABLED = "account_disabled", _("停用账号")
        ACCOUNTS_CREATED = "accounts_created", _("开通账号")
        PASSWORD_RESET = "password_reset", _("重置密码")
        API_CLIENT = "api_client", _("接口客户端变更")

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    kind = models.CharField(_("事件"), max_length=30, choices=Kind)
    user = models.ForeignKey(
        User, verbose_name=_("账号"), null=True, blank=True, on_delete=models.SET_NULL
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("区"), null=True, blank=True, on_delete=models.SET_NULL
    )
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.username}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValidationError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("audit events are append-only")


class LoginFailure(models.Model):
    """One failed login, keyed by username or client address (for lockout counting)."""

    key = models.CharField(max_length=200, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.key} @ {self.at:%Y-%m-%d %H:%M}"


class Lockout(models.Model):
    """A username or client address locked until a time."""

    key = models.CharField(max_length=200, db_index=True)
    until = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.key} → {self.until:%Y-%m-%d %H:%M}"


class PasswordHistory(models.Model):
    """Hashes of an account's recent passwords (not one of the last N may be reused)."""

    user = models.ForeignKey(User, related_name="password_history", on_delete=models.CASCADE)
    encoded = models.CharField(max_length=256)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created:%Y-%m-%d}"
