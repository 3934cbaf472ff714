"""Each role's read access, in one place (docs/ARCHITECTURE.md "Read access by role" is this
table, rendered by read_access_markdown() and checked by tests/test_read_access.py).

CONTENT_READ says whose person content — work logs and their attachments, goal plans, key
tasks, quarterly records with scores, self-summaries and comments, the personal archive — a
grant opens, by the node it is held at: "region" (every person of the region), "unit",
"section", or None (nothing beyond the account's own person). tenancy.scope_for builds the
Scope from it, and every visible_to / access helper reads the Scope, so changing a role's reach
is one line here.

Discipline officers (纪检/信息报送员) enter and revoke negative records: they find people of the
region by name, unit and staff number on the negative-record pages
(indicators.selectors.negative_people / negative_units) and read the negative records of the
region, and nothing else — the scoring rules leave them out of scores, so they do not read
scores, logs, goals or summaries either."""

from __future__ import annotations

from .models import Role

# role → node whose people's content a grant opens (None: none)
CONTENT_READ: dict[str, str | None] = {
    Role.DISTRICT_ADMIN: "region",
    Role.HR: "node",  # held for a region: the region; held for one unit: that unit
    Role.UNIT_ADMIN: "unit",
    Role.PRINCIPAL_LEADER: "unit",
    Role.LEADER_IN_CHARGE: "section",
    Role.SECTION_CHIEF: "section",
    Role.DISCIPLINE: None,
    Role.SYSTEM_ADMIN: None,
    Role.SECURITY_ADMIN: None,
    Role.AUDIT_ADMIN: None,
}

# role → what else it reads, beyond CONTENT_READ and the account's own person (documentation
# of the special-purpose readers; each entry names the code that enforces it)
OTHER_READ: dict[str, str] = {
    Role.DISTRICT_ADMIN: "负面信息（全区）；导出任务（全区）；申诉（全区）",
    Role.HR: "导出任务（所辖范围）",
    Role.DISCIPLINE: "负面信息（全区，录入与撤销）；按姓名、单位、工号查找全区人员（仅负面信息页面）",
    Role.UNIT_ADMIN: "导出任务（本单位）",
    Role.PRINCIPAL_LEADER: "",
    Role.LEADER_IN_CHARGE: "",
    Role.SECTION_CHIEF: "",
    Role.SYSTEM_ADMIN: "平台、区、单位类别（管理后台）",
    Role.SECURITY_ADMIN: "账号锁定记录",
    Role.AUDIT_ADMIN: "审计日志",
}

_NODE_LABELS = {
    "region": "全区人员",
    "node": "全区或所任单位人员",
    "unit": "本单位人员",
    "section": "所任组室人员",
    None: "仅本人",
}


def read_access_markdown() -> str:
    """The table in docs/ARCHITECTURE.md, rendered from the code."""
    lines = [
        "| 角色 | role | 人员内容（纪实、目标、任务、季度考评与得分、档案） | 其他 |",
        "|---|---|---|---|",
    ]
    for role in Role:
        lines.append(
            f"| {role.label} | `{role.value}` | {_NODE_LABELS[CONTENT_READ[role]]} "
            f"| {OTHER_READ[role] or '—'} |"
        )
    return "\n".join(lines)
