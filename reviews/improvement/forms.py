from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from assessment.models import Person

from .models import DeficiencyReminder, MentoringCase

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DeficiencyForm(forms.Form):
    person = forms.ModelChoiceField(label=_("被提醒人"), queryset=Person.objects.none())
    kind = forms.ChoiceField(label=_("提醒方式"), choices=DeficiencyReminder.Kind.choices)
    category = forms.ModelChoiceField(label=_("类别"), queryset=None)
    shortfall = forms.CharField(label=_("存在的不足"), widget=forms.Textarea(attrs={"rows": 3}))
    expectation = forms.CharField(label=_("整改要求"), widget=forms.Textarea(attrs={"rows": 3}))
    due = forms.DateField(label=_("整改期限"), widget=DATE)

    def __init__(self, *args, people, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people.select_related("unit").order_by("staff_no")
        self.fields["person"].label_from_instance = lambda p: f"{p.name}（{p.unit.name}）"
        self.fields["category"].queryset = categories


class RectifyForm(forms.Form):
    rectification = forms.CharField(label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 4}))


class DeficiencyReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("验收"), choices=[("accept", _("通过（销号）")), ("return", _("退回"))]
    )
    comment = forms.CharField(
        label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignMentorForm(forms.Form):
    mentor = forms.ModelChoiceField(label=_("导师"), queryset=Person.objects.none())

    def __init__(self, *args, case: MentoringCase, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = (
            Person.objects.filter(unit_id=case.unit_id, is_active=True, user__isnull=False)
            .exclude(pk=case.person_id)
            .order_by("staff_no")
        )


class TargetsForm(forms.Form):
    targets = forms.CharField(label=_("帮带目标"), widget=forms.Textarea(attrs={"rows": 3}))


class VisitForm(forms.Form):
    date = forms.DateField(label=_("回访日期"), widget=DATE)
    summary = forms.CharField(label=_("谈话摘要"), widget=forms.Textarea(attrs={"rows": 3}))
    progress = forms.CharField(label=_("改进情况"), widget=forms.Textarea(attrs={"rows": 2}))
    next_step = forms.CharField(label=_("下一步"), widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(forms.Form):
    result = forms.ChoiceField(label=_("帮带结果"), choices=MentoringCase.Result.choices)
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
