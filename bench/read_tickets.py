"""Reading tickets at volume: filtered pages of ``GET /api/v1/tickets`` and ``GET /api/v1/tickets/{number}``.

    python -m bench.read_tickets [--smoke] [--rounds 5] [--requests 100] [--explain]

Runs on the database filled by ``bench.generate`` (1,000,000 tickets for the recorded results), with
``frontdesk serve --workers 2`` and the production settings on 127.0.0.1, at one client, as the generated
line-1 agent who serves two brands. Each target runs in alternating batches beside the bare view that reads one
row by primary key. Printed: median, p95 and p99 latency, the rows on the page, the SQL queries per request for
two different parameter sets (they must be equal), and the time PostgreSQL itself needs for the ticket query
(``EXPLAIN ANALYZE``) with the indexes the plan uses.

Every batch stops at its request count or its time limit, whichever comes first.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    Request,
    Sample,
    bench_agent_token,
    ensure_bare_table,
    ms,
    percentile,
    print_table,
    production_server,
    revoke,
    run_load,
    setup_django,
)

TARGET_P95_MS = 50.0


@dataclass
class Target:
    label: str
    paths: list[str]  # requests cycle through these
    # Another parameter set of the same kind, for the query-count check.
    other: str | None = None


def build_targets(agent_id: int) -> list[Target]:
    from frontdesk.tickets.models import Ticket
    from frontdesk.users.models import Team

    opera_line2 = Team.objects.get(brand__slug="bench-opera", line=2).pk
    museum_line1 = Team.objects.get(brand__slug="bench-museum", line=1).pk
    scope = Ticket.objects.filter(brand__slug__in=["bench-opera", "bench-museum"])
    last = scope.order_by("-id").values_list("id", flat=True).first() or 1
    # Numbers spread over the whole history, from the agent's brands.
    numbers = list(
        scope.filter(id__in=[1 + (last * k) // 997 for k in range(997)]).values_list("number", flat=True)
    )
    if not numbers:
        raise SystemExit("No tickets of the bench brands: run `python -m bench.generate` first.")

    def q(**params: Any) -> str:
        return "/api/v1/tickets?" + urlencode(params, doseq=True)

    return [
        Target("bare view (1 SELECT by id)", [f"/bench/bare/{1 + i % 1000}" for i in range(1000)]),
        Target(
            "list brand + status=open",
            [q(brand="bench-opera", status="open", limit=50)],
            q(brand="bench-museum", status="on_hold", limit=50),
        ),
        Target(
            "list brand + status=closed",
            [q(brand="bench-opera", status="closed", limit=50)],
            q(brand="bench-museum", status="solved", limit=50),
        ),
        Target(
            "list assignee + open statuses",
            [q(assignee=agent_id, status="open,pending_customer,pending_third_party,on_hold", limit=50)],
            q(assignee=agent_id, status="closed", limit=50),
        ),
        Target("list team", [q(team=opera_line2, limit=50)], q(team=museum_line1, limit=50)),
        Target("list all (agent's scope)", [q(limit=50)], q(limit=3)),
        Target("list page 2 (cursor)", [], None),  # filled in once page 1's cursor is known
        Target(
            "ticket by number", [f"/api/v1/tickets/{n}" for n in numbers], f"/api/v1/tickets/{numbers[-1]}"
        ),
    ]


@dataclass
class Measured:
    queries: int
    other_queries: int | None
    rows: int
    plan_ms: float | None
    sql_ms: float | None
    plan: str
    explain: str


_INDEX = re.compile(
    r"(Seq Scan on \w+|Index(?: Only)? Scan(?: Backward)? using \w+|Bitmap Index Scan on \w+)"
)


def explain(sql: str) -> tuple[float, float, str, str]:
    from django.db import connection

    with connection.cursor() as cursor:
        for _ in range(3):  # the last run, with the connection's caches warm as on the server
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            lines = [row[0] for row in cursor.fetchall()]
    text = "\n".join(lines)
    found = re.search(r"Execution Time: ([\d.]+) ms", text)
    planned = re.search(r"Planning Time: ([\d.]+) ms", text)
    # How the tickets table itself is read; the joined lookups by primary key are the same everywhere.
    nodes = [m.group(1) for m in _INDEX.finditer(text)]
    nodes = list(dict.fromkeys(n for n in nodes if "ticket" in n and "category" not in n))
    return (
        float(planned.group(1)) if planned else float("nan"),
        float(found.group(1)) if found else float("nan"),
        ", ".join(nodes),
        text,
    )


def measure_in_process(targets: list[Target], token: str) -> dict[str, Measured]:
    """Run each target once in this process (same URLconf and middleware): queries, rows and the SQL plan."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")

    def get(path: str) -> tuple[Any, list[str]]:
        for _ in range(2):  # the first warms the actor cache
            with CaptureQueriesContext(connection) as ctx:
                resp = client.get(path)
        if resp.status_code != 200:
            raise SystemExit(f"GET {path}: {resp.status_code} {resp.content[:500]!r}")
        return json.loads(resp.content), [q["sql"] for q in ctx.captured_queries]

    results: dict[str, Measured] = {}
    for target in targets:
        if not target.paths or target.label.startswith("bare"):
            continue
        body, sql = get(target.paths[0])
        other = len(get(target.other)[1]) if target.other else None
        rows = len(body["items"]) if isinstance(body, dict) and "items" in body else 1
        ticket_sql = [s for s in sql if 'FROM "tickets_ticket"' in s]
        plan_ms, sql_ms, plan, text = explain(ticket_sql[0]) if ticket_sql else (None, None, "", "")
        results[target.label] = Measured(len(sql), other, rows, plan_ms, sql_ms, plan, text)
        if other is not None and other != len(sql):
            print(f"{target.label}: {len(sql)} queries, but {other} for {target.other}:", *sql, sep="\n  ")
        if target.label == "list brand + status=closed" and body.get("next_cursor"):
            page2 = next(t for t in targets if t.label == "list page 2 (cursor)")
            page2.paths = [target.paths[0] + "&cursor=" + body["next_cursor"]]
    page2 = next(t for t in targets if t.label == "list page 2 (cursor)")
    if page2.paths:
        body, sql = get(page2.paths[0])
        ticket_sql = [s for s in sql if 'FROM "tickets_ticket"' in s]
        plan_ms, sql_ms, plan, text = explain(ticket_sql[0]) if ticket_sql else (None, None, "", "")
        results[page2.label] = Measured(len(sql), None, len(body["items"]), plan_ms, sql_ms, plan, text)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--smoke", action="store_true", help="a few requests only, for CI")
    parser.add_argument("--rounds", type=int, default=5, help="alternating batches per target")
    parser.add_argument("--requests", type=int, default=100, help="requests per batch")
    parser.add_argument("--time-limit", type=float, default=30.0, help="seconds per batch at most")
    parser.add_argument("--workers", type=int, default=2, help="server processes (default 2, one per core)")
    parser.add_argument("--explain", action="store_true", help="print the full EXPLAIN ANALYZE of each query")
    args = parser.parse_args(argv)
    if args.smoke:
        args.rounds, args.requests, args.time_limit = 1, 12, 20.0
    if not 1 <= args.requests <= 100_000 or args.rounds < 1:
        parser.error("1 to 100,000 requests per batch, at least one round")

    setup_django()
    from frontdesk.tickets.models import Ticket

    ensure_bare_table()
    agent, token_row, token = bench_agent_token()
    errors: list[str] = []
    try:
        n_tickets = Ticket.objects.count()
        targets = build_targets(agent.pk)
        measured = measure_in_process(targets, token)
        targets = [t for t in targets if t.paths]
        headers = {"Authorization": f"Bearer {token}"}
        samples: dict[str, Sample] = {t.label: Sample() for t in targets}
        with production_server(workers=args.workers) as port:
            for target in targets:  # warm every server process
                warm = run_load(port, _maker(target, headers), clients=2, requests=10, time_limit=20)
                errors += warm.errors
            for r in range(args.rounds):
                for target in targets if r % 2 == 0 else targets[::-1]:
                    sample = run_load(
                        port,
                        _maker(target, headers),
                        clients=1,
                        requests=args.requests,
                        time_limit=args.time_limit,
                    )
                    samples[target.label].extend(sample)
                    errors += sample.errors
        print_results(n_tickets, targets, samples, measured, show_plans=args.explain)
    finally:
        revoke(agent, token_row)
    if errors:
        print(f"\n{len(errors)} failed requests, e.g.:", *errors[:5], sep="\n  ", file=sys.stderr)
        return 1
    return 0


def _maker(target: Target, headers: dict[str, str]) -> Any:
    paths = target.paths
    auth = {} if target.label.startswith("bare") else headers

    def make(i: int) -> Request:
        return Request("GET", paths[i % len(paths)], None, auth)

    return make


def print_results(
    n_tickets: int,
    targets: list[Target],
    samples: dict[str, Sample],
    measured: dict[str, Measured],
    *,
    show_plans: bool,
) -> None:
    rows = []
    slow = []
    for target in targets:
        s = samples[target.label]
        m = measured.get(target.label)
        p95 = ms(percentile(s.latencies, 95))
        if m is not None and p95 > TARGET_P95_MS:
            slow.append(target.label)
        queries = (
            "1"
            if m is None
            else f"{m.queries}" + (f" / {m.other_queries}" if m.other_queries is not None else "")
        )
        rows.append(
            [
                target.label,
                len(s.latencies),
                ms(percentile(s.latencies, 50)),
                p95,
                ms(percentile(s.latencies, 99)),
                m.rows if m else 1,
                queries,
                "" if m is None or m.plan_ms is None else m.plan_ms,
                "" if m is None or m.sql_ms is None else m.sql_ms,
            ]
        )
    print(f"\nReading at {n_tickets:,} tickets, 1 client, same server and run, alternating batches:\n")
    print_table(
        [
            "request",
            "requests",
            "median ms",
            "p95 ms",
            "p99 ms",
            "rows",
            "queries (2 param sets)",
            "SQL plan ms",
            "SQL run ms",
        ],
        rows,
    )
    print("\nPlans of the ticket query (EXPLAIN ANALYZE):\n")
    print_table(["request", "plan nodes"], [[label, m.plan] for label, m in measured.items()])
    constant = all(m.other_queries in (None, m.queries) for m in measured.values())
    print(f"\nQuery counts constant across parameter sets: {'yes' if constant else 'NO'}")
    print(
        f"p95 target {TARGET_P95_MS:.0f} ms: "
        + (f"missed by {', '.join(slow)}" if slow else "met by every request")
    )
    if show_plans:
        for label, m in measured.items():
            print(f"\n{label}:\n{m.explain}")


if __name__ == "__main__":
    raise SystemExit(main())
