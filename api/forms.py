from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ApiClient, Scope, parse_networks


class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("权限范围"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiClient
        fields = ["name", "scopes", "ip_allowlist", "expires_at"]
        widgets = {
            "ip_allowlist": forms.Textarea(attrs={"rows": 3}),
            "expires_at": forms.DateInput(attrs={"type": "date"}),
        }

    def clean_ip_allowlist(self):
        value = self.cleaned_data["ip_allowlist"]
        try:
            parse_networks(value)
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["ip_allowlist"]) from exc
        return value
