"""Triggers in the admin: a brand admin picks the events, adds conditions and actions as rows (values checked
when saved, so a bad one is a form error) and reads the log of recent runs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from frontdesk.automation.choices import ConditionField
from frontdesk.automation.models import Trigger, TriggerAction, TriggerCondition, TriggerRun
from frontdesk.automation.rules import ENTITIES, check_template, describe, entity_rows, template_languages
from frontdesk.tickets.choices import EventKind
from frontdesk.users.admin import BrandScopedAdmin, request_actor

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

RECENT_RUNS = 10
# At most this many names of each kind are listed as a reminder on a trigger's page.
LISTED = 30


class TriggerForm(forms.ModelForm):  # type: ignore[type-arg]
    event_kinds = forms.MultipleChoiceField(
        label=_("events"), choices=EventKind.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Trigger
        fields = ("brand", "name", "description", "position", "is_active", "event_kinds", "match")


def _text_field(language: _StrPromise) -> forms.CharField:
    return forms.CharField(
        label=language,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_("Sent to customers who read this language instead of the text above (optional)."),
    )


class TriggerActionForm(forms.ModelForm):  # type: ignore[type-arg]
    """The template in the default text, and optionally one per language (the customer's is chosen)."""

    # One per language of the site (settings.LANGUAGES).
    text_en = _text_field(_("text in English"))
    text_ru = _text_field(_("text in Russian"))
    text_pl = _text_field(_("text in Polish"))

    class Meta:
        model = TriggerAction
        fields = ("position", "action", "value", "text")
        widgets = {"text": forms.Textarea(attrs={"rows": 3, "cols": 60})}
        help_texts = {
            "value": _(
                "A status, a priority, tags separated by commas, a category, team or agent (by id or name; "
                "“none” to clear) or a webhook endpoint id, as the action needs."
            ),
            "text": _(
                "For a note or a reply: a mail template with {{ number }}, {{ subject }}, {{ customer_name }}, "
                "{{ ticket_url }}, {{ ticket.status }}, {{ brand.name }} and the mail templates' tags."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code in template_languages():
            if f"text_{code}" in self.fields:
                self.fields[f"text_{code}"].initial = (self.instance.texts or {}).get(code, "")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for code in template_languages():
            source = str(cleaned.get(f"text_{code}") or "")
            try:
                check_template(source, f"text_{code}")
            except ValidationError as error:
                self.add_error(None, error)
        self.instance.texts = {
            code: str(cleaned.get(f"text_{code}") or "")
            for code in template_languages()
            if str(cleaned.get(f"text_{code}") or "").strip()
        }
        return cleaned


class _TriggerRows:
    """Rows of a trigger: whoever may change the trigger may change them (brand admins have no model
    permissions of their own)."""

    def _may(self, request: HttpRequest, obj: Model | None) -> bool:
        actor = request_actor(request)
        if actor.is_provider_admin:
            return True
        if obj is None:
            return bool(actor.admin_brand_ids)
        return getattr(obj, "brand_id", None) in actor.admin_brand_ids

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._may(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._may(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._may(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._may(request, obj)


class TriggerConditionInline(_TriggerRows, admin.TabularInline):  # type: ignore[type-arg]
    model = TriggerCondition
    fields = ("field", "operator", "value", "meaning")
    readonly_fields = ("meaning",)
    extra = 1

    @admin.display(description=_("stored as"))
    def meaning(self, obj: TriggerCondition) -> str:
        if obj.pk is None:
            return ""
        return describe(obj.field, obj.value, obj.trigger.brand_id)


class TriggerActionInline(_TriggerRows, admin.StackedInline):  # type: ignore[type-arg]
    model = TriggerAction
    form = TriggerActionForm
    extra = 1


class TriggerRunInline(_TriggerRows, admin.TabularInline):  # type: ignore[type-arg]
    """The latest runs, read-only (the whole log is under Trigger runs)."""

    model = TriggerRun
    fields = ("at", "ticket_number", "event_kind", "outcome", "detail")
    readonly_fields = fields
    can_delete = False
    extra = 0
    max_num = 0
    verbose_name_plural = _("latest runs")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("ticket", "event")

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    @admin.display(description=_("ticket"))
    def ticket_number(self, run: TriggerRun) -> str:
        return run.ticket.number

    @admin.display(description=_("event"))
    def event_kind(self, run: TriggerRun) -> str:
        return str(run.event.get_kind_display())


def _reference(brand_id: int) -> SafeString:
    """The brand's categories, teams, agents, organizations and request types with their ids."""
    rows = []
    for field in ENTITIES:
        names = [(str(row), row.pk) for row in entity_rows(field, brand_id).order_by("pk")[:LISTED]]
        rows.append(
            (
                ConditionField(field).label,
                format_html_join(", ", "{} (#{})", names) if names else "—",
            )
        )
    return format_html(
        "<p>{}</p>{}",
        _("Name a row by its id or its name (a category by its path, an agent by email); “none” for empty."),
        format_html_join("", "<p><strong>{}</strong>: {}</p>", rows),
    )


@admin.register(Trigger)
class TriggerAdmin(BrandScopedAdmin):
    form = TriggerForm
    inlines = (TriggerConditionInline, TriggerActionInline, TriggerRunInline)
    list_display = ("name", "brand", "position", "is_active", "events", "match", "updated_at")
    list_filter = ("is_active",)
    list_select_related = ("brand",)
    search_fields = ("name",)
    ordering = ("brand", "position", "id")

    def get_formset_kwargs(self, request: HttpRequest, obj: Any, inline: Any, prefix: str) -> dict[str, Any]:
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, TriggerRunInline):
            # A formset's queryset cannot be sliced: the latest runs by their ids.
            latest = list(
                TriggerRun.objects.filter(trigger_id=obj.pk)
                .order_by("-at", "-id")
                .values_list("pk", flat=True)[:RECENT_RUNS]
            )
            kwargs["queryset"] = kwargs["queryset"].filter(pk__in=latest)
        return kwargs

    def get_inlines(self, request: HttpRequest, obj: Model | None) -> Any:
        # A new trigger has no runs yet.
        return self.inlines if obj is not None else self.inlines[:2]

    def get_fieldsets(self, request: HttpRequest, obj: Model | None = None) -> Any:
        main = ("brand", "name", "description", "position", "is_active", "event_kinds", "match")
        if obj is None:
            return ((None, {"fields": main}),)
        return ((None, {"fields": main}), (_("Values of this brand"), {"fields": ("reference", "log")}))

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> tuple[str, ...]:
        # Conditions and actions name the brand's rows by id: a trigger stays with its brand.
        return ("brand", "reference", "log") if obj is not None else ()

    @admin.display(description=_("events"))
    def events(self, trigger: Trigger) -> str:
        labels = dict(EventKind.choices)
        return ", ".join(str(labels.get(kind, kind)) for kind in trigger.event_kinds)

    @admin.display(description=_("names and ids"))
    def reference(self, trigger: Trigger) -> SafeString:
        return _reference(trigger.brand_id)

    @admin.display(description=_("log"))
    def log(self, trigger: Trigger) -> SafeString:
        url = reverse("admin:automation_triggerrun_changelist") + f"?trigger={trigger.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Every run of this trigger"))


class TriggerFilter(admin.SimpleListFilter):
    """The triggers of the brands the person administers (never another brand's names)."""

    title = _("trigger")
    parameter_name = "trigger"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        actor = request_actor(request)
        triggers = Trigger.objects.order_by("brand_id", "position", "id")
        if not actor.is_provider_admin:
            triggers = triggers.filter(brand_id__in=sorted(actor.admin_brand_ids))
        return [(str(pk), name) for pk, name in triggers.values_list("pk", "name")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value and value.isdigit() and int(value) < 2**63:
            return queryset.filter(trigger_id=int(value))
        return queryset


@admin.register(TriggerRun)
class TriggerRunAdmin(BrandScopedAdmin):
    """The log of every trigger run: what was done, refused or skipped, on which event."""

    read_only = True
    list_display = ("at", "trigger", "brand", "ticket_number", "event_kind", "outcome", "detail")
    list_filter = ("outcome", TriggerFilter)
    list_select_related = ("trigger", "brand", "ticket", "event")
    search_fields = ("ticket__number",)
    show_full_result_count = False

    @admin.display(description=_("ticket"), ordering="ticket__number")
    def ticket_number(self, run: TriggerRun) -> str:
        return run.ticket.number

    @admin.display(description=_("event"))
    def event_kind(self, run: TriggerRun) -> str:
        return str(run.event.get_kind_display())
