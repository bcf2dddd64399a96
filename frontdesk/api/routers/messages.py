"""A ticket's conversation: replies, internal notes, call records, and their attachments."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

import pydantic
from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.errors import HttpError, ValidationError

from frontdesk.api.auth import current_actor
from frontdesk.api.errors import FieldNotAllowed, problem
from frontdesk.api.idempotency import idempotent, json_response
from frontdesk.api.pagination import PageIn, page_schema, paginate
from frontdesk.api.presenters import message_json, messages_json, sees_internals
from frontdesk.api.routers.common import NumberPath, id_path, refuse_unknown_params
from frontdesk.api.schemas.tickets import MessageForCustomerOut, MessageIn, MessageOut
from frontdesk.chat.queries import refuse_mail_during_chat
from frontdesk.core.errors import InvalidInput, NotFound
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.choices import MessageKind
from frontdesk.tickets.content import AttachmentIn, make_body
from frontdesk.tickets.queries import access_attachment, access_ticket, messages_visible_to

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from frontdesk.tickets.models import Message, Ticket
    from frontdesk.users.actors import Actor

router = Router(tags=["messages"])

MessagePage = page_schema(MessageOut, "MessagePage")
MessageForCustomerPage = page_schema(MessageForCustomerOut, "MessageForCustomerPage")

# Served with their own type; everything else (HTML, SVG, scripts, unknown) as an opaque download.
INERT_TYPES = frozenset(
    {
        "application/pdf",
        "application/zip",
        "image/gif",
        "image/jpeg",
        "image/png",
        "image/webp",
        "text/csv",
        "text/plain",
        "audio/mpeg",
        "audio/ogg",
        "audio/wav",
        "video/mp4",
    }
)


def _message_in_schema() -> dict[str, Any]:
    return MessageIn.model_json_schema(ref_template="#/components/schemas/{model}")


def request_body_definitions() -> dict[str, Any]:
    """The schemas the documented request body refers to, for the document's components."""
    definitions: dict[str, Any] = _message_in_schema().get("$defs", {})
    return definitions


def _request_body_doc() -> dict[str, Any]:
    schema = _message_in_schema()
    schema.pop("$defs", None)
    form = {
        "type": "object",
        "properties": {
            **{k: v for k, v in schema["properties"].items() if k != "attachments"},
            "attachments": {"type": "array", "items": {"type": "string", "format": "binary"}},
        },
    }
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": schema}, "multipart/form-data": {"schema": form}},
        }
    }


def _validation_error(exc: pydantic.ValidationError) -> ValidationError:
    return ValidationError(
        [{**e, "loc": ("body", "payload", *e["loc"])} for e in exc.errors(include_url=False)]
    )


def _read_upload(upload: UploadedFile) -> AttachmentIn:
    limit = settings.FRONTDESK_MAX_ATTACHMENT_BYTES
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput(_("%(name)s is too large.") % {"name": upload.name}, field="attachments")
    return AttachmentIn(upload.name or "attachment", upload.content_type or "", data)


def _parse(request: HttpRequest) -> tuple[MessageIn, list[AttachmentIn], Any]:
    """The message from a JSON body (attachments in base64) or a multipart form (attachments as files)."""
    if request.content_type == "multipart/form-data":
        unknown_files = set(request.FILES) - {"attachments"}
        if unknown_files:
            raise InvalidInput(_("Send files as 'attachments'."), field=min(unknown_files))
        data: Any = {k: request.POST[k] for k in request.POST if request.POST[k] != ""}
        uploads = [_read_upload(f) for f in request.FILES.getlist("attachments")]
    elif request.content_type in ("application/json", "", "text/plain"):
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise HttpError(400, "Cannot parse request body") from None
        uploads = []
    else:
        raise InvalidInput(_("Send JSON or multipart/form-data."), field="body")
    try:
        payload = MessageIn.model_validate(data)
    except pydantic.ValidationError as exc:
        raise _validation_error(exc) from None
    uploads += [AttachmentIn(a.filename, a.content_type, a.decoded()) for a in payload.attachments]
    fingerprint = {
        "message": payload.model_dump(mode="json", exclude={"attachments"}),
        "files": [(a.filename, a.content_type, hashlib.sha256(a.data).hexdigest()) for a in uploads],
    }
    return payload, uploads, fingerprint


def _post(actor: Actor, ticket: Ticket, payload: MessageIn, uploads: list[AttachmentIn]) -> tuple[int, Any]:
    customer_side = not sees_internals(actor, ticket.brand_id)
    if payload.kind != MessageKind.REPLY and payload.status is not None:
        raise InvalidInput(_("A status can be set with a reply only."), field="status")
    if customer_side and payload.status is not None:
        raise FieldNotAllowed(_("Only agents may set status with a reply."), field="status")
    if payload.kind != MessageKind.CALL and (
        payload.call_direction or payload.call_duration_seconds is not None
    ):
        raise InvalidInput(_("Call details belong to call records."), field="call_direction")
    body = make_body(text=payload.body, html=payload.body_html)
    message: Message
    if payload.kind == MessageKind.REPLY:
        if not customer_side:
            refuse_mail_during_chat(ticket)
        message = ticket_actions.reply_to_ticket(
            ticket,
            actor=actor,
            body=body,
            attachments=uploads,
            status=payload.status,
            version=payload.version,
        )
    elif payload.kind == MessageKind.NOTE:
        message = ticket_actions.add_note(
            ticket, actor=actor, body=body, attachments=uploads, version=payload.version
        )
    else:
        if uploads:
            raise InvalidInput(_("Call records have no attachments."), field="attachments")
        if payload.call_direction is None:
            raise InvalidInput(_("Say whether the call was inbound or outbound."), field="call_direction")
        message = ticket_actions.log_call(
            ticket,
            actor=actor,
            direction=payload.call_direction,
            duration_seconds=payload.call_duration_seconds or 0,
            body=body,
        )
    return 201, message_json(actor, ticket, message)


@router.post(
    "/{number}/messages",
    response={201: MessageOut | MessageForCustomerOut},
    summary="Add a reply, an internal note or a call record",
    description="JSON (attachments as base64) or multipart/form-data (attachments as files). Customers may only "
    "reply. Honours `Idempotency-Key`.",
    openapi_extra=_request_body_doc(),
)
def create_message(request: HttpRequest, number: str = NumberPath) -> HttpResponse:
    actor = current_actor(request)
    ticket = access_ticket(actor, number)
    payload, uploads, fingerprint = _parse(request)
    return idempotent(
        request,
        actor,
        operation="create_message",
        payload=fingerprint,
        create=lambda: _post(actor, ticket, payload, uploads),
    )


@router.get(
    "/{number}/messages",
    response={200: MessagePage | MessageForCustomerPage},
    summary="List a ticket's messages",
    description="Oldest first. Customers see public replies only, never internal notes or call records.",
)
def list_messages(request: HttpRequest, page: Query[PageIn], number: str = NumberPath) -> HttpResponse:
    actor = current_actor(request)
    refuse_unknown_params(request, PageIn)
    ticket = access_ticket(actor, number)
    qs = messages_visible_to(actor, ticket)
    return json_response(
        200, paginate(qs, page, newest_first=False, serialize=lambda rows: messages_json(actor, ticket, rows))
    )


@router.get(
    "/{number}/messages/{message_id}/attachments/{attachment_id}",
    response={200: None},
    url_name="download_attachment",
    summary="Download an attachment",
    description="Always as a download (`Content-Disposition: attachment`, `nosniff`); HTML, SVG and unknown "
    "types are sent as `application/octet-stream`.",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file",
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def download_attachment(
    request: HttpRequest,
    number: str = NumberPath,
    message_id: int = id_path("The message id."),
    attachment_id: int = id_path("The attachment id."),
) -> HttpResponseBase:
    actor = current_actor(request)
    ticket = access_ticket(actor, number)
    attachment = access_attachment(actor, ticket, attachment_id)
    if attachment.message_id != message_id:
        raise NotFound("attachment")
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        return problem(404, "not_found", _("The file of this attachment is missing."))
    content_type = (
        attachment.content_type if attachment.content_type in INERT_TYPES else "application/octet-stream"
    )
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
