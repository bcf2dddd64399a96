"""The agent desk at volume: a queue, a ticket with 30 messages and a search, as signed-in line-1 agents.

    python -m bench.desk_pages [--smoke] [--clients 1,50] [--rounds 3] [--requests 150] [--time-limit 30]
                               [--paced-agents 50] [--think 3] [--paced-duration 60] [--cost-runs 20]

Runs on the database filled by ``bench.generate`` (1,000,000 tickets for the recorded results), after
``frontdesk migrate``, with ``frontdesk serve --workers 2`` and the production settings on 127.0.0.1. The
agents sign in with real sessions (the session store and the keys ``django.contrib.auth.login`` writes), so
every request goes through the session and authentication middleware and the desk's own access checks. At one
client the generated line-1 agent who serves two brands asks; at more, each client is one of the line-1 agents
of the bench's opera brand (the generated agent among them) with a session of its own and its own keep-alive
connection.

Pages: the team queue and the unassigned queue, each as the whole page and as the HTMX table a filter change
or the next page asks for; the ticket page of a ticket with 30 messages (made once through the domain actions
and tagged ``bench-thirty-messages``, so that a re-run reuses it); and the search page for queries of the kinds
an agent types (words in Russian, English and Polish, numbers, names, pieces of email addresses). Each runs in
alternating batches beside the bare view that reads one row by primary key. Printed: median, p95 and p99, the
rate, and the SQL statements per page counted in this process with Django's test client against the same
database for two parameter sets (a queue page and another, the 30-message ticket and a generated one with a few
messages, two searches): they must be equal.

Two ways of having 50 agents at once:

* **back to back** (``--clients``): each client asks for the next page as soon as the last one arrived, with
  no pause. This is a stress test: 50 such clients keep the two cores busy all the time, and latency is the
  queue in front of them.
* **at human pace** (``--paced-agents``, after the batches): each agent waits a random think time
  (exponential, mean ``--think`` seconds) before each page, and asks for a page chosen at random among the
  desk's pages, for ``--paced-duration`` seconds. Agents start at random moments within their first think
  time. This is the load that 50 agents working on the desk make.

The cost of each page is also measured in this process with the test client (``--cost-runs`` requests each):
CPU time of the Python process (views, templates, middleware, the database driver), SQL time seen from the
client, and wall time. Unlike latencies under load, these hardly depend on what else the machine is doing.

Every batch stops at its request count or its time limit, whichever comes first.
"""

from __future__ import annotations

import http.client
import os
import random
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    Request,
    Sample,
    ensure_bare_table,
    load_arguments,
    ms,
    percentile,
    print_table,
    production_server,
    run_load,
    setup_django,
)

TARGET_P95_MS = {1: 100.0, 50: 300.0}
TARGET_QUERIES = 15
BRAND = "bench-opera"
THREAD_TAG = "bench-thirty-messages"
THREAD_MESSAGES = 30
HTMX_TABLE = {"HX-Request": "true", "HX-Target": "queue-table"}
BARE = "bare view (1 SELECT by id)"


@dataclass
class Target:
    label: str
    paths: list[str]  # requests cycle through these
    other: str = ""  # another parameter set of the same page, for the query count
    headers: dict[str, str] = field(default_factory=dict)


# --- The agents and their sessions ------------------------------------------------------------------------------


def desk_agents() -> list[Any]:
    """The generated line-1 agent first, then the other line-1 agents of the opera brand."""
    from bench.world import BENCH_AGENT_EMAIL
    from frontdesk.users.models import User

    agent = User.objects.filter(email=BENCH_AGENT_EMAIL).first()
    if agent is None:
        raise SystemExit("No generated data: run `python -m bench.generate` first.")
    others = User.objects.filter(email__startswith=f"{BRAND}.l1.", email__endswith="@bench.example")
    return [agent, *others.order_by("email")]


def sign_in(users: list[Any], count: int) -> list[str]:
    """``count`` new sessions, round-robin over ``users``, holding what ``django.contrib.auth.login`` stores."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    keys = []
    for i in range(count):
        user = users[i % len(users)]
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    return keys


def sign_out(keys: list[str]) -> None:
    from django.contrib.sessions.models import Session

    Session.objects.filter(session_key__in=keys).delete()


def cookie(key: str) -> dict[str, str]:
    from django.conf import settings

    return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={key}"}


# --- The ticket with 30 messages --------------------------------------------------------------------------------


def thread_ticket(agent: Any) -> Any:
    """The bench's ticket with 30 messages (replies both ways and notes), made through the actions once."""
    from frontdesk.tickets import actions
    from frontdesk.tickets.choices import Channel
    from frontdesk.tickets.content import make_body
    from frontdesk.tickets.models import Ticket
    from frontdesk.users.actors import actor_for, actor_for_customer
    from frontdesk.users.models import Customer, Team

    found = Ticket.objects.filter(brand__slug=BRAND, tags__contains=[THREAD_TAG]).order_by("id").first()
    if found is not None:
        return found
    team = Team.objects.get(brand__slug=BRAND, line=1)
    customer = Customer.objects.filter(brand__slug=BRAND).exclude(name="").order_by("id").first()
    if customer is None:
        raise SystemExit("No customers of the bench brands: run `python -m bench.generate` first.")
    agent_actor, customer_actor = actor_for(agent), actor_for_customer(customer)
    ticket = actions.create_ticket(
        team.brand,
        actor=customer_actor,
        customer=customer,
        subject="Seats for the premiere: exchange, refund and a wheelchair place",
        body=make_body(text="Hello, I bought four seats for the premiere and need to change two of them."),
        channel=Channel.EMAIL,
        tags=[THREAD_TAG],
    )
    actions.assign_ticket(ticket, actor=agent_actor, assignee=agent)
    for n in range(2, THREAD_MESSAGES + 1):
        ticket = Ticket.objects.get(pk=ticket.pk)
        if n % 5 == 0:
            text = f"Note {n}: checked the seating plan and the payment; the box office confirms row {n}."
            actions.add_note(ticket, actor=agent_actor, body=make_body(text=text))
        elif n % 2 == 0:
            text = f"Message {n}: thank you, we have reserved row {n} for you. Could you confirm the time?"
            actions.reply_to_ticket(ticket, actor=agent_actor, body=make_body(text=text))
        else:
            text = f"Message {n}: yes, the evening performance suits us. What about the wheelchair place?"
            actions.reply_to_ticket(
                ticket, actor=customer_actor, body=make_body(text=text), channel=Channel.EMAIL
            )
    return Ticket.objects.get(pk=ticket.pk)


# --- The pages --------------------------------------------------------------------------------------------------


def search_queries() -> tuple[list[str], str]:
    """Queries of each kind ``bench.search_tickets`` measures, interleaved, and one more for the count."""
    from bench.search_tickets import build_targets

    kinds = [t.queries[:6] for t in build_targets() if t.queries and "nowhere" not in t.label]
    mixed = [q for i in range(max(map(len, kinds))) for qs in kinds if i < len(qs) for q in qs[i : i + 1]]
    return mixed, "xyzzy"


def build_targets(agent: Any) -> list[Target]:
    from frontdesk.tickets.models import Ticket

    thread = thread_ticket(agent)
    few = (
        Ticket.objects.filter(brand__slug=BRAND)
        .exclude(pk=thread.pk)
        .order_by("-id")
        .values_list("number", flat=True)
        .first()
    )
    queries, other_query = search_queries()

    def search(q: str) -> str:
        return "/desk/search/?" + urlencode({"q": q})

    return [
        Target(BARE, [f"/bench/bare/{1 + i % 1000}" for i in range(1000)]),
        Target("queue: my teams, page", ["/desk/queues/team/"], "/desk/queues/mine/"),
        Target("queue: unassigned, page", ["/desk/queues/unassigned/"], "/desk/queues/all/"),
        Target(
            "queue: my teams, HTMX table",
            ["/desk/queues/team/"],
            "/desk/queues/team/?sort=-created",
            HTMX_TABLE,
        ),
        Target(
            "queue: unassigned, HTMX table",
            ["/desk/queues/unassigned/"],
            "/desk/queues/unassigned/?sort=-priority",
            HTMX_TABLE,
        ),
        Target(
            f"ticket page ({THREAD_MESSAGES} messages)",
            [f"/desk/tickets/{thread.number}/"],
            f"/desk/tickets/{few}/" if few else "",
        ),
        Target("search page (mixed queries)", [search(q) for q in queries], search(other_query)),
    ]


@dataclass
class Measured:
    queries: int
    other_queries: int | None
    sql: list[str]
    # Medians over ``--cost-runs`` requests in this process, milliseconds.
    cpu_ms: float = float("nan")
    sql_ms: float = float("nan")
    wall_ms: float = float("nan")
    pg_cpu_ms: float = float("nan")


def measure_cost(client: Any, target: Target, runs: int) -> tuple[float, float, float, float]:
    """Median CPU time of this process, SQL time (around each statement) and wall time per request, and the
    mean CPU time of the PostgreSQL backend per request."""
    from django.db import connection

    sql_time = [0.0]

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_time[0] += time.perf_counter() - started

    cpu, sql, wall = [], [], []
    pg_before = _backend_cpu()
    with connection.execute_wrapper(timed):
        for i in range(runs):
            path = target.paths[i % len(target.paths)]
            sql_time[0] = 0.0
            w0, c0 = time.perf_counter(), time.process_time()
            resp = client.get(path, headers=target.headers)
            cpu.append(time.process_time() - c0)
            wall.append(time.perf_counter() - w0)
            sql.append(sql_time[0])
            if resp.status_code != 200:
                raise SystemExit(f"GET {path}: {resp.status_code}")
    pg_after = _backend_cpu()
    pg = (pg_after - pg_before) / runs if pg_before is not None and pg_after is not None else float("nan")
    return ms(percentile(cpu, 50)), ms(percentile(sql, 50)), ms(percentile(wall, 50)), ms(pg)


def _backend_cpu() -> float | None:
    """CPU seconds the PostgreSQL backend of this process's connection has used (from /proc, so only when
    the server runs on this machine; the kernel counts in ticks of 10 ms, so this is a mean over many
    requests). None when it cannot be read."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure_in_process(targets: list[Target], session_key: str, cost_runs: int = 0) -> dict[str, Measured]:
    """Each page in this process (same URLconf and middleware, same database): the SQL statements, and with
    ``cost_runs`` the median CPU, SQL and wall time of that many requests (cycling through the page's
    parameters)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key

    def get(path: str, headers: dict[str, str]) -> list[str]:
        for _ in range(2):  # the first warms the process's caches
            with CaptureQueriesContext(connection) as ctx:
                resp = client.get(path, headers=headers)
        if resp.status_code != 200:
            raise SystemExit(f"GET {path}: {resp.status_code} {resp.content[:500]!r}")
        return [q["sql"] for q in ctx.captured_queries]

    results: dict[str, Measured] = {}
    for target in targets:
        if target.label == BARE:
            continue
        sql = get(target.paths[0], target.headers)
        other = len(get(target.other, target.headers)) if target.other else None
        results[target.label] = Measured(len(sql), other, sql)
        if cost_runs:
            for path in target.paths[: min(len(target.paths), cost_runs)]:  # warm the process and the plans
                client.get(path, headers=target.headers)
            m = results[target.label]
            m.cpu_ms, m.sql_ms, m.wall_ms, m.pg_cpu_ms = measure_cost(client, target, cost_runs)
    return results


def check_access(targets: list[Target], keys: list[str], port: int) -> list[str]:
    """Each agent's session opens every page (a 302 to the sign-in page would measure the wrong thing)."""
    import http.client

    from bench.common import HOST

    errors = []
    for key in keys:
        for target in targets[1:]:
            conn = http.client.HTTPConnection(HOST, port, timeout=30)
            conn.request("GET", target.paths[0], headers={**target.headers, **cookie(key)})
            resp = conn.getresponse()
            resp.read()
            conn.close()
            if resp.status != 200:
                errors.append(f"GET {target.paths[0]} with session {key[:6]}…: {resp.status}")
    return errors


@dataclass
class Paced:
    """Latencies (seconds) per page label of the paced run, its errors and its wall time."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    wall: float = 0.0


def run_paced(
    port: int,
    targets: list[Target],
    sessions: list[dict[str, str]],
    *,
    think: float,
    duration: float,
    seed: int = 5,
) -> Paced:
    """One thread per agent: wait a think time (exponential, mean ``think`` s), ask for a random page, again
    until ``duration`` s have passed. A keep-alive connection the server closed while the agent was thinking
    is opened again (and that time counts, as it would for a browser)."""
    from bench.common import HOST

    pages = [t for t in targets if t.label != BARE]
    result = Paced(latencies={t.label: [] for t in pages})
    lock = threading.Lock()
    deadline = time.monotonic() + duration

    def agent(k: int) -> None:
        rng = random.Random(seed * 1000 + k)
        own = sessions[k % len(sessions)]
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        done: list[tuple[str, float]] = []
        errors: list[str] = []
        i = k
        try:
            while True:
                pause = rng.expovariate(1 / think)
                if time.monotonic() + pause >= deadline:
                    break
                time.sleep(pause)
                target = rng.choice(pages)
                path = target.paths[i % len(target.paths)]
                i += 1
                started = time.perf_counter()
                for attempt in (1, 2):
                    try:
                        conn.request("GET", path, headers={**target.headers, **own})
                        resp = conn.getresponse()
                        resp.read()
                        break
                    except (OSError, http.client.HTTPException) as exc:
                        conn.close()
                        conn = http.client.HTTPConnection(HOST, port, timeout=30)
                        if attempt == 2:
                            errors.append(f"GET {path}: {exc!r}")
                            resp = None
                if resp is None:
                    continue
                if resp.status == 200:
                    done.append((target.label, time.perf_counter() - started))
                else:
                    errors.append(f"GET {path}: {resp.status}")
        finally:
            conn.close()
            with lock:
                for label, latency in done:
                    result.latencies[label].append(latency)
                result.errors.extend(errors)

    threads = [threading.Thread(target=agent, args=(k,), daemon=True) for k in range(len(sessions))]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(duration + 60)
    result.wall = time.perf_counter() - started
    return result


def print_paced(paced: Paced, agents: int, think: float, measured: dict[str, Measured]) -> list[str]:
    """The paced run's table; returns what missed the 50-agent target."""
    limit = TARGET_P95_MS[50]
    rows, missed = [], []
    everything: list[float] = []
    for label, latencies in paced.latencies.items():
        everything += latencies
        p95 = ms(percentile(latencies, 95))
        met = p95 <= limit
        if not met:
            missed.append(f"{label} at {agents} paced agents (p95 {p95:.0f} ms)")
        m = measured.get(label)
        rows.append(
            [
                label,
                len(latencies),
                ms(percentile(latencies, 50)),
                p95,
                ms(percentile(latencies, 99)),
                m.queries if m else "",
                "yes" if met else "NO",
            ]
        )
    rows.append(
        [
            "all pages",
            len(everything),
            ms(percentile(everything, 50)),
            ms(percentile(everything, 95)),
            ms(percentile(everything, 99)),
            "",
            "",
        ]
    )
    rate = len(everything) / paced.wall if paced.wall else float("nan")
    print(
        f"\n{agents} agents at human pace (think time exponential, mean {think:g} s), "
        f"{paced.wall:.0f} s, {rate:.1f} pages/s, {len(paced.errors)} errors:\n"
    )
    print_table(
        ["page", "requests", "median ms", "p95 ms", "p99 ms", "queries", f"p95 <= {limit:.0f} ms"], rows
    )
    return missed


def print_costs(targets: list[Target], measured: dict[str, Measured], runs: int) -> None:
    rows = []
    for t in targets:
        m = measured.get(t.label)
        if m is not None:
            rows.append([t.label, m.cpu_ms, m.pg_cpu_ms, m.cpu_ms + m.pg_cpu_ms, m.sql_ms, m.wall_ms])
    print(
        f"\nCost per page in this process (test client, {runs} requests; medians, PostgreSQL CPU a mean):\n"
    )
    print_table(
        ["page", "Python CPU ms", "PostgreSQL CPU ms", "CPU ms in all", "SQL ms (client side)", "wall ms"],
        rows,
    )


def _maker(target: Target) -> Any:
    paths, headers = target.paths, target.headers
    return lambda i: Request("GET", paths[i % len(paths)], None, headers)


# --- Main -------------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = load_arguments(__doc__, rounds=3, requests=150, clients="1,50")
    parser.add_argument("--show-sql", action="store_true", help="print the SQL statements of each page")
    parser.add_argument(
        "--paced-agents", type=int, default=50, help="agents at human pace after the batches (0: none)"
    )
    parser.add_argument("--think", type=float, default=3.0, help="mean think time of a paced agent, s")
    parser.add_argument("--paced-duration", type=float, default=60.0, help="length of the paced run, s")
    parser.add_argument(
        "--cost-runs", type=int, default=20, help="requests per page for the in-process cost (0: none)"
    )
    parser.add_argument(
        "--cost-only", action="store_true", help="only the in-process cost and query counts, no server"
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.clients, args.rounds, args.requests, args.time_limit = "1,4", 1, 8, 20.0
        args.paced_agents, args.think, args.paced_duration, args.cost_runs = 4, 0.5, 5.0, 2
    try:
        clients = [int(c) for c in args.clients.split(",")]
    except ValueError:
        parser.error("--clients: numbers separated by commas")
    if any(not 1 <= c <= 200 for c in clients) or not 1 <= args.requests <= 100_000 or args.rounds < 1:
        parser.error("1 to 200 clients, 1 to 100,000 requests per batch, at least one round")
    if not 0 <= args.paced_agents <= 200 or args.think <= 0 or not 0 < args.paced_duration <= 3600:
        parser.error("0 to 200 paced agents, a positive think time, a paced run of at most an hour")

    print(f"Load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    setup_django()
    from huey.contrib.djhuey import HUEY

    from frontdesk.tickets.models import Ticket

    ensure_bare_table()
    agents = desk_agents()
    keys = sign_in(agents, max(*clients, args.paced_agents))
    errors: list[str] = []
    try:
        n_tickets = Ticket.objects.count()
        targets = build_targets(agents[0])
        measured = measure_in_process(targets, keys[0], args.cost_runs or (20 if args.cost_only else 0))
        if args.cost_only:
            print_costs(targets, measured, args.cost_runs or 20)
            for label, m in measured.items():
                print(
                    f"{label}: {m.queries}"
                    + (f" / {m.other_queries}" if m.other_queries else "")
                    + " queries"
                )
            return 0
        samples: dict[tuple[str, int], Sample] = {}
        with production_server(workers=args.workers) as port:
            errors += check_access(targets, keys[: min(len(agents), max(clients))], port)
            for target in targets:  # warm every server process
                warm = run_load(
                    port,
                    _maker(target),
                    clients=2,
                    requests=10,
                    time_limit=20,
                    client_headers=[cookie(keys[0])],
                )
                errors += warm.errors
            for n in clients:
                sessions = [cookie(k) for k in keys[:n]]
                for r in range(args.rounds):
                    for target in targets if r % 2 == 0 else targets[::-1]:
                        sample = run_load(
                            port,
                            _maker(target),
                            clients=n,
                            requests=max(args.requests, n),
                            time_limit=args.time_limit,
                            client_headers=sessions,
                        )
                        samples.setdefault((target.label, n), Sample()).extend(sample)
                        errors += sample.errors
            paced = None
            if args.paced_agents:
                print(f"Load average before the paced run: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
                paced = run_paced(
                    port,
                    targets,
                    [cookie(k) for k in keys[: args.paced_agents]],
                    think=args.think,
                    duration=args.paced_duration,
                )
                errors += paced.errors
        missed = print_results(n_tickets, clients, targets, samples, measured, show_sql=args.show_sql)
        if paced is not None:
            missed += print_paced(paced, args.paced_agents, args.think, measured)
        if args.cost_runs:
            print_costs(targets, measured, args.cost_runs)
        print("\nMissed: " + "; ".join(missed) if missed else "\nEvery page meets its targets.")
    finally:
        sign_out(keys)
        # The bench's own task queue: nothing runs the tasks the 30-message ticket's replies queued.
        HUEY.flush()
    print(f"\nLoad average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if errors:
        print(f"\n{len(errors)} failed requests, e.g.:", *errors[:5], sep="\n  ", file=sys.stderr)
        return 1
    return 0


def print_results(
    n_tickets: int,
    clients: list[int],
    targets: list[Target],
    samples: dict[tuple[str, int], Sample],
    measured: dict[str, Measured],
    *,
    show_sql: bool,
) -> list[str]:
    """The batches' table; returns what missed its target."""
    rows = []
    missed = []
    for n in clients:
        bare = samples[(BARE, n)]
        bare_rate = len(bare.latencies) / bare.wall if bare.wall else float("nan")
        for target in targets:
            s = samples[(target.label, n)]
            m = measured.get(target.label)
            p95 = ms(percentile(s.latencies, 95))
            rate = len(s.latencies) / s.wall if s.wall else float("nan")
            limit = TARGET_P95_MS.get(n)
            verdict = ""
            if m is not None:
                fast = limit is None or p95 <= limit
                few = m.queries <= TARGET_QUERIES and (m.other_queries or 0) <= TARGET_QUERIES
                verdict = ("yes" if fast and few else "NO") if limit else ("queries ok" if few else "NO")
                if not fast:
                    missed.append(f"{target.label} at {n} client{'s' if n > 1 else ''} (p95 {p95:.0f} ms)")
                if not few:
                    missed.append(f"{target.label}: {m.queries} queries")
            rows.append(
                [
                    target.label,
                    n,
                    len(s.latencies),
                    len(s.errors),
                    rate,
                    ms(percentile(s.latencies, 50)),
                    p95,
                    ms(percentile(s.latencies, 99)),
                    f"{rate / bare_rate:.0%}" if target.label != BARE else "100%",
                    "1"
                    if m is None
                    else f"{m.queries}" + (f" / {m.other_queries}" if m.other_queries else ""),
                    verdict,
                ]
            )
    print(f"\nThe desk at {n_tickets:,} tickets, same server and run, alternating batches:\n")
    print_table(
        [
            "page",
            "clients",
            "requests",
            "errors",
            "req/s",
            "median ms",
            "p95 ms",
            "p99 ms",
            "rate vs bare",
            "queries (2 param sets)",
            "target met",
        ],
        rows,
    )
    limits = ", ".join(f"{v:.0f} ms at {k} client{'s' if k > 1 else ''}" for k, v in TARGET_P95_MS.items())
    print(f"\nTargets: p95 at most {limits}; at most {TARGET_QUERIES} SQL queries per page.")
    if show_sql:
        for label, m in measured.items():
            print(f"\n{label}: {m.queries} statements", *m.sql, sep="\n  ")
    return missed


if __name__ == "__main__":
    raise SystemExit(main())
