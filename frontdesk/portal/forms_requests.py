"""Forms of the portal's new request, letter to the management and rating pages (explicit fields; a request
type's custom fields and documents are added per type)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from frontdesk.core.errors import InvalidInput
from frontdesk.tickets.actions import MAX_ATTACHMENTS, MAX_SUBJECT
from frontdesk.tickets.choices import FieldKind, Rating
from frontdesk.tickets.content import AttachmentIn, Body, make_body
from frontdesk.tickets.request_types import DocumentSpec, FieldSpec

FIELD_PREFIX = "field_"
DOCUMENT_PREFIX = "document_"


class _MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class _MultipleFileField(forms.FileField):
    """Any number of files under one name; each is checked like a single file field's."""

    widget = _MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        single = super().clean
        return [single(item, initial) for item in files]


def _uploads(files: list[UploadedFile]) -> list[AttachmentIn]:
    limit = int(settings.FRONTDESK_MAX_ATTACHMENT_BYTES)
    too_large = [f.name or "" for f in files if (f.size or 0) > limit]
    if too_large:
        raise forms.ValidationError(
            _("%(names)s: larger than %(limit)s, the most one file may be.")
            % {"names": ", ".join(too_large), "limit": filesizeformat(limit)}
        )
    return [AttachmentIn(f.name or "attachment", f.content_type or "", f.read(limit + 1)) for f in files]


class _Visitor(forms.Form):
    """Name and address of a visitor who is not signed in (``visitor=True``); a customer's own otherwise."""

    name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    email = forms.EmailField(label=_("Your email"), max_length=254, required=False)

    def __init__(self, *args: Any, visitor: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.visitor = visitor
        if visitor:
            self.fields["name"].required = True
            self.fields["email"].required = True
            self.fields["email"].help_text = _("We send the number of your request and our answers here.")
        else:
            del self.fields["name"]
            del self.fields["email"]


class _Message(_Visitor):
    subject = forms.CharField(label=_("Subject"), max_length=MAX_SUBJECT)
    description = forms.CharField(
        label=_("Describe your question"),
        widget=forms.Textarea(attrs={"rows": 8}),
        strip=False,
        error_messages={"required": _("Describe your question first.")},
    )
    attachments = _MultipleFileField(label=_("Other files"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.body: Body | None = None
        self.uploads: list[AttachmentIn] = []

    def clean_description(self) -> str:
        text: str = self.cleaned_data["description"]
        try:
            self.body = make_body(text=text)
        except InvalidInput as error:
            raise forms.ValidationError(error.detail) from None
        return text

    def clean_attachments(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data["attachments"]
        self.uploads = _uploads(files)
        return files

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        count = len(data.get("attachments") or [])
        for name, value in data.items():
            if name.startswith(DOCUMENT_PREFIX) and value:
                count += len(value)
        if count > MAX_ATTACHMENTS:
            raise forms.ValidationError(
                ngettext(
                    "Attach at most %(limit)d file to one request.",
                    "Attach at most %(limit)d files to one request.",
                    MAX_ATTACHMENTS,
                )
                % {"limit": MAX_ATTACHMENTS}
            )
        return data


class NewRequestForm(_Message):
    """A request of a type: subject and description, the type's custom fields and documents, other files.

    The custom fields are checked again by ``create_ticket`` (``CustomFieldsInvalid`` names them by key; the
    view puts each error on its field)."""

    deflection = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"id": "deflection-key"}))

    def __init__(
        self,
        *args: Any,
        fields: list[FieldSpec] | tuple[FieldSpec, ...] = (),
        documents: list[DocumentSpec] | tuple[DocumentSpec, ...] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.field_specs = list(fields)
        self.document_specs = list(documents)
        for spec in self.field_specs:
            self.fields[FIELD_PREFIX + spec.key] = _custom_field(spec)
        for document in self.document_specs:
            self.fields[DOCUMENT_PREFIX + document.key] = _MultipleFileField(
                label=document.label,
                required=document.required,
                error_messages={"required": _("Attach this document.")},
            )
        # Other files last.
        self.order_fields([name for name in self.fields if name != "attachments"] + ["attachments"])

    def custom_values(self) -> dict[str, Any]:
        """The custom fields as typed (strings; the domain checks and converts them)."""
        return {
            spec.key: self.data.get(FIELD_PREFIX + spec.key, "")
            for spec in self.field_specs
            if self.data.get(FIELD_PREFIX + spec.key, "") != ""
        }

    def document_uploads(self) -> dict[str, list[AttachmentIn]]:
        return {
            document.key: _uploads(self.cleaned_data.get(DOCUMENT_PREFIX + document.key) or [])
            for document in self.document_specs
        }

    def custom_fields(self) -> list[forms.BoundField]:
        return [self[FIELD_PREFIX + spec.key] for spec in self.field_specs]

    def document_fields(self) -> list[forms.BoundField]:
        return [self[DOCUMENT_PREFIX + d.key] for d in self.document_specs]


def _custom_field(spec: FieldSpec) -> forms.Field:
    """A form field that accepts what the domain will check: text, with the right input for the kind."""
    common: dict[str, Any] = {"label": spec.label, "required": spec.required}
    if spec.kind == FieldKind.CHOICE:
        return forms.ChoiceField(choices=[("", "—"), *spec.choices], **common)
    if spec.kind == FieldKind.DATE:
        return forms.CharField(
            widget=forms.DateInput(attrs={"type": "date"}), help_text=_("YYYY-MM-DD"), **common
        )
    if spec.kind == FieldKind.NUMBER:
        return forms.CharField(
            widget=forms.TextInput(attrs={"inputmode": "decimal"}), max_length=40, **common
        )
    return forms.CharField(max_length=500, **common)


class ManagementForm(_Message):
    """A letter to the brand's management."""

    description = forms.CharField(
        label=_("Your letter"),
        widget=forms.Textarea(attrs={"rows": 10}),
        strip=False,
        error_messages={"required": _("Write your letter first.")},
    )
    attachments = _MultipleFileField(label=_("Attachments"), required=False)


class RatingForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("Were you satisfied with our answer?"),
        choices=[(Rating.GOOD.value, _("Yes, good")), (Rating.BAD.value, _("No, bad"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose good or bad.")},
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=2000,
    )
