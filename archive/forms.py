from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessment.models import Region, Unit
from assessment.periods import quarter_number

from .models import ExportJob, export_reach


def current_quarter_code() -> str:
    today = timezone.localdate()
    return f"{today.year}Q{quarter_number(today)}"


class ExportForm(forms.Form):
    sheet = forms.ChoiceField(label=_("登记表"), choices=ExportJob.Sheet.choices)
    period = forms.CharField(
        label=_("期间"), max_length=10, help_text=_("季度如 2026Q3，年度如 2026。")
    )
    unit = forms.ModelChoiceField(
        label=_("范围"), queryset=Unit.objects.none(), required=False, empty_label=_("全区")
    )
    output = forms.ChoiceField(label=_("格式"), choices=ExportJob.Output.choices)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions, units = export_reach(user)
        self.regions = list(Region.objects.filter(pk__in=regions).order_by("pk"))
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=units) | Unit.objects.filter(
            region_id__in=regions, is_active=True
        )
        self.fields["unit"].queryset = self.fields["unit"].queryset.order_by("region_id", "code")
        if not self.regions:
            self.fields["unit"].required = True
            self.fields["unit"].empty_label = None

    def clean(self):
        data = super().clean()
        unit = data.get("unit")
        if unit is not None:
            data["region"] = unit.region
        elif self.regions:
            data["region"] = self.regions[0]
        else:
            self.add_error("unit", _("请选择单位。"))
        return data
