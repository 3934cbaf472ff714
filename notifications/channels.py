"""Delivery channels behind one interface: `send(delivery)` returns nothing on success or raises
DeliveryError (retryable or not). In-app is the Notification row itself; e-mail goes through
Django's mail backend; group robots get their documented JSON:

- 企业微信 / 政务微信 群机器人: POST {"msgtype": "markdown", "markdown": {"content": …}} to the
  webhook URL (…/cgi-bin/webhook/send?key=…); success is HTTP 200 with {"errcode": 0}.
- 钉钉 自定义机器人: POST {"msgtype": "markdown", "markdown": {"title": …, "text": …}} to
  …/robot/send?access_token=…; with 加签 the URL also carries `timestamp` (ms) and
  `sign` = urlencode(base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}"))).

A read timeout means the robot may already have posted the message: it is not resent (a group
would see it twice) but marked failed with that reason. Refused connections, connect timeouts,
5xx, 429 and the robots' rate-limit codes are retried with backoff."""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import time
from urllib.parse import quote_plus, urlencode, urlsplit

from django.conf import settings
from django.core.mail import send_mail

from .models import Delivery

# 企业微信 45009 / 钉钉 130101: sending too fast; -1: system busy
RATE_LIMIT_CODES = {45009, 130101, -1}


class DeliveryError(Exception):
    def __init__(self, reason: str, *, retryable: bool) -> None:
        super().__init__(reason)
        self.reason, self.retryable = reason, retryable


def wecom_payload(subject: str, body: str) -> dict:
    return {"msgtype": "markdown", "markdown": {"content": f"**{subject}**\n{body}"}}


def dingtalk_payload(subject: str, body: str) -> dict:
    return {
        "msgtype": "markdown",
        "markdown": {"title": subject, "text": f"#### {subject}\n{body}"},
    }


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, digestmod=hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def dingtalk_url(url: str, secret: str, now: float | None = None) -> str:
    if not secret:
        return url
    ts = int((now if now is not None else time.time()) * 1000)
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}{urlencode({'timestamp': ts})}&sign={dingtalk_sign(secret, ts)}"


def post_json(url: str, payload: dict, *, timeout: float) -> dict:
    """POST JSON; connecting and waiting for the answer are told apart (see the module doc)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DeliveryError(f"无效的地址：{url[:80]}", retryable=False)
    conn_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    conn = conn_class(parts.hostname, parts.port, timeout=timeout)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    body = json.dumps(payload, ensure_ascii=False).encode()
    try:
        try:
            conn.connect()
        except OSError as exc:  # refused, unreachable, connect timeout
            raise DeliveryError(f"连接失败：{exc}", retryable=True) from exc
        try:
            conn.request("POST", path, body, {"Content-Type": "application/json; charset=utf-8"})
            response = conn.getresponse()
            raw = response.read(65536)
        except TimeoutError as exc:
            raise DeliveryError(
                "等待应答超时：消息可能已送达，为避免重复不再重发", retryable=False
            ) from exc
        except OSError as exc:
            raise DeliveryError(f"连接中断：{exc}", retryable=True) from exc
    finally:
        conn.close()
    if response.status >= 500 or response.status == 429:
        raise DeliveryError(f"HTTP {response.status}", retryable=True)
    if response.status >= 400:
        raise DeliveryError(f"HTTP {response.status}", retryable=False)
    try:
        answer = json.loads(raw or b"{}")
    except ValueError as exc:
        raise DeliveryError("应答不是 JSON", retryable=False) from exc
    code = answer.get("errcode", 0)
    if code:
        raise DeliveryError(
            f"errcode {code}: {answer.get('errmsg', '')}"[:400], retryable=code in RATE_LIMIT_CODES
        )
    return answer


def send(delivery: Delivery) -> None:
    timeout = settings.NOTIFY_WEBHOOK_TIMEOUT
    if delivery.channel == Delivery.Channel.EMAIL:
        try:
            send_mail(delivery.subject, delivery.body, None, [delivery.recipient])
        except Exception as exc:  # noqa: BLE001 - smtplib raises OSError and SMTPException kinds
            raise DeliveryError(f"邮件发送失败：{exc}"[:400], retryable=True) from exc
        return
    hook = delivery.webhook
    if hook is None or not hook.active:
        raise DeliveryError("群机器人已停用或已删除", retryable=False)
    if delivery.channel == Delivery.Channel.WECOM:
        post_json(hook.url, wecom_payload(delivery.subject, delivery.body), timeout=timeout)
    else:
        post_json(
            dingtalk_url(hook.url, hook.secret),
            dingtalk_payload(delivery.subject, delivery.body),
            timeout=timeout,
        )
