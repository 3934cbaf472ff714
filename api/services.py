"""Registering, rotating and revoking API clients (district admin)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from assessment.audit import audit
from assessment.models import AuditEvent, Region, Role
from assessment.tenancy import scope_for

from .models import ApiClient


def _require_district_admin(by, region: Region) -> None:
    if region.pk not in scope_for(by).regions_with(Role.DISTRICT_ADMIN):
        raise PermissionDenied(_("只有区管理员可以管理接口客户端。"))


@transaction.atomic
def client_register(*, client: ApiClient, by, request=None) -> str:
    """Save a new client and return its token (shown once)."""
    _require_district_admin(by, client.region)
    client.created_by = by
    token = client.new_token()
    client.full_clean()
    client.save()
    update_change_reason(client, _("登记接口客户端"))
    audit(
        AuditEvent.Kind.API_CLIENT,
        request=request,
        user=by,
        region=client.region,
        action="register",
        client=client.name,
        scopes=client.scopes,
    )
    return token


@transaction.atomic
def client_rotate(*, client: ApiClient, by, request=None) -> str:
    """A new token; the old one stops working at once."""
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    _require_district_admin(by, client.region)
    token = client.new_token()
    client.save()
    update_change_reason(client, _("更换令牌"))
    audit(
        AuditEvent.Kind.API_CLIENT,
        request=request,
        user=by,
        region=client.region,
        action="rotate",
        client=client.name,
    )
    return token


@transaction.atomic
def client_revoke(*, client: ApiClient, by, request=None) -> ApiClient:
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    _require_district_admin(by, client.region)
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save()
        update_change_reason(client, _("停用接口客户端"))
        audit(
            AuditEvent.Kind.API_CLIENT,
            request=request,
            user=by,
            region=client.region,
            action="revoke",
            client=client.name,
        )
    return client
