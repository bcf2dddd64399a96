"""Forms of the desk: explicit fields, checked here, carried out by the domain actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from frontdesk.core.errors import InvalidInput
from frontdesk.tickets.actions import MAX_ATTACHMENTS, AttachmentIn, Body, make_body
from frontdesk.tickets.choices import MessageKind, Status

REPLY = MessageKind.REPLY.value
NOTE = MessageKind.NOTE.value


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files under one name; each is checked like a single file field's."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        single = super().clean
        return [single(item, initial) for item in files]


class ComposerForm(forms.Form):
    """A reply to the customer or an internal note, with attachments, and a status set with a reply.

    ``version`` is the ticket version the agent's page showed: the actions refuse the post if the ticket
    changed since, and the page asks the agent to confirm."""

    kind = forms.ChoiceField(
        label=_("Send as"),
        choices=[(REPLY, _("Reply to customer")), (NOTE, _("Internal note"))],
        initial=REPLY,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a reply or an internal note.")},
    )
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 6}),
        strip=False,
        error_messages={"required": _("Write a message first.")},
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)
    status = forms.ChoiceField(
        label=_("Send and set the status"),
        required=False,
        choices=[("", _("Keep the status (a new ticket becomes open)"))]
        + [(value, label) for value, label in Status.choices if value != Status.NEW],
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.uploads: list[AttachmentIn] = []
        self.message_body: Body | None = None

    @property
    def max_attachment_bytes(self) -> int:
        return int(settings.FRONTDESK_MAX_ATTACHMENT_BYTES)

    @property
    def max_attachments(self) -> int:
        return MAX_ATTACHMENTS

    def clean_body(self) -> str:
        text: str = self.cleaned_data["body"]
        try:
            self.message_body = make_body(text=text)
        except InvalidInput as error:
            raise forms.ValidationError(error.detail) from None
        return text

    def clean_attachments(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data["attachments"]
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(
                ngettext(
                    "Attach at most %(limit)d file to one message.",
                    "Attach at most %(limit)d files to one message.",
                    MAX_ATTACHMENTS,
                )
                % {"limit": MAX_ATTACHMENTS}
            )
        limit = self.max_attachment_bytes
        too_large = [f.name or "" for f in files if (f.size or 0) > limit]
        if too_large:
            raise forms.ValidationError(
                _("%(names)s: larger than %(limit)s, the most one file may be.")
                % {"names": ", ".join(too_large), "limit": filesizeformat(limit)}
            )
        self.uploads = [
            AttachmentIn(f.name or "attachment", f.content_type or "", f.read(limit + 1)) for f in files
        ]
        return files

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        if cleaned.get("kind") == NOTE and cleaned.get("status"):
            self.add_error(
                "status", _("A status is set with a reply only: keep the status for an internal note.")
            )
        return cleaned

    def valid_body(self) -> Body:
        """The sanitized body of a valid form."""
        if self.message_body is None:
            raise ValueError("the form has not been validated")
        return self.message_body

    @property
    def had_files(self) -> bool:
        """A bound form that came with files: a browser cannot keep them when the form comes back."""
        return self.is_bound and bool(self.files.getlist("attachments"))
