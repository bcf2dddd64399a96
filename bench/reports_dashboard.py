"""The reports dashboard at volume: a brand admin's month, the provider's month across every brand, the report
API and the XLSX export, beside the bare view in the same run.

    python -m bench.reports_dashboard [--smoke] [--clients 1,4] [--rounds 3] [--requests 60] [--time-limit 30]

Runs on the database filled by ``bench.generate`` (1,000,000 tickets for the recorded results), after
``frontdesk migrate``, with ``frontdesk serve --workers 2`` and the production settings on 127.0.0.1. The
per-ticket facts the reports read are worked out first where missing, by the same code the event consumer runs
(``reports.facts.rebuild_facts``), and the time that takes is printed (tickets per second). The period is the
last full calendar month before the newest ticket. A brand admin of the bench's opera brand and a provider admin
sign in with real sessions. Printed: median, p95 and p99 per page, the rate, the SQL statements per page (counted
in this process with Django's test client), and how many tickets the month holds.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path
from typing import Any

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
from bench.desk_pages import cookie, sign_in, sign_out

TARGET_P95_MS = 500.0
BRAND = "bench-opera"
ADMIN_EMAIL = "bench-reports-admin@bench.example"
PROVIDER_EMAIL = "bench-reports-provider@bench.example"
BARE = "bare view (1 SELECT by id)"


def ensure_facts() -> tuple[int, float | None]:
    """Facts for every ticket; returns the ticket count and the rebuild rate (tickets/s) if one was needed."""
    from django.db.models import Exists, OuterRef

    from frontdesk.reports.facts import refresh_facts
    from frontdesk.reports.models import TicketFact
    from frontdesk.tickets.models import Ticket

    tickets = Ticket.objects.count()
    # NOT EXISTS, an anti-join: NOT IN over a million-row subquery is planned as a nested loop.
    missing = Ticket.objects.filter(~Exists(TicketFact.objects.filter(ticket_id=OuterRef("pk")))).order_by(
        "pk"
    )
    todo = missing.count()
    if not todo:
        return tickets, None
    print(f"Working out the facts of {todo:,} tickets…", flush=True)
    started, done, last = time.perf_counter(), 0, 0
    while True:
        ids = list(missing.filter(pk__gt=last).values_list("pk", flat=True)[:5000])
        if not ids:
            break
        done += refresh_facts(ids)
        last = ids[-1]
        if done % 100_000 < 5000:
            print(f"  {done:,} ({done / (time.perf_counter() - started):,.0f}/s)", flush=True)
    return tickets, done / (time.perf_counter() - started)


def admins() -> tuple[Any, Any]:
    from frontdesk.brands.models import Brand
    from frontdesk.users.choices import AgentRole
    from frontdesk.users.models import AgentMembership, User

    brand = Brand.objects.get(slug=BRAND)
    admin, _ = User.objects.get_or_create(email=ADMIN_EMAIL, defaults={"name": "Bench brand admin"})
    AgentMembership.objects.get_or_create(
        user=admin, brand=brand, defaults={"line": 1, "role": AgentRole.BRAND_ADMIN}
    )
    provider, _ = User.objects.get_or_create(
        email=PROVIDER_EMAIL, defaults={"name": "Bench provider admin", "is_provider_admin": True}
    )
    return admin, provider


def period() -> tuple[dt.date, dt.date]:
    from frontdesk.tickets.models import Ticket

    newest = Ticket.objects.order_by("-id").values_list("created_at", flat=True).first()
    if newest is None:
        raise SystemExit("No generated data: run `python -m bench.generate` first.")
    first_of_month = newest.date().replace(day=1)
    last = first_of_month - dt.timedelta(days=1)
    return last.replace(day=1), last


def main(argv: list[str] | None = None) -> int:
    parser = load_arguments(__doc__, rounds=3, requests=60, clients="1,4")
    args = parser.parse_args(argv)
    if args.smoke:
        args.clients, args.rounds, args.requests, args.time_limit = "1", 1, 6, 20.0
    clients = [int(c) for c in args.clients.split(",")]
    if any(not 1 <= c <= 50 for c in clients) or not 1 <= args.requests <= 10_000:
        parser.error("1 to 50 clients, 1 to 10,000 requests per batch")
    print(f"Load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    setup_django()
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from frontdesk.reports.measures import Scope, requests_created

    ensure_bare_table()
    tickets, rate = ensure_facts()
    admin, provider = admins()
    start, end = period()
    query = f"start={start}&end={end}"
    pages = {
        "brand dashboard (month)": (f"/desk/reports/?brand={BRAND}&{query}", 0),
        "provider dashboard (month, all brands)": (f"/desk/reports/?{query}", 1),
        "report API (month)": (f"/api/v1/reports/summary?brand={BRAND}&{query}", 0),
        "XLSX export (month)": (f"/desk/reports/export.xlsx?brand={BRAND}&{query}", 0),
    }
    from frontdesk.brands.models import Brand

    brand = Brand.objects.get(slug=BRAND)
    month_tickets = requests_created(
        Scope(
            brand_ids=frozenset({brand.pk}),
            start=dt.datetime.combine(start, dt.time(0), tzinfo=dt.UTC),
            end=dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=dt.UTC),
        )
    )
    statements: dict[str, int] = {}
    for label, (path, who) in pages.items():
        test_client = Client()
        test_client.force_login(provider if who else admin)
        test_client.get(path)
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            response = test_client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code} {response.content[:300]!r}")
        statements[label] = len(captured)
    keys = sign_in([admin], max(clients)) + sign_in([provider], max(clients))
    admin_keys, provider_keys = keys[: max(clients)], keys[max(clients) :]
    samples: dict[tuple[str, int], Sample] = {}
    errors: list[str] = []
    try:
        with production_server(workers=args.workers) as port:
            targets = {BARE: ("/bench/bare/{}", 0), **pages}
            for n in clients:
                for r in range(args.rounds):
                    for label, (path, who) in targets.items() if r % 2 == 0 else list(targets.items())[::-1]:
                        sessions = [cookie(k) for k in (provider_keys if who else admin_keys)[:n]]

                        def make(i: int, path: str = path) -> Request:
                            return Request("GET", path.format(1 + i % 1000) if "{}" in path else path)

                        sample = run_load(
                            port,
                            make,
                            clients=n,
                            requests=max(args.requests, n),
                            time_limit=args.time_limit,
                            client_headers=sessions,
                        )
                        samples.setdefault((label, n), Sample()).extend(sample)
                        errors += sample.errors
    finally:
        sign_out(keys)
    print(
        f"\n{tickets:,} tickets; the brand's month {start} – {end} holds {month_tickets:,} of them"
        + (f"; facts worked out at {rate:,.0f} tickets/s" if rate else "")
    )
    rows = []
    bare_median = {n: percentile(samples[(BARE, n)].latencies, 50) for n in clients if samples.get((BARE, n))}
    for (label, n), sample in samples.items():
        if not sample.latencies:
            continue
        p95 = ms(percentile(sample.latencies, 95))
        rows.append(
            [
                label,
                n,
                len(sample.latencies),
                ms(percentile(sample.latencies, 50)),
                p95,
                ms(percentile(sample.latencies, 99)),
                f"{percentile(sample.latencies, 50) / bare_median[n]:.1f}×" if bare_median.get(n) else "",
                statements.get(label, 1),
                "" if label == BARE else ("met" if p95 <= TARGET_P95_MS else "MISSED"),
            ]
        )
    print_table(
        [
            "page",
            "clients",
            "requests",
            "median ms",
            "p95 ms",
            "p99 ms",
            "median / bare",
            "SQL",
            "p95 ≤ 500 ms",
        ],
        rows,
    )
    print(f"\nLoad average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if errors:
        print(f"\n{len(errors)} failed requests, e.g.:", *errors[:5], sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
