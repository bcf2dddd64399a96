"""Automatic assignment: a team in round-robin or load mode gives its new work to an agent on shift.

``auto_assign_for_event`` is an event consumer (``FRONTDESK_EVENT_CONSUMERS``): when a ticket arrives in a
team (created, moved to it, escalated, handed back, reopened) and nobody has it, it picks an agent and assigns
the ticket through ``tickets.actions.assign_ticket`` as the system, the event's data saying it was automatic
and by which mode. Who can be picked: a member of the team who is on shift, is an agent of the ticket's brand
(``AgentMembership``) on the ticket's line, and has fewer open tickets than the team's limit. A ticket for the
brand's management goes only to the brand's admins among them, never to a line agent.

- round robin: the next such agent after ``team.last_assigned``, in the order of their user ids;
- load: the one with the fewest open tickets assigned (in any team), ties broken by the round-robin order.

The team's row is locked (``select_for_update``) while choosing, so two workers assigning two tickets of the
team at once take turns and see each other's choice: two tickets, two agents. ``assign_waiting_tickets`` runs
every minute and when an agent comes on shift, for tickets that arrived while nobody could take them. Going
off shift unassigns nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from huey.contrib.djhuey import db_task

from frontdesk.core.errors import NotFound
from frontdesk.core.schedules import scheduled
from frontdesk.core.work import enqueue_on_commit
from frontdesk.tickets.actions import assign_ticket
from frontdesk.tickets.choices import OPEN_STATUSES, EventKind
from frontdesk.tickets.locks import lock_ticket
from frontdesk.tickets.models import OPEN_Q, Ticket, TicketEvent
from frontdesk.users.actors import SYSTEM
from frontdesk.users.choices import AgentRole, AssignmentMode
from frontdesk.users.models import AgentMembership, Team, User

logger = logging.getLogger(__name__)

AUTOMATIC_MODES = (AssignmentMode.ROUND_ROBIN, AssignmentMode.LOAD)
# The events after which a ticket may need an agent of its (new) team.
TRIGGERS = frozenset(
    {
        EventKind.CREATED,
        EventKind.TEAM_CHANGED,
        EventKind.ESCALATED,
        EventKind.RETURNED,
        EventKind.REOPENED,
    }
)
# Tickets the sweep looks at per pass, across all teams; the rest wait for the next minute.
SWEEP_BATCH = 200


def _candidates(team: Team, ticket: Ticket) -> list[int]:
    """The user ids, in round-robin order, of the team's members who may take ``ticket`` now (limit aside)."""
    memberships = AgentMembership.objects.filter(
        brand_id=ticket.brand_id,
        user__teams=team,
        user__is_active=True,
        user__is_on_shift=True,
    )
    if ticket.for_management:
        memberships = memberships.filter(role=AgentRole.BRAND_ADMIN)
    else:
        memberships = memberships.filter(line=ticket.line)
    return sorted(set(memberships.values_list("user_id", flat=True)))


def open_counts(user_ids: Sequence[int]) -> dict[int, int]:
    """Open tickets assigned to each of these agents (the partial index ``ticket_assignee_open``)."""
    if not user_ids:
        return {}
    rows = (
        Ticket.objects.filter(OPEN_Q, assignee_id__in=list(user_ids))
        .values("assignee_id")
        .annotate(n=Count("id"))
        .values_list("assignee_id", "n")
    )
    counts = dict.fromkeys(user_ids, 0)
    counts.update(dict(rows))
    return counts


def _in_turn(user_ids: Sequence[int], last: int | None) -> list[int]:
    """The ids in round-robin order: those after ``last`` first, then from the start."""
    if last is None:
        return list(user_ids)
    after = [pk for pk in user_ids if pk > last]
    return after + [pk for pk in user_ids if pk <= last]


def choose_agent(team: Team, ticket: Ticket) -> int | None:
    """The agent ``team`` gives ``ticket`` to by its mode, or None when nobody can take it."""
    if team.assignment not in AUTOMATIC_MODES:
        return None
    turn = _in_turn(_candidates(team, ticket), team.last_assigned_id)
    if not turn:
        return None
    counts = open_counts(turn)
    if team.max_open_per_agent is not None:
        turn = [pk for pk in turn if counts[pk] < team.max_open_per_agent]
    if not turn:
        return None
    if team.assignment == AssignmentMode.LOAD:
        # min() keeps the first of equals: the round-robin order breaks ties.
        return min(turn, key=lambda pk: counts[pk])
    return turn[0]


def _needs_agent(ticket: Ticket) -> bool:
    return ticket.assignee_id is None and ticket.team_id is not None and ticket.status in OPEN_STATUSES


@transaction.atomic
def auto_assign(ticket_id: int) -> User | None:
    """Assign the ticket to the agent its team's mode picks, if it is open, unassigned and in such a team;
    returns the agent, or None when it was left alone."""
    try:
        ticket = lock_ticket(ticket_id)
    except NotFound:
        return None
    if not _needs_agent(ticket) or ticket.team_id is None:
        return None
    # Ticket before team, always: the sweep and the consumer lock in the same order.
    team = Team.objects.select_for_update().filter(pk=ticket.team_id).first()
    if team is None or team.brand_id not in (None, ticket.brand_id):
        return None
    agent_id = choose_agent(team, ticket)
    if agent_id is None:
        return None
    agent = User.objects.get(pk=agent_id)
    details: dict[str, Any] = {"automatic": True, "mode": str(team.assignment), "team": team.pk}
    assign_ticket(ticket, actor=SYSTEM, assignee=agent, details=details)
    Team.objects.filter(pk=team.pk).update(last_assigned=agent)
    return agent


def auto_assign_for_events(events: Sequence[TicketEvent]) -> None:
    """The consumer: a ticket that arrived in a team by one of these events gets an agent if its team
    assigns them. The tickets as the dispatcher read them sort out the many that are assigned or teamless, one
    query the teams that assign by hand; only the rest are locked."""
    waiting = {
        event.ticket_id: event.ticket.team_id
        for event in events
        if event.kind in TRIGGERS and _needs_agent(event.ticket)
    }
    if not waiting:
        return
    automatic = set(
        Team.objects.filter(pk__in=set(waiting.values()), assignment__in=AUTOMATIC_MODES).values_list(
            "pk", flat=True
        )
    )
    # One transaction holds the batch's locks: teams are taken in one order, so two workers' batches wait for
    # each other instead of deadlocking.
    for team_id, ticket_id in sorted((team_id, ticket_id) for ticket_id, team_id in waiting.items()):
        if team_id in automatic:
            auto_assign(ticket_id)


def auto_assign_for_event(event: TicketEvent) -> None:
    auto_assign_for_events([event])


# The dispatcher hands a batch of events to this instead of one event at a time.
auto_assign_for_event.for_events = auto_assign_for_events  # type: ignore[attr-defined]


def _automatic_teams(team_ids: Iterable[int] | None = None) -> list[Team]:
    teams = Team.objects.filter(assignment__in=AUTOMATIC_MODES)
    if team_ids is not None:
        teams = teams.filter(pk__in=list(team_ids))
    # Only teams with someone on shift: the others cannot take anything.
    on_shift = teams.filter(members__is_on_shift=True, members__is_active=True).values("pk")
    return list(Team.objects.filter(pk__in=on_shift).order_by("pk"))


def _fitting(team: Team) -> Q | None:
    """The tickets some agent of the team on shift could take: their brands and lines, and for the brands
    they administer, the management tickets. None when there is nobody."""
    memberships = AgentMembership.objects.filter(
        user__teams=team, user__is_on_shift=True, user__is_active=True
    )
    if team.brand_id is not None:
        memberships = memberships.filter(brand_id=team.brand_id)
    fits = Q()
    found = False
    for brand_id, line, role in set(memberships.values_list("brand_id", "line", "role")):
        found = True
        fits |= Q(brand_id=brand_id, line=line, for_management=False)
        if role == AgentRole.BRAND_ADMIN:
            fits |= Q(brand_id=brand_id, for_management=True)
    return fits if found else None


def assign_waiting_tickets(team_ids: Iterable[int] | None = None, *, limit: int = SWEEP_BATCH) -> list[int]:
    """Give the open unassigned tickets of automatic teams (all, or ``team_ids``) to their agents on shift,
    the oldest first, trying ``limit`` tickets at most; returns the ids of the tickets assigned.

    Per team it reads the open unassigned tickets some agent on shift could take, in id order (the partial
    index ``ticket_team_open``). When a ticket finds nobody (all full), the others of its brand and line are
    not tried again in this pass.
    """
    assigned: list[int] = []
    tried = 0
    for team in _automatic_teams(team_ids):
        fits = _fitting(team)
        if fits is None or tried >= limit:
            continue
        waiting = (
            Ticket.objects.filter(OPEN_Q, fits, team_id=team.pk, assignee__isnull=True)
            .order_by("id")
            .values_list("id", "brand_id", "line", "for_management")[: limit - tried]
        )
        full: set[tuple[int, int, bool]] = set()
        for ticket_id, brand_id, line, for_management in list(waiting):
            key = (brand_id, line, for_management)
            if key in full:
                continue
            tried += 1
            if auto_assign(ticket_id) is None:
                full.add(key)
            else:
                assigned.append(ticket_id)
    return assigned


@scheduled("tickets.assign_waiting_tickets", every=timedelta(minutes=1))
def sweep_waiting_tickets() -> list[int]:
    """Every minute: tickets that arrived while nobody on shift could take them."""
    assigned = assign_waiting_tickets()
    if assigned:
        logger.info("Assigned %d waiting tickets", len(assigned))
    return assigned


@db_task()  # type: ignore[untyped-decorator]  # huey ships no type hints
def assign_waiting_for_agent(user_id: int) -> None:
    """An agent came on shift: the waiting tickets of their teams may go to them (or their colleagues)."""
    team_ids = list(Team.objects.filter(members__pk=user_id).values_list("pk", flat=True))
    if team_ids:
        assign_waiting_tickets(team_ids)


def agent_came_on_shift(user: User) -> None:
    """Queue the assignment of their teams' waiting tickets once the change is committed."""
    if user.is_on_shift:
        enqueue_on_commit(assign_waiting_for_agent, user.pk)
