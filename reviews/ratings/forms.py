"""Forms of peer rounds, ballots, cards, moderation, cases and the public page: they validate
and normalise only; choices are limited to the unit being managed."""

from __future__ import annotations

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessment.models import Person

from .models import BAD_LEVELS, BAD_TAGS, PeerRound, PublicLevel

PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
QUARTER_CHOICES = [("", _("年度民主测评"))] + [
    (str(n), _("第%(n)s季度") % {"n": n}) for n in (1, 2, 3, 4)
]


class PeerRoundForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("季度"), choices=QUARTER_CHOICES, coerce=int, empty_value=None, required=False
    )
    scope = forms.ChoiceField(label=_("互评范围"), choices=PeerRound.Scope.choices)
    people = forms.ModelMultipleChoiceField(
        label=_("指定人员（仅“指定人员互评”）"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    opens_on = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label=_("截止日期"), widget=forms.DateInput(attrs={"type": "date"}))
    allow_comment = forms.BooleanField(label=_("允许填写评语"), required=False, initial=True)

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = Person.objects.filter(unit=unit, is_active=True).order_by(
            "staff_no"
        )
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["opens_on"].initial = today

    def clean(self):
        data = super().clean()
        start, end = data.get("opens_on"), data.get("closes_on")
        if start and end and end < start:
            self.add_error("closes_on", _("截止日期不能早于开始日期。"))
        if data.get("scope") == PeerRound.Scope.LIST and len(data.get("people") or []) < 2:
            self.add_error("people", _("指定人员互评请至少选择 2 人。"))
        return data


def parse_ballots(post, ratees, round_: PeerRound) -> tuple[dict, dict]:
    """The ballot form's fields p<person>_<dimension> and c<person> as two dicts."""
    scores, comments = {}, {}
    for person in ratees:
        scores[person.pk] = {
            code: post.get(f"p{person.pk}_{code}", "") for code, _label in round_.dimensions
        }
        comments[person.pk] = post.get(f"c{person.pk}", "")[:1000]
    return scores, comments


class CardForm(forms.Form):
    person = forms.ModelChoiceField(label=_("人员"), queryset=Person.objects.none())
    window_no = forms.CharField(label=_("窗口号"), max_length=20, required=False)

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(unit=unit, is_active=True).order_by(
            "staff_no"
        )


class HideForm(forms.Form):
    reason = forms.CharField(label=_("隐藏原因"), max_length=200)


class CaseForm(forms.Form):
    verified = forms.TypedChoiceField(
        label=_("核实结论"),
        choices=[("1", _("属实，已整改")), ("0", _("不属实"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    rectification = forms.CharField(
        label=_("核实与整改情况"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
    return_call = forms.CharField(
        label=_("回访情况"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


LEVEL_CHOICES = [(v, label) for v, label in PublicLevel.choices]
DIM_CHOICES = [("", "—"), *LEVEL_CHOICES]


class PublicRatingForm(forms.Form):
    """The public page: one overall level, three optional dimensions, reasons and a comment
    for the two lowest levels, an optional phone. The honeypot and stamp are read by the view."""

    level = forms.TypedChoiceField(
        label=_("总体评价"),
        choices=LEVEL_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择您的总体评价。")},
    )
    efficiency = forms.TypedChoiceField(
        label=_("服务效率"), choices=DIM_CHOICES, coerce=int, required=False, empty_value=None
    )
    skill = forms.TypedChoiceField(
        label=_("服务水平"), choices=DIM_CHOICES, coerce=int, required=False, empty_value=None
    )
    attitude = forms.TypedChoiceField(
        label=_("服务态度"), choices=DIM_CHOICES, coerce=int, required=False, empty_value=None
    )
    tags = forms.MultipleChoiceField(
        label=_("不满意的原因"),
        choices=BAD_TAGS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    comment = forms.CharField(
        label=_("意见建议"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("意见建议不能超过 500 字。")},
    )
    phone = forms.CharField(
        label=_("联系电话（选填，便于回访）"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip().replace(" ", "")
        if phone and not PHONE.match(phone):
            raise forms.ValidationError(_("请填写正确的手机号或固定电话（如 0571-12345678）。"))
        return phone

    def clean(self):
        data = super().clean()
        if data.get("level") in BAD_LEVELS and not (data.get("tags") or data.get("comment")):
            self.add_error("tags", _("请选择不满意的原因或填写意见，便于我们改进。"))
        return data
