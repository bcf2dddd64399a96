"""Admin: mailboxes, the quarantine (with raw download and reprocessing), outbound mail, suppressions and the
brands' mail templates (checked in the sandbox, with a preview).

Scoped like every admin page: brand admins see their brands' rows only.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from frontdesk.brands.models import Brand
from frontdesk.mail.actions import reprocess_message, retry_outbound_message
from frontdesk.mail.brand_form import BrandMailForm
from frontdesk.mail.choices import MailLanguage, MailTemplateName
from frontdesk.mail.mail_templates import (
    ALLOWED_FILTERS,
    ALLOWED_TAGS,
    VARIABLES,
    built_in_sources,
    compile_template,
    render_stored,
    sample_context,
    unknown_variables,
)
from frontdesk.mail.models import InboundMessage, Mailbox, MailTemplate, OutboundMessage, Suppression
from frontdesk.users.admin import BrandScopedAdmin

# Never sent back to the browser: an empty field keeps the stored value.
_MAILBOX_SECRETS = ("imap_password", "oauth2_client_secret", "oauth2_refresh_token", "oauth2_token")
# Written by the workers as they refresh; the admin saves them only when the administrator replaced them.
_WORKER_TOKENS = ("oauth2_token", "oauth2_refresh_token", "oauth2_token_expires_at")


class MailboxAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    forget_oauth2 = forms.BooleanField(
        label=_("Forget the OAuth2 secret and tokens"),
        required=False,
        help_text=_("Signs in with the password again."),
    )

    class Meta:
        model = Mailbox
        fields = (
            "brand",
            "name",
            "kind",
            "addresses",
            "is_active",
            "imap_host",
            "imap_port",
            "imap_security",
            "folder",
            "processed_action",
            "move_to",
            "poll_interval_seconds",
            "imap_user",
            "imap_password",
            "oauth2_token_url",
            "oauth2_client_id",
            "oauth2_client_secret",
            "oauth2_scope",
            "oauth2_refresh_token",
            "oauth2_token",
            "non_participant_replies",
            "plus_addressing",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in _MAILBOX_SECRETS:
            field = self.fields.get(name)
            if field is None:
                continue
            field.widget = forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"})
            if getattr(self.instance, name):
                field.help_text = _("A value is stored; leave empty to keep it.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        stored = self.instance
        entered = {name: cleaned.get(name) or "" for name in _MAILBOX_SECRETS if name in self.fields}
        for name, value in entered.items():
            if not value:
                cleaned[name] = getattr(stored, name)
        # The tokens the administrator replaces; the others stay as the workers keep them.
        self.written_tokens: set[str] = set()
        if entered.get("oauth2_refresh_token") or entered.get("oauth2_token") or cleaned.get("forget_oauth2"):
            # A new token: the stored expiry belonged to the old access token. Without a new access token the
            # next sign-in refreshes one with the new refresh token.
            if not entered.get("oauth2_token"):
                cleaned["oauth2_token"] = ""
            if cleaned.get("forget_oauth2"):
                cleaned.update(oauth2_client_secret="", oauth2_refresh_token="")
            stored.oauth2_token_expires_at = None
            self.written_tokens = set(_WORKER_TOKENS)
        return cleaned


@admin.register(Mailbox)
class MailboxAdmin(BrandScopedAdmin):
    form = MailboxAdminForm
    list_display = ("name", "brand", "kind", "is_active", "last_polled_at", "last_error")
    list_filter = ("kind", "is_active")
    list_select_related = ("brand",)
    readonly_fields = ("oauth2_token_expires_at", "uidvalidity", "last_uid", "last_polled_at", "last_error")
    fieldsets = (
        (None, {"fields": ("brand", "name", "kind", "addresses", "is_active")}),
        (
            _("IMAP server"),
            {
                "fields": (
                    ("imap_host", "imap_port", "imap_security"),
                    "folder",
                    ("processed_action", "move_to"),
                    "poll_interval_seconds",
                )
            },
        ),
        (
            _("Sign-in"),
            {
                "fields": ("imap_user", "imap_password"),
                "description": _("With OAuth2 the user is the mailbox address and the password is not used."),
            },
        ),
        (
            _("OAuth2 (Microsoft 365, Google)"),
            {
                "fields": (
                    "oauth2_token_url",
                    "oauth2_client_id",
                    "oauth2_client_secret",
                    "oauth2_scope",
                    "oauth2_refresh_token",
                    "oauth2_token",
                    "oauth2_token_expires_at",
                    "forget_oauth2",
                ),
                "description": _(
                    "Signs in with XOAUTH2. Give the token endpoint, the client ID (and secret) of the "
                    "registered application and a refresh token: the access token is refreshed and kept "
                    "before it expires."
                ),
            },
        ),
        (_("Replies"), {"fields": ("non_participant_replies", "plus_addressing")}),
        (_("Status"), {"fields": ("last_polled_at", "last_error", "uidvalidity", "last_uid")}),
    )

    def save_model(self, request: HttpRequest, obj: Mailbox, form: Any, change: bool) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        # Only what the form edits: a token a worker refreshed (or a UID it fetched) meanwhile is not undone.
        written: set[str] = getattr(form, "written_tokens", set())
        fields = [
            field.name
            for field in Mailbox._meta.concrete_fields
            if field.editable
            and not field.primary_key
            and (field.name not in _WORKER_TOKENS or field.name in written)
        ]
        obj.save(update_fields=[*fields, "updated_at"])


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
        "why",
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

    @admin.display(description=_("why"))
    def why(self, obj: InboundMessage) -> str:
        """The sentence behind the reason code, for a quarantined mail: what an agent has to fix."""
        text = " ".join(obj.error.split())
        return text[:157] + "…" if len(text) > 160 else text

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

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # The list never shows a report's stored spreadsheet: it is read only when one mail is opened.
        return super().get_queryset(request).defer("attachment")

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


def _variables_help(name: str = "") -> SafeString:
    """The variables of the mail ``name`` (of every mail without one), and the tags and filters a template may
    use (admin help texts are HTML)."""
    per_mail = format_html_join(
        "",
        "<p><strong>{}</strong>: {}</p>",
        (
            (
                MailTemplate(name=mail).get_name_display(),
                format_html_join(", ", "<code>{{{{ {} }}}}</code> ({})", variables),
            )
            for mail, variables in VARIABLES.items()
            if not name or mail == name
        ),
    )
    return format_html(
        "{}<p>{}: {}</p><p>{}: {}</p>",
        per_mail,
        _("Tags"),
        ", ".join(ALLOWED_TAGS),
        _("Filters"),
        ", ".join(ALLOWED_FILTERS),
    )


def _start_from_built_in_help() -> SafeString:
    """Links that open the add form filled with a mail's built-in text in a language."""
    links = format_html_join(
        "; ",
        "{}: {}",
        (
            (
                label,
                format_html_join(
                    " · ",
                    '<a href="?name={}&amp;language={}">{}</a>',
                    ((name, language, language) for language in MailLanguage.values),
                ),
            )
            for name, label in MailTemplateName.choices
        ),
    )
    return format_html("{} {}", _("Start from the built-in text:"), links)


class MailTemplateForm(forms.ModelForm):  # type: ignore[type-arg]
    """Refuses a template that does not compile, uses a tag outside the sandbox or fails on a sample request."""

    class Meta:
        model = MailTemplate
        fields = ("brand", "name", "language", "is_active", "subject", "body_text", "body_html")
        widgets = {"subject": forms.TextInput(attrs={"size": 100})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body_text"].help_text = _variables_help(self.instance.name if self.instance.pk else "")
        if not self.instance.pk and "name" in self.fields:
            self.fields["name"].help_text = _start_from_built_in_help()
        self.fields["body_html"].help_text = _(
            "Optional. Leave empty to send the plain text as HTML. Values are escaped here; the reply's "
            "body_html is already cleaned HTML."
        )

    def _check(self, field: str, *, html: bool) -> str:
        source = str(self.cleaned_data.get(field) or "")
        if source.strip() or not html:
            compile_template(source, html=html)
        return source

    def clean_subject(self) -> str:
        return self._check("subject", html=False)

    def clean_body_text(self) -> str:
        return self._check("body_text", html=False)

    def clean_body_html(self) -> str:
        return self._check("body_html", html=True)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        brand, name, language = cleaned.get("brand"), cleaned.get("name"), cleaned.get("language")
        if self.errors or brand is None or not name or not language:
            return cleaned
        candidate = MailTemplate(
            brand=brand,
            name=name,
            language=language,
            subject=cleaned.get("subject", ""),
            body_text=cleaned.get("body_text", ""),
            body_html=cleaned.get("body_html", ""),
        )
        try:
            with translation.override(language):
                context = sample_context(name, brand, language)
                render_stored(candidate, context)
                unknown = unknown_variables(candidate, context)
        except ValidationError:
            raise
        except Exception as error:  # noqa: BLE001 - whatever a template does wrong becomes a form error
            raise ValidationError(
                _("The template fails on a sample request: %(error)s"), code="render", params={"error": error}
            ) from None
        if unknown:
            raise ValidationError(
                _("This mail has no variable %(unknown)s; it has: %(known)s."),
                code="unknown_variable",
                params={
                    "unknown": ", ".join(unknown),
                    "known": ", ".join(variable for variable, _help in VARIABLES.get(name, ())),
                },
            )
        return cleaned


@admin.register(MailTemplate)
class MailTemplateAdmin(BrandScopedAdmin):
    """A brand's own text of each mail to customers per language; without one the built-in text is sent."""

    form = MailTemplateForm
    list_display = ("name", "language", "brand", "is_active", "updated_at", "updated_by")
    list_filter = ("name", "language", "is_active")
    list_select_related = ("brand", "updated_by")
    readonly_fields = ("preview", "updated_at", "updated_by")

    def get_fields(self, request: HttpRequest, obj: Model | None = None) -> tuple[str, ...]:
        fields = ("brand", "name", "language", "is_active", "subject", "body_text", "body_html")
        return (*fields, "preview", "updated_at", "updated_by") if obj is not None else fields

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        """``?name=…&language=…`` opens the add form with that mail's built-in text in that language."""
        initial = super().get_changeform_initial_data(request)
        name, language = initial.get("name"), initial.get("language")
        if name in MailTemplateName.values and language in MailLanguage.values and "subject" not in initial:
            subject, text, html = built_in_sources(str(name), str(language))
            initial.update(subject=" ".join(subject.split()), body_text=text, body_html=html)
        return initial

    def save_model(self, request: HttpRequest, obj: MailTemplate, form: Any, change: bool) -> None:
        obj.updated_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)

    @admin.display(description=_("preview with a sample request"))
    def preview(self, obj: MailTemplate) -> str:
        if obj.pk is None:
            return ""
        try:
            with translation.override(obj.language):
                subject, text, html = render_stored(obj, sample_context(obj.name, obj.brand, obj.language))
        except Exception as error:  # noqa: BLE001 - the page shows what is wrong instead of failing
            return format_html('<p class="errornote">{}</p>', error)
        return format_html(
            '<p><strong>{}</strong></p><pre style="white-space: pre-wrap">{}</pre>'
            '<iframe sandbox="" srcdoc="{}" title="{}" style="width: 100%; height: 24em; border: 1px solid #ccc">'
            "</iframe>",
            " ".join(subject.split()),
            text.strip(),
            html.strip(),
            _("HTML part"),
        )


def _brand_admin_with_mail_form() -> None:
    """The brand's admin page edits ``customer_status_mail`` with ``BrandMailForm``: the registered brand admin
    is subclassed with it (combined with the form it has, if any)."""
    registered = admin.site._registry.get(Brand)
    if registered is None or issubclass(registered.form, BrandMailForm):
        return
    base = type(registered)
    form = (
        BrandMailForm
        if registered.form is forms.ModelForm
        else type("BrandAdminForm", (BrandMailForm, registered.form), {})
    )
    admin.site.unregister(Brand)
    admin.site.register(Brand, type(base.__name__, (base,), {"form": form, "__module__": base.__module__}))


_brand_admin_with_mail_form()
