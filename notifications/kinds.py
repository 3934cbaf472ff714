"""The kinds of notice the system sends. Mandatory kinds always reach the person at once; the
others follow the person's preference (immediately / daily digest / off)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    mandatory: bool


_ALL = (
    Kind("deficiency", _("不足提醒"), True),
    Kind("rectification", _("整改反馈"), True),
    Kind("rectification_overdue", _("整改逾期"), True),
    Kind("mentoring", _("导师帮带"), True),
    Kind("return_visit_due", _("季度回访到期"), False),
    Kind("review_overdue", _("审核逾期"), True),
    Kind("summary_overdue", _("个人小结逾期"), True),
    Kind("result", _("考核结果"), True),
    Kind("log_missing", _("纪实未填报"), False),
    Kind("publicity_ending", _("公示即将结束"), False),
    Kind("goals_closing", _("年初定标即将截止"), False),
    Kind("keytask_overdue", _("目责任务逾期"), False),
    Kind("channel_test", _("渠道测试"), True),
)
KINDS: dict[str, Kind] = {k.code: k for k in _ALL}
OPTIONAL = tuple(k for k in _ALL if not k.mandatory)
CHOICES = [(k.code, k.label) for k in _ALL]
