"""API clients (接口客户端) of a region's other systems, their calls and idempotency keys."""

from __future__ import annotations

import hashlib
import ipaddress
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessment.models import Region
from assessment.tenancy import RegionScopedQuerySet


class Scope(models.TextChoices):
    ROSTER_READ = "roster:read", _("读取单位与人员")
    ROSTER_WRITE = "roster:write", _("同步人员名册")
    ATTENDANCE_WRITE = "attendance:write", _("写入考勤记录")
    NEGATIVE_WRITE = "negative:write", _("写入负面信息")
    RESULTS_READ = "results:read", _("读取考核结果与奖惩")


def token_digest(secret: str) -> str:
    """Tokens are 256-bit random strings, so a plain SHA-256 is enough to store them: there is
    nothing to guess that a slow hash would protect."""
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_networks(text: str) -> list:
    networks = []
    for item in text.replace(",", "\n").split():
        try:
            networks.append(ipaddress.ip_network(item.strip(), strict=False))
        except ValueError as exc:
            raise ValidationError(
                {"ip_allowlist": _("“%(v)s”不是有效的 IP 地址或网段。") % {"v": item}}
            ) from exc
    return networks


class ApiClient(models.Model):
    """A system of the region that calls the API (人事系统, 纪检系统 …): scopes, optional address
    allowlist, expiry; its token is shown once and stored as a digest."""

    region = models.ForeignKey(Region, verbose_name=_("区"), on_delete=models.CASCADE)
    name = models.CharField(_("系统名称"), max_length=100)
    scopes = models.JSONField(_("权限范围"), default=list)
    ip_allowlist = models.TextField(
        _("允许的来源地址"),
        blank=True,
        help_text=_("每行一个 IP 或网段（如 10.2.0.0/16）；留空不限制。"),
    )
    expires_at = models.DateField(_("有效期至"), null=True, blank=True)
    token_prefix = models.CharField(_("令牌前缀"), max_length=16, unique=True)
    token_hash = models.CharField(max_length=64)
    revoked_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT
    )
    created = models.DateTimeField(_("登记时间"), default=timezone.now)
    history = HistoricalRecords(excluded_fields=["token_hash"])

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("接口客户端")
        verbose_name_plural = _("接口客户端")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        parse_networks(self.ip_allowlist)
        unknown = set(self.scopes) - set(Scope.values)
        if unknown or not self.scopes:
            raise ValidationError({"scopes": _("请选择有效的权限范围。")})

    def new_token(self) -> str:
        """A fresh token (shown once): `psk_<prefix>_<secret>`; the old one stops working."""
        self.token_prefix = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        self.token_hash = token_digest(secret)
        return f"psk_{self.token_prefix}_{secret}"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and (
            self.expires_at is None or self.expires_at >= timezone.localdate()
        )

    def allows(self, address: str | None) -> bool:
        networks = parse_networks(self.ip_allowlist)
        if not networks:
            return True
        try:
            ip = ipaddress.ip_address(address or "")
        except ValueError:
            return False
        return any(ip in net for net in networks)

    def scope_labels(self) -> list[str]:
        labels = dict(Scope.choices)
        return [labels.get(s, s) for s in self.scopes]


class ApiCall(models.Model):
    """One call: which client, what, the outcome and how many rows went in or out (audit)."""

    client = models.ForeignKey(ApiClient, related_name="calls", on_delete=models.CASCADE)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    status = models.PositiveSmallIntegerField()
    rows = models.PositiveIntegerField(default=0)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("接口调用")
        verbose_name_plural = _("接口调用")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status}"


class IdempotencyKey(models.Model):
    """The answer to a POST, kept under the client's Idempotency-Key so a retry gets the same
    answer and changes nothing."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE)
    key = models.CharField(max_length=100)
    path = models.CharField(max_length=300)
    request_digest = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField(default=dict)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="idempotency_client_key")
        ]

    def __str__(self) -> str:
        return self.key
