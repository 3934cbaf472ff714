"""名额组 in the admin: a district admin sets up the quota groups of their region's years
(scoped like the organisation's admin pages: another region's groups, years, units and
sections are neither listed nor offered)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from assessment.admin import RoleScopedAdmin, admin_site
from assessment.models import AssessmentYear, Section, Unit

from .models import QuotaGroup, QuotaGroupMember


class MemberFormSet(forms.BaseInlineFormSet):
    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.instance.year_id = self.instance.year_id  # the group's year
        return form

    def clean(self) -> None:
        super().clean()
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE"):
                continue
            node = data.get("section") or data.get("unit")
            if node is None:
                continue
            key = (type(node), node.pk)
            taken = QuotaGroupMember.objects.filter(
                year_id=self.instance.year_id, **{type(node).__name__.lower(): node}
            ).exclude(pk=form.instance.pk)
            if key in seen or taken.exists():
                form.add_error(None, _("%(n)s 本年度已属于一个名额组。") % {"n": node})
            seen.add(key)


class MemberInline(admin.TabularInline):
    model = QuotaGroupMember
    formset = MemberFormSet
    fields = ["unit", "section"]
    extra = 2

    def _parent(self):
        return admin_site._registry[QuotaGroup]

    def has_view_permission(self, request, obj=None) -> bool:
        return self._parent()._may(request, obj)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        regions = self._parent()._regions(request)
        if db_field.name == "unit":
            kwargs["queryset"] = Unit.objects.filter(region__in=regions, is_active=True)
        elif db_field.name == "section":
            kwargs["queryset"] = Section.objects.filter(
                region__in=regions, is_active=True
            ).select_related("unit")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(QuotaGroup, site=admin_site)
class QuotaGroupAdmin(RoleScopedAdmin):
    district_admin_may_edit = True
    list_display = ["name", "year", "split_leaders"]
    list_select_related = ["year"]
    fields = ["year", "name", "split_leaders"]
    inlines = [MemberInline]

    def get_readonly_fields(self, request, obj=None):
        return ["year"] if obj else []  # members carry the year

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "year":
            kwargs["queryset"] = AssessmentYear.objects.filter(region__in=self._regions(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change) -> None:
        obj.region_id = obj.year.region_id
        obj._change_reason = _("设置名额组")
        super().save_model(request, obj, form, change)
