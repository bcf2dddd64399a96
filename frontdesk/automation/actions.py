"""Writes on triggers outside the admin (the demo data, scripts): checked exactly as the admin checks them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from frontdesk.automation.choices import MatchMode
from frontdesk.automation.models import Trigger, TriggerAction, TriggerCondition
from frontdesk.core.errors import InvalidInput, require
from frontdesk.users.actors import Actor


@dataclass(frozen=True)
class ActionSpec:
    """One action of a new trigger: ``value`` for fields, ``text`` (and ``texts`` by language) for messages."""

    action: str
    value: str = ""
    text: str = ""
    texts: Mapping[str, str] = field(default_factory=dict)


def _checked(row: Trigger | TriggerCondition | TriggerAction) -> None:
    try:
        row.full_clean()
    except ValidationError as error:
        name, messages = next(iter(error.message_dict.items()))
        raise InvalidInput(" ".join(messages), field=name) from None


@transaction.atomic
def create_trigger(
    brand_id: int,
    *,
    actor: Actor,
    name: str,
    event_kinds: Sequence[str],
    conditions: Sequence[tuple[str, str, str]] = (),
    actions: Sequence[ActionSpec] = (),
    match: str = MatchMode.ALL,
    position: int = 0,
    description: str = "",
    is_active: bool = True,
) -> Trigger:
    """A new trigger of a brand with its conditions (field, operator, value) and actions, in their order."""
    require(actor.administers(brand_id))
    trigger = Trigger(
        brand_id=brand_id,
        name=name.strip()[:120],
        description=description,
        event_kinds=list(event_kinds),
        match=match,
        position=position,
        is_active=is_active,
    )
    _checked(trigger)
    trigger.save()
    for field_name, operator, value in conditions:
        condition = TriggerCondition(trigger=trigger, field=field_name, operator=operator, value=value)
        _checked(condition)
        condition.save()
    for position_, spec in enumerate(actions):
        action = TriggerAction(
            trigger=trigger,
            position=position_,
            action=spec.action,
            value=spec.value,
            text=spec.text,
            texts=dict(spec.texts),
        )
        _checked(action)
        action.save()
    return trigger
