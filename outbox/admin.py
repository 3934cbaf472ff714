"""The outbox in the system admin's 管理后台, read-only: what waits for the broker and why."""

from __future__ import annotations

from django.contrib import admin
from django.http import Http404

from assessment.admin import admin_site
from assessment.models import Role
from assessment.tenancy import scope_for

from .models import OutboxMessage


@admin.register(OutboxMessage, site=admin_site)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("task", "created", "sent_at", "attempts", "last_error")
    list_filter = (("sent_at", admin.EmptyFieldListFilter),)
    search_fields = ("task", "task_id")
    date_hierarchy = "created"
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    list_per_page = 100

    def _system(self, request) -> bool:
        return scope_for(request.user).has(Role.SYSTEM_ADMIN)

    def has_module_permission(self, request) -> bool:
        return self._system(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._system(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def _system_or_404(self, request, object_id) -> None:
        """Anyone else gets 404 for every message, existing or not (as the other admin pages)."""
        if not self._system(request) or self.get_object(request, object_id) is None:
            raise Http404

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._system_or_404(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        raise Http404  # read-only: nothing is deleted here

    def history_view(self, request, object_id, extra_context=None):
        self._system_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)
