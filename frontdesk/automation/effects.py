"""What a trigger does to a ticket, through the same actions agents use, as a system actor on the current
version of the ticket. Field changes that follow one another go in one ``update_ticket`` (one event per kind
of change); notes, replies and webhooks go in their order."""

from __future__ import annotations

from typing import Any

from django.template import Context
from django.utils import translation
from django.utils.translation import gettext as _

from frontdesk.automation.choices import ActionKind
from frontdesk.automation.models import Trigger, TriggerAction
from frontdesk.automation.rules import NONE, template_languages
from frontdesk.core.errors import InvalidInput
from frontdesk.tickets.actions import add_note, make_body, reply_to_ticket, update_ticket
from frontdesk.tickets.locks import lock_ticket
from frontdesk.tickets.models import Category, Ticket, TicketEvent
from frontdesk.users.actors import Actor
from frontdesk.users.choices import ActorKind
from frontdesk.users.models import Customer, Team, User

_FIELDS = {
    ActionKind.SET_STATUS: "status",
    ActionKind.SET_PRIORITY: "priority",
    ActionKind.SET_CATEGORY: "category",
    ActionKind.SET_TEAM: "team",
    ActionKind.ASSIGN: "assignee",
}


def trigger_actor(trigger: Trigger) -> Actor:
    """The system acting for a trigger: history names the trigger."""
    return Actor(kind=ActorKind.SYSTEM, label=trigger.name[:200])


def reply_actor(language: str) -> Actor:
    """The system answering the customer for a trigger: the reply mail is signed "Support team, <brand>" in
    the customer's language (a brand's signature replaces it)."""
    with translation.override(language):
        return Actor(kind=ActorKind.SYSTEM, label=_("Support team"))


def _row(model: Any, value: str, brand_id: int) -> Any:
    if value == NONE:
        return None
    found = model.objects.filter(pk=int(value)).first()
    if found is None:
        gone = {
            Category: _("The category #%(id)s no longer exists."),
            Team: _("The team #%(id)s no longer exists."),
            User: _("The agent #%(id)s no longer exists."),
        }[model]
        raise InvalidInput(gone % {"id": value})
    if model is not User and found.brand_id not in (None, brand_id):
        raise InvalidInput(_("The category or team belongs to another brand."))
    return found


def _field_value(action: TriggerAction, brand_id: int) -> Any:
    if action.action == ActionKind.SET_CATEGORY:
        return _row(Category, action.value, brand_id)
    if action.action == ActionKind.SET_TEAM:
        return _row(Team, action.value, brand_id)
    if action.action == ActionKind.ASSIGN:
        return _row(User, action.value, brand_id)
    return action.value


def customer_language(ticket: Ticket, customer: Customer) -> str:
    """The language the customer is written to in, as the mail app chooses it."""
    languages = template_languages()
    for language in (customer.language, ticket.language, ticket.brand.default_language):
        if language in languages:
            return language
    return "en"


def render_text(action: TriggerAction, ticket: Ticket, language: str) -> str:
    """The action's template for ``language`` (else its default text), rendered in the mail sandbox."""
    from frontdesk.mail.mail_templates import compile_template, sandbox_context
    from frontdesk.mail.outbound import ticket_url

    source = str((action.texts or {}).get(language) or action.text)
    customer = ticket.customer
    values = {
        "ticket": ticket,
        "brand": ticket.brand,
        "number": ticket.number,
        "subject": ticket.subject,
        "customer_name": customer.name,
        "customer_email": customer.email,
        "ticket_url": ticket_url(ticket),
        "language": language,
    }
    with translation.override(language):
        context = sandbox_context(values)
        text = compile_template(source, html=False).render(Context(context, autoescape=False))
    if not text.strip():
        raise InvalidInput(_("The text of the message is empty for this ticket."), field="text")
    return text.strip()


def apply_actions(trigger: Trigger, ticket: Ticket, event: TicketEvent) -> list[str]:
    """Carry out the trigger's actions on the (locked) ticket; returns a line per action for the log."""
    actor = trigger_actor(trigger)
    done: list[str] = []
    changes: dict[str, Any] = {}

    def flush() -> Ticket:
        nonlocal changes
        current = ticket
        if changes:
            current = update_ticket(ticket, actor=actor, **changes)
            changes = {}
        return current

    for action in trigger.actions.all():
        kind = ActionKind(action.action)
        done.append(str(action))
        if kind in _FIELDS:
            changes[_FIELDS[kind]] = _field_value(action, ticket.brand_id)
            continue
        if kind in (ActionKind.ADD_TAGS, ActionKind.REMOVE_TAGS):
            tags = list(changes.get("tags", ticket.tags))
            named = [tag.strip() for tag in action.value.split(",") if tag.strip()]
            if kind == ActionKind.ADD_TAGS:
                tags += [tag for tag in named if tag not in tags]
            else:
                tags = [tag for tag in tags if tag not in named]
            changes["tags"] = tags
            continue
        ticket = flush()
        if kind == ActionKind.CALL_WEBHOOK:
            _call_webhook(int(action.value), event, trigger)
            continue
        if kind == ActionKind.SEND_REPLY and _from_a_robot(event):
            # As the acknowledgement is: no answer to a mailing list or a robot, which could answer back.
            done[-1] = _("%(action)s: not sent, the message came from an automatic sender.") % {
                "action": done[-1]
            }
            continue
        ticket = lock_ticket(ticket.pk)
        customer = Customer.objects.get(pk=ticket.customer_id)
        ticket.customer = customer
        if kind == ActionKind.ADD_NOTE:
            # For the brand's agents: in the brand's language.
            language = ticket.brand.default_language
            text = render_text(action, ticket, language if language in template_languages() else "en")
            add_note(ticket, actor=actor, body=make_body(text=text))
        else:
            language = customer_language(ticket, customer)
            text = render_text(action, ticket, language)
            reply_to_ticket(ticket, actor=reply_actor(language), body=make_body(text=text))
        ticket = lock_ticket(ticket.pk)
    flush()
    return done


def _from_a_robot(event: TicketEvent) -> bool:
    """Whether the event's message arrived as an automatic mail (bulk, list, auto-submitted)."""
    from frontdesk.mail.models import InboundMessage

    message_id = event.data.get("message")
    if not isinstance(message_id, int):
        return False
    return InboundMessage.objects.filter(ticket_message_id=message_id, is_automatic=True).exists()


def _call_webhook(endpoint_id: int, event: TicketEvent, trigger: Trigger) -> None:
    from frontdesk.webhooks.actions import queue_delivery

    if queue_delivery(endpoint_id, event, trigger_id=trigger.pk) is None:
        raise InvalidInput(_("The webhook endpoint #%(id)d is inactive or gone.") % {"id": endpoint_id})
