"""Running a brand's triggers on a ticket event: the conditions, the order, once per event, loop protection.

Each trigger sees the ticket as the triggers before it left it. A trigger runs at most once per event: its
``TriggerRun`` row is inserted before it acts (unique per trigger and event). Events a trigger's actions record
carry ``{"trigger": id, "trigger_depth": n}``; a trigger never runs on an event it caused itself, and an event
``MAX_DEPTH`` triggers deep runs none (both are logged as skipped). A refused action undoes its trigger's run,
which is logged as failed with the reason; the other triggers go on.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from frontdesk.automation.choices import ConditionField, MatchMode, Operator, RunOutcome, YesNo
from frontdesk.automation.models import Trigger, TriggerCondition, TriggerRun
from frontdesk.automation.rules import NONE
from frontdesk.core.errors import DomainError
from frontdesk.tickets.choices import AuthorKind
from frontdesk.tickets.events import events_caused_by
from frontdesk.tickets.locks import lock_ticket
from frontdesk.tickets.models import Message, Ticket, TicketEvent
from frontdesk.users.choices import CustomerTier
from frontdesk.users.models import Customer

logger = logging.getLogger(__name__)

# A chain of events caused by triggers stops at this depth (an event caused by a trigger acting on an event
# caused by a trigger ...).
MAX_DEPTH = 3
CAUSE = "trigger"
DEPTH = "trigger_depth"


def _text(value: str) -> str:
    return " ".join(value.split()).lower()


@dataclass
class Facts:
    """What conditions test: the event, the ticket as it is now, the event's message and the customer."""

    event: TicketEvent
    ticket: Ticket
    customer: Customer
    message: Message | None

    def value(self, field: str) -> str | list[str]:
        if field == ConditionField.BUSINESS_HOURS:
            return self._business_hours()
        ticket, customer = self.ticket, self.customer
        email = (customer.email or "").lower()
        values: dict[str, str | list[str]] = {
            ConditionField.EVENT_KIND: self.event.kind,
            ConditionField.STATUS: ticket.status,
            ConditionField.PRIORITY: ticket.priority,
            ConditionField.CHANNEL: ticket.channel,
            ConditionField.LINE: str(ticket.line),
            ConditionField.TAGS: [str(tag).lower() for tag in ticket.tags],
            ConditionField.SUBJECT: _text(ticket.subject),
            ConditionField.MESSAGE_TEXT: _text(self.message.body_text) if self.message else "",
            ConditionField.AUTHOR_KIND: self._author_kind(),
            ConditionField.CUSTOMER_EMAIL: email,
            ConditionField.CUSTOMER_DOMAIN: email.rpartition("@")[2] if "@" in email else "",
            ConditionField.CUSTOMER_TIER: self._tier(),
        }
        ids: dict[str, int | None] = {
            ConditionField.CATEGORY: ticket.category_id,
            ConditionField.TEAM: ticket.team_id,
            ConditionField.ASSIGNEE: ticket.assignee_id,
            ConditionField.ORGANIZATION: ticket.organization_id,
            ConditionField.REQUEST_TYPE: ticket.request_type_id,
        }
        if field in ids:
            found = ids[field]
            return NONE if found is None else str(found)
        return values.get(field, "")

    def _author_kind(self) -> str:
        if self.message is not None:
            return self.message.author_kind
        kind = self.event.actor_kind
        return kind if kind in AuthorKind.values else AuthorKind.SYSTEM

    def _business_hours(self) -> str:
        from frontdesk.sla.clock import is_open
        from frontdesk.sla.queries import spec_for

        at = self.event.at
        calendar = spec_for(self.ticket.brand_id, self.ticket.team_id, around=at)
        return YesNo.YES if is_open(at, calendar) else YesNo.NO

    def _tier(self) -> str:
        organization = self.customer.organization
        return self.customer.tier or (organization.tier if organization else "") or CustomerTier.STANDARD


def holds(condition: TriggerCondition, facts: Facts) -> bool:
    actual = facts.value(condition.field)
    wanted, operator = condition.value, condition.operator
    if isinstance(actual, list):  # tags
        inside = wanted in actual
        return inside if operator == Operator.CONTAINS else not inside
    if operator == Operator.IS:
        return actual == wanted
    if operator == Operator.IS_NOT:
        return actual != wanted
    if operator == Operator.IN:
        return actual in wanted.split(",")
    inside = bool(wanted) and wanted in actual
    return inside if operator == Operator.CONTAINS else not inside


def matches(trigger: Trigger, facts: Facts) -> bool:
    conditions = list(trigger.conditions.all())
    if not conditions:
        return True
    results = (holds(condition, facts) for condition in conditions)
    return any(results) if trigger.match == MatchMode.ANY else all(results)


def active_triggers(brand_ids: Sequence[int]) -> dict[int, list[Trigger]]:
    """The active triggers of the brands, in order, with their conditions and actions: one query each."""
    found: dict[int, list[Trigger]] = {brand_id: [] for brand_id in brand_ids}
    rows = (
        Trigger.objects.filter(brand_id__in=sorted(set(brand_ids)), is_active=True)
        .select_related("brand")
        .prefetch_related("conditions", "actions")
        .order_by("brand_id", "position", "id")
    )
    for trigger in rows:
        found[trigger.brand_id].append(trigger)
    return found


def _message_of(event: TicketEvent) -> Message | None:
    message_id = event.data.get("message")
    if not isinstance(message_id, int):
        return None
    return Message.objects.filter(pk=message_id, ticket_id=event.ticket_id).first()


def _claim(trigger: Trigger, event: TicketEvent, outcome: RunOutcome, detail: str = "") -> TriggerRun | None:
    """Insert the run of ``trigger`` on ``event``; None if it already has one (another worker, a re-run)."""
    try:
        with transaction.atomic():
            return TriggerRun.objects.create(
                brand_id=event.brand_id,
                trigger=trigger,
                event=event,
                ticket_id=event.ticket_id,
                outcome=outcome,
                detail=detail[:500],
            )
    except IntegrityError:
        return None


def run_triggers_on(event: TicketEvent, triggers: Sequence[Trigger]) -> list[TriggerRun]:
    """Run ``triggers`` (a brand's active triggers, in order) on ``event``; returns the runs it logged."""
    from frontdesk.automation.effects import apply_actions

    wanted = [t for t in triggers if t.brand_id == event.brand_id and event.kind in (t.event_kinds or [])]
    if not wanted:
        return []
    done = set(
        TriggerRun.objects.filter(event=event, trigger_id__in=[t.pk for t in wanted]).values_list(
            "trigger_id", flat=True
        )
    )
    wanted = [t for t in wanted if t.pk not in done]
    if not wanted:
        return []
    cause, depth = event.data.get(CAUSE), event.data.get(DEPTH)
    depth = depth if isinstance(depth, int) else 0
    message = _message_of(event)
    # Locked for the whole run, and read again after each trigger that acted: every trigger sees the ticket
    # as the triggers before it left it.
    ticket = lock_ticket(event.ticket_id)
    customer = Customer.objects.select_related("organization").get(pk=ticket.customer_id)
    runs: list[TriggerRun] = []
    for trigger in wanted:
        if not matches(trigger, Facts(event, ticket, customer, message)):
            continue
        if cause == trigger.pk:
            skipped = _claim(trigger, event, RunOutcome.SKIPPED, _("The event was caused by this trigger."))
            runs.extend([skipped] if skipped else [])
            continue
        if depth >= MAX_DEPTH:
            skipped = _claim(
                trigger,
                event,
                RunOutcome.SKIPPED,
                ngettext(
                    "The event comes from a chain of %(depth)d trigger; chains stop there.",
                    "The event comes from a chain of %(depth)d triggers; chains stop there.",
                    depth,
                )
                % {"depth": depth},
            )
            runs.extend([skipped] if skipped else [])
            continue
        run = _claim(trigger, event, RunOutcome.DONE)
        if run is None:
            continue
        try:
            with transaction.atomic(), events_caused_by({CAUSE: trigger.pk, DEPTH: depth + 1}):
                run.detail = "; ".join(apply_actions(trigger, ticket, event))[:500]
        except DomainError as error:
            run.outcome, run.detail = RunOutcome.FAILED, error.detail[:500]
        except ValidationError as error:
            run.outcome, run.detail = RunOutcome.FAILED, "; ".join(error.messages)[:500]
        except Exception as error:
            logger.exception("Trigger %s failed on ticket event %s", trigger.pk, event.pk)
            run.outcome, run.detail = RunOutcome.FAILED, type(error).__name__
        run.save(update_fields=["outcome", "detail"])
        runs.append(run)
        ticket = lock_ticket(event.ticket_id)
    return runs
