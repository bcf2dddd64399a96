"""A ticket's history and the work on it: events, work log, escalation, hand-back and time spent."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from frontdesk.api.auth import current_actor
from frontdesk.api.idempotency import idempotent, json_response
from frontdesk.api.pagination import PageIn, page_schema, paginate
from frontdesk.api.presenters import events_json, ticket_json, worklog_json
from frontdesk.api.routers.common import NumberPath, lookup, payload_json, refuse_unknown_params
from frontdesk.api.schemas.tickets import (
    EscalateIn,
    EventOut,
    ReturnIn,
    TicketOut,
    TimeIn,
    WorkLogIn,
    WorkLogOut,
)
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.escalation import WorkLog
from frontdesk.tickets.queries import access_ticket, events_visible_to, worklog_visible_to
from frontdesk.users.queries import access_team

if TYPE_CHECKING:
    from frontdesk.users.actors import Actor

router = Router(tags=["ticket work"])

EventPage = page_schema(EventOut, "EventPage")
WorkLogPage = page_schema(WorkLogOut, "WorkLogPage")


def _worklog(data: WorkLogIn | None) -> WorkLog:
    if data is None:
        return WorkLog(diagnosis="", steps_taken="")
    return WorkLog(data.diagnosis, data.steps_taken, data.request, data.minutes_spent)


def _fresh(actor: Actor, number: str) -> tuple[int, Any]:
    return 200, ticket_json(actor, access_ticket(actor, number))


@router.get(
    "/{number}/events",
    response={200: EventPage},
    summary="A ticket's history",
    description="Oldest first. Customers see only what concerns them (messages and status changes).",
)
def list_events(request: HttpRequest, page: Query[PageIn], number: str = NumberPath) -> HttpResponse:
    actor = current_actor(request)
    refuse_unknown_params(request, PageIn)
    ticket = access_ticket(actor, number)
    qs = events_visible_to(actor, ticket)
    return json_response(
        200, paginate(qs, page, newest_first=False, serialize=lambda rows: events_json(actor, ticket, rows))
    )


@router.get(
    "/{number}/worklog",
    response={200: WorkLogPage},
    summary="A ticket's work log",
    description="What each line diagnosed and did, oldest first. Empty for customers.",
)
def list_worklog(request: HttpRequest, page: Query[PageIn], number: str = NumberPath) -> HttpResponse:
    actor = current_actor(request)
    refuse_unknown_params(request, PageIn)
    ticket = access_ticket(actor, number)
    qs = worklog_visible_to(actor, ticket)
    return json_response(200, paginate(qs, page, newest_first=False, serialize=worklog_json))


@router.post(
    "/{number}/escalate",
    response={200: TicketOut},
    summary="Escalate to a higher line or another team",
    description="Needs a work log (`diagnosis` and `steps_taken`): without one, 422 `worklog_required`.",
)
def escalate_ticket(request: HttpRequest, payload: EscalateIn, number: str = NumberPath) -> HttpResponse:
    actor = current_actor(request)
    ticket = access_ticket(actor, number)

    def run() -> tuple[int, Any]:
        to_team = lookup("to_team", access_team, actor, payload.to_team) if payload.to_team else None
        ticket_actions.escalate_ticket(
            ticket, actor=actor, worklog=_worklog(payload.worklog), to_line=payload.to_line, to_team=to_team
        )
        return _fresh(actor, number)

    return idempotent(request, actor, operation="escalate_ticket", payload=payload_json(payload), create=run)


@router.post(
    "/{number}/return",
    response={200: TicketOut},
    summary="Hand a ticket back to line 1",
    description="With a work log of what the higher line found and did (`steps_taken` at least).",
)
def return_ticket(request: HttpRequest, payload: ReturnIn, number: str = NumberPath) -> HttpResponse:
    actor = current_actor(request)
    ticket = access_ticket(actor, number)

    def run() -> tuple[int, Any]:
        to_team = lookup("to_team", access_team, actor, payload.to_team) if payload.to_team else None
        ticket_actions.return_ticket(ticket, actor=actor, worklog=_worklog(payload.worklog), to_team=to_team)
        return _fresh(actor, number)

    return idempotent(request, actor, operation="return_ticket", payload=payload_json(payload), create=run)


@router.post(
    "/{number}/time",
    response={201: TicketOut},
    summary="Record time spent on a ticket",
    description="Honours `Idempotency-Key`.",
)
def log_time(request: HttpRequest, payload: TimeIn, number: str = NumberPath) -> HttpResponse:
    actor = current_actor(request)
    ticket = access_ticket(actor, number)

    def run() -> tuple[int, Any]:
        ticket_actions.log_time(ticket, actor=actor, minutes=payload.minutes, note=payload.note)
        return 201, ticket_json(actor, access_ticket(actor, number))

    return idempotent(request, actor, operation="log_time", payload=payload_json(payload), create=run)
