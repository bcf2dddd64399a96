"""Admin for the ticket typology (brand admins) and a read-only view of tickets for provider admins."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from frontdesk.tickets.categories import create_category
from frontdesk.tickets.models import Category, Ticket
from frontdesk.users.admin import BrandScopedAdmin, request_actor


@admin.register(Category)
class CategoryAdmin(BrandScopedAdmin):
    list_display = ("path", "brand", "is_active")
    list_filter = ("is_active",)
    list_select_related = ("brand",)
    search_fields = ("path",)

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> tuple[str, ...]:
        # The path of every descendant hangs on names: renaming or moving is not done here.
        return ("brand", "parent", "name", "path") if obj else ("path",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            obj.save(update_fields=["is_active", "updated_at"])
            return
        created = create_category(obj.brand, actor=request_actor(request), name=obj.name, parent=obj.parent)
        obj.pk, obj.path = created.pk, created.path


@admin.register(Ticket)
class TicketAdmin(BrandScopedAdmin):
    """Tickets change only through the desk and the API; the admin shows them."""

    read_only = True
    list_display = ("number", "subject", "brand", "status", "priority", "channel", "line", "created_at")
    list_filter = ("status", "priority", "channel", "line")
    list_select_related = ("brand",)
    search_fields = ("number",)
    show_full_result_count = False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request_actor(request).is_provider_admin or super().has_module_permission(request)
