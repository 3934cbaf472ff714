from __future__ import annotations

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reviews.models import Decision

from ..models import Goal, IndicatorCategory, Person, WorkLog
from .selectors import linkable_goals, linkable_tasks
from .services import LogInput


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class LogForm(forms.ModelForm):
    """Filing a log on a phone: the date defaults to today, only the content is required."""

    client_token = forms.UUIDField(widget=forms.HiddenInput)
    files = MultipleFileField(
        label=_("附件"),
        required=False,
        help_text=_("可选；PDF、Office 文档或图片，每个不超过 10 MB。"),
    )

    class Meta:
        model = WorkLog
        fields = ["date", "content", "category", "goal", "key_task"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "content": forms.Textarea(attrs={"rows": 5, "placeholder": _("今天做了什么？")}),
        }

    def __init__(self, *args, person: Person, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["date"].initial = today
        self.fields["client_token"].initial = uuid.uuid4()
        self.fields["category"].choices = [("", _("（不选）"))] + list(IndicatorCategory.choices)
        year = self.instance.date.year if self.instance.pk else today.year
        self.fields["goal"].queryset = linkable_goals(person, year)
        self.fields["key_task"].queryset = linkable_tasks(person)
        if self.instance.pk:
            del self.fields["client_token"]

    def to_input(self) -> LogInput:
        data = self.cleaned_data
        return LogInput(
            date=data["date"],
            content=data["content"],
            goal=data.get("goal"),
            key_task=data.get("key_task"),
            category=data.get("category") or "",
        )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审核"), choices=[(Decision.APPROVE, _("通过")), (Decision.RETURN, _("退回"))]
    )
    comment = forms.CharField(
        label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("点评"), widget=forms.Textarea(attrs={"rows": 2}))


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["title", "measure", "key_task"]

    def __init__(self, *args, person: Person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key_task"].queryset = linkable_tasks(person)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("修改理由"), widget=forms.Textarea(attrs={"rows": 2}))


class BulkApproveForm(forms.Form):
    logs = forms.ModelMultipleChoiceField(label=_("纪实"), queryset=WorkLog.objects.none())

    def __init__(self, *args, queue, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["logs"].queryset = queue
