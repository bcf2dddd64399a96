"""Admin: a brand's live chat settings (on or off, allowed websites, greetings, limits) with the snippet to
put on the website. Scoped like every admin page: brand admins see and change their brands' settings only."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import formats, timezone
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
MEGABYTE = 1024 * 1024


def max_file_bytes() -> int:
    return min(int(settings.FRONTDESK_MAX_ATTACHMENT_BYTES), MAX_CHAT_FILE_BYTES)


def megabytes(value: int) -> str:
    """Bytes as megabytes for people: 5242880 → "5", 1000000 → "0.95"."""
    return f"{Decimal(value) / MEGABYTE:.2f}".rstrip("0").rstrip(".")


class ChatSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    # The file limit in megabytes (the model keeps bytes): "5" reads better than 5242880.
    max_attachment_megabytes = forms.DecimalField(
        label=_("attachment size limit (MB)"),
        min_value=Decimal("0.01"),
        max_digits=6,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "style": "width: 8em"}),
    )
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
            "messages_per_minute",
            "new_chats_per_hour",
        )
        help_texts = {
            "greetings": _('What the chat says first, by language: {"en": "Hello! How can we help?"}.'),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:
            self.initial["allowed_origins"] = "\n".join(self.instance.allowed_origins or [])
        if not self.is_bound:
            self.initial["max_attachment_megabytes"] = megabytes(self.instance.max_attachment_bytes)
        self.fields["max_attachment_megabytes"].help_text = _(
            "In megabytes (1 MB = 1,048,576 bytes); at most %(max)s MB. A file travels in one socket frame."
        ) % {"max": megabytes(max_file_bytes())}

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

    def clean_max_attachment_megabytes(self) -> Decimal:
        value = self.cleaned_data.get("max_attachment_megabytes")
        high = max_file_bytes()
        size = int(value * MEGABYTE) if value is not None else 0
        if not 1 <= size <= high:
            raise ValidationError(
                _("Choose a size from 0.01 to %(max)s MB."), params={"max": megabytes(high)}
            )
        self.instance.max_attachment_bytes = size
        return value  # type: ignore[return-value]  # not None here

    def clean_new_chats_per_hour(self) -> int:
        return self._between("new_chats_per_hour", 1, 10000)

    def clean_messages_per_minute(self) -> int:
        return self._between("messages_per_minute", 1, 600)


@admin.register(ChatSettings)
class ChatSettingsAdmin(BrandScopedAdmin):
    form = ChatSettingsForm
    list_display = ("brand", "is_enabled", "origins", "max_chats_per_agent", "try_it")
    list_filter = ("is_enabled",)
    list_select_related = ("brand",)
    readonly_fields = ("embed_snippet", "created", "updated")
    fields = (
        *ChatSettingsForm.Meta.fields[:5],
        "max_attachment_megabytes",
        *ChatSettingsForm.Meta.fields[5:],
        "embed_snippet",
        "created",
        "updated",
    )

    @admin.display(description=_("allowed website origins"))
    def origins(self, obj: ChatSettings) -> str:
        return ", ".join(obj.allowed_origins or []) or "—"

    # The timestamps of core's model carry no labels of their own: shown here with translated ones.
    @admin.display(description=_("created at"))
    def created(self, obj: ChatSettings) -> str:
        return formats.localize(timezone.localtime(obj.created_at)) if obj.created_at else "—"

    @admin.display(description=_("updated at"))
    def updated(self, obj: ChatSettings) -> str:
        return formats.localize(timezone.localtime(obj.updated_at)) if obj.updated_at else "—"

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
