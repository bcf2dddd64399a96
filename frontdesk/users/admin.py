"""Django admin for configuration, scoped like every other read: provider admins see everything, brand admins
their own brands' settings; agents and customers do not get in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import display_for_field
from django.core.exceptions import FieldDoesNotExist
from django.db.models import BooleanField, Model, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from frontdesk.brands.models import Brand
from frontdesk.users.actors import bump_access_version, forget_tokens
from frontdesk.users.admin_site import request_actor
from frontdesk.users.models import AgentMembership, ApiToken, Customer, Organization, Team, User

__all__ = ["BrandScopedAdmin", "ProviderAdminOnly", "request_actor"]


def translated_column(model: type[Model], name: str, empty: str) -> str | Callable[[Model], Any]:
    """``name`` itself, or for a field whose verbose name Django made up from the field's name (plain text,
    so an English column header in every language) a column with the same values under that name through
    the catalogues ("brand" reads "бренд")."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    label = getattr(field, "verbose_name", None)
    if not getattr(field, "concrete", False) or not isinstance(label, str) or isinstance(label, Promise):
        return name
    boolean = isinstance(field, BooleanField)

    @admin.display(description=_(label), ordering=name, boolean=boolean)
    def column(obj: Model) -> Any:
        value = getattr(obj, name)
        return value if boolean else display_for_field(value, field, empty)  # type: ignore[arg-type]

    column.__name__ = name
    return column


class TranslatedColumns(admin.ModelAdmin):  # type: ignore[type-arg]
    """Column headers in the admin's language, also for fields without a translated verbose name."""

    def get_list_display(self, request: HttpRequest) -> Any:
        empty = self.get_empty_value_display()
        return [
            translated_column(self.model, item, empty) if isinstance(item, str) else item
            for item in super().get_list_display(request)
        ]


class ProviderAdminOnly(TranslatedColumns):
    """Objects only provider admins may touch."""

    def _allowed(self, request: HttpRequest) -> bool:
        return request_actor(request).is_provider_admin

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request)


class BrandScopedAdmin(TranslatedColumns):
    """Objects with a ``brand``: brand admins see and edit their brands' rows only; others are invisible."""

    brand_field = "brand_id"
    # Rows without a brand (shared teams) belong to provider admins.
    read_only = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        actor = request_actor(request)
        if actor.is_provider_admin:
            return qs
        return qs.filter(**{f"{self.brand_field}__in": sorted(actor.admin_brand_ids)})

    def _may(self, request: HttpRequest, obj: Model | None) -> bool:
        actor = request_actor(request)
        if actor.is_provider_admin:
            return True
        if not actor.admin_brand_ids:
            return False
        return obj is None or getattr(obj, self.brand_field) in actor.admin_brand_ids

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may(request, None)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._may(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not self.read_only and self._may(request, None)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return not self.read_only and self._may(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # History is kept for years: brand admins deactivate rather than delete.
        return not self.read_only and request_actor(request).is_provider_admin

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField:  # type: ignore[type-arg]
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        actor = request_actor(request)
        if field is not None and not actor.is_provider_admin:
            model = db_field.related_model
            if model is Brand:
                field.queryset = Brand.objects.filter(pk__in=sorted(actor.admin_brand_ids))
            elif field.queryset is not None and any(f.name == "brand" for f in model._meta.fields):
                field.queryset = field.queryset.filter(brand_id__in=sorted(actor.admin_brand_ids))
        return field  # type: ignore[return-value]


class ChangesAccess(admin.ModelAdmin):  # type: ignore[type-arg]
    """Rows that decide what a person may reach: saving or deleting one here invalidates the cached actors and
    token look-ups of the people concerned, as the actions do."""

    user_field = "user_id"

    def _people(self, obj: Model) -> set[int]:
        people = {getattr(obj, self.user_field, None)}
        if obj.pk is not None:
            # Moved from one person to another: both lose or gain access.
            people.update(
                type(obj)._default_manager.filter(pk=obj.pk).values_list(self.user_field, flat=True)
            )
        return {p for p in people if p is not None}

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        people = self._people(obj)
        super().save_model(request, obj, form, change)
        for user_id in people | self._people(obj):
            bump_access_version(user_id)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        people = self._people(obj)
        super().delete_model(request, obj)
        for user_id in people:
            bump_access_version(user_id)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        people = set(queryset.values_list(self.user_field, flat=True))
        super().delete_queryset(request, queryset)
        for user_id in people - {None}:
            bump_access_version(user_id)


@admin.register(Brand)
class BrandAdmin(BrandScopedAdmin):
    brand_field = "pk"
    list_display = ("name", "slug", "ticket_prefix", "portal_host", "is_active")
    search_fields = ("name", "slug")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request_actor(request).is_provider_admin

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> tuple[str, ...]:
        if request_actor(request).is_provider_admin:
            return ()
        return ("slug", "ticket_prefix", "is_active")

    def get_fieldsets(self, request: HttpRequest, obj: Model | None = None) -> Any:
        """Every field of the brand in the model's order, with the follow-ups of quiet requests grouped at the
        end. Listed from the model, not the form: a form that declares only its own fields (as the mail
        settings' does) leaves the others on the page."""
        fields = [
            field.name
            for field in Brand._meta.get_fields()
            if getattr(field, "concrete", False)
            and getattr(field, "editable", False)
            and not field.auto_created
            and field.name not in FOLLOW_UP_FIELDS
        ]
        return [
            (None, {"fields": fields}),
            (
                _("Follow-ups of quiet requests"),
                {
                    "fields": FOLLOW_UP_FIELDS,
                    "description": _(
                        "In calendar days; 0 turns a step off. Solved requests close, customers who do not "
                        "answer are reminded once, then their request is solved."
                    ),
                },
            ),
        ]


FOLLOW_UP_FIELDS = ("auto_close_solved_days", "pending_reminder_days", "pending_close_days")


@admin.register(Team)
class TeamAdmin(BrandScopedAdmin):
    list_display = ("name", "brand", "line", "assignment", "max_open_per_agent", "lead")
    list_filter = ("line", "assignment")
    filter_horizontal = ("members",)


@admin.register(AgentMembership)
class AgentMembershipAdmin(ChangesAccess, BrandScopedAdmin):
    list_display = ("user", "brand", "line", "role")
    list_filter = ("line", "role")
    list_select_related = ("user", "brand")
    autocomplete_fields = ("user",)


@admin.register(Organization)
class OrganizationAdmin(BrandScopedAdmin):
    list_display = ("name", "brand")
    search_fields = ("name",)


@admin.register(Customer)
class CustomerAdmin(ChangesAccess, BrandScopedAdmin):
    list_display = ("name", "email", "phone", "brand", "organization", "is_organization_manager")
    list_select_related = ("brand", "organization")
    search_fields = ("name", "email", "phone")
    readonly_fields = ("email", "phone", "user")


@admin.register(User)
class UserAdmin(ChangesAccess, ProviderAdminOnly):
    user_field = "pk"

    list_display = ("email", "name", "is_provider_admin", "is_active")
    search_fields = ("email", "name")
    exclude = ("password", "groups", "user_permissions", "access_version")
    readonly_fields = ("last_login", "date_joined")


@admin.register(ApiToken)
class ApiTokenAdmin(ProviderAdminOnly):
    list_display = ("prefix", "name", "user", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "prefix", "key_hash", "created_at", "last_used_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Tokens are created by `frontdesk token create`, which shows the key once.
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        forget_tokens([obj.key_hash])

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        forget_tokens([obj.key_hash])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        hashes = list(queryset.values_list("key_hash", flat=True))
        super().delete_queryset(request, queryset)
        forget_tokens(hashes)
