"""Forms for key tasks: validate and normalise; choices limited to what the account may pick."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import KeyTask, Person, Region, Role, Section, Unit
from ..tenancy import scope_for
from . import rules

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TaskTextFields(forms.Form):
    title = forms.CharField(label=_("任务名称"), max_length=200)
    target = forms.CharField(
        label=_("量化目标"),
        max_length=200,
        help_text=_("可衡量的目标，如“完成 12 个社区走访”。"),
    )
    deadline = forms.DateField(label=_("完成时限"), widget=DATE)
    description = forms.CharField(
        label=_("任务内容"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class TaskCreateForm(TaskTextFields):
    """owner is "region:<id>" or "unit:<id>", only among the nodes the account may create for."""

    owner = forms.ChoiceField(label=_("任务层级"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    field_order = ["owner", "year", "title", "target", "deadline", "description"]

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("year", timezone.localdate().year)
        super().__init__(*args, **kwargs)
        scope = scope_for(user)
        choices = [
            (f"region:{r.pk}", _("区级任务：%(name)s") % {"name": r.name})
            for r in Region.objects.filter(pk__in=scope.regions_with(Role.DISTRICT_ADMIN))
        ]
        choices += [
            (f"unit:{u.pk}", _("单位任务：%(name)s") % {"name": u.name})
            for u in Unit.objects.filter(
                pk__in=scope.units_with(*rules.UNIT_OWNER_ROLES), is_active=True
            )
        ]
        self.fields["owner"].choices = choices

    def clean_owner(self):
        # the value is one of the choices above, so the node is one the account may pick
        kind, _sep, pk = self.cleaned_data["owner"].partition(":")
        if kind == "region":
            return KeyTask.Level.REGION, {"region": Region.objects.get(pk=pk)}
        return KeyTask.Level.UNIT, {"unit": Unit.objects.select_related("region").get(pk=pk)}


class DecomposeForm(TaskTextFields):
    """assignees: the units of the region, the sections of the unit or the people of the
    section, depending on the parent's level."""

    assignees = forms.ModelMultipleChoiceField(
        label=_("分解给"), queryset=Unit.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    field_order = ["assignees", "title", "target", "deadline", "description"]

    def __init__(self, *args, parent: KeyTask, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "title": parent.title,
                "target": parent.target,
                "deadline": parent.deadline,
                "description": parent.description,
            },
        )
        super().__init__(*args, **kwargs)
        self.parent = parent
        field = self.fields["assignees"]
        taken = parent.children.exclude(status=KeyTask.Status.CANCELLED)
        if parent.level == KeyTask.Level.REGION:
            field.queryset = (
                Unit.objects.filter(region_id=parent.region_id, is_active=True)
                .exclude(pk__in=taken.values("unit_id"))
                .order_by("code")
            )
            field.label = _("分解给单位")
        elif parent.level == KeyTask.Level.UNIT:
            field.queryset = (
                Section.objects.filter(unit_id=parent.unit_id, is_active=True)
                .exclude(pk__in=taken.values("section_id"))
                .select_related("unit")
            )
            field.label_from_instance = lambda s: s.name
            field.label = _("分解给组室")
        else:
            field.queryset = Person.objects.filter(
                section_id=parent.section_id, is_active=True
            ).exclude(pk__in=taken.values("person_id"))
            field.label_from_instance = lambda p: (
                f"{p.name}（{p.position}）" if p.position else p.name
            )
            field.label = _("分解给个人")

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline > self.parent.deadline:
            raise forms.ValidationError(
                _("完成时限不能晚于上级任务的时限（%(date)s）。")
                % {"date": self.parent.deadline.isoformat()}
            )
        return deadline


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); type and size are checked by
    the service with assessment.uploads.validate_upload."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ProgressForm(forms.Form):
    percent = forms.DecimalField(
        label=_("完成进度（%）"), min_value=Decimal(0), max_value=Decimal(100), decimal_places=1
    )
    value = forms.CharField(
        label=_("完成数值"),
        max_length=100,
        required=False,
        help_text=_("可选，如“已走访 8 个社区”。"),
    )
    note = forms.CharField(label=_("进展说明"), widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(
        label=_("佐证材料"),
        required=False,
        help_text=_(
            "可选，最多 5 个文件，每个不超过 10 MB；支持 PDF、Word、Excel、PowerPoint、图片。"
        ),
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("督办意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
