"""Token authentication, scopes and rate limits for API clients."""

from __future__ import annotations

import hmac
import re

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions, throttling
from rest_framework.authentication import BaseAuthentication

from assessment.audit import client_ip

from .models import ApiClient, token_digest

TOKEN_PART = re.compile(r"[0-9a-f]{1,16}")
INVALID = _("令牌无效、已停用或已过期。")


class ApiTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer psk_<prefix>_<secret>`: the prefix finds the client, the secret
    is compared with its stored digest in constant time. request.auth is the ApiClient."""

    def authenticate(self, request):
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return None
        parts = header.removeprefix("Bearer ").strip().split("_", 2)
        # checked before any query: PostgreSQL refuses text with NUL and the like
        if len(parts) != 3 or parts[0] != "psk" or not TOKEN_PART.fullmatch(parts[1]):
            raise exceptions.AuthenticationFailed(INVALID)
        client = ApiClient.objects.select_related("region").filter(token_prefix=parts[1]).first()
        if client is None or not hmac.compare_digest(client.token_hash, token_digest(parts[2])):
            raise exceptions.AuthenticationFailed(INVALID)
        if not client.is_usable:
            raise exceptions.AuthenticationFailed(INVALID)
        if not client.allows(client_ip(request)):
            raise exceptions.PermissionDenied(_("该来源地址不在客户端的允许范围内。"))
        # request.user stays anonymous: what a system changes is no person's doing (history
        # rows name the client in their reason, the call log names it too)
        return AnonymousUser(), client

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class HasScope(permissions.BasePermission):
    """The view names the scope it needs (`required_scope`); the client must hold it."""

    message = _("该客户端没有此接口的权限范围。")

    def has_permission(self, request, view) -> bool:
        client = request.auth
        return isinstance(client, ApiClient) and view.required_scope in client.scopes


class ClientRateThrottle(throttling.SimpleRateThrottle):
    """Per client (not per address: a client's calls may come from several servers)."""

    scope = "client"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiClient):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
