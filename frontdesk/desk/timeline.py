"""A ticket's history as the desk shows it: messages, notes, calls and events in one list ordered by time,
with the delivery of every mail we sent on the message it carried."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from frontdesk.mail.choices import OutboundStatus
from frontdesk.mail.queries import Body, split_quoted_history
from frontdesk.tickets.choices import (
    AuthorKind,
    CallDirection,
    Channel,
    EventKind,
    MessageKind,
    Priority,
    Status,
)

if TYPE_CHECKING:
    from frontdesk.mail.models import OutboundMessage
    from frontdesk.tickets.models import Message, Ticket, TicketEvent

# Events that only say a message was added: the message itself stands in the timeline instead.
MESSAGE_EVENTS = frozenset(
    {EventKind.CUSTOMER_MESSAGE, EventKind.REPLIED, EventKind.NOTE_ADDED, EventKind.CALL_LOGGED}
)
RETRYABLE = frozenset({OutboundStatus.FAILED, OutboundStatus.UNCERTAIN})
# Channels whose customers are answered somewhere else than by mail (the chat window, the social network).
NOT_BY_MAIL = frozenset({Channel.CHAT, Channel.SOCIAL})


def viewer_zone(name: str) -> ZoneInfo | None:
    """The viewer's own time zone, None (the site's zone) when unset or unknown."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _label(choices: Any, value: object) -> str:
    """The translated label of a choice, the raw value for one that no longer exists."""
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


# --- Delivery of mail -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    outbound: OutboundMessage
    # queued, sending, sent, retrying, failed, bounced, uncertain or skipped
    state: str
    at: datetime | None
    detail: str
    can_retry: bool


def _skip_reason(code: str) -> str:
    return {
        "suppressed": _("the address bounced before"),
        "automatic_sender": _("the customer's mail was sent automatically"),
        "rate_cap": _("too many acknowledgements to this address in the last hour"),
    }.get(code, code)


def delivery_of(outbound: OutboundMessage, *, now: datetime | None = None) -> Delivery:
    now = now or timezone.now()
    status = outbound.status
    error = outbound.last_error or outbound.reason or _("no reason recorded")
    if status == OutboundStatus.PENDING:
        if outbound.attempts and outbound.next_attempt_at > now:
            return Delivery(outbound, "retrying", outbound.next_attempt_at, outbound.last_error, False)
        return Delivery(outbound, "queued", None, "", False)
    if status == OutboundStatus.SENDING:
        return Delivery(outbound, "sending", None, "", False)
    if status == OutboundStatus.SENT:
        return Delivery(outbound, "sent", outbound.sent_at, "", False)
    if status == OutboundStatus.SKIPPED:
        return Delivery(outbound, "skipped", None, _skip_reason(outbound.reason), False)
    if status == OutboundStatus.BOUNCED:
        return Delivery(outbound, "bounced", None, error, False)
    if status == OutboundStatus.UNCERTAIN:
        return Delivery(outbound, "uncertain", None, error, True)
    return Delivery(outbound, "failed", None, error, status in RETRYABLE)


# --- Events as sentences ----------------------------------------------------------------------------------


def _status(value: object) -> str:
    return _label(Status, value)


# Splits and links (``tickets/merging.py``), recorded as detail changes with the other ticket's number.
_RELATIONS = ("split_to", "split_from", "linked", "unlinked")


def _relation(key: str) -> str:
    return {
        "split_to": _("%(who)s split a message off into ticket %(number)s."),
        "split_from": _("%(who)s opened this ticket from a message of %(number)s."),
        "linked": _("%(who)s linked ticket %(number)s."),
        "unlinked": _("%(who)s unlinked ticket %(number)s."),
    }[key]


def _why(data: dict[str, Any]) -> str:
    """Why the system changed the ticket, from the reason or the mode recorded in the event's data."""
    reason = data.get("reason")
    if reason == "auto_close_solved":
        return " " + _("It had been solved for the brand's days without a word.")
    if reason == "no_customer_answer":
        return " " + _("The customer did not answer after the reminder.")
    if data.get("automatic") and data.get("mode") == "round_robin":
        return " " + _("Assigned automatically: next agent on shift in turn.")
    if data.get("automatic") and data.get("mode") == "load":
        return " " + _("Assigned automatically: the agent on shift with the fewest open tickets.")
    return ""


def _clock(name: str) -> str:
    return {
        "first_response": _("first response"),
        "next_response": _("next response"),
        "resolution": _("resolution"),
    }.get(name, _("service level"))


def _sentence(event: TicketEvent, team_names: dict[int, str]) -> str:
    return _plain_sentence(event, team_names) + _why(event.data if isinstance(event.data, dict) else {})


def _plain_sentence(event: TicketEvent, team_names: dict[int, str]) -> str:
    who = event.actor_label or _("Someone")
    data = event.data if isinstance(event.data, dict) else {}
    kind = event.kind
    if kind == EventKind.CREATED:
        text = _("%(who)s opened the ticket (%(channel)s).") % {
            "who": who,
            "channel": _label(Channel, data.get("channel")),
        }
        if data.get("follow_up_of"):
            text += " " + _("It follows up ticket %(number)s.") % {"number": data["follow_up_of"]}
        return text
    if kind == EventKind.STATUS_CHANGED:
        return _("%(who)s changed the status from %(before)s to %(after)s.") % {
            "who": who,
            "before": _status(data.get("before")),
            "after": _status(data.get("after")),
        }
    if kind == EventKind.REOPENED:
        return _("%(who)s reopened the ticket.") % {"who": who}
    if kind == EventKind.SOLVED:
        return _("%(who)s marked the ticket solved.") % {"who": who}
    if kind == EventKind.CLOSED:
        return _("%(who)s closed the ticket.") % {"who": who}
    if kind == EventKind.ASSIGNED:
        if data.get("after"):
            return _("%(who)s assigned the ticket to %(assignee)s.") % {
                "who": who,
                "assignee": data.get("after_label") or _("an agent"),
            }
        return _("%(who)s removed the assignee.") % {"who": who}
    if kind == EventKind.TEAM_CHANGED:
        if data.get("after"):
            return _("%(who)s moved the ticket to the team %(team)s.") % {
                "who": who,
                "team": data.get("after_label") or team_names.get(data["after"], ""),
            }
        return _("%(who)s took the ticket off its team.") % {"who": who}
    if kind == EventKind.PRIORITY_CHANGED:
        return _("%(who)s changed the priority from %(before)s to %(after)s.") % {
            "who": who,
            "before": _label(Priority, data.get("before")),
            "after": _label(Priority, data.get("after")),
        }
    if kind == EventKind.CATEGORIZED:
        if data.get("after"):
            return _("%(who)s set the category to %(category)s.") % {
                "who": who,
                "category": data.get("after_label", ""),
            }
        return _("%(who)s removed the category.") % {"who": who}
    if kind == EventKind.TAGS_CHANGED:
        tags = ", ".join(str(tag) for tag in data.get("after") or [])
        if tags:
            return _("%(who)s set the tags to %(tags)s.") % {"who": who, "tags": tags}
        return _("%(who)s removed the tags.") % {"who": who}
    if kind == EventKind.FIELDS_CHANGED and set(data) & set(_RELATIONS):
        key = next(key for key in _RELATIONS if key in data)
        return _relation(key) % {"who": who, "number": data[key]}
    if kind == EventKind.FIELDS_CHANGED:
        changes = data.get("changes") or {}
        if "subject" in changes:
            return _("%(who)s changed the subject to “%(subject)s”.") % {
                "who": who,
                "subject": changes["subject"][-1],
            }
        return _("%(who)s changed the ticket's details.") % {"who": who}
    if kind == EventKind.ESCALATED:
        target = team_names.get(data.get("to_team") or 0)
        if target:
            return _("%(who)s escalated the ticket from line %(from)s to line %(to)s, team %(team)s.") % {
                "who": who,
                "from": data.get("from_line", "?"),
                "to": data.get("to_line", "?"),
                "team": target,
            }
        return _("%(who)s escalated the ticket from line %(from)s to line %(to)s.") % {
            "who": who,
            "from": data.get("from_line", "?"),
            "to": data.get("to_line", "?"),
        }
    if kind == EventKind.RETURNED:
        return _("%(who)s handed the ticket back from line %(from)s to line 1.") % {
            "who": who,
            "from": data.get("from_line", "?"),
        }
    if kind == EventKind.WORKLOG_ADDED:
        minutes = int(data.get("minutes_spent") or 0)
        if "diagnosis" not in data and minutes:
            return ngettext(
                "%(who)s logged %(minutes)d minute.", "%(who)s logged %(minutes)d minutes.", minutes
            ) % {"who": who, "minutes": minutes}
        return _("%(who)s logged work.") % {"who": who}
    if kind == EventKind.MAIL_BOUNCED:
        return _("Mail to %(recipient)s bounced: %(reason)s") % {
            "recipient": data.get("recipient", ""),
            "reason": " ".join(str(data.get(key) or "") for key in ("status", "diagnostic")).strip()
            or _("no reason given"),
        }
    if kind == EventKind.ACCESS_LINK_SENT:
        return _("%(who)s sent the customer a link to the ticket.") % {"who": who}
    if kind == EventKind.RATED:
        return _("%(who)s rated the support.") % {"who": who}
    if kind == EventKind.REMINDER_SENT:
        return _("The customer was reminded that the request waits for their answer.")
    if kind == EventKind.STATUS_UPDATE:
        return _("The customer was sent news that the request is being worked on.")
    if kind in (EventKind.SLA_WARNING, EventKind.SLA_BREACHED):
        clock = _clock(str(data.get("clock") or ""))
        if kind == EventKind.SLA_WARNING:
            return _("Service-level warning: the %(clock)s deadline is near.") % {"clock": clock}
        text = _("Service level breached: the %(clock)s deadline passed.") % {"clock": clock}
        if isinstance(data.get("priority"), dict):
            text += " " + _("The priority went up to %(priority)s.") % {
                "priority": _label(Priority, data["priority"].get("after"))
            }
        return text
    if kind == EventKind.MERGED and data.get("into"):
        return _("%(who)s merged this ticket into %(number)s.") % {"who": who, "number": data["into"]}
    if kind == EventKind.MERGED and data.get("from"):
        return _("%(who)s merged %(number)s into this ticket.") % {"who": who, "number": data["from"]}
    if kind == EventKind.MERGED:
        return _("%(who)s merged tickets.") % {"who": who}
    return _("%(what)s (%(who)s).") % {"what": _label(EventKind, kind), "who": who}


# --- The timeline -----------------------------------------------------------------------------------------


@dataclass
class MessageItem:
    message: Message
    body: Body
    deliveries: list[Delivery] = field(default_factory=list)
    is_note: bool = False
    is_call: bool = False
    channel: str = ""
    call_direction: str = ""
    call_duration: str = ""
    # The address a reply's mail will go to while the worker has not queued it yet.
    mail_pending_to: str = ""
    # Where the answer it went out as stands on a social network (``connectors.queries.ReplyState``), if any.
    social_reply: Any = None
    kind: str = "message"

    @property
    def at(self) -> datetime:
        return self.message.created_at


@dataclass
class EventItem:
    event: TicketEvent
    sentence: str
    worklog: dict[str, Any] | None
    kind: str = "event"

    @property
    def at(self) -> datetime:
        return self.event.at


def _worklog(event: TicketEvent) -> dict[str, Any] | None:
    data = event.data if isinstance(event.data, dict) else {}
    if event.kind not in (EventKind.ESCALATED, EventKind.RETURNED, EventKind.WORKLOG_ADDED):
        return None
    if not any(data.get(key) for key in ("diagnosis", "steps_taken", "request")):
        return None
    return {
        "diagnosis": data.get("diagnosis", ""),
        "steps_taken": data.get("steps_taken", ""),
        "request": data.get("request", ""),
        "minutes_spent": int(data.get("minutes_spent") or 0),
    }


def team_ids_in(events: Iterable[TicketEvent]) -> set[int]:
    """Teams the events name by id only (escalations), to look up in one query."""
    ids = set()
    for event in events:
        if event.kind == EventKind.ESCALATED and isinstance(event.data, dict) and event.data.get("to_team"):
            ids.add(int(event.data["to_team"]))
    return ids


def mail_recipient(ticket: Ticket) -> str:
    """Where an agent's reply on this ticket goes by mail; empty when it is answered elsewhere."""
    if ticket.channel in NOT_BY_MAIL:
        return ""
    return (ticket.customer.email or "").lower()


def build_timeline(
    messages: Sequence[Message],
    events: Sequence[TicketEvent],
    outbound: Sequence[OutboundMessage],
    *,
    team_names: dict[int, str],
    mail_to: str = "",
    social_replies: Mapping[int, Any] | None = None,
) -> list[MessageItem | EventItem]:
    """Messages and events in time order; each mail we sent sits on the message it carried (an
    acknowledgement on the message its ticket was opened with). A reply whose event the worker has not
    handled yet shows its mail to ``mail_to`` as queued."""
    now = timezone.now()
    message_of_event = {
        event.pk: event.data.get("message")
        for event in events
        if isinstance(event.data, dict) and event.data.get("message")
    }
    deliveries: dict[int, list[Delivery]] = {}
    for mail in outbound:
        message_id = mail.source_message_id or message_of_event.get(mail.event_id or 0)
        if message_id:
            deliveries.setdefault(int(message_id), []).append(delivery_of(mail, now=now))
    undispatched_replies = {
        int(event.data["message"])
        for event in events
        if event.kind == EventKind.REPLIED and event.dispatched_at is None and event.pk in message_of_event
    }
    rows: list[tuple[tuple[datetime, int, int], MessageItem | EventItem]] = []
    for message in messages:
        item = MessageItem(
            message=message,
            body=split_quoted_history(message.body_html),
            deliveries=deliveries.get(message.pk, []),
            is_note=message.kind == MessageKind.NOTE,
            is_call=message.kind == MessageKind.CALL,
            channel=_channel_label(message),
            call_direction=_label(CallDirection, message.call_direction) if message.call_direction else "",
            call_duration=call_duration(message.call_duration_seconds),
        )
        if mail_to and not item.deliveries and message.pk in undispatched_replies:
            item.mail_pending_to = mail_to
        if social_replies:
            item.social_reply = social_replies.get(message.pk)
        rows.append(((message.created_at, 1, message.pk), item))
    for event in events:
        if event.kind in MESSAGE_EVENTS:
            continue
        # "Opened" comes before the first message it was opened with; other events after the message of
        # the same moment (a reply that also set a status).
        order = 0 if event.kind == EventKind.CREATED else 2
        rows.append(
            ((event.at, order, event.pk), EventItem(event, _sentence(event, team_names), _worklog(event)))
        )
    rows.sort(key=lambda row: row[0])
    return [item for _key, item in rows]


def _channel_label(message: Message) -> str:
    """Where the message came from, when that says something: a customer's channel, a call, a chat or a
    social network. Notes, and answers written in the desk (stored as "web"), show none: an answer's mail
    delivery is shown on it instead."""
    if message.kind == MessageKind.NOTE:
        return ""
    if message.author_kind != AuthorKind.CUSTOMER and message.channel == Channel.WEB:
        return ""
    return _label(Channel, message.channel)


def call_duration(seconds: int | None) -> str:
    if seconds is None:
        return ""
    minutes, rest = divmod(seconds, 60)
    return _("%(minutes)d min %(seconds)02d s") % {"minutes": minutes, "seconds": rest}
