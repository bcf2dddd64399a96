"""Request types: what the portal's form offers a brand's customers, and the checks of their answers.

A type's custom fields (``RequestType.fields``) and documents (``RequestType.documents``) are definitions in
JSON; ``check_definition`` keeps them well formed, ``clean_custom_fields`` and ``check_documents`` check what
a customer filled in against them (``tickets.actions.new_ticket`` calls both).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from frontdesk.brands.models import Brand
from frontdesk.core.errors import InvalidInput, NotFound, require
from frontdesk.tickets.choices import FieldKind, Priority
from frontdesk.tickets.models import Category, RequestType, Ticket, text_in
from frontdesk.users.actors import Actor
from frontdesk.users.models import Team

LANGUAGES = ("en", "ru", "pl")
KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_TEXT = 500
MAX_FIELDS = 30


class CustomFieldsInvalid(InvalidInput):
    """Answers that do not fit the request type: ``errors`` maps each field (or document) key to a message."""

    def __init__(self, errors: Mapping[str, str], *, field: str = "custom_fields") -> None:
        self.errors = dict(errors)
        super().__init__(" ".join(self.errors.values()), field=field)


@dataclass(frozen=True)
class FieldSpec:
    """One custom field of a request type, with its label and choices in one language."""

    key: str
    label: str
    kind: str
    required: bool
    # (value, label) pairs for a choice field.
    choices: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class DocumentSpec:
    key: str
    label: str
    required: bool


def field_specs(request_type: RequestType, language: str) -> list[FieldSpec]:
    specs = []
    for item in request_type.fields or []:
        choices = tuple(
            (str(c["value"]), text_in(c.get("labels"), language) or str(c["value"]))
            if isinstance(c, dict)
            else (str(c), str(c))
            for c in item.get("choices") or []
        )
        specs.append(
            FieldSpec(
                key=item["key"],
                label=text_in(item.get("labels"), language) or item["key"],
                kind=item.get("kind", FieldKind.TEXT),
                required=bool(item.get("required")),
                choices=choices,
            )
        )
    return specs


def document_specs(request_type: RequestType, language: str) -> list[DocumentSpec]:
    return [
        DocumentSpec(
            key=item["key"],
            label=text_in(item.get("labels"), language) or item["key"],
            required=bool(item.get("required")),
        )
        for item in request_type.documents or []
    ]


# --- Definitions ------------------------------------------------------------------------------------------


def _check_labels(value: object, where: str) -> list[str]:
    if not isinstance(value, dict) or not value:
        return [_('%(where)s needs labels by language, e.g. {"en": "..."}.') % {"where": where}]
    unknown = sorted(set(value) - set(LANGUAGES))
    if unknown:
        return [_("%(where)s: languages are en, ru and pl.") % {"where": where}]
    if not all(isinstance(text, str) and text.strip() for text in value.values()):
        return [_("%(where)s: every label is a non-empty text.") % {"where": where}]
    return []


def check_definition(request_type: RequestType) -> None:
    """Raise ``ValidationError`` (by model field) if the names, fields or documents are malformed."""
    errors: dict[str, list[str]] = {}
    errors["names"] = _check_labels(request_type.names, _("The name"))
    if request_type.instructions:
        errors["instructions"] = _check_labels(request_type.instructions, _("The instructions"))
    field_errors: list[str] = []
    fields = request_type.fields
    if not isinstance(fields, list) or len(fields) > MAX_FIELDS:
        field_errors.append(_("Give a list of at most %(limit)d fields.") % {"limit": MAX_FIELDS})
        fields = []
    seen: set[str] = set()
    for item in fields:
        if not isinstance(item, dict) or not isinstance(item.get("key"), str) or not KEY.match(item["key"]):
            field_errors.append(_("Each field has a key of lower-case letters, digits and _."))
            continue
        key = item["key"]
        if key in seen:
            field_errors.append(_("The key %(key)s is used twice.") % {"key": key})
        seen.add(key)
        field_errors += _check_labels(item.get("labels"), key)
        kind = item.get("kind", FieldKind.TEXT)
        if kind not in FieldKind.values:
            field_errors.append(
                _("%(key)s: the kind is one of %(kinds)s.")
                % {"key": key, "kinds": ", ".join(FieldKind.values)}
            )
        choices = item.get("choices") or []
        if kind == FieldKind.CHOICE and (
            not isinstance(choices, list)
            or not choices
            or not all(
                isinstance(c, str) or (isinstance(c, dict) and isinstance(c.get("value"), str))
                for c in choices
            )
        ):
            field_errors.append(_("%(key)s: a choice field lists its choices.") % {"key": key})
    errors["fields"] = field_errors
    document_errors: list[str] = []
    documents = request_type.documents
    if not isinstance(documents, list):
        document_errors.append(_("Give a list of documents."))
        documents = []
    for item in documents:
        if not isinstance(item, dict) or not isinstance(item.get("key"), str) or not KEY.match(item["key"]):
            document_errors.append(_("Each document has a key of lower-case letters, digits and _."))
            continue
        if item["key"] in seen:
            document_errors.append(_("The key %(key)s is used twice.") % {"key": item["key"]})
        seen.add(item["key"])
        document_errors += _check_labels(item.get("labels"), item["key"])
    errors["documents"] = document_errors
    if request_type.priority and request_type.priority not in Priority.values:
        errors["priority"] = [_("Unknown priority.")]
    found = {name: messages for name, messages in errors.items() if messages}
    if found:
        raise ValidationError(found)


# --- Answers ----------------------------------------------------------------------------------------------


def clean_custom_fields(request_type: RequestType, values: Mapping[str, Any]) -> dict[str, Any]:
    """The answers as stored on the ticket (numbers as numbers, dates as ISO text, empty ones left out), or
    ``CustomFieldsInvalid`` naming each missing required field, bad number or date, unknown choice and unknown
    key."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    specs = {spec.key: spec for spec in field_specs(request_type, "en")}
    for key in values:
        if key not in specs:
            errors[key] = _("%(key)s is not a field of this request type.") % {"key": key}
    for key, spec in specs.items():
        raw = values.get(key)
        text = raw.strip() if isinstance(raw, str) else raw
        if text in (None, ""):
            if spec.required:
                errors[key] = _("This field is required.")
            continue
        if spec.kind == FieldKind.NUMBER:
            try:
                number = Decimal(str(text).replace(",", ".").replace(" ", ""))
            except InvalidOperation:
                number = None
            if number is None or not number.is_finite() or isinstance(text, bool):
                errors[key] = _("Enter a number.")
                continue
            clean[key] = int(number) if number == number.to_integral_value() else float(number)
        elif spec.kind == FieldKind.DATE:
            try:
                clean[key] = date.fromisoformat(str(text)).isoformat()
            except ValueError:
                errors[key] = _("Enter a date as YYYY-MM-DD.")
        elif spec.kind == FieldKind.CHOICE:
            if str(text) not in {value for value, _label in spec.choices}:
                errors[key] = _("Choose one of the offered values.")
                continue
            clean[key] = str(text)
        else:
            if not isinstance(text, str | int | float):
                errors[key] = _("Enter a text.")
                continue
            value = " ".join(str(text).split())
            if len(value) > MAX_TEXT:
                errors[key] = _("At most %(limit)d characters.") % {"limit": MAX_TEXT}
                continue
            clean[key] = value
    if errors:
        raise CustomFieldsInvalid(errors)
    return clean


def check_documents(request_type: RequestType | None, provided: Mapping[str, Sequence[object]]) -> None:
    """``CustomFieldsInvalid`` (field ``documents``) for a required document missing or an unknown one."""
    specs = {spec.key: spec for spec in document_specs(request_type, "en")} if request_type else {}
    errors: dict[str, str] = {}
    for key, files in provided.items():
        if key not in specs and files:
            errors[key] = _("%(key)s is not a document of this request type.") % {"key": key}
    for key, spec in specs.items():
        if spec.required and not provided.get(key):
            errors[key] = _("Attach this document.")
    if errors:
        raise CustomFieldsInvalid(errors, field="documents")


# --- Reads and writes -------------------------------------------------------------------------------------


def request_types_offered(brand: Brand) -> QuerySet[RequestType]:
    """The active request types a brand's portal offers, in their order (public: anyone on the portal)."""
    return RequestType.objects.filter(brand_id=brand.pk, is_active=True).order_by("position", "slug")


def access_request_type(brand: Brand, slug: str) -> RequestType:
    try:
        return request_types_offered(brand).get(slug=slug)
    except RequestType.DoesNotExist:
        raise NotFound("request type") from None


def create_request_type(
    brand: Brand,
    *,
    actor: Actor,
    slug: str,
    names: Mapping[str, str],
    instructions: Mapping[str, str] | None = None,
    position: int = 0,
    category: Category | None = None,
    team: Team | None = None,
    priority: str = "",
    fields: Sequence[Mapping[str, Any]] = (),
    documents: Sequence[Mapping[str, Any]] = (),
) -> RequestType:
    """A new request type of ``brand`` (brand admins), its definitions checked."""
    require(actor.administers(brand.pk))
    request_type = RequestType(
        brand=brand,
        slug=slug,
        names=dict(names),
        instructions=dict(instructions or {}),
        position=position,
        category=category,
        team=team,
        priority=priority,
        fields=[dict(item) for item in fields],
        documents=[dict(item) for item in documents],
    )
    try:
        request_type.full_clean()
    except ValidationError as error:
        name, messages = next(iter(error.message_dict.items()))
        raise InvalidInput(" ".join(messages), field=name) from None
    for obj, name in ((category, "category"), (team, "team")):
        if obj is not None and obj.brand_id not in (None, brand.pk):
            raise InvalidInput(_("The %(field)s belongs to another brand.") % {"field": name}, field=name)
    request_type.save(force_insert=True)
    return request_type


@dataclass(frozen=True)
class RequestDetails:
    """What a ticket's customer told through the form's request type, labelled in one language."""

    name: str
    # (label, value) of each answered custom field, in the type's order; answers to fields the type no
    # longer has come last under their key.
    answers: list[tuple[str, str]]


def request_details(ticket: Ticket, language: str) -> RequestDetails | None:
    """The request type and custom-field answers of a ticket the caller may already see (one query, none
    for a ticket without a type)."""
    if ticket.request_type_id is None:
        return None
    request_type = RequestType.objects.filter(pk=ticket.request_type_id, brand_id=ticket.brand_id).first()
    values = dict(ticket.custom_fields or {})
    answers: list[tuple[str, str]] = []
    if request_type is not None:
        for spec in field_specs(request_type, language):
            if spec.key in values:
                value = values.pop(spec.key)
                answers.append((spec.label, dict(spec.choices).get(str(value), str(value))))
    answers += [(key, str(value)) for key, value in values.items()]
    name = request_type.name_in(language) if request_type is not None else ""
    return RequestDetails(name=name, answers=answers)
