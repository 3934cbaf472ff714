"""Django admin for system and district admins, each scoped to what the role may see.

Access follows roles, not Django's model permissions: the system admin keeps platform
settings (platforms, regions, unit categories); a district admin keeps the units, sections
and people of their own region. Nobody else gets in.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import CityPlatform, Person, Region, Role, Section, Unit, UnitCategory
from .tenancy import scope_for


class PlatformAdminSite(admin.AdminSite):
    site_header = _("平时考核 · 管理后台")
    site_title = _("平时考核")
    index_title = _("系统设置")

    def has_permission(self, request) -> bool:
        user = request.user
        return user.is_active and scope_for(user).has(Role.SYSTEM_ADMIN, Role.DISTRICT_ADMIN)

    def login(self, request, extra_context=None):
        """One login path for everyone: the site's own, with lockout, audit and password expiry
        (the admin's form has none of them). Signed in without an admin role: 403."""
        if request.user.is_authenticated:
            if self.has_permission(request):
                return redirect("admin:index")
            raise PermissionDenied
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"))


admin_site = PlatformAdminSite(name="admin")


class RoleScopedAdmin(SimpleHistoryAdmin):
    """Rows visible to a role: system admins see system settings, district admins their region."""

    system_admin_may_edit = False
    district_admin_may_edit = False
    region_field = "region"

    def _regions(self, request) -> set[int]:
        return scope_for(request.user).regions_with(Role.DISTRICT_ADMIN)

    def _is_system(self, request) -> bool:
        return scope_for(request.user).has(Role.SYSTEM_ADMIN)

    def _may(self, request, obj=None) -> bool:
        if self._is_system(request):
            return self.system_admin_may_edit
        regions = self._regions(request)
        if not (self.district_admin_may_edit and regions):
            return False
        return obj is None or self._region_id(obj) in regions

    def _region_id(self, obj) -> int | None:
        return obj.pk if self.region_field == "pk" else getattr(obj, f"{self.region_field}_id")

    def has_module_permission(self, request) -> bool:
        return self._may(request)

    has_view_permission = has_change_permission = has_add_permission = (
        lambda self, request, obj=None: self._may(request, obj)
    )

    def _in_scope_or_404(self, request, object_id) -> None:
        """An object outside the role's reach is a 404 in every object view, whether or not it
        exists (a 403 for existing ids would confirm them); the history views load rows from
        the history table, past get_queryset, so they check here first."""
        if not self.has_view_permission(request) or (
            self.get_object(request, unquote(object_id)) is None
        ):
            raise Http404

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # deactivate instead: assessment history must keep its people and units

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if not self._may(request):
            return qs.none()
        if self._is_system(request):
            return qs
        return qs.filter(**{f"{self.region_field}__in": self._regions(request)})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not self._is_system(request) and db_field.name in {
            "region",
            "unit",
            "section",
            "category",
        }:
            model = db_field.remote_field.model
            field = "pk" if model is Region else "region"
            queryset = model.objects.filter(**{f"{field}__in": self._regions(request)})
            # a section's label names its unit
            kwargs["queryset"] = queryset.select_related("unit") if model is Section else queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(CityPlatform, site=admin_site)
class CityPlatformAdmin(RoleScopedAdmin):
    system_admin_may_edit = True
    list_display = ["name", "code"]


@admin.register(Region, site=admin_site)
class RegionAdmin(RoleScopedAdmin):
    system_admin_may_edit = True
    list_display = ["name", "code", "platform"]
    region_field = "pk"


@admin.register(UnitCategory, site=admin_site)
class UnitCategoryAdmin(RoleScopedAdmin):
    system_admin_may_edit = district_admin_may_edit = True
    list_display = ["name", "code", "region"]
    list_filter = [("region", admin.RelatedOnlyFieldListFilter)]  # not every region's name


@admin.register(Unit, site=admin_site)
class UnitAdmin(RoleScopedAdmin):
    district_admin_may_edit = True
    list_display = ["code", "name", "category", "is_pilot", "is_active"]
    list_filter = [("category", admin.RelatedOnlyFieldListFilter), "is_pilot", "is_active"]
    search_fields = ["name", "code"]


@admin.register(Section, site=admin_site)
class SectionAdmin(RoleScopedAdmin):
    district_admin_may_edit = True
    list_display = ["name", "unit", "is_active"]
    search_fields = ["name", "unit__name"]


@admin.register(Person, site=admin_site)
class PersonAdmin(RoleScopedAdmin):
    district_admin_may_edit = True
    list_display = ["staff_no", "name", "unit", "section", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "staff_no"]
    # linking an account is not picked by id here: any id would do, another region's too
    readonly_fields = ["user"]
    list_select_related = ["unit", "section__unit"]

    def has_change_permission(self, request, obj=None) -> bool:
        # the same rule as the roster pages: only a person whose every role you may grant
        from .services import may_change_person

        may = self._may(request, obj)
        return may and (obj is None or may_change_person(request.user, obj))
