"""Admin for the ticket typology, canned answers and macros (brand admins) and a read-only view of tickets
for provider admins."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Model, Q
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from frontdesk.tickets.canned import PLACEHOLDERS
from frontdesk.tickets.categories import create_category
from frontdesk.tickets.models import CannedAnswer, Category, Macro, RequestType, Ticket
from frontdesk.users.admin import BrandScopedAdmin, request_actor

CANNED_LANGUAGES = [("", _("Any language")), ("ru", "Русский"), ("en", "English"), ("pl", "Polski")]


class CategoryAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Category
        fields = ["brand", "parent", "name", "is_active", "kb_category"]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        topic = data.get("kb_category")
        brand = data.get("brand") or (self.instance.brand if self.instance.brand_id else None)
        if topic is not None and brand is not None and topic.brand_id != brand.pk:
            self.add_error("kb_category", _("Choose a knowledge-base category of the same brand."))
        return data


@admin.register(Category)
class CategoryAdmin(BrandScopedAdmin):
    form = CategoryAdminForm
    list_display = ("path", "brand", "kb_category", "is_active")
    list_filter = ("is_active",)
    list_select_related = ("brand",)
    search_fields = ("path",)

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> tuple[str, ...]:
        # The path of every descendant hangs on names: renaming or moving is not done here.
        return ("brand", "parent", "name", "path") if obj else ("path",)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "kb_category" and field is not None and field.queryset is not None:
            # Only the knowledge-base categories of a brand the admin configures (the form checks the brand).
            actor = request_actor(request)
            if not actor.is_provider_admin:
                field.queryset = field.queryset.filter(brand_id__in=sorted(actor.admin_brand_ids))
        return field

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            obj.save(update_fields=["is_active", "kb_category", "updated_at"])
            return
        created = create_category(obj.brand, actor=request_actor(request), name=obj.name, parent=obj.parent)
        if obj.kb_category_id is not None:
            Category.objects.filter(pk=created.pk).update(kb_category=obj.kb_category_id)
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


class _BrandOrSharedAdmin(BrandScopedAdmin):
    """Rows of one brand or shared by all: brand admins need to name one of their brands; shared rows are the
    provider admins'."""

    def get_form(
        self, request: HttpRequest, obj: Model | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if not request_actor(request).is_provider_admin and "brand" in form.base_fields:
            form.base_fields["brand"].required = True
        return form


@admin.register(CannedAnswer)
class CannedAnswerAdmin(_BrandOrSharedAdmin):
    list_display = ("title", "brand", "language", "is_active")
    list_filter = ("language", "is_active")
    list_select_related = ("brand",)
    search_fields = ("title",)
    fields = ("brand", "language", "title", "body", "is_active")

    def get_form(
        self, request: HttpRequest, obj: Model | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        form.base_fields["language"].widget = forms.Select(choices=CANNED_LANGUAGES)
        form.base_fields["body"].help_text = " ".join(
            (
                str(_("Placeholders: %(names)s. Others are left as written."))
                % {"names": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)},
                str(
                    _(
                        "Write no signature: the reply mail signs every answer with the brand's signature (or the "
                        "agent's name and the brand's). A last line repeating that signature is left out when the "
                        "answer is inserted."
                    )
                ),
            )
        )
        return form


@admin.register(Macro)
class MacroAdmin(_BrandOrSharedAdmin):
    list_display = ("name", "brand", "status", "priority", "team", "canned_answer", "position", "is_active")
    list_filter = ("is_active",)
    list_select_related = ("brand", "team", "canned_answer")
    search_fields = ("name",)
    fields = (
        "brand",
        "name",
        "position",
        "status",
        "priority",
        "category",
        "team",
        "add_tags",
        "canned_answer",
        "answer_mode",
        "is_active",
    )

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        actor = request_actor(request)
        # Shared teams and answers may be used by every brand's macros.
        if not actor.is_provider_admin and db_field.name in ("team", "canned_answer") and field is not None:
            brands = sorted(actor.admin_brand_ids)
            field.queryset = db_field.related_model.objects.filter(
                Q(brand_id__in=brands) | Q(brand__isnull=True)
            )
        return field


@admin.register(RequestType)
class RequestTypeAdmin(BrandScopedAdmin):
    """What the brand's portal form offers: names, instructions, custom fields and documents as JSON (checked
    by ``tickets.request_types.check_definition``)."""

    list_display = ("slug", "brand", "position", "priority", "team", "is_active")
    list_filter = ("is_active",)
    list_select_related = ("brand", "team")
    search_fields = ("slug",)
    fields = (
        "brand",
        "slug",
        "names",
        "instructions",
        "position",
        "category",
        "team",
        "priority",
        "fields",
        "documents",
        "is_active",
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> tuple[str, ...]:
        # Tickets name their type by slug in their history.
        return ("brand", "slug") if obj else ()

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        actor = request_actor(request)
        # Shared teams may receive a brand's requests too.
        if not actor.is_provider_admin and db_field.name == "team" and field is not None:
            field.queryset = db_field.related_model.objects.filter(
                Q(brand_id__in=sorted(actor.admin_brand_ids)) | Q(brand__isnull=True)
            )
        return field


# Service-level policies name the brand's categories and organizations: their admin lives with the tickets.
from frontdesk.tickets import sla_admin  # noqa: F401
