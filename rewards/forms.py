from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from assessment.forms import PersonRecordForm
from assessment.uploads import validate_upload

from .models import (
    REWARD_TYPES,
    BonusPool,
    BonusRule,
    RewardKind,
    RewardRecord,
    SecondedMode,
)


class RewardRecordForm(PersonRecordForm):
    not_found = _("未找到该姓名或工号的人员，或您无权为其录入奖惩。")

    class Meta:
        model = RewardRecord
        fields = [
            "staff_no",
            "kind",
            "type",
            "level",
            "date",
            "issuer",
            "document_no",
            "reason",
            "blocks_until",
            "evidence",
        ]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "blocks_until": forms.DateInput(attrs={"type": "date"}),
            "reason": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if not upload or not hasattr(upload, "read"):
            return upload
        try:
            self.instance.evidence_type = validate_upload(upload)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc
        self.instance.evidence_name = upload.name[:200]
        return upload

    def clean(self):
        data = super().clean()
        kind, type_ = data.get("kind"), data.get("type")
        day, until = data.get("date"), data.get("blocks_until")
        if kind and type_ and (kind == RewardKind.REWARD) != (type_ in REWARD_TYPES):
            self.add_error("type", _("奖惩种类与类别不一致。"))
        if until and kind == RewardKind.REWARD:
            self.add_error("blocks_until", _("只有惩戒才有影响期。"))
        if day and until and until < day:
            self.add_error("blocks_until", _("影响期截止不能早于奖惩日期。"))
        return data


# ---------------------------------------------------------------------------------------------
# Bonus pool (奖金池)

YUAN = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal(0)}


def to_fen(value: Decimal | None) -> int | None:
    return None if value is None else int(value * 100)


def to_yuan(fen: int | None) -> Decimal | None:
    return None if fen is None else Decimal(fen) / 100


class BonusRuleForm(forms.ModelForm):
    cap = forms.DecimalField(
        label=_("最高最低差额上限（元）"),
        required=False,
        help_text=_("公务员最高与最低奖金之差不超过此数；留空表示不设上限。"),
        **YUAN,
    )
    per_capita_limit = forms.DecimalField(
        label=_("人均金额上限（元/人·期）"),
        required=False,
        help_text=_("单位奖金池不得超过 人均上限 × 参与分配人数；留空表示不限。"),
        **YUAN,
    )

    class Meta:
        model = BonusRule
        fields = [
            "points_good",
            "points_fairly_good",
            "points_average",
            "points_poor",
            "points_reward_national",
            "points_reward_provincial",
            "points_reward_city",
            "points_reward_district",
            "points_reward_unit",
            "minus_minor",
            "minus_general",
            "minus_serious",
            "base_percent",
            "ungraded_mode",
            "seconded_mode",
            "pays_quarterly",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cap"].initial = to_yuan(self.instance.cap_fen)
        self.fields["per_capita_limit"].initial = to_yuan(self.instance.per_capita_limit_fen)
        for name in self.Meta.fields[:12]:
            self.fields[name].min_value = Decimal(0)
            self.fields[name].validators.append(MinValueValidator(Decimal(0)))
        self.fields["base_percent"].validators += [
            MinValueValidator(Decimal(0)),
            MaxValueValidator(Decimal(100)),
        ]

    def save(self, commit=True):
        self.instance.cap_fen = to_fen(self.cleaned_data.get("cap"))
        self.instance.per_capita_limit_fen = to_fen(self.cleaned_data.get("per_capita_limit"))
        return super().save(commit=commit)


class BonusPoolForm(forms.ModelForm):
    amount = forms.DecimalField(label=_("奖金池金额（元）"), **YUAN)
    seconded_amount = forms.DecimalField(
        label=_("借用人员奖金池金额（元）"),
        required=False,
        help_text=_("仅当借用人员“单独设奖金池”时填写。"),
        **YUAN,
    )

    class Meta:
        model = BonusPool
        fields = ["year", "quarter", "seconded_mode"]
        widgets = {
            "quarter": forms.Select(
                choices=[(0, _("全年"))] + [(q, f"第{q}季度") for q in range(1, 5)]
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].validators += [MinValueValidator(2000), MaxValueValidator(2100)]
        if self.instance.pk:
            self.fields["amount"].initial = to_yuan(self.instance.amount_fen)
            self.fields["seconded_amount"].initial = to_yuan(self.instance.seconded_amount_fen)
            # the period of an existing pool is fixed (its history and locks belong to it)
            del self.fields["year"], self.fields["quarter"]

    def clean(self):
        data = super().clean()
        if data.get("seconded_mode") == SecondedMode.OWN and not data.get("seconded_amount"):
            self.add_error("seconded_amount", _("借用人员单独设奖金池时请填写金额。"))
        return data

    def save(self, commit=True):
        self.instance.amount_fen = to_fen(self.cleaned_data["amount"])
        self.instance.seconded_amount_fen = to_fen(self.cleaned_data.get("seconded_amount")) or 0
        return super().save(commit=commit)


POINT = {"max_digits": 5, "decimal_places": 1, "min_value": Decimal(0)}


class SimulateForm(forms.Form):
    """What-if: the pool's amount and the rule's point table, base share and cap, changed."""

    amount = forms.DecimalField(label=_("奖金池金额（元）"), **YUAN)
    points_good = forms.DecimalField(label=_("好"), **POINT)
    points_fairly_good = forms.DecimalField(label=_("较好"), **POINT)
    points_average = forms.DecimalField(label=_("一般"), **POINT)
    points_poor = forms.DecimalField(label=_("较差"), **POINT)
    base_percent = forms.DecimalField(
        label=_("基础份额（%）"), max_digits=5, decimal_places=2, min_value=0, max_value=100
    )
    cap = forms.DecimalField(label=_("差额上限（元）"), required=False, **YUAN)

    @classmethod
    def initial_for(cls, pool, rule) -> dict:
        return {
            "amount": to_yuan(pool.amount_fen),
            "points_good": rule.points_good,
            "points_fairly_good": rule.points_fairly_good,
            "points_average": rule.points_average,
            "points_poor": rule.points_poor,
            "base_percent": rule.base_percent,
            "cap": to_yuan(rule.cap_fen),
        }


class UnlockForm(forms.Form):
    reason = forms.CharField(
        label=_("解锁理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
