from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from assessment.models import Opinion, QuarterGrade
from assessment.periods import parse_quarter_code

from .models import Appeal, Decision

GRADE_CHOICES = [("", "—")] + [
    (v, label) for v, label in QuarterGrade.choices if v != QuarterGrade.UNGRADED
]


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("个人小结"), widget=forms.Textarea(attrs={"rows": 14}), required=False
    )
    self_grade = forms.ChoiceField(
        label=_("自评等次（可选）"), choices=GRADE_CHOICES, required=False
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[(Decision.APPROVE, _("通过")), (Decision.RETURN, _("退回"))]
    )
    suggested_grade = forms.ChoiceField(label=_("建议等次"), choices=GRADE_CHOICES, required=False)
    comment = forms.CharField(
        label=_("审核意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class BulkApproveForm(forms.Form):
    suggested_grade = forms.ChoiceField(
        label=_("统一建议等次（留空则按分数段）"), choices=GRADE_CHOICES, required=False
    )


class OpinionForm(forms.Form):
    opinion = forms.ChoiceField(label=_("本人意见"), choices=Opinion.choices)
    reason = forms.CharField(
        label=_("不同意的理由"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("申诉理由"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请填写申诉理由。")},
    )

    def __init__(self, *args, agreed: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if agreed:  # the person agreed with this result: appealing withdraws that, knowingly
            self.fields["withdraw_agreement"] = forms.BooleanField(
                label=_("我已对该结果填写“同意”，现撤回同意意见并提出申诉"),
                error_messages={
                    "required": _("您已对该结果填写“同意”，申诉前请确认撤回同意意见。")
                },
            )


class AppealDecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("复核结果"),
        choices=[(Appeal.Status.UPHELD, _("维持原等次")), (Appeal.Status.CHANGED, _("变更等次"))],
    )
    new_grade = forms.ChoiceField(
        label=_("变更后的等次"), choices=[("", "—")] + list(QuarterGrade.choices), required=False
    )
    reason = forms.CharField(label=_("复核意见"), widget=forms.Textarea(attrs={"rows": 4}))


class OpenQuarterForm(forms.Form):
    quarter = forms.CharField(label=_("季度（如 2026Q4）"), max_length=6)

    def clean_quarter(self):
        try:
            return parse_quarter_code(self.cleaned_data["quarter"])
        except ValueError as exc:
            raise forms.ValidationError(_("请输入形如 2026Q4 的季度。")) from exc
