from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from assessment.models import Unit

from .kinds import OPTIONAL
from .models import Mode, WebhookChannel


class PreferencesForm(forms.Form):
    """One choice per optional kind; mandatory kinds are not offered (they cannot be turned off)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in OPTIONAL:
            self.fields[kind.code] = forms.ChoiceField(
                label=kind.label, choices=Mode.choices, widget=forms.RadioSelect
            )


class ChannelForm(forms.ModelForm):
    url = forms.URLField(label=_("Webhook 地址"), max_length=500, assume_scheme="https")

    class Meta:
        model = WebhookChannel
        fields = ["kind", "name", "url", "secret", "unit", "active"]
        widgets = {"secret": forms.PasswordInput(render_value=True)}

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.region = region
        self.fields["unit"].queryset = Unit.objects.filter(region=region).order_by("name")
        self.fields["url"].help_text = _(
            "企业微信/政务微信：…/cgi-bin/webhook/send?key=…；钉钉：…/robot/send?access_token=…"
        )

    def clean_url(self):
        url = self.cleaned_data["url"]
        if not url.startswith(("https://", "http://")):
            raise forms.ValidationError(_("地址须以 https:// 开头。"))
        return url
