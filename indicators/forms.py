"""Forms validate and normalise only; the services enforce the rules again."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.forms import BaseModelFormSet, modelformset_factory
from django.utils.translation import gettext_lazy as _

from assessment.forms import PersonRecordForm
from assessment.uploads import validate_upload

from .imports import MAX_FILE_BYTES
from .models import (
    TUNABLE_CATEGORIES,
    Indicator,
    IndicatorSystem,
    NegativeRecord,
    RatingLevel,
)
from .services import bounds_error, weights_errors


class SystemSettingsForm(forms.ModelForm):
    class Meta:
        model = IndicatorSystem
        fields = [
            "band_good",
            "band_fairly_good",
            "band_average",
            "min_coverage",
            "deduct_minor",
            "deduct_general",
            "deduct_serious",
            "rating_excellent",
            "rating_good",
            "rating_average",
            "rating_poor",
            "absent_day_pct",
            "leave_day_pct",
            "late_pct",
        ]

    def clean(self):
        data = super().clean()
        bands = [data.get(f) for f in ("band_good", "band_fairly_good", "band_average")]
        if None not in bands and not bands[0] > bands[1] > bands[2]:
            self.add_error("band_fairly_good", _("分数线须满足 好 > 较好 > 一般。"))
        return data


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "order",
            "category",
            "code",
            "name",
            "method",
            "weight",
            "min_weight",
            "max_weight",
        ]
        widgets = {"order": forms.NumberInput(attrs={"class": "narrow"})}

    def clean(self):
        data = super().clean()
        if data.get("weight") is not None and data.get("category") and not data.get("DELETE"):
            error = bounds_error(data)
            if error:
                self.add_error("weight", error)
        return data


class BaseIndicatorFormSet(BaseModelFormSet):
    def clean(self):
        super().clean()
        rows = [
            f.cleaned_data
            for f in self.forms
            if f.has_changed() or f.instance.pk
            if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE")
        ]
        if any(f.errors for f in self.forms):
            return
        for message in weights_errors(rows):
            raise forms.ValidationError(message)
        codes = [r["code"] for r in rows]
        if len(codes) != len(set(codes)):
            raise forms.ValidationError(_("指标代码不能重复。"))

    def rows(self) -> list[dict]:
        out = []
        for f in self.forms:
            if not f.has_changed() and not f.instance.pk:
                continue
            row = dict(f.cleaned_data)
            row["pk"] = f.instance.pk
            row["delete"] = bool(row.pop("DELETE", False))
            row.pop("id", None)
            out.append(row)
        return out


IndicatorFormSet = modelformset_factory(
    Indicator, form=IndicatorForm, formset=BaseIndicatorFormSet, extra=1, can_delete=True
)


class UnitWeightsForm(forms.Form):
    def __init__(self, *args, indicators, current: dict[int, Decimal], **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = [i for i in indicators if i.category in TUNABLE_CATEGORIES]
        for ind in self.indicators:
            self.fields[f"w_{ind.pk}"] = forms.DecimalField(
                label=f"{ind.get_category_display()} · {ind.name}",
                max_digits=5,
                decimal_places=2,
                min_value=0,
                max_value=100,
                initial=current.get(ind.pk, ind.weight),
                help_text=_("区设定 %(w)s，可调范围 %(lo)s–%(hi)s")
                % {"w": ind.weight, "lo": ind.min_weight, "hi": ind.max_weight},
            )

    def weights(self) -> dict[int, Decimal]:
        return {ind.pk: self.cleaned_data[f"w_{ind.pk}"] for ind in self.indicators}


class RatingForm(forms.Form):
    def __init__(self, *args, indicators, current: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = [i for i in indicators if i.method == "leader_rating"]
        for ind in self.indicators:
            self.fields[f"i_{ind.pk}"] = forms.ChoiceField(
                label=f"{ind.name}（{ind.weight} 分）",
                choices=[("", _("未评价")), *RatingLevel.choices],
                required=False,
                initial=current.get(ind.pk, ""),
            )

    def levels(self) -> dict[int, str]:
        return {ind.pk: self.cleaned_data[f"i_{ind.pk}"] for ind in self.indicators}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("文件"),
        help_text=_("xlsx 或 csv，第 1 行为表头；不超过 %(mb)s MB。")
        % {"mb": MAX_FILE_BYTES // 1024 // 1024},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("文件过大，上限 %(mb)s MB。") % {"mb": MAX_FILE_BYTES // 1024 // 1024}
            )
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("只支持 xlsx 或 csv 文件。"))
        return upload


class NegativeRecordForm(PersonRecordForm):
    class Meta:
        model = NegativeRecord
        fields = [
            "staff_no",
            "source",
            "type",
            "severity",
            "date",
            "in_force_until",
            "under_investigation",
            "document_no",
            "description",
            "evidence",
        ]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "in_force_until": forms.DateInput(attrs={"type": "date"}),
        }

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if upload and hasattr(upload, "read"):
            validate_upload(upload)  # type by content and extension, ≤ 10 MB
        return upload

    def clean(self):
        data = super().clean()
        day, until = data.get("date"), data.get("in_force_until")
        if day and until and until < day:
            self.add_error("in_force_until", _("影响期截止不能早于认定日期。"))
        return data


class NegativeRevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("撤销理由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "如：经核查投诉不属实、录入错误。撤销后不再扣分、不再限制“好”等次，记录保留备查。"
        ),
    )
