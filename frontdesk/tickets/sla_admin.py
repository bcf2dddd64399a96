"""Service-level policies in the admin: a brand admin sets the conditions (from the brand's own categories,
organizations and calendars) and the targets in business minutes; existing tickets are worked out again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from frontdesk.sla.models import Calendar, SlaPolicy
from frontdesk.tickets.choices import OPEN_STATUSES, Channel, Priority, Status
from frontdesk.tickets.models import Category, Ticket
from frontdesk.tickets.sla import apply_service_levels
from frontdesk.users.admin import BrandScopedAdmin
from frontdesk.users.choices import CustomerTier
from frontdesk.users.models import Customer, Organization

# A target longer than a year is a typo, not a promise (and would put deadlines centuries ahead).
MAX_TARGET_MINUTES = 365 * 24 * 60
TARGET_FIELDS = (
    "first_response_minutes",
    "next_response_minutes",
    "resolution_minutes",
    "update_interval_minutes",
)
# A policy change re-works at most this many open tickets at once; the rest follow their next change.
RECOMPUTE_LIMIT = 5000


class SlaPolicyForm(forms.ModelForm):  # type: ignore[type-arg]
    priorities = forms.MultipleChoiceField(
        label=_("priorities"), choices=Priority.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    channels = forms.MultipleChoiceField(
        label=_("channels"), choices=Channel.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("categories"), queryset=Category.objects.none(), required=False
    )
    organizations = forms.ModelMultipleChoiceField(
        label=_("organizations"), queryset=Organization.objects.none(), required=False
    )
    customer_tiers = forms.MultipleChoiceField(
        label=_("customer tiers"),
        choices=CustomerTier.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The customer's own tier, else their organization's, else standard."),
    )
    pause_statuses = forms.MultipleChoiceField(
        label=_("statuses that pause the clock"),
        choices=[(s, label) for s, label in Status.choices if s in OPEN_STATUSES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = SlaPolicy
        fields = [
            "brand",
            "name",
            "position",
            "is_active",
            "priorities",
            "channels",
            "customer_tiers",
            "first_response_minutes",
            "next_response_minutes",
            "resolution_minutes",
            "update_interval_minutes",
            "pause_statuses",
            "warn_at_percent",
            "calendar",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        brand_ids = self._brand_ids()
        categories, organizations = self.fields["categories"], self.fields["organizations"]
        assert isinstance(categories, forms.ModelMultipleChoiceField)
        assert isinstance(organizations, forms.ModelMultipleChoiceField)
        categories.queryset = Category.objects.filter(brand_id__in=brand_ids, is_active=True)
        organizations.queryset = Organization.objects.filter(brand_id__in=brand_ids)
        if self.instance.pk:
            self.initial["categories"] = list(self.instance.category_ids)
            self.initial["organizations"] = list(self.instance.organization_ids)
        else:
            # A new policy starts with the model's pausing statuses (waiting for the customer or a third party).
            default = SlaPolicy._meta.get_field("pause_statuses").get_default()
            self.initial["pause_statuses"] = list(default)

    def _brand_ids(self) -> list[int]:
        field = self.fields.get("brand")
        queryset = getattr(field, "queryset", None)
        return list(queryset.values_list("pk", flat=True)) if queryset is not None else []

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        for name in TARGET_FIELDS:
            value = data.get(name)
            if value is not None and value > MAX_TARGET_MINUTES:
                self.add_error(name, _("At most a year of business minutes (525,600)."))
        brand = data.get("brand")
        if brand is None:
            return data
        for field in ("categories", "organizations"):
            if any(row.brand_id != brand.pk for row in data.get(field) or []):
                self.add_error(field, _("Choose among the brand's own."))
        calendar: Calendar | None = data.get("calendar")
        if calendar is not None and calendar.brand_id != brand.pk:
            self.add_error("calendar", _("Choose among the brand's own."))
        warn = data.get("warn_at_percent")
        if warn is not None and not 1 <= warn <= 100:
            self.add_error("warn_at_percent", _("Between 1 and 100."))
        targets = (
            "first_response_minutes",
            "next_response_minutes",
            "resolution_minutes",
            "update_interval_minutes",
        )
        if not any(data.get(field) for field in targets):
            self.add_error(None, _("Set at least one target."))
        return data

    def save(self, commit: bool = True) -> SlaPolicy:
        policy: SlaPolicy = super().save(commit=False)
        policy.priorities = list(self.cleaned_data.get("priorities") or [])
        policy.channels = list(self.cleaned_data.get("channels") or [])
        policy.pause_statuses = list(self.cleaned_data.get("pause_statuses") or [])
        policy.category_ids = sorted(row.pk for row in self.cleaned_data.get("categories") or [])
        policy.organization_ids = sorted(row.pk for row in self.cleaned_data.get("organizations") or [])
        if commit:
            policy.save()
        return policy


@admin.register(SlaPolicy)
class SlaPolicyAdmin(BrandScopedAdmin):
    form = SlaPolicyForm
    list_display = (
        "name",
        "brand",
        "position",
        "is_active",
        "first_response_minutes",
        "resolution_minutes",
        "update_interval_minutes",
    )
    list_filter = ("is_active",)
    list_select_related = ("brand",)
    ordering = ("brand", "position", "id")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        open_tickets = Ticket.objects.filter(brand_id=obj.brand_id, status__in=sorted(OPEN_STATUSES))
        apply_service_levels(open_tickets.order_by("-id").values_list("pk", flat=True)[:RECOMPUTE_LIMIT])


def _reapply_after_tier_change(model: type[Any], open_tickets: Any) -> None:
    """The registered admin of ``model`` (customers, organizations) works out the service levels of the open
    tickets concerned again when a tier changes, as saving a policy does: the tier chooses the policy."""
    registered = admin.site._registry.get(model)
    if registered is None or getattr(registered, "reapplies_tiers", False):
        return
    base = type(registered)

    def save_model(self: Any, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        base.save_model(self, request, obj, form, change)
        if change and "tier" in form.changed_data:
            tickets = open_tickets(obj).filter(status__in=sorted(OPEN_STATUSES))
            apply_service_levels(tickets.order_by("-id").values_list("pk", flat=True)[:RECOMPUTE_LIMIT])

    admin.site.unregister(model)
    admin.site.register(
        model,
        type(
            base.__name__,
            (base,),
            {"save_model": save_model, "reapplies_tiers": True, "__module__": base.__module__},
        ),
    )


_reapply_after_tier_change(Customer, lambda customer: Ticket.objects.filter(customer_id=customer.pk))
_reapply_after_tier_change(Organization, lambda company: Ticket.objects.filter(organization_id=company.pk))
