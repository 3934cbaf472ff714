"""The top navigation, rendered once per process for each combination of what it depends on.

`_nav.html` lists every link an account may follow (apps add theirs there). The bar shows the
account's main tasks (MAIN_TASKS, at most MAIN_LIMIT, so it fits a 375 px phone without
sideways scrolling) and a 更多 menu (<details>, no script) with the rest grouped by task (the
URL namespace: NAV_GROUPS). Anything per request (an unread count) goes beside the cached part,
in `_nav_badge.html`, never in here."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django import template
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ..tenancy import scope_for

register = template.Library()
_rendered: dict[tuple, str] = {}

MAIN_LIMIT = 3
PERSON = "person"  # an account with an active person (its own logs, quarters, archive)
# Role → its main tasks, most important first; an account with several roles takes them in
# this order of roles until the bar is full.
MAIN_TASKS: dict[str, tuple[str, ...]] = {
    "audit_admin": ("assessment:audit-log",),
    "security_admin": ("assessment:lockouts",),
    "system_admin": ("admin:index",),
    "district_admin": ("assessment:unit-list", "reviews:quarter-admin", "reviews:appeal-list"),
    "principal_leader": ("reviews:queue", "work:log-review-queue"),
    "leader_in_charge": ("reviews:queue", "work:log-review-queue"),
    "section_chief": ("work:log-review-queue", "reviews:queue"),
    "unit_admin": ("assessment:unit-list", "archive:export"),
    "hr": ("archive:export", "rewards:record-list"),
    "discipline": ("indicators:negative-units",),
    PERSON: ("work:log-list", "reviews:my-quarters", "archive:mine"),
}
# URL namespace → the task group it is listed under in 更多 (unknown namespaces: 其他)
NAV_GROUPS: dict[str, str] = {
    "": _("常用"),
    "work": _("纪实与目标"),
    "keytasks": _("目责任务"),
    "reviews": _("季度考核"),
    "indicators": _("指标与得分"),
    "rewards": _("奖惩"),
    "archive": _("档案与登记表"),
    "assessment": _("组织与管理"),
    "roster": _("组织与管理"),
    "api": _("组织与管理"),
    "admin": _("组织与管理"),
}
_LINK = re.compile(r'<a href="(?P<href>[^"]+)"[^>]*>(?P<label>.*?)</a>', re.S)


@dataclass(frozen=True)
class NavLink:
    href: str
    label: str
    name: str  # the URL pattern's full name ("reviews:queue")


def _links(html: str) -> list[NavLink]:
    links, seen = [], set()
    for match in _LINK.finditer(html):
        href = match["href"]
        if href in seen:
            continue
        seen.add(href)
        try:
            name = resolve(href).view_name
        except Resolver404:
            name = ""
        links.append(NavLink(href, strip_tags(match["label"]).strip(), name))
    return links


def _main(links: list[NavLink], roles: frozenset[str], has_person: bool) -> list[NavLink]:
    by_name = {link.name: link for link in links}
    main: list[NavLink] = []
    for role, names in MAIN_TASKS.items():
        if not (role in roles or (role == PERSON and has_person)):
            continue
        for name in names:
            link = by_name.get(name)
            if link and link not in main and len(main) < MAIN_LIMIT:
                main.append(link)
    return main


def _groups(links: list[NavLink]) -> list[tuple[str, list[NavLink]]]:
    groups: dict[str, list[NavLink]] = {}
    for link in links:
        namespace = link.name.rpartition(":")[0]
        label = str(NAV_GROUPS.get(namespace, _("其他")))
        groups.setdefault(label, []).append(link)
    return list(groups.items())


@register.simple_tag(takes_context=True)
def main_nav(context) -> str:
    """The nav links depend only on the account's roles, whether it has an (active) person and
    whether it belongs to a region: a handful of combinations, each rendered once per process
    instead of ~30 URL reversals and template nodes on every page."""
    scope = scope_for(context["user"])
    key = (
        get_language(),
        frozenset(scope.roles()),
        bool(scope.person_id),
        bool(scope.member_region_ids),
    )
    html = _rendered.get(key)
    if html is None:
        _, roles, has_person, in_region = key
        every = _links(
            render_to_string(
                "_nav.html",
                {"my_roles": roles, "has_person": has_person, "in_region": in_region},
            )
        )
        main = _main(every, roles, has_person)
        html = render_to_string(
            "_nav_bar.html",
            {"main": main, "groups": _groups([link for link in every if link not in main])},
        )
        _rendered[key] = html
    return mark_safe(html)
