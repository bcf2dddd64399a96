"""Admin: a brand's live chat settings (on or off, allowed websites, greetings, limits) with the snippet to
put on the website. Scoped like every admin page: brand admins see and change their brands' settings only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from frontdesk.chat.embed import snippet
from frontdesk.chat.models import ChatSettings
from frontdesk.chat.origins import clean_origins
from frontdesk.users.admin import BrandScopedAdmin

LANGUAGES = ("en", "ru", "pl")
# A file travels base64-encoded in one socket frame, and the ASGI server takes frames of up to 16 MiB.
MAX_CHAT_FILE_BYTES = 12 * 1024 * 1024
MAX_GREETING = 500


class ChatSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    allowed_origins = forms.CharField(
        label=_("allowed website origins"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One website address per line, e.g. https://www.example.com (scheme, host and port; no path). "
            "The help desk's own address is always allowed."
        ),
    )

    class Meta:
        model = ChatSettings
        fields = (
            "brand",
            "is_enabled",
            "allowed_origins",
            "greetings",
            "max_chats_per_agent",
            "max_attachment_bytes",
            "messages_per_minute",
        )
        help_texts = {
            "greetings": _('What the chat says first, by language: {"en": "Hello! How can we help?"}.'),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:
            self.initial["allowed_origins"] = "\n".join(self.instance.allowed_origins or [])

    def clean_allowed_origins(self) -> list[str]:
        lines = [line.strip() for line in (self.cleaned_data.get("allowed_origins") or "").splitlines()]
        return clean_origins([line for line in lines if line])

    def clean_greetings(self) -> dict[str, str]:
        value = self.cleaned_data.get("greetings") or {}
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise ValidationError(_('Give an object of texts by language, e.g. {"en": "...", "ru": "..."}.'))
        unknown = sorted(set(value) - set(LANGUAGES))
        if unknown:
            raise ValidationError(
                _("Languages are chosen from en, ru and pl (not %(languages)s)."),
                params={"languages": ", ".join(unknown)},
            )
        if any(len(v) > MAX_GREETING for v in value.values()):
            raise ValidationError(
                _("A greeting has at most %(max)d characters."), params={"max": MAX_GREETING}
            )
        return {k: v.strip() for k, v in value.items()}

    def _between(self, field: str, low: int, high: int) -> int:
        value = self.cleaned_data.get(field)
        if value is None or not low <= value <= high:
            raise ValidationError(
                _("Choose a number from %(low)d to %(high)d."), params={"low": low, "high": high}
            )
        return int(value)

    def clean_max_chats_per_agent(self) -> int:
        return self._between("max_chats_per_agent", 1, 20)

    def clean_max_attachment_bytes(self) -> int:
        return self._between(
            "max_attachment_bytes", 1, min(int(settings.FRONTDESK_MAX_ATTACHMENT_BYTES), MAX_CHAT_FILE_BYTES)
        )

    def clean_messages_per_minute(self) -> int:
        return self._between("messages_per_minute", 1, 600)


@admin.register(ChatSettings)
class ChatSettingsAdmin(BrandScopedAdmin):
    form = ChatSettingsForm
    list_display = ("brand", "is_enabled", "origins", "max_chats_per_agent", "try_it")
    list_filter = ("is_enabled",)
    list_select_related = ("brand",)
    readonly_fields = ("embed_snippet", "created_at", "updated_at")

    @admin.display(description=_("allowed website origins"))
    def origins(self, obj: ChatSettings) -> str:
        return ", ".join(obj.allowed_origins or []) or "—"

    @admin.display(description=_("try it"))
    def try_it(self, obj: ChatSettings) -> SafeString | str:
        if not obj.is_enabled:
            return "—"
        url = reverse("chat:try", args=[obj.brand.slug])
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, gettext("Try the chat"))

    @admin.display(description=_("snippet for the website"))
    def embed_snippet(self, obj: ChatSettings) -> SafeString | str:
        if obj.pk is None:
            return gettext("Save the settings to see the snippet.")
        return format_html(
            '<pre class="chat-snippet">{}</pre><p>{}</p>',
            snippet(obj.brand),
            gettext("Put this line into every page of the website where the chat should appear."),
        )
