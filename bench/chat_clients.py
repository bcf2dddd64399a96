"""The chat load test's clients: visitors and agents on websockets in one asyncio process, and what they saw.

Each session is a visitor socket and one agent's socket (an agent serves several sessions on one socket, as the
desk's chat panel does). Both sides send their messages at a paced rate, each with a unique ``client_id`` that
names the session, the side and the number (``<run>-<session>-v<k>`` or ``-a<k>``); the sending time is kept
here (one process, one clock) and also written into the text. Whoever receives a message records when, and the
``Recorder`` checks that every message reaches the other side of its own session exactly once and in ``seq``
order. The same pacing drives the chat (``ChatLoad``, the protocol of ``docs/chat.md``) and the baseline
(``EchoLoad``, ``bench/chat_echo.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import re
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

VISITOR, AGENT = "v", "a"
# Sockets open with these; the handshake of 550 sockets on two busy cores can take a while.
OPEN_TIMEOUT = 30.0
PAGE = re.compile(r"[?&]run=([\w-]+)&bench=(\d+)")
FILLER = (
    "Hello, I ordered tickets for Saturday and the confirmation has not arrived yet; "
    "could you check the booking and send it again please?"
)


@dataclass(frozen=True)
class Plan:
    """What the sessions do: the same for the chat and the echo."""

    sessions: int
    agents: int
    messages: int  # per side and session
    gap: tuple[float, float]  # seconds between one side's messages, uniform
    ramp: float  # sessions open evenly over this many seconds
    reconnect_every: int  # every n-th session's visitor reconnects once mid-way (0: none)
    agent_reconnects: int  # this many agents reconnect once mid-way
    grace: float  # seconds to wait for the last deliveries
    seed: int = 7

    def agent_of(self, session: int) -> int:
        return session % self.agents

    def reconnects(self, session: int) -> bool:
        return bool(self.reconnect_every) and session % self.reconnect_every == self.reconnect_every // 2


@dataclass
class Sent:
    session: int
    side: str
    at: float
    first: bool = False  # the visitor's opening message (sent before an agent accepted)


@dataclass
class Endpoint:
    """One logical receiver (a visitor, or an agent for one session), across its reconnects."""

    reconnected_at: float = 0.0  # when its latest socket was welcomed again
    last_seq: int = 0


@dataclass
class Recorder:
    """What was sent and what arrived where; the checks and the latencies come from here."""

    tag: str
    sent: dict[str, Sent] = field(default_factory=dict)
    delivered: Counter[str] = field(default_factory=Counter)  # to the other side of the message's session
    own_copies: Counter[str] = field(default_factory=Counter)  # back to the sender's side
    acked: dict[str, float] = field(default_factory=dict)
    ack_seq: dict[str, int] = field(default_factory=dict)
    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    misdelivered: int = 0
    out_of_order: int = 0
    seq_mismatch: int = 0
    foreign: int = 0  # frames with an id of no message of this run
    system: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    events: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    endpoints: dict[tuple[str, int], Endpoint] = field(default_factory=dict)
    # Sessions in conversation (accepted, not yet ended) now, and at most at once in the run.
    in_conversation: int = 0
    peak_conversations: int = 0

    def conversation(self, change: int) -> None:
        self.in_conversation += change
        self.peak_conversations = max(self.peak_conversations, self.in_conversation)

    def client_id(self, session: int, side: str, k: int) -> str:
        return f"{self.tag}-{session}-{side}{k}"

    def text(self, client_id: str, at: float) -> str:
        return f"[{client_id} sent at {at:.6f}] {FILLER}"

    def send(self, session: int, side: str, k: int, *, first: bool = False) -> tuple[str, str]:
        cid = self.client_id(session, side, k)
        at = time.perf_counter()
        self.sent[cid] = Sent(session, side, at, first)
        return cid, self.text(cid, at)

    def endpoint(self, side: str, session: int) -> Endpoint:
        return self.endpoints.setdefault((side, session), Endpoint())

    def error(self, what: str) -> None:
        self.errors[what] += 1

    def ack(self, cid: str | None, seq: int | None) -> None:
        sent = self.sent.get(cid or "")
        if sent is None:
            self.foreign += 1
            return
        if cid in self.acked:
            self.errors["ack twice"] += 1
        self.acked[cid] = time.perf_counter()  # type: ignore[index]
        self.latency["ack " + ("first" if sent.first else sent.side)].append(self.acked[cid] - sent.at)  # type: ignore[index]
        if seq is not None:
            self.ack_seq[cid] = seq  # type: ignore[index]

    def receive(self, side: str, session: int | None, cid: str | None, seq: int | None) -> None:
        """A message frame reached ``side``'s socket for ``session`` (None: a session the socket does not have)."""
        now = time.perf_counter()
        if not cid:
            self.system += 1
            return
        sent = self.sent.get(cid)
        if sent is None:
            self.foreign += 1
            return
        if session is None or sent.session != session:
            self.misdelivered += 1
            return
        ep = self.endpoint(side, session)
        if seq is not None:
            if seq <= ep.last_seq:
                self.out_of_order += 1
            ep.last_seq = max(ep.last_seq, seq)
            if cid in self.ack_seq and self.ack_seq[cid] != seq:
                self.seq_mismatch += 1
        if sent.side == side:
            self.own_copies[cid] += 1
            return
        self.delivered[cid] += 1
        if self.delivered[cid] > 1:
            return
        if sent.first:
            self.latency["first"].append(now - sent.at)
        elif sent.at <= ep.reconnected_at:
            self.latency["resumed"].append(now - sent.at)
        else:
            self.latency[sent.side].append(now - sent.at)

    def lost(self) -> list[str]:
        return [cid for cid in self.sent if not self.delivered[cid]]

    def doubled(self) -> int:
        return sum(n - 1 for n in self.delivered.values() if n > 1) + sum(
            n - 1 for n in self.own_copies.values() if n > 1
        )


def visitor_address(i: int) -> dict[str, str]:
    """Each visitor comes from an address of its own, as the TLS proxy in front of the server tells it
    (``frontdesk serve`` trusts ``X-Forwarded-For`` from 127.0.0.1): the chat's limits per address see
    500 people, not one."""
    return {"X-Forwarded-For": f"10.{i // 62500 % 256}.{i // 250 % 250}.{i % 250 + 1}"}


async def open_socket(url: str, origin: str, headers: dict[str, str] | None = None) -> ClientConnection:
    return await connect(
        url,
        origin=origin,  # type: ignore[arg-type]
        additional_headers=headers,
        proxy=None,
        open_timeout=OPEN_TIMEOUT,
        ping_interval=None,
        close_timeout=5,
        max_size=2**22,
    )


async def send_json(ws: ClientConnection | None, frame: dict[str, Any]) -> bool:
    if ws is None:
        return False
    try:
        await ws.send(json.dumps(frame))
    except ConnectionClosed:
        return False
    return True


async def read_frames(
    ws: ClientConnection, handle: Callable[[dict[str, Any]], Awaitable[None] | None]
) -> None:
    """Hand every frame to ``handle`` until the socket closes."""
    with contextlib.suppress(ConnectionClosed):
        async for raw in ws:
            frame = json.loads(raw)
            result = handle(frame)
            if result is not None:
                await result


async def loop_lag(samples: list[float], stop: asyncio.Event, every: float = 0.05) -> None:
    """How late this process's event loop wakes up: the client's own share of every latency."""
    while not stop.is_set():
        due = time.perf_counter() + every
        await asyncio.sleep(every)
        samples.append(max(0.0, time.perf_counter() - due))


class Load:
    """The shared pacing. Subclasses open the sockets and speak their protocol."""

    name = ""

    def __init__(self, plan: Plan, base: str, tag: str) -> None:
        self.plan, self.base = plan, base
        self.rec = Recorder(tag)
        self.rng = random.Random(plan.seed)
        self.lag: list[float] = []
        self.done = asyncio.Event()
        self.finished = 0

    def gap(self) -> float:
        return self.rng.uniform(*self.plan.gap)

    async def run(self, time_limit: float) -> float:
        """Every session to its end, or the time limit; returns the wall time."""
        stop = asyncio.Event()
        lag = asyncio.create_task(loop_lag(self.lag, stop))
        started = time.perf_counter()
        try:
            await asyncio.wait_for(self.sessions(), time_limit)
        except TimeoutError:
            self.rec.error(f"{self.name}: time limit of {time_limit:.0f} s reached")
        finally:
            stop.set()
            await lag
        return time.perf_counter() - started

    async def sessions(self) -> None:
        raise NotImplementedError

    async def guarded(self, work: Awaitable[None]) -> None:
        """One session or socket: what goes wrong in it is counted, and the others go on."""
        try:
            await work
        except (ConnectionClosed, OSError, InvalidHandshake, ValueError, KeyError) as exc:
            self.rec.error(f"{self.name}: {type(exc).__name__}: {str(exc)[:80]}")

    async def pace(
        self, session: int, side: str, send: Callable[[int], Awaitable[bool]], start: int = 0
    ) -> None:
        """One side's messages ``start``..``messages``-1 of a session, a random gap before each."""
        for k in range(start, self.plan.messages):
            await asyncio.sleep(self.gap())
            if not await send(k):
                self.rec.error(f"{side}: could not send (socket closed)")

    async def settle(self, session: int) -> None:
        """Wait until both sides have sent all their messages and each reached the other side, or give up
        (the other side's pacing may still run: up to its whole conversation plus the grace time)."""
        ids = [self.rec.client_id(session, s, k) for s in (VISITOR, AGENT) for k in range(self.plan.messages)]
        give_up = time.perf_counter() + self.plan.messages * self.plan.gap[1] + self.plan.grace
        while time.perf_counter() < give_up:
            if all(c in self.rec.sent and self.rec.delivered[c] for c in ids):
                return
            await asyncio.sleep(0.2)


# --- The baseline -----------------------------------------------------------------------------------------------


class EchoLoad(Load):
    """Visitor and agent sockets of ``/ws/bench/echo/``: one group per session, the agent's socket in all its
    sessions' groups; each message is relayed through the channel layer to both sides."""

    name = "echo"

    def __init__(self, plan: Plan, base: str, tag: str, origin: str, cookies: list[dict[str, str]]) -> None:
        super().__init__(plan, base, tag)
        self.origin, self.cookies = origin, cookies
        self.agent_ws: dict[int, ClientConnection] = {}

    def group(self, session: int) -> str:
        return f"bench-echo.{self.rec.tag}.{session}"

    def session_of(self, group: Any) -> int | None:
        prefix = f"bench-echo.{self.rec.tag}."
        if isinstance(group, str) and group.startswith(prefix):
            return int(group[len(prefix) :])
        return None

    async def sessions(self) -> None:
        url = self.base + "/ws/bench/echo/"
        agents = await asyncio.gather(*(self.agent(a, url) for a in range(self.plan.agents)))
        readers = [r for r in agents if r is not None]
        try:
            await asyncio.gather(*(self.guarded(self.visitor(i, url)) for i in range(self.plan.sessions)))
        finally:
            for ws in self.agent_ws.values():
                await ws.close()
            await asyncio.gather(*readers, return_exceptions=True)

    async def agent(self, a: int, url: str) -> asyncio.Task[None] | None:
        try:
            ws = await open_socket(url, self.origin, self.cookies[a % len(self.cookies)])
        except (OSError, InvalidHandshake, TimeoutError) as exc:
            self.rec.error(f"agent socket: {type(exc).__name__}")
            return None
        self.agent_ws[a] = ws
        mine = [i for i in range(self.plan.sessions) if self.plan.agent_of(i) == a]
        await ws.send(json.dumps({"type": "join", "groups": [self.group(i) for i in mine]}))
        json.loads(await ws.recv())
        return asyncio.create_task(read_frames(ws, lambda f: self.frame(AGENT, set(mine), f)))

    def frame(self, side: str, sessions: set[int], frame: dict[str, Any]) -> None:
        """A frame at a socket of ``side`` that belongs to ``sessions``."""
        if frame["type"] == "ack":
            self.rec.ack(frame.get("client_id"), None)
        elif frame["type"] == "message":
            session = self.session_of(frame.get("group"))
            self.rec.receive(side, session if session in sessions else None, frame.get("client_id"), None)

    async def visitor(self, i: int, url: str) -> None:
        await asyncio.sleep(i * self.plan.ramp / self.plan.sessions)
        try:
            ws = await open_socket(url, self.origin, visitor_address(i))
        except (OSError, InvalidHandshake, TimeoutError) as exc:
            self.rec.error(f"visitor socket: {type(exc).__name__}")
            return
        group = self.group(i)
        try:
            await ws.send(json.dumps({"type": "join", "groups": [group]}))
            json.loads(await ws.recv())
            reader = asyncio.create_task(read_frames(ws, lambda f: self.frame(VISITOR, {i}, f)))

            async def send(side: str, k: int) -> bool:
                cid, text = self.rec.send(i, side, k)
                target = ws if side == VISITOR else self.agent_ws.get(self.plan.agent_of(i))
                return await send_json(
                    target, {"type": "message", "group": group, "client_id": cid, "text": text}
                )

            await asyncio.gather(
                self.pace(i, VISITOR, lambda k: send(VISITOR, k)),
                self.pace(i, AGENT, lambda k: send(AGENT, k)),
            )
            await self.settle(i)
        finally:
            await ws.close()
        await reader


# --- The chat ---------------------------------------------------------------------------------------------------


@dataclass
class Agent:
    """One signed-in agent's socket and the sessions it took."""

    index: int
    name: str
    ws: ClientConnection | None = None
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    sessions: dict[str, int] = field(default_factory=dict)  # the server's session id -> the bench's number
    ids: dict[str, Any] = field(default_factory=dict)  # the server's session id as it sent it
    asked: set[str] = field(default_factory=set)
    talking: set[str] = field(default_factory=set)
    last_seq: dict[str, int] = field(default_factory=dict)
    reader: asyncio.Task[None] | None = None


@dataclass
class Visitor:
    index: int
    ws: ClientConnection | None = None
    token: str = ""
    last_seq: int = 0
    welcomed: asyncio.Event = field(default_factory=asyncio.Event)
    active: asyncio.Event = field(default_factory=asyncio.Event)
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    reader: asyncio.Task[None] | None = None


class ChatLoad(Load):
    """Visitors on ``/ws/chat/<brand>/`` and signed-in agents on ``/ws/desk/chat/``, as ``docs/chat.md`` says.

    Agent ``a`` accepts the waiting sessions whose page says ``bench=<i>`` with ``i % agents == a`` (each agent
    takes its share, no races over who accepts); visitor and agent then talk, and the visitor ends the chat.
    """

    name = "chat"

    def __init__(
        self,
        plan: Plan,
        base: str,
        tag: str,
        *,
        brand: str,
        site: str,
        desk_origin: str,
        cookies: list[dict[str, str]],
        agent_names: list[str],
    ) -> None:
        super().__init__(plan, base, tag)
        self.brand, self.site, self.desk_origin, self.cookies = brand, site, desk_origin, cookies
        self.agents = [Agent(a, agent_names[a % len(agent_names)]) for a in range(plan.agents)]
        self.opened: dict[int, float] = {}
        self.talks: list[asyncio.Task[None]] = []

    def page(self, i: int) -> str:
        return f"{self.site}/tickets/help?run={self.rec.tag}&bench={i}"

    async def sessions(self) -> None:
        await asyncio.gather(*(self.connect_agent(a) for a in self.agents))
        bounce = [
            asyncio.create_task(self.bounce_agent(a)) for a in self.agents[: self.plan.agent_reconnects]
        ]
        try:
            await asyncio.gather(*(self.guarded(self.visitor(Visitor(i))) for i in range(self.plan.sessions)))
        finally:
            for task in [*bounce, *self.talks]:
                task.cancel()
            for agent in self.agents:
                if agent.ws is not None:
                    await agent.ws.close()
            await asyncio.gather(
                *(a.reader for a in self.agents if a.reader), *bounce, return_exceptions=True
            )

    # Agents.

    async def connect_agent(self, agent: Agent) -> None:
        try:
            ws = await open_socket(
                self.base + "/ws/desk/chat/", self.desk_origin, self.cookies[agent.index % len(self.cookies)]
            )
        except (OSError, InvalidHandshake, TimeoutError) as exc:
            self.rec.error(f"agent socket: {type(exc).__name__}: {exc}")
            return
        agent.ws = ws
        for sid in agent.sessions:
            self.rec.endpoint(AGENT, agent.sessions[sid]).reconnected_at = time.perf_counter()
        resume = {agent.ids[sid]: seq for sid, seq in agent.last_seq.items()}
        agent.reader = asyncio.create_task(read_frames(ws, lambda f: self.agent_frame(agent, f)))
        await send_json(ws, {"type": "hello", "sessions": resume})
        agent.ready.set()

    async def bounce_agent(self, agent: Agent) -> None:
        """Close the agent's socket once, half-way through the conversations, and open it again."""
        await asyncio.sleep(self.plan.ramp + self.plan.messages * sum(self.plan.gap) / 4)
        if agent.ws is None:
            return
        agent.ready.clear()
        await agent.ws.close()
        if agent.reader:
            await agent.reader
        await asyncio.sleep(1.0)
        self.rec.events["agent reconnects"].append(0.0)
        await self.connect_agent(agent)

    def agent_frame(self, agent: Agent, frame: dict[str, Any]) -> Awaitable[None] | None:
        kind = frame.get("type")
        if kind == "message":
            sid = str(frame.get("session"))
            i = agent.sessions.get(sid)
            self.rec.receive(AGENT, i, frame.get("client_id"), frame.get("seq"))
            if i is not None and isinstance(frame.get("seq"), int):
                agent.last_seq[sid] = max(agent.last_seq.get(sid, 0), frame["seq"])
        elif kind == "ack":
            self.rec.ack(frame.get("client_id"), frame.get("seq"))
        elif kind == "queue":
            return self.take(agent, frame)
        elif kind == "status":
            sid = str(frame.get("session"))
            i = agent.sessions.get(sid)
            if i is not None and frame.get("session_state") == "active":
                self.start_talking(agent, sid, i)
        elif kind == "error":
            self.rec.error(f"agent got error {frame.get('code')}")
        return None

    async def take(self, agent: Agent, frame: dict[str, Any]) -> None:
        """Accept the waiting sessions that are this agent's share; learn the ones already its own."""
        for key in ("waiting", "mine"):
            for entry in frame.get(key) or []:
                match = PAGE.search(str(entry.get("page") or ""))
                if not match or match[1] != self.rec.tag or self.plan.agent_of(int(match[2])) != agent.index:
                    continue  # another agent's share, or a session of an earlier phase
                sid, i = str(entry.get("session")), int(match[2])
                agent.sessions[sid], agent.ids[sid] = i, entry.get("session")
                if key == "waiting" and sid not in agent.asked:
                    agent.asked.add(sid)
                    self.rec.events["in the queue"].append(time.perf_counter() - self.opened.get(i, 0))
                    await send_json(agent.ws, {"type": "accept", "session": entry.get("session")})
                elif key == "mine":
                    self.start_talking(agent, sid, i)

    def start_talking(self, agent: Agent, sid: str, i: int) -> None:
        """The agent has the session (told by ``status``, or by its queue's ``mine``): its side begins."""
        if sid in agent.talking:
            return
        agent.talking.add(sid)
        self.rec.events["accepted (agent told)"].append(time.perf_counter() - self.opened.get(i, 0))
        self.talks.append(asyncio.get_running_loop().create_task(self.agent_talk(agent, sid, i)))

    async def agent_talk(self, agent: Agent, sid: str, i: int) -> None:
        async def send(k: int) -> bool:
            try:
                await asyncio.wait_for(agent.ready.wait(), 15)
            except TimeoutError:
                return False
            cid, text = self.rec.send(i, AGENT, k)
            frame = {"type": "message", "session": agent.ids[sid], "client_id": cid, "text": text}
            return await send_json(agent.ws, frame)

        await self.pace(i, AGENT, send)

    # Visitors.

    async def open_visitor(self, v: Visitor) -> bool:
        try:
            v.ws = await open_socket(
                f"{self.base}/ws/chat/{self.brand}/", self.site, visitor_address(v.index)
            )
        except (OSError, InvalidHandshake, TimeoutError) as exc:
            self.rec.error(f"visitor socket: {type(exc).__name__}: {exc}")
            return False
        self.rec.endpoint(VISITOR, v.index).reconnected_at = time.perf_counter()
        v.welcomed.clear()
        v.reader = asyncio.create_task(read_frames(v.ws, lambda f: self.visitor_frame(v, f)))
        hello: dict[str, Any] = {"type": "hello", "page": self.page(v.index), "language": "en"}
        if v.token:
            hello |= {"token": v.token, "last_seq": v.last_seq}
        asked = time.perf_counter()
        await send_json(v.ws, hello)
        try:
            await asyncio.wait_for(v.welcomed.wait(), OPEN_TIMEOUT)
        except TimeoutError:
            self.rec.error("visitor: no welcome")
            return False
        self.rec.events["welcome" if not v.token or v.last_seq == 0 else "welcome back"].append(
            time.perf_counter() - asked
        )
        return True

    def visitor_frame(self, v: Visitor, frame: dict[str, Any]) -> None:
        kind = frame.get("type")
        if kind == "message":
            self.rec.receive(VISITOR, v.index, frame.get("client_id"), frame.get("seq"))
            if isinstance(frame.get("seq"), int):
                v.last_seq = max(v.last_seq, frame["seq"])
        elif kind == "ack":
            self.rec.ack(frame.get("client_id"), frame.get("seq"))
        elif kind == "welcome":
            v.token = str(frame.get("token") or v.token)
            if frame.get("session") == "active":
                v.active.set()
            v.welcomed.set()
        elif kind == "status":
            if frame.get("session") == "active":
                v.active.set()
        elif kind == "ended":
            v.ended.set()
        elif kind == "error":
            self.rec.error(f"visitor got error {frame.get('code')}")

    async def bounce_visitor(self, v: Visitor) -> bool:
        if v.ws is not None:
            await v.ws.close()
        if v.reader:
            await v.reader
        await asyncio.sleep(1.0)
        self.rec.events["visitor reconnects"].append(0.0)
        return await self.open_visitor(v)

    async def visitor(self, v: Visitor) -> None:
        i = v.index
        await asyncio.sleep(i * self.plan.ramp / self.plan.sessions)
        talking = False
        try:
            if not await self.open_visitor(v):
                return
            cid, text = self.rec.send(i, VISITOR, 0, first=True)
            self.opened[i] = self.rec.sent[cid].at
            opener = {"type": "message", "client_id": cid, "text": text, "name": f"Bench visitor {i}"}
            await send_json(v.ws, opener | {"email": f"visitor{i}@{self.rec.tag}.chat.example"})
            try:
                await asyncio.wait_for(v.active.wait(), self.plan.ramp + 60)
            except TimeoutError:
                self.rec.error("visitor: no agent accepted within a minute")
                return
            self.rec.events["accepted (visitor told)"].append(time.perf_counter() - self.opened[i])
            self.rec.conversation(+1)
            talking = True

            async def send(k: int) -> bool:
                if (
                    k == self.plan.messages // 2
                    and self.plan.reconnects(i)
                    and not await self.bounce_visitor(v)
                ):
                    return False
                cid, text = self.rec.send(i, VISITOR, k)
                return await send_json(v.ws, {"type": "message", "client_id": cid, "text": text})

            await self.pace(i, VISITOR, send, start=1)
            await self.settle(i)
            asked = time.perf_counter()
            if await send_json(v.ws, {"type": "end"}):
                try:
                    await asyncio.wait_for(v.ended.wait(), 30)
                    self.rec.events["end"].append(time.perf_counter() - asked)
                except TimeoutError:
                    self.rec.error("visitor: no `ended` within 30 s")
        finally:
            if talking:
                self.rec.conversation(-1)
            if v.ws is not None:
                await v.ws.close()
            if v.reader:
                await v.reader
