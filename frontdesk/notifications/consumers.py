"""The ticket-event consumer that tells agents what concerns them (listed in ``FRONTDESK_EVENT_CONSUMERS``).

Who hears of what:

- a new ticket in a team, or a ticket moved to a team: the team's members;
- a ticket opened with an assignee, or assigned: the assignee;
- a customer's message: the assignee, else the members of the ticket's team;
- an internal note: the agents it mentions (``@`` and the part of their address before the ``@``);
- an escalation: the members of the target team, else the agents of the target line in the brand;
- a service-level warning: the assignee, else the team lead;
- a service-level breach: the assignee and the team lead.

Never the agent who acted, and only agents who can see the ticket (they serve its brand; a ticket for the
management only the brand's admins), as ``tickets.queries.tickets_visible_to`` has it. One notification per
(event, agent, kind): a second dispatch of the same events makes, mails and pushes nothing new.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation

from frontdesk.core.live import push_many, user_group
from frontdesk.mail.agent_mail import AgentNotice, agent_language, plan_agent_notices, queue_agent_mail
from frontdesk.notifications.choices import MailChoice, NotificationKind
from frontdesk.notifications.models import Notification, NotificationSettings
from frontdesk.notifications.preferences import choice_for
from frontdesk.notifications.queries import forget_unread_counts
from frontdesk.notifications.texts import headline
from frontdesk.tickets.choices import EventKind
from frontdesk.tickets.models import Message, Ticket, TicketEvent
from frontdesk.users.choices import AgentRole
from frontdesk.users.models import AgentMembership, Team, User

KINDS = {
    EventKind.CREATED: NotificationKind.NEW_IN_TEAM,
    EventKind.TEAM_CHANGED: NotificationKind.NEW_IN_TEAM,
    EventKind.ASSIGNED: NotificationKind.ASSIGNED,
    EventKind.CUSTOMER_MESSAGE: NotificationKind.CUSTOMER_REPLIED,
    EventKind.NOTE_ADDED: NotificationKind.MENTIONED,
    EventKind.ESCALATED: NotificationKind.ESCALATED,
    EventKind.SLA_WARNING: NotificationKind.SLA_WARNING,
    EventKind.SLA_BREACHED: NotificationKind.SLA_BREACHED,
}

# ``@anna.k`` names the agent whose address starts with ``anna.k@``; not inside an address (``x@anna.k``).
MENTION = re.compile(r"(?<![\w.+-])@([A-Za-z0-9][A-Za-z0-9._%+-]*)")


def mentioned_names(text: str) -> set[str]:
    """The lower-cased names after ``@`` in a note (a trailing full stop or comma is not part of them)."""
    return {match.rstrip(".").lower() for match in MENTION.findall(text or "")}


def notify_agents(event: TicketEvent) -> None:
    notify_agents_for_events([event])


@dataclass
class _Facts:
    """What the rules read about a batch of events, one query per kind of look-up."""

    tickets: dict[int, Ticket]
    members: dict[int, list[int]]
    leads: dict[int, int | None]
    notes: dict[int, str]
    # (brand, line) -> agents; brand -> [(user, local part of their address)]
    line_agents: dict[tuple[int, int], list[int]]
    brand_agents: dict[int, list[tuple[int, str]]]


def _facts(events: Sequence[TicketEvent]) -> _Facts:
    tickets = Ticket.objects.select_related("brand").in_bulk(sorted({e.ticket_id for e in events}))
    team_ids = (
        {t.team_id for t in tickets.values() if t.team_id}
        | {
            int(e.data["to_team"])
            for e in events
            if e.kind == EventKind.ESCALATED and isinstance(e.data.get("to_team"), int)
        }
        | {
            int(e.data["after"])
            for e in events
            if e.kind == EventKind.TEAM_CHANGED and isinstance(e.data.get("after"), int)
        }
    )
    members: dict[int, list[int]] = defaultdict(list)
    leads: dict[int, int | None] = {}
    if team_ids:
        for team_id, user_id in Team.members.through.objects.filter(team_id__in=sorted(team_ids)).values_list(
            "team_id", "user_id"
        ):
            members[team_id].append(user_id)
        leads = dict(Team.objects.filter(pk__in=sorted(team_ids)).values_list("id", "lead_id"))
    note_ids = [
        e.data["message"]
        for e in events
        if e.kind == EventKind.NOTE_ADDED and isinstance(e.data.get("message"), int)
    ]
    notes = dict(Message.objects.filter(pk__in=note_ids).values_list("pk", "body_text")) if note_ids else {}
    lines = {
        (e.brand_id, int(e.data["to_line"]))
        for e in events
        if e.kind == EventKind.ESCALATED
        and isinstance(e.data.get("to_line"), int)
        and not isinstance(e.data.get("to_team"), int)
    }
    mention_brands = {e.brand_id for e in events if e.data.get("message") in notes}
    line_agents: dict[tuple[int, int], list[int]] = defaultdict(list)
    brand_agents: dict[int, list[tuple[int, str]]] = defaultdict(list)
    wanted_brands = sorted({b for b, _line in lines} | mention_brands)
    if wanted_brands:
        rows = AgentMembership.objects.filter(brand_id__in=wanted_brands, user__is_active=True).values_list(
            "brand_id", "line", "user_id", "user__email"
        )
        for brand_id, line, user_id, email in rows:
            if (brand_id, line) in lines:
                line_agents[(brand_id, line)].append(user_id)
            if brand_id in mention_brands:
                brand_agents[brand_id].append((user_id, email.partition("@")[0].lower()))
    return _Facts(tickets, members, leads, notes, line_agents, brand_agents)


def _recipients(
    event: TicketEvent, ticket: Ticket, facts: _Facts, *, reassigned: bool
) -> list[tuple[int | None, NotificationKind]]:
    """Who the rules name for ``event`` and what they are told (before the checks of who may be told)."""
    kind = event.kind

    def each(
        user_ids: Iterable[int | None], told: NotificationKind
    ) -> list[tuple[int | None, NotificationKind]]:
        return [(user_id, told) for user_id in user_ids]

    if kind == EventKind.CREATED:
        # Opened with an assignee (a call taken for a colleague): they hear of it as an assignment, unless an
        # assignment in the same batch tells them anyway.
        assignee = ticket.assignee_id if not reassigned else None
        members = [m for m in facts.members.get(ticket.team_id or 0, []) if m != assignee]
        return each(members, NotificationKind.NEW_IN_TEAM) + each([assignee], NotificationKind.ASSIGNED)
    told = KINDS[EventKind(kind)]
    if kind == EventKind.TEAM_CHANGED:
        team_id = event.data.get("after")
        return each(facts.members.get(team_id, []) if isinstance(team_id, int) else [], told)
    if kind == EventKind.ASSIGNED:
        after = event.data.get("after")
        return each([after] if isinstance(after, int) else [], told)
    if kind == EventKind.CUSTOMER_MESSAGE:
        if ticket.assignee_id is not None:
            return each([ticket.assignee_id], told)
        return each(facts.members.get(ticket.team_id or 0, []), told)
    if kind == EventKind.NOTE_ADDED:
        names = mentioned_names(facts.notes.get(event.data.get("message") or 0, ""))
        agents = facts.brand_agents.get(event.brand_id, [])
        return each([user_id for user_id, local in agents if local in names], told)
    if kind == EventKind.ESCALATED:
        to_team = event.data.get("to_team")
        if isinstance(to_team, int):
            return each(facts.members.get(to_team, []), told)
        to_line = event.data.get("to_line")
        line = facts.line_agents.get((event.brand_id, to_line), []) if isinstance(to_line, int) else []
        return each(line, told)
    lead = facts.leads.get(ticket.team_id) if ticket.team_id else None
    if kind == EventKind.SLA_WARNING:
        return each([ticket.assignee_id if ticket.assignee_id is not None else lead], told)
    if kind == EventKind.SLA_BREACHED:
        return each([ticket.assignee_id, lead], told)
    return []


def _who_sees(user_ids: set[int], brand_ids: set[int]) -> tuple[dict[int, User], dict[tuple[int, int], str]]:
    """Active users among ``user_ids`` and their roles in ``brand_ids``."""
    users = (
        User.objects.filter(pk__in=sorted(user_ids), is_active=True)
        .only("id", "email", "name", "language", "is_provider_admin")
        .in_bulk()
    )
    roles = {
        (user_id, brand_id): role
        for user_id, brand_id, role in AgentMembership.objects.filter(
            user_id__in=sorted(users), brand_id__in=sorted(brand_ids)
        ).values_list("user_id", "brand_id", "role")
    }
    return users, roles


def _can_see(user: User, ticket: Ticket, roles: dict[tuple[int, int], str]) -> bool:
    if user.is_provider_admin:
        return True
    role = roles.get((user.pk, ticket.brand_id))
    if role is None:
        return False
    return not ticket.for_management or role == AgentRole.BRAND_ADMIN


def notify_agents_for_events(events: Sequence[TicketEvent]) -> list[Notification]:
    """``notify_agents`` for a batch: a fixed number of queries, one INSERT for the new notifications.
    Returns the notifications made now."""
    events = [e for e in events if e.kind in KINDS]
    if not events:
        return []
    facts = _facts(events)
    # A ticket that changed teams in the same batch is told to its (current) team by the team change.
    moved = {e.ticket_id for e in events if e.kind == EventKind.TEAM_CHANGED}
    reassigned = {e.ticket_id for e in events if e.kind == EventKind.ASSIGNED}
    named: list[tuple[TicketEvent, Ticket, int, NotificationKind]] = []
    for event in events:
        ticket = facts.tickets.get(event.ticket_id)
        if ticket is None:
            continue
        named_here = _recipients(event, ticket, facts, reassigned=event.ticket_id in reassigned)
        for user_id, kind in dict.fromkeys(named_here):
            if (
                kind == NotificationKind.NEW_IN_TEAM
                and event.kind == EventKind.CREATED
                and event.ticket_id in moved
            ):
                continue
            if user_id is not None and user_id != event.actor_id:
                named.append((event, ticket, user_id, kind))
    if not named:
        return []
    users, roles = _who_sees({n[2] for n in named}, {n[1].brand_id for n in named})
    stored = dict(
        NotificationSettings.objects.filter(user_id__in=sorted(users)).values_list("user_id", "choices")
    )
    done = set(
        Notification.objects.filter(event_id__in=[e.pk for e in events]).values_list(
            "event_id", "user_id", "kind"
        )
    )
    # A ticket is announced to a team member once: a team set by a trigger right after the ticket was opened
    # (its own event, dispatched later) does not announce it again.
    announced: set[tuple[int, int]] = set()
    if any(kind == NotificationKind.NEW_IN_TEAM for *_rest, kind in named):
        announced = set(
            Notification.objects.filter(
                ticket_id__in=sorted({ticket.pk for _event, ticket, _user, _kind in named}),
                kind=NotificationKind.NEW_IN_TEAM,
            )
            .exclude(event_id__in=[e.pk for e in events])
            .values_list("ticket_id", "user_id")
        )
    now = timezone.now()
    planned: list[Notification] = []
    for event, ticket, user_id, kind in named:
        user = users.get(user_id)
        if user is None or not _can_see(user, ticket, roles) or (event.pk, user_id, str(kind)) in done:
            continue
        if kind == NotificationKind.NEW_IN_TEAM and (ticket.pk, user_id) in announced:
            continue
        choice = choice_for(stored.get(user_id), kind)
        if not choice.wanted:
            continue
        planned.append(
            Notification(
                user=user,
                brand=ticket.brand,
                ticket=ticket,
                event=event,
                kind=kind,
                actor_label=event.actor_label[:200],
                in_app=choice.in_app,
                mail=choice.mail,
                created_at=now,
                mailed_at=now if choice.mail == MailChoice.IMMEDIATELY else None,
            )
        )
    made = _insert(planned)
    _mail_at_once([n for n in made if n.mail == MailChoice.IMMEDIATELY])
    shown = [n for n in made if n.in_app]
    if shown:
        user_ids = sorted({n.user_id for n in shown})
        forget_unread_counts(user_ids)

        def tell() -> None:
            forget_unread_counts(user_ids)
            push_many(
                (
                    [user_group(n.user_id)],
                    {"type": "notification.created", "notification": n.pk, "kind": str(n.kind)},
                )
                for n in shown
            )

        transaction.on_commit(tell)
    return made


# The dispatcher hands a batch of events to this instead of one event at a time.
notify_agents.for_events = notify_agents_for_events  # type: ignore[attr-defined]


def _mail_at_once(notifications: list[Notification]) -> None:
    notices = []
    for notification in notifications:
        language = agent_language(notification.user, notification.brand)
        with translation.override(language):
            text = headline(notification.kind, notification.actor_label)
        notices.append(
            AgentNotice(
                event=notification.event,
                ticket=notification.ticket,
                user=notification.user,
                language=language,
                headline=text,
            )
        )
    if notices:
        queue_agent_mail(plan_agent_notices(notices))


def _insert(planned: list[Notification]) -> list[Notification]:
    """All at once; should another worker have made some of them meanwhile, one by one, skipping theirs."""
    if not planned:
        return []
    if len(planned) > 1:
        try:
            with transaction.atomic():
                return Notification.objects.bulk_create(planned)
        except IntegrityError:
            pass
    made = []
    for notification in planned:
        try:
            with transaction.atomic() if connection.in_atomic_block else nullcontext():
                notification.pk = None
                notification._state.adding = True
                notification.save(force_insert=True)
            made.append(notification)
        except IntegrityError:
            continue
    return made
