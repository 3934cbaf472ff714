"""Django admin for system and district admins, each scoped to what the role may see.

Access follows roles, not Django's model permissions: the system admin keeps platform
settings (platforms, regions, unit categories); a district admin keeps the units, sections
and people of their own region. Nobody else gets in.
"""

from __future__ import annotations

from django.contrib import admin
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

    def _may(self, request) -> bool:
        if self._is_system(request):
            return self.system_admin_may_edit
        return self.district_admin_may_edit and bool(self._regions(request))

    def has_module_permission(self, request) -> bool:
        return self._may(request)

    has_view_permission = has_change_permission = has_add_permission = (
        lambda self, request, obj=None: self._may(request)
    )

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # deactivate instead: assessment history must keep its people and units

    def get_queryset(self, request):
        qs = super().get_queryset(request)
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
            kwargs["queryset"] = model.objects.filter(**{f"{field}__in": self._regions(request)})
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
    list_filter = ["region"]


@admin.register(Unit, site=admin_site)
class UnitAdmin(RoleScopedAdmin):
    district_admin_may_edit = True
    list_display = ["code", "name", "category", "is_pilot", "is_active"]
    list_filter = ["category", "is_pilot", "is_active"]
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
    raw_id_fields = ["user"]
    list_select_related = ["unit", "section"]
