"""Admin for the knowledge base, scoped by brand: brand admins name their brands' categories and look over
articles; articles themselves are written in the desk's editor (every change a version)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from frontdesk.kb.actions import create_category, update_category
from frontdesk.kb.models import Article, ArticleTranslation, Category, Deflection
from frontdesk.users.admin import BrandScopedAdmin, request_actor


@admin.register(Category)
class KbCategoryAdmin(BrandScopedAdmin):
    list_display = ("slug", "brand", "position")
    list_select_related = ("brand",)
    search_fields = ("slug",)

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> tuple[str, ...]:
        # Addresses of the portal's category pages hang on the slug.
        return ("brand", "slug") if obj else ()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        actor = request_actor(request)
        if change:
            update_category(obj, actor=actor, names=obj.names, position=obj.position)
            return
        created = create_category(
            obj.brand, actor=actor, slug=obj.slug, names=obj.names, position=obj.position
        )
        obj.pk = created.pk


class TranslationInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ArticleTranslation
    fields = ("language", "title", "status", "version", "updated_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    # Shown within an article the brand admin may already view (``ArticleAdmin`` is scoped); never edited here.
    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return True

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(BrandScopedAdmin):
    """Articles change in the desk's editor (through the actions, with versions); the admin shows them."""

    read_only = True
    list_display = ("public_id", "brand", "status", "visibility", "category", "updated_at")
    list_filter = ("status", "visibility")
    list_select_related = ("brand", "category")
    search_fields = ("translations__title",)
    inlines = (TranslationInline,)
    show_full_result_count = False


@admin.register(Deflection)
class DeflectionAdmin(BrandScopedAdmin):
    """What request forms suggested and how the requests ended, for checking the reports."""

    read_only = True
    list_display = ("key", "brand", "language", "outcome", "had_confident", "ticket_number", "started_at")
    list_filter = ("outcome", "had_confident", "language")
    list_select_related = ("brand",)
    show_full_result_count = False
