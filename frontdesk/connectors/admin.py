"""Admin: a brand's connectors (the webhook address to give the network, the secret shown once, Telegram's
webhook or polling, the last error), the raw payload log and the replies sent, both read only. Scoped like
every admin page: brand admins see their brands' rows only."""

from __future__ import annotations

import json
import re

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from frontdesk.connectors.actions import prepare_connector, resend_replies, set_receive_mode, webhook_url
from frontdesk.connectors.choices import ConnectorKind, ReceiveMode
from frontdesk.connectors.models import Connector, RawPayload, SocialReply, generate_secret
from frontdesk.core.errors import DomainError
from frontdesk.users.admin import BrandScopedAdmin
from frontdesk.users.admin_site import request_actor

# What @BotFather gives: the bot's number, a colon, a key (about 35 characters of [A-Za-z0-9_-]).
TELEGRAM_TOKEN = re.compile(r"[0-9]{1,20}:[A-Za-z0-9_-]{1,100}")


def masked(secret: str) -> str:
    return f"{secret[:6]}…" if secret else "—"


class ConnectorForm(forms.ModelForm):  # type: ignore[type-arg]
    bot_token = forms.CharField(
        label=_("bot token"),
        required=False,
        widget=forms.PasswordInput(render_value=True),
        help_text=_("Telegram: the token @BotFather gave the bot."),
    )
    access_token = forms.CharField(
        label=_("access token"),
        required=False,
        widget=forms.PasswordInput(render_value=True),
        help_text=_("VK: a community access token with the rights to messages and the wall."),
    )

    class Meta:
        model = Connector
        fields = (
            "brand",
            "kind",
            "name",
            "is_enabled",
            "mode",
            "bot_token",
            "access_token",
            "group_id",
            "confirmation_code",
        )
        help_texts = {
            "mode": _(
                "Telegram and VK. Webhook: the network calls us (Telegram: set it with the action on the list; VK:"
                " the Callback API). Polling: the worker asks every minute (VK: switch on the Long Poll API)."
            ),
            "group_id": _("VK: the community's number, as in the Callback API settings."),
            "confirmation_code": _("VK: the string the Callback API settings ask the server to return."),
        }

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == ConnectorKind.TELEGRAM and not data.get("bot_token"):
            self.add_error("bot_token", gettext("A Telegram bot needs its token."))
        elif kind == ConnectorKind.TELEGRAM and not TELEGRAM_TOKEN.fullmatch(str(data["bot_token"]).strip()):
            self.add_error(
                "bot_token",
                gettext(
                    "A Telegram bot token is the bot's number, a colon and a key of letters, digits, - and _ "
                    "(123456789:AAF…), as @BotFather gave it."
                ),
            )
        if kind == ConnectorKind.VK:
            if not data.get("access_token"):
                self.add_error("access_token", gettext("A VK community needs an access token."))
            if not str(data.get("group_id") or "").isdigit():
                self.add_error("group_id", gettext("Enter the community's number."))
        if kind not in (ConnectorKind.TELEGRAM, ConnectorKind.VK) and data.get("mode") == ReceiveMode.POLLING:
            self.add_error("mode", gettext("Only Telegram bots and VK communities can be polled."))
        return data


@admin.register(Connector)
class ConnectorAdmin(BrandScopedAdmin):
    form = ConnectorForm
    list_display = ("name", "brand", "kind", "is_enabled", "mode", "address", "last_error_short", "log")
    list_filter = ("kind", "is_enabled")
    list_select_related = ("brand",)
    search_fields = ("name",)
    readonly_fields = ("address", "masked_secret", "cursor", "polled_at", "last_error", "last_error_at")
    actions = ("use_webhook", "use_polling", "rotate")

    @admin.display(description=_("address for the network"))
    def address(self, obj: Connector) -> str:
        return webhook_url(obj) if obj.pk else "—"

    @admin.display(description=_("secret"))
    def masked_secret(self, obj: Connector) -> str:
        return masked(obj.secret)

    @admin.display(description=_("last error"))
    def last_error_short(self, obj: Connector) -> str:
        return obj.last_error[:120] or "—"

    @admin.display(description=_("raw payloads"))
    def log(self, obj: Connector) -> str:
        url = reverse("admin:connectors_rawpayload_changelist") + f"?connector__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, gettext("Payload log"))

    def _show_secret(self, request: HttpRequest, connector: Connector) -> None:
        self.message_user(
            request,
            gettext(
                "The secret of %(name)s is %(secret)s. VK: enter it as the secret key of the Callback API. "
                "Inbound webhook: the sender signs with it. It is not shown again."
            )
            % {"name": connector.name, "secret": connector.secret},
            messages.WARNING,
        )

    def save_model(self, request: HttpRequest, obj: Connector, form: forms.Form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        prepare_connector(obj, actor=request_actor(request))

    def response_add(
        self, request: HttpRequest, obj: Connector, post_url_continue: str | None = None
    ) -> HttpResponse:
        if obj.kind != ConnectorKind.TELEGRAM:
            self._show_secret(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def _switch(self, request: HttpRequest, queryset: QuerySet[Connector], mode: str) -> None:
        actor = request_actor(request)
        done = refused = 0
        for connector in queryset.filter(kind=ConnectorKind.TELEGRAM).select_related("brand"):
            if not self.has_change_permission(request, connector):
                continue
            try:
                set_receive_mode(connector, actor=actor, mode=mode)
                done += 1
            except DomainError as error:
                refused += 1
                self.message_user(request, f"{connector.name}: {error.detail}", messages.ERROR)
        if done or not refused:  # after a refusal, its error alone says what happened
            self.message_user(
                request,
                ngettext("%(count)d Telegram bot switched.", "%(count)d Telegram bots switched.", done)
                % {"count": done},
                messages.SUCCESS if done else messages.WARNING,
            )

    @admin.action(description=_("Telegram: set the webhook"))
    def use_webhook(self, request: HttpRequest, queryset: QuerySet[Connector]) -> None:
        self._switch(request, queryset, ReceiveMode.WEBHOOK)

    @admin.action(description=_("Telegram: remove the webhook and poll"))
    def use_polling(self, request: HttpRequest, queryset: QuerySet[Connector]) -> None:
        self._switch(request, queryset, ReceiveMode.POLLING)

    @admin.action(description=_("Rotate the secret"))
    def rotate(self, request: HttpRequest, queryset: QuerySet[Connector]) -> None:
        for connector in queryset:
            if self.has_change_permission(request, connector):
                connector.secret = generate_secret()
                connector.save(update_fields=["secret", "updated_at"])
                if connector.kind == ConnectorKind.TELEGRAM:
                    self.message_user(
                        request,
                        gettext(
                            "The secret of %(name)s was changed. Telegram still sends the old one: run "
                            "\u201cTelegram: set the webhook\u201d for this bot again, or its updates are refused."
                        )
                        % {"name": connector.name},
                        messages.WARNING,
                    )
                else:
                    self._show_secret(request, connector)


@admin.register(RawPayload)
class RawPayloadAdmin(BrandScopedAdmin):
    """What the networks sent, exactly as received, and how processing went."""

    read_only = True
    list_display = (
        "id",
        "received_at",
        "connector",
        "external_id",
        "processed_at",
        "attempts",
        "error_short",
    )
    list_filter = (("connector", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("connector",)
    fields = (
        "connector",
        "external_id",
        "received_at",
        "processed_at",
        "attempts",
        "error",
        "pretty_payload",
    )
    readonly_fields = fields
    show_full_result_count = False

    @admin.display(description=_("error"))
    def error_short(self, obj: RawPayload) -> str:
        return obj.error[:120] or "—"

    @admin.display(description=_("payload"))
    def pretty_payload(self, obj: RawPayload) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.payload, indent=2, ensure_ascii=False))


@admin.register(SocialReply)
class SocialReplyAdmin(BrandScopedAdmin):
    """Answers sent to the networks: from tickets of private conversations and from the social inbox."""

    read_only = True
    list_display = ("id", "created_at", "connector", "status", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("status", ("connector", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("connector",)
    fields = (
        "connector",
        "event",
        "thread",
        "item",
        "text",
        "status",
        "attempts",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "external_id",
        "error",
    )
    readonly_fields = fields
    actions = ("send_again",)
    show_full_result_count = False

    @admin.action(description=_("Send again"))
    def send_again(self, request: HttpRequest, queryset: QuerySet[SocialReply]) -> None:
        count = resend_replies(list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%(count)d failed reply queued again.", "%(count)d failed replies queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )
