"""The desk's websocket: live updates for an agent's open page and who else is on a ticket.

``ws/desk/`` (queues and other pages) joins the groups of the brands the agent serves; ``ws/desk/tickets/<number>/``
joins the ticket's group, after the same access check as the ticket page. Both get incoming calls of the
agent's brands and lines. Access is checked on connect: anonymous people, non-agents and tickets the agent may
not see are refused before the socket opens.

Presence: each ticket socket announces its agent to the ticket's group when it opens, every heartbeat of the
page (``ping``), on each keystroke burst (``typing``) and when the message is sent (``idle``); the others answer
a newcomer directly, and every socket keeps what it heard for ``PRESENCE_SECONDS``, so an agent whose process
died drops out by itself.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from frontdesk.core.errors import NotFound
from frontdesk.core.live import brand_group, calls_group, note_web_loop, ticket_group, user_group
from frontdesk.tickets.queries import access_ticket
from frontdesk.users.actors import actor_for
from frontdesk.users.queries import brands_visible_to

# Someone not heard of for this long has left (pages send a heartbeat every 20 seconds).
PRESENCE_SECONDS = 50
# Someone is typing for this long after their last keystroke burst.
TYPING_SECONDS = 6
# A page announces itself at most this often (seconds); more keystroke bursts or heartbeats are dropped.
ANNOUNCE_EVERY = 1.0
# The close code of a refused socket: not an agent, or a ticket the agent may not see (told apart for no one).
REFUSED = 4403


@dataclass
class Plan:
    """What a socket may listen to, decided once on connect."""

    user_id: int
    name: str
    groups: list[str] = field(default_factory=list)
    ticket_id: int | None = None


def plan_for(user: Any, number: str | None) -> Plan | None:
    """The groups of this user's socket, or None when they may not have one (not an agent, ticket not theirs)."""
    if user is None or not user.is_authenticated:
        return None
    actor = actor_for(user)
    if not actor.is_agent:
        return None
    plan = Plan(user_id=user.pk, name=user.get_full_name() or user.get_username())
    # The agent's own notifications reach every page they have open.
    plan.groups.append(user_group(user.pk))
    if actor.sees_all_brands:
        brand_ids = sorted(brands_visible_to(actor).values_list("id", flat=True))
    else:
        brand_ids = sorted(actor.agent_brand_ids)
    for brand_id in brand_ids:
        plan.groups += [calls_group(brand_id), calls_group(brand_id, actor.line_in(brand_id))]
    if number is None:
        plan.groups += [brand_group(brand_id) for brand_id in brand_ids]
        return plan
    try:
        ticket = access_ticket(actor, number)
    except NotFound:
        return None
    plan.ticket_id = ticket.pk
    plan.groups.append(ticket_group(ticket.pk))
    return plan


@dataclass
class Seen:
    user_id: int
    name: str
    at: float
    typing_at: float = 0.0


class DeskConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    plan: Plan | None = None

    async def connect(self) -> None:
        note_web_loop()
        self.others: dict[str, Seen] = {}
        self.typing_at = 0.0
        self.announced_at = 0.0
        number = self.scope["url_route"]["kwargs"].get("number")
        plan = await database_sync_to_async(plan_for)(self.scope.get("user"), number)
        if plan is None:
            await self.close(code=REFUSED)
            return
        self.plan = plan
        for group in plan.groups:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        if plan.ticket_id is not None:
            await self._announce(hello=True)

    async def disconnect(self, code: int) -> None:
        if self.plan is None:
            return
        if self.plan.ticket_id is not None:
            await self.channel_layer.group_send(
                ticket_group(self.plan.ticket_id), {"type": "presence.gone", "channel": self.channel_name}
            )
        for group in self.plan.groups:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if self.plan is None or self.plan.ticket_id is None or not isinstance(content, dict):
            return
        kind = content.get("type")
        now = time.monotonic()
        recent = now - self.announced_at < ANNOUNCE_EVERY
        if kind == "idle":  # the message was sent (or dropped)
            self.typing_at = 0.0
        elif kind == "typing":
            was_typing = now - self.typing_at < TYPING_SECONDS
            self.typing_at = now
            if was_typing and recent:
                return
        elif kind != "ping" or recent:
            return
        await self._announce()

    @classmethod
    async def decode_json(cls, text_data: str) -> Any:
        """What the page sent, or None for anything that is not JSON (ignored, the socket stays open)."""
        try:
            return json.loads(text_data)
        except ValueError:
            return None

    # Presence ---------------------------------------------------------------------------------------------

    def _me(self) -> dict[str, Any]:
        assert self.plan is not None
        typing = time.monotonic() - self.typing_at < TYPING_SECONDS
        return {
            "type": "presence.here",
            "channel": self.channel_name,
            "user": self.plan.user_id,
            "name": self.plan.name,
            "typing": typing,
        }

    async def _announce(self, *, hello: bool = False) -> None:
        assert self.plan is not None
        assert self.plan.ticket_id is not None
        self.announced_at = time.monotonic()
        await self.channel_layer.group_send(ticket_group(self.plan.ticket_id), {**self._me(), "hello": hello})

    async def presence_here(self, event: dict[str, Any]) -> None:
        if event["channel"] == self.channel_name:
            return
        now = time.monotonic()
        self.others[event["channel"]] = Seen(
            event["user"], event["name"], now, now if event.get("typing") else 0.0
        )
        if event.get("hello"):
            # A newcomer learns who is here from each of them, without waiting for their next heartbeat.
            await self.channel_layer.send(event["channel"], {**self._me(), "hello": False})
        await self._send_presence()

    async def presence_gone(self, event: dict[str, Any]) -> None:
        if self.others.pop(event["channel"], None) is not None:
            await self._send_presence()

    async def _send_presence(self) -> None:
        assert self.plan is not None
        now = time.monotonic()
        self.others = {k: v for k, v in self.others.items() if now - v.at < PRESENCE_SECONDS}
        people: dict[int, dict[str, Any]] = {}
        for seen in sorted(self.others.values(), key=lambda s: (s.name, s.user_id)):
            if seen.user_id == self.plan.user_id:
                continue  # the same agent in another tab
            typing = now - seen.typing_at < TYPING_SECONDS
            person = people.setdefault(seen.user_id, {"id": seen.user_id, "name": seen.name, "typing": False})
            person["typing"] = person["typing"] or typing
        await self.send_json({"type": "presence", "people": list(people.values())})

    # Pushes -----------------------------------------------------------------------------------------------

    async def ticket_changed(self, event: dict[str, Any]) -> None:
        await self.send_json(
            {
                "type": "ticket",
                "kind": event["kind"],
                "ticket": event["ticket"],
                "number": event["number"],
                "brand": event["brand"],
            }
        )

    async def notification_created(self, event: dict[str, Any]) -> None:
        await self.send_json(
            {"type": "notification", "notification": event["notification"], "kind": event["kind"]}
        )

    async def call_incoming(self, event: dict[str, Any]) -> None:
        await self.send_json(
            {
                "type": "call",
                "brand": event["brand"],
                "line": event["line"],
                "phone": event["phone"],
                "customer": event["customer"],
            }
        )
