"""Searching tickets at volume: ``GET /api/v1/search/tickets?q=...`` for each kind of query an agent types.

    python -m bench.search_tickets [--smoke] [--rounds 5] [--requests 60] [--clients 1]

Runs on the database filled by ``bench.generate`` (1,000,000 tickets for the recorded results), after
``frontdesk migrate`` has built the search indexes, with ``frontdesk serve --workers 2`` and the production
settings on 127.0.0.1, as the generated line-1 agent who serves two brands. Each kind of query (an exact ticket
number, a piece of one, a common word in Russian or English, a Polish phrase typed without its diacritics, a
customer's name spelt right and with two letters swapped, a piece of an email address, a phone number, a word
found nowhere) cycles through values taken from the agent's brands, in alternating batches beside the bare view
that reads one row by primary key. Printed: median, p95 and p99 latency, the tickets found, and the SQL queries
per request for two different queries of the kind (they must be equal).

Every batch stops at its request count or its time limit, whichever comes first.
"""

from __future__ import annotations

import argparse
import json
import random
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

TARGET_P95_MS = 200.0
BRANDS = ("bench-opera", "bench-museum")
# Values of each kind, spread over the agent's brands and the whole history.
VALUES = 40


@dataclass
class Target:
    label: str
    queries: list[str]


def _swap(name: str, rng: random.Random) -> str:
    """The name with two neighbouring letters of its longest word swapped: a typing slip."""
    words = name.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    if len(word) < 4:
        return name
    i = rng.randrange(1, len(word) - 2)
    words[longest] = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return " ".join(words)


def build_targets() -> list[Target]:
    from frontdesk.tickets.models import Ticket
    from frontdesk.users.models import Customer, CustomerContact

    rng = random.Random(5)
    tickets = Ticket.objects.filter(brand__slug__in=BRANDS)
    last = tickets.order_by("-id").values_list("id", flat=True).first()
    if not last:
        raise SystemExit("No tickets of the bench brands: run `python -m bench.generate` first.")
    numbers = list(
        tickets.filter(id__in=[1 + (last * k) // 997 for k in range(997)]).values_list("number", flat=True)
    )[:VALUES]
    customers = Customer.objects.filter(brand__slug__in=BRANDS).exclude(name="")
    top = customers.order_by("-id").values_list("id", flat=True).first() or 1
    names = list(
        customers.filter(id__in=[1 + (top * k) // 991 for k in range(991)]).values_list("name", flat=True)
    )[:VALUES]
    contacts = CustomerContact.objects.filter(brand__slug__in=BRANDS)
    emails = list(contacts.filter(kind="email").order_by("-id").values_list("value", flat=True)[:VALUES])
    phones = list(contacts.filter(kind="phone").order_by("-id").values_list("value", flat=True)[:VALUES])
    targets = [
        Target("bare view (1 SELECT by id)", []),
        Target("exact number", numbers),
        Target("piece of a number (6 digits)", [n[-6:] for n in numbers]),
        Target("common word, ru (inflected)", ["билетов", "заказа", "места", "абонементу", "гардероба"]),
        Target("common word, en", ["refund", "tickets", "invoice", "wheelchair", "rescheduled"]),
        Target("pl without diacritics", ["zwrot pieniedzy", "wolne ladowanie", "rekord dns", "faktura"]),
        Target("customer name", names),
        Target("customer name, two letters swapped", [_swap(n, rng) for n in names]),
        Target("piece of an email", [e.split("@")[0] for e in emails]),
        Target("phone number", phones or ["+79160000006"]),
        Target("word found nowhere", ["xyzzy", "qwertyuiop", "зюзюка", "żółwik"]),
    ]
    return [t for t in targets if t.queries or t.label.startswith("bare")]


def _path(q: str) -> str:
    return "/api/v1/search/tickets?" + urlencode({"q": q, "limit": 20})


@dataclass
class Measured:
    queries: int
    other_queries: int
    found: float


def measure_in_process(targets: list[Target], token: str) -> dict[str, Measured]:
    """Each kind once in this process (same URLconf and middleware): SQL queries for two values, tickets found."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")

    def get(q: str) -> tuple[int, int]:
        for _ in range(2):  # the first warms the actor cache
            with CaptureQueriesContext(connection) as ctx:
                resp = client.get(_path(q))
        if resp.status_code != 200:
            raise SystemExit(f"search {q!r}: {resp.status_code} {resp.content[:500]!r}")
        return len(json.loads(resp.content)["items"]), len(ctx.captured_queries)

    results: dict[str, Measured] = {}
    for target in targets:
        if target.label.startswith("bare"):
            continue
        found = [get(q) for q in target.queries[:5]]
        other = get(target.queries[-1])[1]
        results[target.label] = Measured(found[0][1], other, sum(f for f, _ in found) / len(found))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--smoke", action="store_true", help="a few requests only, for CI")
    parser.add_argument("--rounds", type=int, default=5, help="alternating batches per kind")
    parser.add_argument("--requests", type=int, default=60, help="requests per batch")
    parser.add_argument("--time-limit", type=float, default=30.0, help="seconds per batch at most")
    parser.add_argument("--clients", type=int, default=1, help="concurrent clients (default 1)")
    parser.add_argument("--workers", type=int, default=2, help="server processes (default 2, one per core)")
    args = parser.parse_args(argv)
    if args.smoke:
        args.rounds, args.requests, args.time_limit = 1, 8, 20.0
    if not 1 <= args.requests <= 100_000 or args.rounds < 1 or not 1 <= args.clients <= 200:
        parser.error("1 to 100,000 requests per batch, at least one round, 1 to 200 clients")

    setup_django()
    from frontdesk.tickets.models import Ticket

    ensure_bare_table()
    agent, token_row, token = bench_agent_token()
    errors: list[str] = []
    try:
        n_tickets = Ticket.objects.count()
        targets = build_targets()
        measured = measure_in_process(targets, token)
        headers = {"Authorization": f"Bearer {token}"}
        samples: dict[str, Sample] = {t.label: Sample() for t in targets}
        with production_server(workers=args.workers) as port:
            for target in targets:  # warm every server process
                warm = run_load(port, _maker(target, headers), clients=2, requests=6, time_limit=20)
                errors += warm.errors
            for r in range(args.rounds):
                for target in targets if r % 2 == 0 else targets[::-1]:
                    sample = run_load(
                        port,
                        _maker(target, headers),
                        clients=args.clients,
                        requests=args.requests,
                        time_limit=args.time_limit,
                    )
                    samples[target.label].extend(sample)
                    errors += sample.errors
        print_results(n_tickets, args.clients, targets, samples, measured)
    finally:
        revoke(agent, token_row)
    if errors:
        print(f"\n{len(errors)} failed requests, e.g.:", *errors[:5], sep="\n  ", file=sys.stderr)
        return 1
    return 0


def _maker(target: Target, headers: dict[str, str]) -> Any:
    if target.label.startswith("bare"):
        return lambda i: Request("GET", f"/bench/bare/{1 + i % 1000}", None, {})
    paths = [_path(q) for q in target.queries]
    return lambda i: Request("GET", paths[i % len(paths)], None, headers)


def print_results(
    n_tickets: int,
    clients: int,
    targets: list[Target],
    samples: dict[str, Sample],
    measured: dict[str, Measured],
) -> None:
    rows = []
    slow = []
    for target in targets:
        s = samples[target.label]
        m = measured.get(target.label)
        p95 = ms(percentile(s.latencies, 95))
        if m is not None and p95 > TARGET_P95_MS:
            slow.append(target.label)
        rows.append(
            [
                target.label,
                len(s.latencies),
                ms(percentile(s.latencies, 50)),
                p95,
                ms(percentile(s.latencies, 99)),
                "" if m is None else m.found,
                "1" if m is None else f"{m.queries} / {m.other_queries}",
            ]
        )
    print(
        f"\nSearching at {n_tickets:,} tickets, {clients} client{'s' if clients > 1 else ''}, "
        "same server and run, alternating batches:\n"
    )
    print_table(
        ["query", "requests", "median ms", "p95 ms", "p99 ms", "tickets found", "queries (2 queries)"], rows
    )
    # 2 for the search, 1 for the tickets, then one per kind of related row the found tickets have
    # (brand, organization, team, category): the count follows what was found, not how much.
    counts = [n for m in measured.values() for n in (m.queries, m.other_queries)]
    print(f"\nSQL queries per search: {min(counts)} to {max(counts)} (the related rows that were found)")
    print(
        f"p95 target {TARGET_P95_MS:.0f} ms: "
        + (f"missed by {', '.join(slow)}" if slow else "met by every query")
    )


if __name__ == "__main__":
    raise SystemExit(main())
