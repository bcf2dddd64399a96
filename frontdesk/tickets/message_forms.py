"""What every form that writes a message with attachments checks, for the desk's composer and the portal's
answer alike: the body made safe by ``make_body`` and the files within the count and size limits, read once."""

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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files under one name; each is checked like a single file field's."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        single = super().clean
        return [single(item, initial) for item in files]


class MessageFormMixin(forms.Form):
    """A ``body`` field made into a safe ``Body`` and an ``attachments`` field read into ``uploads``; the form
    declares both fields with its own labels."""

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

    def valid_body(self) -> Body:
        """The sanitized body of a valid form."""
        if self.message_body is None:
            raise ValueError("the form has not been validated")
        return self.message_body
