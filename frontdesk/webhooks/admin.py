"""Admin: a brand's webhook endpoints (secret shown once, rotatable, test ping) and the delivery log (read
only, send a failed one again). Scoped like every admin page: brand admins see their brands' rows only."""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from frontdesk.tickets.choices import EventKind
from frontdesk.users.admin import BrandScopedAdmin
from frontdesk.webhooks.actions import resend_deliveries, rotate_secret, send_test_ping
from frontdesk.webhooks.models import WebhookDelivery, WebhookEndpoint


def masked(secret: str) -> str:
    return f"{secret[:10]}…" if secret else ""


class WebhookEndpointForm(forms.ModelForm):  # type: ignore[type-arg]
    event_kinds = forms.MultipleChoiceField(
        label=_("events"),
        choices=EventKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Sent on their own as they happen. None: only automation triggers send here."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ("brand", "name", "url", "event_kinds", "is_active")
        help_texts = {"url": _("Where deliveries are POSTed: an https:// address.")}


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(BrandScopedAdmin):
    form = WebhookEndpointForm
    list_display = ("name", "brand", "url", "is_active", "events", "masked_secret", "log")
    list_filter = ("is_active",)
    list_select_related = ("brand",)
    search_fields = ("name", "url")
    readonly_fields = ("masked_secret", "created_at", "updated_at")
    actions = ("send_ping", "rotate")

    @admin.display(description=_("signing secret"))
    def masked_secret(self, obj: WebhookEndpoint) -> str:
        return masked(obj.secret)

    @admin.display(description=_("events"))
    def events(self, obj: WebhookEndpoint) -> str:
        labels = dict(EventKind.choices)
        return ", ".join(str(labels.get(kind, kind)) for kind in obj.event_kinds or []) or "—"

    @admin.display(description=_("deliveries"))
    def log(self, obj: WebhookEndpoint) -> str:
        url = reverse("admin:webhooks_webhookdelivery_changelist") + f"?endpoint__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, gettext("Delivery log"))

    def _show_secret(self, request: HttpRequest, endpoint: WebhookEndpoint) -> None:
        self.message_user(
            request,
            gettext(
                "The signing secret of %(name)s is %(secret)s. Copy it now into the receiving system: "
                "it is not shown again."
            )
            % {"name": endpoint.name, "secret": endpoint.secret},
            messages.WARNING,
        )

    def response_add(
        self, request: HttpRequest, obj: WebhookEndpoint, post_url_continue: str | None = None
    ) -> HttpResponse:
        self._show_secret(request, obj)
        return super().response_add(request, obj, post_url_continue)

    @admin.action(description=_("Send a test ping"))
    def send_ping(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        endpoints = list(queryset.select_related("brand"))
        for endpoint in endpoints:
            send_test_ping(endpoint)
        count = len(endpoints)
        self.message_user(
            request,
            ngettext(
                "%(count)d test ping queued: see the delivery log.",
                "%(count)d test pings queued: see the delivery log.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Rotate the signing secret"))
    def rotate(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        if not self.has_change_permission(request):
            return
        for endpoint in queryset:
            if self.has_change_permission(request, endpoint):
                self._show_secret(request, rotate_secret(endpoint))


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(BrandScopedAdmin):
    """The delivery log: what was sent where, and what the receiver answered."""

    read_only = True
    list_display = (
        "id",
        "created_at",
        "endpoint",
        "kind",
        "ticket_number",
        "status",
        "attempts",
        "response_status",
        "next_attempt_at",
    )
    # The endpoints offered are those of the deliveries this admin may see.
    list_filter = ("status", ("endpoint", admin.RelatedOnlyFieldListFilter), "kind")
    list_select_related = ("endpoint", "event__ticket")
    fields = (
        "endpoint",
        "kind",
        "ticket_number",
        "event",
        "trigger_id",
        "status",
        "attempts",
        "created_at",
        "next_attempt_at",
        "delivered_at",
        "duration_ms",
        "response_status",
        "response_excerpt",
        "error",
        "request_body",
    )
    readonly_fields = fields
    actions = ("send_again",)
    show_full_result_count = False

    @admin.display(description=_("ticket"))
    def ticket_number(self, obj: WebhookDelivery) -> str:
        return obj.event.ticket.number if obj.event is not None else "—"

    @admin.display(description=_("request body"))
    def request_body(self, obj: WebhookDelivery) -> str:
        try:
            text = json.dumps(json.loads(obj.body), indent=2, ensure_ascii=False)
        except ValueError:
            text = obj.body
        return format_html("<pre>{}</pre>", text)

    @admin.action(description=_("Send again"))
    def send_again(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        count = resend_deliveries(list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext(
                "%(count)d failed delivery queued again.", "%(count)d failed deliveries queued again.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )
