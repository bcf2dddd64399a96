"""The portal's forms, with explicit fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from frontdesk.core.errors import InvalidInput
from frontdesk.tickets.actions import MAX_ATTACHMENTS, AttachmentIn, Body, make_body

STATUS_OPEN, STATUS_SOLVED, STATUS_ALL = "open", "solved", "all"
SCOPE_MINE, SCOPE_ORGANIZATION = "mine", "organization"
MAX_QUERY = 200


class RequestFilterForm(forms.Form):
    """The filters of "My requests". Bad values fall back to the defaults rather than fail the page."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            (STATUS_OPEN, pgettext_lazy("request filter", "Open")),
            (STATUS_SOLVED, _("Solved or closed")),
            (STATUS_ALL, _("All")),
        ],
    )
    q = forms.CharField(label=_("Number or subject"), required=False, max_length=MAX_QUERY, strip=True)
    scope = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[(SCOPE_MINE, _("My requests")), (SCOPE_ORGANIZATION, _("My organization's requests"))],
    )
    before = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)

    def values(self) -> dict[str, Any]:
        """The valid filters, the defaults for anything else."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "status": data.get("status") or STATUS_OPEN if "status" not in self.errors else STATUS_OPEN,
            "q": data.get("q") or "",
            "scope": data.get("scope") or SCOPE_MINE if "scope" not in self.errors else SCOPE_MINE,
            "before": data.get("before") if "before" not in self.errors else None,
        }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files under one name; each is checked like a single file field's."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        single = super().clean
        return [single(item, initial) for item in files]


class ReplyForm(forms.Form):
    """The customer's answer on their request, with attachments."""

    body = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 6}),
        strip=False,
        error_messages={"required": _("Write a message first.")},
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.uploads: list[AttachmentIn] = []
        self.message_body: Body | None = None

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
        limit = int(settings.FRONTDESK_MAX_ATTACHMENT_BYTES)
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
        if self.message_body is None:
            raise ValueError("the form has not been validated")
        return self.message_body


class LookupForm(forms.Form):
    """Status by number: the request's number and the address it was filed with."""

    number = forms.CharField(label=_("Request number"), max_length=40, strip=True)
    email = forms.EmailField(label=_("Your email address"), max_length=254)

    def clean_number(self) -> str:
        return str(self.cleaned_data["number"]).strip().upper()
