from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    # Just arrived, nobody has acted on it yet.
    NEW = "new", _("New")
    # Being worked on by the support provider.
    OPEN = "open", _("Open")
    # Waiting for the customer's answer; the SLA clock pauses.
    PENDING_CUSTOMER = "pending_customer", _("Pending customer")
    # Waiting for a third party (the client company, a supplier); the SLA clock pauses.
    PENDING_THIRD_PARTY = "pending_third_party", _("Pending third party")
    # Deliberately parked, e.g. until a date agreed with the customer.
    ON_HOLD = "on_hold", _("On hold")
    # Answered; the customer may still reply, which reopens it.
    SOLVED = "solved", _("Solved")
    # Final; a customer reply opens a follow-up instead.
    CLOSED = "closed", _("Closed")


# Statuses a ticket may move to from each status (a customer reply reopens solved tickets).
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset(
        {
            Status.OPEN,
            Status.PENDING_CUSTOMER,
            Status.PENDING_THIRD_PARTY,
            Status.ON_HOLD,
            Status.SOLVED,
            Status.CLOSED,
        }
    ),
    Status.OPEN: frozenset(
        {Status.PENDING_CUSTOMER, Status.PENDING_THIRD_PARTY, Status.ON_HOLD, Status.SOLVED, Status.CLOSED}
    ),
    Status.PENDING_CUSTOMER: frozenset(
        {Status.OPEN, Status.PENDING_THIRD_PARTY, Status.ON_HOLD, Status.SOLVED, Status.CLOSED}
    ),
    Status.PENDING_THIRD_PARTY: frozenset(
        {Status.OPEN, Status.PENDING_CUSTOMER, Status.ON_HOLD, Status.SOLVED, Status.CLOSED}
    ),
    Status.ON_HOLD: frozenset(
        {Status.OPEN, Status.PENDING_CUSTOMER, Status.PENDING_THIRD_PARTY, Status.SOLVED, Status.CLOSED}
    ),
    Status.SOLVED: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}

OPEN_STATUSES = frozenset(
    {Status.NEW, Status.OPEN, Status.PENDING_CUSTOMER, Status.PENDING_THIRD_PARTY, Status.ON_HOLD}
)


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Channel(models.TextChoices):
    # Arrived by mail.
    EMAIL = "email", _("Email")
    # The web form in the customer's portal account.
    WEB = "web", _("Web form")
    # Filled by the agent during a call.
    PHONE = "phone", _("Phone")
    # The live chat widget.
    CHAT = "chat", _("Chat")
    # A social network or messenger.
    SOCIAL = "social", _("Social network")
    # Created through the REST API.
    API = "api", _("API")


class MessageKind(models.TextChoices):
    # Visible to the customer.
    REPLY = "reply", _("Reply")
    # Internal, agents only.
    NOTE = "note", _("Internal note")
    # A phone call record with direction and duration.
    CALL = "call", _("Phone call")


class AuthorKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    AGENT = "agent", _("Agent")
    SYSTEM = "system", _("System")


class CallDirection(models.TextChoices):
    INBOUND = "inbound", _("Inbound")
    OUTBOUND = "outbound", _("Outbound")


class WorkLogKind(models.TextChoices):
    # Passed to a higher line or another team.
    ESCALATION = "escalation", _("Escalation")
    # Handed back to line 1.
    RETURN = "return", _("Handed back")
    # Work recorded without moving the ticket.
    WORK = "work", _("Work")


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    CUSTOMER_MESSAGE = "customer_message", _("Customer wrote")
    REPLIED = "replied", _("Replied")
    NOTE_ADDED = "note_added", _("Note added")
    CALL_LOGGED = "call_logged", _("Call logged")
    STATUS_CHANGED = "status_changed", _("Status changed")
    ASSIGNED = "assigned", _("Assigned")
    TEAM_CHANGED = "team_changed", _("Team changed")
    PRIORITY_CHANGED = "priority_changed", _("Priority changed")
    CATEGORIZED = "categorized", _("Category changed")
    TAGS_CHANGED = "tags_changed", _("Tags changed")
    FIELDS_CHANGED = "fields_changed", _("Details changed")
    ESCALATED = "escalated", _("Escalated")
    RETURNED = "returned", _("Handed back")
    WORKLOG_ADDED = "worklog_added", _("Work logged")
    SLA_PAUSED = "sla_paused", _("SLA paused")
    SLA_RESUMED = "sla_resumed", _("SLA resumed")
    SLA_WARNING = "sla_warning", _("SLA warning")
    SLA_BREACHED = "sla_breached", _("SLA breached")
    # The customer was sent news of a request that stays open longer than the brand's update interval.
    STATUS_UPDATE = "status_update", _("Status update sent")
    # A customer who had not answered a request waiting for them was reminded of it.
    REMINDER_SENT = "reminder_sent", _("Reminder sent")
    MERGED = "merged", _("Merged")
    REOPENED = "reopened", _("Reopened")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")
    RATED = "rated", _("Rated")
    ACCESS_LINK_SENT = "access_link_sent", _("Access link sent")
    MAIL_BOUNCED = "mail_bounced", _("Mail bounced")


# The events that move a ticket from one status to another (their data says "before" and "after").
STATUS_KINDS = (EventKind.STATUS_CHANGED, EventKind.SOLVED, EventKind.CLOSED, EventKind.REOPENED)


class FieldKind(models.TextChoices):
    """The kinds of a request type's custom field."""

    # Free text on one line.
    TEXT = "text", _("Text")
    # A number, whole or with a decimal point.
    NUMBER = "number", _("Number")
    # A calendar date (YYYY-MM-DD).
    DATE = "date", _("Date")
    # One of the values listed in the field's choices.
    CHOICE = "choice", _("Choice")


class Rating(models.TextChoices):
    """A customer's verdict on a solved ticket."""

    # The customer was satisfied.
    GOOD = "good", _("Good")
    # The customer was not satisfied: a team lead follows up.
    BAD = "bad", _("Bad")
