from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from assessment.forms import PersonRecordForm
from assessment.uploads import validate_upload

from .models import REWARD_TYPES, RewardKind, RewardRecord


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
