"""Escalation to lines 2 and 3 (or another team) with a work log, hand-back to line 1, and time spent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.core.errors import InvalidInput, InvalidTransition, WorklogRequired, require
from frontdesk.tickets.choices import EventKind, Status, WorkLogKind
from frontdesk.tickets.events import record_event
from frontdesk.tickets.locks import check_version, lock_ticket
from frontdesk.tickets.models import Ticket, TicketEvent, TimeEntry, WorkLogEntry
from frontdesk.tickets.permissions import can_work_on
from frontdesk.users.actors import Actor
from frontdesk.users.choices import AgentRole
from frontdesk.users.models import AgentMembership, Team, User

MAX_MINUTES = 24 * 60
MAX_TEXT = 20_000


@dataclass(frozen=True)
class WorkLog:
    """What the line passing a ticket on diagnosed, did, and asks the next line to do."""

    diagnosis: str
    steps_taken: str
    request: str = ""
    minutes_spent: int = 0

    def validated(self, *, required: bool = True) -> WorkLog:
        diagnosis, steps = self.diagnosis.strip(), self.steps_taken.strip()
        if required and not diagnosis:
            raise WorklogRequired(_("Say what was diagnosed."), field="worklog.diagnosis")
        if required and not steps:
            raise WorklogRequired(_("Say what was already done."), field="worklog.steps_taken")
        for name in ("diagnosis", "steps_taken", "request"):
            if len(getattr(self, name)) > MAX_TEXT:
                raise InvalidInput(
                    _("The %(field)s is longer than %(limit)d characters.")
                    % {"field": name, "limit": MAX_TEXT},
                    field=f"worklog.{name}",
                )
        if not 0 <= self.minutes_spent <= MAX_MINUTES:
            raise InvalidInput(
                _("Minutes spent are between 0 and %(limit)d.") % {"limit": MAX_MINUTES},
                field="worklog.minutes_spent",
            )
        return WorkLog(diagnosis, steps, self.request.strip(), self.minutes_spent)

    def as_data(self) -> dict[str, Any]:
        return {
            "diagnosis": self.diagnosis,
            "steps_taken": self.steps_taken,
            "request": self.request,
            "minutes_spent": self.minutes_spent,
        }


def _write_log(
    ticket: Ticket, *, actor: Actor, kind: WorkLogKind, log: WorkLog, to_line: int, to_team: Team | None
) -> WorkLogEntry:
    entry = WorkLogEntry.objects.create(
        ticket=ticket,
        brand_id=ticket.brand_id,
        kind=kind,
        author_id=actor.user_id,
        author_label=actor.label[:200],
        from_line=ticket.line,
        to_line=to_line,
        from_team_id=ticket.team_id,
        to_team=to_team,
        diagnosis=log.diagnosis,
        steps_taken=log.steps_taken,
        request=log.request,
        minutes_spent=log.minutes_spent,
        created_at=ticket.updated_at,
    )
    if log.minutes_spent:
        _add_time(ticket, actor=actor, minutes=log.minutes_spent, note=str(kind))
    return entry


def _add_time(ticket: Ticket, *, actor: Actor, minutes: int, note: str = "") -> None:
    TimeEntry.objects.create(
        ticket=ticket,
        brand_id=ticket.brand_id,
        agent_id=actor.user_id,
        agent_label=actor.label[:200],
        line=actor.line_in(ticket.brand_id) or ticket.line,
        minutes=minutes,
        note=note[:300],
        created_at=ticket.updated_at,
    )
    ticket.minutes_spent += minutes


def _save(ticket: Ticket, fields: list[str]) -> None:
    ticket.version += 1
    ticket.save(update_fields=[*fields, "minutes_spent", "updated_at", "version"])


@transaction.atomic
def escalate_ticket(
    ticket: Ticket,
    *,
    actor: Actor,
    worklog: WorkLog,
    to_line: int | None = None,
    to_team: Team | None = None,
    version: int | None = None,
) -> Ticket:
    """Pass the ticket up a line or to another team; the work log is required and shown to the next line."""
    ticket = lock_ticket(ticket.pk)
    require(can_work_on(actor, ticket))
    check_version(ticket, version)
    log = worklog.validated()
    if to_team is not None and to_team.brand_id not in (None, ticket.brand_id):
        raise InvalidInput(_("The team belongs to another brand."), field="to_team")
    target_line = (
        to_line if to_line is not None else (to_team.line if to_team is not None else ticket.line + 1)
    )
    if target_line not in (1, 2, 3):
        raise InvalidInput(_("The support line is 1, 2 or 3."), field="to_line")
    if to_team is None and target_line <= ticket.line:
        raise InvalidTransition(
            _("The ticket is on line %(line)d; escalate to a higher line or another team.")
            % {"line": ticket.line},
            field="to_line",
        )
    if to_team is not None and to_team.pk == ticket.team_id and target_line == ticket.line:
        raise InvalidTransition(_("The ticket is already with that team."), field="to_team")
    if ticket.status in (Status.SOLVED, Status.CLOSED):
        raise InvalidTransition(_("Reopen the ticket before escalating it."), field="status")
    ticket.updated_at = timezone.now()
    entry = _write_log(
        ticket, actor=actor, kind=WorkLogKind.ESCALATION, log=log, to_line=target_line, to_team=to_team
    )
    data = {
        **log.as_data(),
        "worklog": entry.pk,
        "from_line": ticket.line,
        "to_line": target_line,
        "from_team": ticket.team_id,
        "to_team": to_team.pk if to_team else None,
        "previous_assignee": ticket.assignee_id,
    }
    ticket.line = target_line
    if to_team is not None:
        ticket.team = to_team
    ticket.assignee = None
    fields = ["line", "team", "assignee"]
    record_event(ticket, EventKind.ESCALATED, actor=actor, data=data)
    if ticket.status == Status.NEW:
        # Somebody has worked on it now: the history shows the status change as its own event.
        ticket.status = Status.OPEN
        fields.append("status")
        record_event(
            ticket,
            EventKind.STATUS_CHANGED,
            actor=actor,
            data={"before": Status.NEW, "after": Status.OPEN, "reason": "escalated"},
        )
    _save(ticket, fields)
    return ticket


@transaction.atomic
def return_ticket(
    ticket: Ticket,
    *,
    actor: Actor,
    worklog: WorkLog,
    to_team: Team | None = None,
    version: int | None = None,
    to_owner: bool = True,
) -> Ticket:
    """Hand the ticket back to line 1 with what the higher line found and did. It goes back to whom it came
    from: the agent who had it when it left line 1 (else who escalated it), while they are an active line-1
    agent of the brand, told by an assignment event (unless ``to_owner`` is false: a live chat handed back
    waits in line 1's chat queue, and whoever accepts it gets the ticket); and, unless ``to_team`` is given,
    to the team it had."""
    ticket = lock_ticket(ticket.pk)
    require(can_work_on(actor, ticket))
    check_version(ticket, version)
    if ticket.line == 1:
        raise InvalidTransition(_("The ticket is already on line 1."), field="line")
    log = WorkLog(
        worklog.diagnosis or "-", worklog.steps_taken, worklog.request, worklog.minutes_spent
    ).validated()
    if to_team is not None and (to_team.brand_id not in (None, ticket.brand_id) or to_team.line != 1):
        raise InvalidInput(_("Hand back to a line-1 team of this brand."), field="to_team")
    escalation = _escalation_from_line_one(ticket)
    team = to_team if to_team is not None else _team_before(ticket, escalation)
    owner = _owner_before(ticket, escalation) if to_owner else None
    ticket.updated_at = timezone.now()
    entry = _write_log(ticket, actor=actor, kind=WorkLogKind.RETURN, log=log, to_line=1, to_team=team)
    record_event(
        ticket,
        EventKind.RETURNED,
        actor=actor,
        data={**log.as_data(), "worklog": entry.pk, "from_line": ticket.line, "to_line": 1},
    )
    ticket.line = 1
    ticket.team = team
    before = ticket.assignee_id
    ticket.assignee = owner
    if owner is not None and owner.pk != before:
        # An assignment like any other: the owner is told (notifications listen to assignments).
        record_event(
            ticket,
            EventKind.ASSIGNED,
            actor=actor,
            data={"before": before, "after": owner.pk, "after_label": str(owner), "reason": "returned"},
        )
    _save(ticket, ["line", "team", "assignee"])
    return ticket


def _escalation_from_line_one(ticket: Ticket) -> TicketEvent | None:
    """The escalation that took the ticket up from line 1 most recently, since it last came back to line 1."""
    events = TicketEvent.objects.filter(ticket_id=ticket.pk)
    last_return = events.filter(kind=EventKind.RETURNED).order_by("-id").values_list("id", flat=True).first()
    if last_return is not None:
        events = events.filter(id__gt=last_return)
    return events.filter(kind=EventKind.ESCALATED, data__from_line=1).order_by("-id").first()


def _team_before(ticket: Ticket, escalation: TicketEvent | None) -> Team | None:
    """The line-1 team the ticket had before that escalation, if it is still a line-1 team of the brand."""
    team_id = escalation.data.get("from_team") if escalation is not None else None
    if not isinstance(team_id, int):
        return None
    return (
        Team.objects.filter(pk=team_id, line=1)
        .filter(Q(brand_id=ticket.brand_id) | Q(brand__isnull=True))
        .first()
    )


def _owner_before(ticket: Ticket, escalation: TicketEvent | None) -> User | None:
    """Who the ticket goes back to: its assignee when it was escalated, else the agent who escalated it, while
    they are an active line-1 agent of the brand (a brand admin for a ticket for the management)."""
    if escalation is None:
        return None
    for user_id in (escalation.data.get("previous_assignee"), escalation.actor_id):
        if not isinstance(user_id, int):
            continue
        agents = AgentMembership.objects.filter(
            user_id=user_id, brand_id=ticket.brand_id, line=1, user__is_active=True
        )
        if ticket.for_management:
            agents = agents.filter(role=AgentRole.BRAND_ADMIN)
        if agents.exists():
            return User.objects.get(pk=user_id)
    return None


@transaction.atomic
def add_worklog(
    ticket: Ticket, *, actor: Actor, worklog: WorkLog, version: int | None = None
) -> WorkLogEntry:
    """Record diagnosis and work without moving the ticket."""
    ticket = lock_ticket(ticket.pk)
    require(can_work_on(actor, ticket))
    check_version(ticket, version)
    log = worklog.validated()
    ticket.updated_at = timezone.now()
    entry = _write_log(ticket, actor=actor, kind=WorkLogKind.WORK, log=log, to_line=ticket.line, to_team=None)
    record_event(ticket, EventKind.WORKLOG_ADDED, actor=actor, data={**log.as_data(), "worklog": entry.pk})
    _save(ticket, [])
    return entry


@transaction.atomic
def log_time(
    ticket: Ticket, *, actor: Actor, minutes: int, note: str = "", version: int | None = None
) -> Ticket:
    """Minutes spent on the ticket by the acting agent, on the line they work at."""
    ticket = lock_ticket(ticket.pk)
    require(can_work_on(actor, ticket))
    check_version(ticket, version)
    if not 1 <= minutes <= MAX_MINUTES:
        raise InvalidInput(
            _("Minutes are between 1 and %(limit)d.") % {"limit": MAX_MINUTES}, field="minutes"
        )
    ticket.updated_at = timezone.now()
    _add_time(ticket, actor=actor, minutes=minutes, note=note)
    record_event(
        ticket, EventKind.WORKLOG_ADDED, actor=actor, data={"minutes_spent": minutes, "note": note[:300]}
    )
    _save(ticket, [])
    return ticket
