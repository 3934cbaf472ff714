"""What every endpoint shares: problem details (RFC 9457), the call log, idempotency keys."""

from __future__ import annotations

import hashlib
import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler

from assessment.audit import client_ip

from .auth import ApiTokenAuthentication, ClientRateThrottle, HasScope
from .models import ApiCall, ApiClient, IdempotencyKey

PROBLEM = "application/problem+json"
KEY = re.compile(r"[\x21-\x7e]{1,100}")  # visible ASCII: stored and compared as is


class RowErrors(exceptions.APIException):
    """Rows that cannot be taken: nothing was saved; each error names its item."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("数据有错误，未保存任何记录。")

    def __init__(self, errors: list[dict], detail: str | None = None):
        super().__init__(detail or self.default_detail)
        self.errors = errors


def problem_handler(exc, context):
    """DRF's handler, reshaped as problem details with the Chinese message as `detail`."""
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    body = {"type": "about:blank", "status": response.status_code}
    if isinstance(exc, RowErrors):
        body.update(title=_("数据有错误"), detail=str(exc.detail), errors=exc.errors)
    elif isinstance(data, dict) and set(data) == {"detail"}:
        body.update(title=str(data["detail"]), detail=str(data["detail"]))
    else:
        body.update(title=_("请求参数有误"), detail=_("请求参数有误，见 errors。"), errors=data)
    response.data = body
    response.content_type = PROBLEM
    return response


class ClientView(APIView):
    """An endpoint for API clients: token, scope, rate limit; every call is logged with its
    row count (`self.rows`)."""

    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [HasScope]
    throttle_classes = [ClientRateThrottle]
    required_scope = ""
    rows = 0

    @property
    def client(self) -> ApiClient:
        return self.request.auth

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(request.auth, ApiClient):
            ApiCall.objects.create(
                client=request.auth,
                method=request.method,
                path=request.path[:300],
                status=response.status_code,
                rows=self.rows,
                ip=client_ip(request),
            )
        return response


def idempotent(request, client: ApiClient, handle) -> Response:
    """Run a POST once per Idempotency-Key: a retry with the same key and body gets the stored
    answer (and changes nothing); the same key with another body is refused. Two concurrent
    requests with one key: the second waits on the unique key, then replays the first's answer.
    A request that fails leaves no key behind, so it can be retried."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if not KEY.fullmatch(key):
        raise exceptions.ValidationError(
            {
                "Idempotency-Key": [
                    _("POST 请求须带 Idempotency-Key 请求头（1–100 个可见 ASCII 字符）。")
                ]
            }
        )
    digest = hashlib.sha256(request.body).hexdigest()
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(
                    client=client, key=key, path=request.path[:300], request_digest=digest, status=0
                )
        except IntegrityError:
            record = IdempotencyKey.objects.get(client=client, key=key)
            if record.request_digest != digest or record.path != request.path[:300]:
                raise exceptions.ValidationError(
                    {"Idempotency-Key": [_("该 Idempotency-Key 已用于另一个请求。")]}
                ) from None
            return Response(
                record.body, status=record.status, headers={"Idempotent-Replayed": "true"}
            )
        response = handle()
        record.status, record.body = response.status_code, response.data
        record.save(update_fields=["status", "body"])
        return response
