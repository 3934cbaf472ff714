"""Audit events and lockouts in words for the auditor and the security admin: the `detail`
JSON of an event becomes labelled Chinese text, whatever keys an event kind carries (new kinds
add their keys to DETAIL_LABELS; an unknown key still shows, under its own name)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import Role, Section, Unit

# detail key → label. Values of the keys in ID_LABELS are ids resolved to names in one query
# per model for a whole page.
DETAIL_LABELS = {
    "target": _("对象账号"),
    "role": _("角色"),
    "unit": _("单位"),
    "section": _("组室"),
    "key": _("锁定对象"),
    "first": _("首次设置密码"),
    "by": _("操作方式"),
    "reason": _("原因"),
    "ip": _("IP 地址"),
    "username": _("用户名"),
    "count": _("次数"),
    "until": _("截止时间"),
    "path": _("页面"),
    "method": _("请求方式"),
    "field": _("字段"),
    "old": _("原值"),
    "new": _("新值"),
    "setting": _("设置项"),
    "value": _("值"),
}
VALUE_WORDS = {
    "by": {"create_admin": _("命令行 create_admin")},
}
ID_MODELS = {"unit": Unit, "section": Section}


def lock_key_words(key: str) -> str:
    """`user:zhang` → 账号 zhang, `ip:10.0.0.2` → 地址 10.0.0.2 (Lockout.key, LoginFailure.key)."""
    kind, _sep, value = key.partition(":")
    if kind == "user":
        return str(_("账号 %(name)s")) % {"name": value}
    if kind == "ip":
        return str(_("地址 %(ip)s")) % {"ip": value}
    return key


def lock_key_kind(key: str) -> str:
    return {"user": _("账号"), "ip": _("IP 地址")}.get(key.partition(":")[0], _("其他"))


@dataclass(frozen=True)
class DetailItem:
    label: str
    value: str


def _words(key: str, value, names: dict) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if key in ID_MODELS and isinstance(value, int):
        return names.get((key, value), str(_("编号 %(id)s")) % {"id": value})
    if key == "role" and value in Role.values:
        return str(Role(value).label)
    if key == "key" and isinstance(value, str):
        return lock_key_words(value)
    if isinstance(value, str) and value in VALUE_WORDS.get(key, {}):
        return str(VALUE_WORDS[key][value])
    if isinstance(value, list | tuple):
        return "、".join(_words(key, v, names) for v in value)
    if isinstance(value, dict):
        return "；".join(
            f"{DETAIL_LABELS.get(k, k)}：{_words(k, v, names)}" for k, v in value.items()
        )
    return str(value)


def attach_details(events) -> list:
    """Give every event of a page `detail_items` (label, value) with unit and section ids
    resolved to names: one query per referenced model, however many rows the page has."""
    events = list(events)
    wanted: dict[str, set[int]] = {key: set() for key in ID_MODELS}
    for event in events:
        for key in ID_MODELS:
            value = (event.detail or {}).get(key) if isinstance(event.detail, dict) else None
            if isinstance(value, int):
                wanted[key].add(value)
    names: dict[tuple[str, int], str] = {}
    for key, ids in wanted.items():
        if ids:
            rows = ID_MODELS[key].objects.filter(pk__in=ids).values_list("pk", "name")
            names.update({(key, pk): name for pk, name in rows})
    for event in events:
        detail = event.detail if isinstance(event.detail, dict) else {"value": event.detail}
        event.detail_items = [
            DetailItem(str(DETAIL_LABELS.get(key, key)), _words(key, value, names))
            for key, value in detail.items()
        ]
    return events
