from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import lockout
from .models import SECTION_ROLES, UNIT_ROLES, AuditEvent, Person, Role, Section, User

LOGIN_ERROR = _("用户名或密码不正确，或账号已被暂时锁定。")


class LoginForm(AuthenticationForm):
    """One message for a wrong password, an unknown user and a lockout: it reveals nothing."""

    error_messages = {"invalid_login": LOGIN_ERROR, "inactive": LOGIN_ERROR}

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if username and lockout.is_locked(username, self.request):
            lockout.record_failure(username, self.request)
            raise ValidationError(LOGIN_ERROR, code="invalid_login")
        try:
            cleaned = super().clean()
        except ValidationError:
            if username:
                lockout.record_failure(username, self.request)
            raise
        if self.user_cache is not None:  # a blank password passes clean(): it proves nothing
            lockout.clear_failures(username)
        return cleaned


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "name",
            "staff_no",
            "kind",
            "gender",
            "birth_date",
            "ethnicity",
            "political_status",
            "education",
            "unit",
            "section",
            "position",
            "in_post_since",
            "work_in_charge",
        ]
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "in_post_since": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        # a section's label names its unit: load the units with the sections
        self.fields["section"].queryset = Section.objects.filter(
            unit__in=units, is_active=True
        ).select_related("unit")

    def clean(self):
        cleaned = super().clean()
        unit, section = cleaned.get("unit"), cleaned.get("section")
        if unit and section and section.unit_id != unit.pk:
            self.add_error("section", _("组室必须属于所选单位。"))
        if unit and cleaned.get("staff_no"):
            clash = Person.objects.filter(region_id=unit.region_id, staff_no=cleaned["staff_no"])
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("staff_no", _("本区已有该工号的人员。"))
        return cleaned


class SectionForm(forms.Form):
    name = forms.CharField(label=_("组室名称"), max_length=100)


class RoleGrantForm(forms.Form):
    person = forms.ModelChoiceField(label=_("人员"), queryset=Person.objects.none())
    role = forms.ChoiceField(
        label=_("角色"),
        choices=[
            (r.value, r.label) for r in Role if r in UNIT_ROLES | SECTION_ROLES or r == Role.HR
        ],
    )
    section = forms.ModelChoiceField(
        label=_("组室"), queryset=Section.objects.none(), required=False
    )

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(
            unit=unit, is_active=True, user__isnull=False
        )
        self.fields["section"].queryset = Section.objects.filter(
            unit=unit, is_active=True
        ).select_related("unit")

    def clean(self):
        cleaned = super().clean()
        role, section = cleaned.get("role"), cleaned.get("section")
        if role in SECTION_ROLES and section is None:
            self.add_error("section", _("股组长、分管领导必须指定组室。"))
        if role and role not in SECTION_ROLES:
            cleaned["section"] = None
        return cleaned

    @property
    def user(self) -> User:
        return self.cleaned_data["person"].user


class AuditFilterForm(forms.Form):
    """Filters of the audit log: time range, account, kind, address, free-text search."""

    start = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    username = forms.CharField(label=_("账号"), max_length=150, required=False)
    kind = forms.ChoiceField(label=_("事件"), required=False)
    ip = forms.CharField(label=_("IP 地址"), max_length=45, required=False)
    q = forms.CharField(label=_("搜索"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("全部事件")), *AuditEvent.Kind.choices]

    def clean(self):
        data = super().clean()
        for name in ("username", "ip", "q"):
            data[name] = (data.get(name) or "").replace("\x00", "").strip()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("截止日期不能早于起始日期。"))
        return data


class PersonRecordForm(forms.ModelForm):
    """Base of the forms that record something about a person (negative records, rewards):
    the editor types a name or a staff number (an htmx search offers matches as they type);
    `people` is the editor's reach, and nobody outside it is found."""

    staff_no = forms.CharField(
        label=_("人员（姓名或工号）"),
        max_length=30,
        help_text=_("输入姓名或工号，从提示中选择；同名时请填写工号。"),
    )
    not_found = _("未找到该姓名或工号的人员。")

    def __init__(self, *args, people, search_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.people = people
        attrs = self.fields["staff_no"].widget.attrs
        attrs.update({"list": "person-options", "autocomplete": "off"})
        if search_url:  # the matches fill the <datalist> the form template renders
            attrs.update(
                {
                    "hx-get": search_url,
                    "hx-trigger": "input changed delay:300ms",
                    "hx-target": "#person-options",
                }
            )
        if self.instance.pk and self.instance.person_id and not self.is_bound:
            self.initial["staff_no"] = self.instance.person.staff_no

    def clean_staff_no(self):
        typed = self.cleaned_data["staff_no"].strip()
        person = self.people.filter(staff_no__iexact=typed).first()
        if person is None:
            named = list(self.people.filter(name=typed).select_related("unit")[:6])
            if len(named) > 1:
                raise forms.ValidationError(
                    _("有多位人员名为“%(name)s”：%(who)s。请填写工号。")
                    % {
                        "name": typed,
                        "who": "、".join(f"{p.staff_no}（{p.unit.name}）" for p in named),
                    }
                )
            person = named[0] if named else None
        if person is None:
            raise forms.ValidationError(self.not_found)
        self.instance.person = person
        return person.staff_no
