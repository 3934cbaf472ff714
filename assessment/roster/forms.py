from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..tables import MAX_FILE_BYTES
from .services import UsernameRule

WHOLE_REGION = ""


def _unit_field(units, *, whole_region: bool, label):
    choices = ([(WHOLE_REGION, _("全区"))] if whole_region else []) + [
        (str(u.pk), f"{u.name}（{u.code}）") for u in units
    ]
    return forms.ChoiceField(label=label, choices=choices, required=not whole_region)


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("人员名册文件"),
        help_text=_("xlsx 或 csv，第 1 行为表头，可先下载模板。上限 5 MB。"),
    )
    create_sections = forms.BooleanField(
        label=_("新建缺少的组室"),
        required=False,
        help_text=_("不勾选时，名册中本单位没有的组室作为错误报告。"),
    )

    def __init__(self, *args, units, whole_region: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {str(u.pk): u for u in units}
        self.fields = {
            "unit": _unit_field(units, whole_region=whole_region, label=_("导入范围")),
            **self.fields,
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("文件过大（%(kb)s KB），上限 5 MB。") % {"kb": upload.size // 1024}
            )
        return upload

    def clean_unit(self):
        value = self.cleaned_data["unit"]
        return self.units.get(value) if value else None


class RosterConfirmForm(forms.Form):
    reason = forms.CharField(
        label=_("导入原因"),
        max_length=200,
        help_text=_("记入每个被新建或修改人员的修改记录，例如“2026 年度人事系统名册同步”。"),
    )
    deactivate_missing = forms.BooleanField(
        label=_("停用名册中没有的在职人员"),
        required=False,
        help_text=_("停用后其角色全部终止、账号不能登录；人员和历史记录保留。"),
    )


class AccountsForm(forms.Form):
    rule = forms.ChoiceField(
        label=_("用户名规则"), choices=UsernameRule.CHOICES, initial=UsernameRule.STAFF_NO
    )

    def __init__(self, *args, units, whole_region: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {str(u.pk): u for u in units}
        self.fields = {
            "unit": _unit_field(units, whole_region=whole_region, label=_("为谁开通")),
            **self.fields,
        }

    def clean_unit(self):
        value = self.cleaned_data["unit"]
        return self.units.get(value) if value else None


class UsernameForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
