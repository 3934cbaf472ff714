from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from assessment.models import AnnualContest, AnnualGrade, DecidingBody, OutcomeCode

from ..models import Decision

GRADE_CHOICES = [("", "—")] + list(AnnualGrade.choices)


class AnnualSummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("个人总结"), widget=forms.Textarea(attrs={"rows": 14}), required=False
    )
    training = forms.CharField(
        label=_("参加脱产培训情况"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


class AnnualReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("操作"), choices=[(Decision.APPROVE, _("提出建议")), (Decision.RETURN, _("退回"))]
    )
    suggested_grade = forms.ChoiceField(
        label=_("考核等次建议"), choices=GRADE_CHOICES, required=False
    )
    comment = forms.CharField(
        label=_("主管领导评语"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class OverrideForm(forms.Form):
    code = forms.ChoiceField(
        label=_("考核结论代码"),
        choices=[("", _("无（按等次评定）"))] + list(OutcomeCode.choices),
        required=False,
    )
    reason = forms.CharField(label=_("调整理由"), widget=forms.Textarea(attrs={"rows": 2}))


class ContestForm(forms.Form):
    stage = forms.ChoiceField(label=_("类型"), choices=AnnualContest.Stage.choices)
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 4}))


class ContestDecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("处理结果"),
        choices=[
            (AnnualContest.Status.UPHELD, _("维持原等次")),
            (AnnualContest.Status.CHANGED, _("变更等次")),
        ],
    )
    new_grade = forms.ChoiceField(label=_("变更后的等次"), choices=GRADE_CHOICES, required=False)
    reason = forms.CharField(label=_("处理意见"), widget=forms.Textarea(attrs={"rows": 4}))


class UnitRateForm(forms.Form):
    percent = forms.IntegerField(
        label=_("优秀比例（%）"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("留空恢复全区默认比例。"),
    )
    reason = forms.CharField(label=_("调整理由"), max_length=500)


class DecideForm(forms.Form):
    body = forms.ChoiceField(label=_("审定机关"), choices=DecidingBody.choices)
    members = forms.CharField(
        label=_("考核委员会成员"),
        required=False,
        max_length=300,
        help_text=_("由考核委员会审定时填写，如：张三（主任）、李四、王五。"),
    )
    comment = forms.CharField(label=_("审定意见"), required=False, max_length=500)

    def __init__(self, *args, bodies=(), **kwargs):
        super().__init__(*args, **kwargs)
        if bodies:
            self.fields["body"].choices = [(b, DecidingBody(b).label) for b in bodies]
