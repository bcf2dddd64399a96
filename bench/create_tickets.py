"""Ticket creation through ``POST /api/v1/tickets`` beside a bare Django view that inserts one row.

    python -m bench.create_tickets [--smoke] [--clients 1,16] [--rounds 3] [--requests 600]

Runs on the database filled by ``bench.generate`` (``DATABASE_URL``), with ``frontdesk serve --workers 2`` and
the production settings on 127.0.0.1. An agent's bearer token creates tickets for existing customers of a
brand it serves; the bare view (``bench/bare.py``) parses the same kind of JSON body and inserts one row. Both
run in the same server, in alternating batches, at each client count. Printed: throughput, median, p95 and
p99 latency, the ratio of throughput to the bare view, and the SQL queries and Redis commands one creation runs.

Every batch stops at its request count or its time limit, whichever comes first.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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

BRAND = "bench-opera"
BODY = (
    "Hello, I placed an order yesterday evening and was charged, but the email with the tickets never came. "
    "I checked the spam folder too. What should I do?"
)
TARGET_RATIO = 0.5
TARGET_QUERIES = 8


class Fixture:
    """The agent, its token and customers to file tickets for, read from the generated database."""

    def __init__(self) -> None:
        from frontdesk.users.models import Customer

        self.agent, self.token_row, self.token = bench_agent_token()
        self.customers = list(
            Customer.objects.filter(brand__slug=BRAND).order_by("?").values_list("id", flat=True)[:2000]
        )
        self.headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}

    def api_request(self, i: int) -> Request:
        payload = {
            "customer_id": self.customers[i % len(self.customers)],
            "subject": f"E-tickets did not arrive (bench {i})",
            "body": BODY,
            "channel": "email",
        }
        return Request("POST", "/api/v1/tickets", json.dumps(payload).encode(), self.headers)

    @staticmethod
    def bare_request(i: int) -> Request:
        payload = {"subject": f"E-tickets did not arrive (bench {i})", "body": BODY}
        return Request(
            "POST", "/bench/bare/", json.dumps(payload).encode(), {"Content-Type": "application/json"}
        )

    def close(self) -> None:
        revoke(self.agent, self.token_row)


@contextmanager
def counting_redis_commands() -> Iterator[list[str]]:
    """The names of the Redis commands sent meanwhile in this process (cache and task queue alike)."""
    import redis

    sent: list[str] = []
    original = redis.Redis.execute_command

    def execute_command(self: Any, *args: Any, **options: Any) -> Any:
        sent.append(str(args[0]))
        return original(self, *args, **options)

    redis.Redis.execute_command = execute_command  # type: ignore[method-assign]
    try:
        yield sent
    finally:
        redis.Redis.execute_command = original  # type: ignore[method-assign]


def count_queries(fixture: Fixture) -> list[tuple[str, int, list[str], list[str]]]:
    """SQL statements and Redis commands of one creation, measured in this process through the same URLconf
    and middleware."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    results = []
    cases = [
        ("bare view", fixture.bare_request(10**9), False),
        ("POST /api/v1/tickets", fixture.api_request(10**9), False),
        ("POST /api/v1/tickets with Idempotency-Key", fixture.api_request(10**9 + 1), True),
    ]
    for label, req, with_key in cases:
        # The first request warms the per-user caches (the resolved actor), as on a running server.
        for attempt in range(2):
            headers = {}
            if "Authorization" in req.headers:
                headers["HTTP_AUTHORIZATION"] = req.headers["Authorization"]
            if with_key:
                headers["HTTP_IDEMPOTENCY_KEY"] = f"bench-{fixture.token_row.pk}-{attempt}"
            with CaptureQueriesContext(connection) as ctx, counting_redis_commands() as commands:
                resp = client.post(req.path, data=req.body, content_type="application/json", **headers)
            if resp.status_code not in (200, 201):
                raise SystemExit(f"{label}: {resp.status_code} {resp.content[:500]!r}")
        results.append((label, len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries], commands))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--smoke", action="store_true", help="a few requests only, for CI")
    parser.add_argument("--clients", default="1,16", help="client counts, comma-separated (default 1,16)")
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternating batches per target and client count"
    )
    parser.add_argument("--requests", type=int, default=400, help="requests per batch")
    parser.add_argument("--time-limit", type=float, default=30.0, help="seconds per batch at most")
    parser.add_argument("--workers", type=int, default=2, help="server processes (default 2, one per core)")
    parser.add_argument("--show-sql", action="store_true", help="print the SQL of one creation")
    args = parser.parse_args(argv)
    if args.smoke:
        args.rounds, args.requests, args.time_limit = 1, 25, 20.0
    clients = [int(c) for c in args.clients.split(",")]
    if any(not 1 <= c <= 64 for c in clients) or not 1 <= args.requests <= 100_000 or args.rounds < 1:
        parser.error("1 to 64 clients, 1 to 100,000 requests per batch, at least one round")

    setup_django()
    from huey.contrib.djhuey import HUEY

    ensure_bare_table()
    fixture = Fixture()
    errors: list[str] = []
    try:
        queries = count_queries(fixture)
        samples: dict[tuple[str, int], Sample] = {}
        with production_server(workers=args.workers) as port:
            # Warm both targets: connections, imports, caches in every server process.
            for make in (fixture.bare_request, fixture.api_request):
                warm = run_load(port, make, clients=4, requests=40, time_limit=20)
                errors += warm.errors
            for n in clients:
                for r in range(args.rounds):
                    order: list[tuple[str, Any]] = [
                        ("bare view", fixture.bare_request),
                        ("API", fixture.api_request),
                    ]
                    for label, make in order if r % 2 == 0 else order[::-1]:
                        sample = run_load(
                            port, make, clients=n, requests=args.requests, time_limit=args.time_limit
                        )
                        samples.setdefault((label, n), Sample()).extend(sample)
                        errors += sample.errors
        print_results(samples, clients, queries, show_sql=args.show_sql)
    finally:
        fixture.close()
        # The bench's own task queue: nothing runs the dispatch tasks the creations queued.
        HUEY.flush()
    if errors:
        print(f"\n{len(errors)} failed requests, e.g.:", *errors[:5], sep="\n  ", file=sys.stderr)
        return 1
    return 0


def print_results(
    samples: dict[tuple[str, int], Sample],
    clients: list[int],
    queries: list[tuple[str, int, list[str], list[str]]],
    *,
    show_sql: bool,
) -> None:
    rows = []
    verdicts = []
    for n in clients:
        bare = samples[("bare view", n)]
        bare_rate = len(bare.latencies) / bare.wall if bare.wall else float("nan")
        for label in ("bare view", "API"):
            s = samples[(label, n)]
            rate = len(s.latencies) / s.wall if s.wall else float("nan")
            ratio = rate / bare_rate if bare_rate else float("nan")
            name = "bare view (1 INSERT)" if label == "bare view" else "POST /api/v1/tickets"
            rows.append(
                [
                    name,
                    n,
                    len(s.latencies),
                    len(s.errors),
                    rate,
                    ms(percentile(s.latencies, 50)),
                    ms(percentile(s.latencies, 95)),
                    ms(percentile(s.latencies, 99)),
                    f"{ratio:.0%}",
                ]
            )
            if label == "API":
                verdicts.append(f"{n} client(s): {ratio:.0%} of the bare view (target >= {TARGET_RATIO:.0%})")
    print("\nTicket creation, same server and run, alternating batches:\n")
    print_table(
        [
            "target",
            "clients",
            "requests",
            "errors",
            "req/s",
            "median ms",
            "p95 ms",
            "p99 ms",
            "throughput vs bare",
        ],
        rows,
    )
    print("\nSQL statements and Redis commands per request (steady state, token seen before):\n")
    print_table(
        ["request", "queries", "Redis commands"],
        [[label, count, ", ".join(commands) or "none"] for label, count, _sql, commands in queries],
    )
    creation = next(count for label, count, _sql, _commands in queries if label == "POST /api/v1/tickets")
    verdicts.append(f"{creation} queries per creation (target <= {TARGET_QUERIES})")
    print("\n" + "\n".join(verdicts))
    if show_sql:
        for label, _count, sql, _commands in queries:
            print(f"\n{label}:")
            for i, statement in enumerate(sql, 1):
                print(f"  {i}. {statement[:400]}")


if __name__ == "__main__":
    raise SystemExit(main())
