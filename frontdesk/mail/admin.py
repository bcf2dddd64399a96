"""Admin: mailboxes, the quarantine (with raw download and reprocessing), outbound mail and suppressions.

Scoped like every admin page: brand admins see their brands' rows only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from frontdesk.mail.actions import reprocess_message, retry_outbound_message
from frontdesk.mail.models import InboundMessage, Mailbox, OutboundMessage, Suppression
from frontdesk.users.admin import BrandScopedAdmin


@admin.register(Mailbox)
class MailboxAdmin(BrandScopedAdmin):
    list_display = ("name", "brand", "kind", "is_active", "last_polled_at", "last_error")
    list_filter = ("kind", "is_active")
    list_select_related = ("brand",)
    readonly_fields = ("uidvalidity", "last_uid", "last_polled_at", "last_error")


@admin.register(InboundMessage)
class InboundMessageAdmin(BrandScopedAdmin):
    """The quarantine and the record of every received mail."""

    read_only = True
    list_display = (
        "id",
        "received_at",
        "brand",
        "status",
        "reason",
        "sender",
        "subject",
        "ticket",
        "raw_link",
    )
    list_filter = ("status", "reason")
    list_select_related = ("brand", "ticket")
    search_fields = ("message_id", "sender", "sha256")
    exclude = ("raw",)
    actions = ("reprocess",)
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).defer("raw")

    @admin.display(description=_("raw mail"))
    def raw_link(self, obj: InboundMessage) -> str:
        url = reverse("admin:mail_inboundmessage_raw", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("download"))

    def get_urls(self) -> list[URLPattern]:
        raw = path(
            "<int:pk>/raw/", self.admin_site.admin_view(self.download_raw), name="mail_inboundmessage_raw"
        )
        return [raw, *super().get_urls()]

    def download_raw(self, request: HttpRequest, pk: int) -> HttpResponse:
        inbound = InboundMessage.objects.filter(pk=pk).first()
        if inbound is None or not self.has_view_permission(request, inbound):
            raise Http404
        response = HttpResponse(bytes(inbound.raw), content_type="message/rfc822")
        response["Content-Disposition"] = f'attachment; filename="message-{inbound.pk}.eml"'
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @admin.action(description=_("Process again"))
    def reprocess(self, request: HttpRequest, queryset: QuerySet[InboundMessage]) -> None:
        count = sum(reprocess_message(inbound) for inbound in queryset.defer("raw"))
        self.message_user(
            request,
            ngettext("%(count)d message queued again.", "%(count)d messages queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(OutboundMessage)
class OutboundMessageAdmin(BrandScopedAdmin):
    read_only = True
    list_display = (
        "id",
        "created_at",
        "brand",
        "kind",
        "recipient",
        "status",
        "reason",
        "attempts",
        "last_error",
    )
    list_filter = ("status", "kind")
    list_select_related = ("brand",)
    search_fields = ("recipient", "message_id")
    actions = ("retry",)
    show_full_result_count = False

    @admin.action(description=_("Send again"))
    def retry(self, request: HttpRequest, queryset: QuerySet[OutboundMessage]) -> None:
        count = sum(retry_outbound_message(outbound) for outbound in queryset)
        self.message_user(
            request,
            ngettext("%(count)d mail queued again.", "%(count)d mails queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Suppression)
class SuppressionAdmin(BrandScopedAdmin):
    list_display = ("address", "brand", "until", "reason")
    list_select_related = ("brand",)
    search_fields = ("address",)
