"""What each chat frame costs in the database, measured in this process (``bench.chat_load --cost-runs``).

The sockets run every frame's database work through ``frontdesk.chat.handling`` (on the thread pool with
PostgreSQL: ``FRONTDESK_CHAT_DB_THREADS``), so the sum of these times over a session, with the queue reads it
causes (one per change of the brand's queue, pushed to all its agents, fewer when changes come together), is
how many sessions a process can carry. Each function
is called here as the socket calls it, on the bench database, ``runs`` times; printed are the SQL statements
(Django's count: ``BEGIN``/``COMMIT`` included, savepoints too) and the median wall time.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench.common import print_table

QUEUE_PUSH = "queue read (a panel opening; again about once a minute)"


@dataclass
class Cost:
    queries: list[int] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    sql: list[str] = field(default_factory=list)  # the last call's statements

    def row(self, label: str, per_session: float | str) -> list[object]:
        low, high = min(self.queries, default=0), max(self.queries, default=0)
        return [
            label,
            f"{low}–{high}" if low != high else low,
            statistics.median(self.seconds) * 1000 if self.seconds else float("nan"),
            per_session,
        ]


def measured(costs: dict[str, Cost], label: str, work: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``work(*args, **kwargs)``, its statements and its time counted under ``label``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        result = work(*args, **kwargs)
        elapsed = time.perf_counter() - started
    cost = costs.setdefault(label, Cost())
    cost.queries.append(len(ctx.captured_queries))
    cost.seconds.append(elapsed)
    cost.sql = [q["sql"] for q in ctx.captured_queries]
    return result


def end_leftovers() -> int:
    """Mark the chats a phase left behind (never accepted in time, or not ended) as ended, so that the next
    phase's queue starts empty. One UPDATE instead of the actions (transcripts, tickets): this database is
    thrown away afterwards, and nothing measured reads these sessions again."""
    from frontdesk.chat.choices import SessionState
    from frontdesk.chat.models import ChatSession

    return ChatSession.objects.exclude(state=SessionState.ENDED).update(state=SessionState.ENDED)


def frame_costs(
    brand_slug: str, agents: list[Any], *, runs: int, messages: int, waiting: int, show_sql: bool = False
) -> None:
    """Each frame of a session ``runs`` times, and the queue frame with ``waiting`` chats in the queue.

    The load phases leave sessions behind that no agent took in time; they are marked ended first
    (``end_leftovers``), so that the queue starts empty.
    """
    from frontdesk.chat import handling
    from frontdesk.chat.actions import new_token
    from frontdesk.users.actors import actor_for

    end_leftovers()

    chat = handling.chat_for_slug(brand_slug)
    if chat is None:
        raise SystemExit(f"No chat for {brand_slug}.")
    costs: dict[str, Cost] = {}
    actor = actor_for(agents[0])
    site = "https://www.chatbench.example"

    def visitor_frame(k: int) -> dict[str, Any]:
        return {
            "type": "message",
            "client_id": f"cost-{time.monotonic_ns()}-{k}",
            "text": "How do I change seats?",
        }

    for r in range(runs):
        token = new_token()
        first = visitor_frame(0) | {"name": f"Cost visitor {r}", "email": f"cost{r}@cost.example"}
        opened = measured(
            costs,
            "visitor's first message (customer, ticket, session)",
            handling.visitor_posts,
            chat,
            session_id=None,
            token=token,
            frame=first,
            page=f"{site}/cost",
            language="en",
        )
        sid = opened.session_id
        measured(costs, QUEUE_PUSH, handling.waiting_lists, [chat.brand_id])
        measured(costs, "agent accepts", handling.agent_accepts, actor, {"session": sid})
        measured(costs, "agent's own chats (after their accept)", handling.my_sessions, actor)
        measured(costs, "agent joins: replay", handling.replay, actor, sid, 0)
        for k in range(1, messages):
            measured(
                costs,
                "visitor's message",
                handling.visitor_posts,
                chat,
                session_id=sid,
                token=token,
                frame=visitor_frame(k),
                page="",
                language="en",
            )
            agent_frame = {"session": sid, "client_id": f"cost-a-{sid}-{k}", "text": "Let me check."}
            measured(costs, "agent's message", handling.agent_posts, actor, agent_frame)
        measured(
            costs,
            "visitor's hello with the token (resume)",
            handling.welcome,
            chat,
            token=token,
            last_seq=1,
            language="en",
        )
        measured(costs, "visitor ends (transcript into the ticket)", handling.visitor_ends, sid)
    # The queue with many chats waiting: what every agent's panel reads again on each change.
    parked = [
        handling.visitor_posts(
            chat,
            session_id=None,
            token=new_token(),
            frame=visitor_frame(0) | {"name": f"Waiting {w}"},
            page=f"{site}/wait",
            language="en",
        ).session_id
        for w in range(waiting)
    ]
    for _ in range(runs):
        measured(costs, f"queue read, {waiting} waiting", handling.waiting_lists, [chat.brand_id])
    for sid in parked:
        handling.visitor_ends(sid)

    per_session = {
        "visitor's first message (customer, ticket, session)": 1,
        QUEUE_PUSH: "per panel",
        "agent accepts": 1,
        "agent's own chats (after their accept)": 1,
        "agent joins: replay": 1,
        "visitor's message": messages - 1,
        "agent's message": messages - 1,
        "visitor's hello with the token (resume)": "on reconnect",
        "visitor ends (transcript into the ticket)": 1,
        f"queue read, {waiting} waiting": "",
    }
    print(f"\nDatabase work per frame, in this process ({runs} sessions; median wall time):\n")
    print_table(
        ["frame (chat.handling)", "SQL statements", "median ms", "per session"],
        [cost.row(label, per_session.get(label, "")) for label, cost in costs.items()],
    )
    if show_sql:
        for label, cost in costs.items():
            print(f"\n{label}: {len(cost.sql)} statements", *cost.sql, sep="\n  ")
    own = sum(
        statistics.median(costs[label].seconds) * n
        for label, n in per_session.items()
        if isinstance(n, int) and label in costs
    )
    print(
        f"\nDatabase time per session: {own * 1000:.0f} ms for its own frames (queue changes travel as news: no "
        "read per change)."
    )
