"""Fill a PostgreSQL database with realistic help-desk data for the benchmarks (default: 1,000,000 tickets).

    python -m bench.generate [--tickets N | --smoke] [--reset]

``DATABASE_URL`` names the database (default ``postgres://postgres@127.0.0.1:5432/frontdesk_bench``); it is
created if missing and migrated. The data: four brands in several languages, agents on lines 1 to 3 with
memberships and teams, a category tree per brand, organizations, customers with contacts, and tickets spread
over five years with 1–5 messages, 2–8 events, work-log entries for escalations, statuses that age like a real
desk's, and the per-brand, per-year number counters left where the numbers stop.

Why this bypasses the domain actions: it is a bulk loader for benchmarks, the only code in the project allowed
to write tickets without ``frontdesk.tickets.actions``. Creating a million tickets through ``create_ticket``
and ``reply_to_ticket`` takes hours; the benchmarks need the volume, not the write path (which has its own
benchmark, ``bench.create_tickets``). So the small, configuration-like objects (brands, agents, memberships,
teams, categories, organizations) still go through their actions, and only the bulk rows (customers, contacts,
tickets, messages, events, work logs, counters) are streamed with ``COPY``, shaped as the actions shape them.
Nothing production relies on is left out: the non-unique indexes and the foreign keys of the bulk tables are
dropped during the load and restored afterwards (adding a foreign key back checks every row, so the data is
proven consistent), primary keys and unique indexes stay in force throughout, and the database is vacuumed
and analysed at the end.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import database_url, ensure_database, setup_django
from bench.history import load_customers, load_tickets, make_texts
from bench.loading import TABLES, Clock, Writer, drop_for_load, restore_after_load, table_names
from bench.world import build_world

SMOKE_TICKETS = 2_000
YEARS = 5


# --- Main -------------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--tickets", type=int, default=1_000_000, help="how many tickets (default 1,000,000)")
    parser.add_argument("--smoke", action="store_true", help=f"{SMOKE_TICKETS:,} tickets, for CI")
    parser.add_argument("--reset", action="store_true", help="drop and recreate the database first")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--batch", type=int, default=10_000, help="tickets per COPY transaction")
    args = parser.parse_args(argv)
    n = SMOKE_TICKETS if args.smoke else args.tickets
    if n < 1:
        parser.error("--tickets must be at least 1")
    url = database_url()
    started = time.perf_counter()
    ensure_database(url, reset=args.reset)
    setup_django(url)

    import psycopg
    from django.core.management import call_command

    from frontdesk.tickets.models import Ticket

    call_command("migrate", verbosity=0)
    restore_after_load(url)
    if Ticket.objects.exists():
        print(f"{url} already has tickets; use --reset to start again.", file=sys.stderr)
        return 2
    t_migrated = time.perf_counter()
    rnd = random.Random(args.seed)
    now = int(time.time())
    start = now - YEARS * 365 * 86400
    clock = Clock(start - 400 * 86400, now)
    tables = table_names()

    from django.db import transaction

    with transaction.atomic():
        world = build_world(n)
    t_world = time.perf_counter()
    print(
        f"Configuration: {len(world.brands)} brands, agents, teams and categories in {t_world - t_migrated:.1f} s"
    )

    with psycopg.connect(url) as conn:
        dropped = drop_for_load(
            conn, [tables[k] for k in ("customer", "contact", "ticket", "message", "event", "worklog")]
        )
    writer = Writer(url, tables)
    try:
        load_customers(world, writer, max(100, n // 4), rnd, clock, start)
        counters = load_tickets(world, writer, n, rnd, clock, start, now, args.batch, make_texts())
        writer.put(
            {
                "counter": [
                    f"{i + 1}\t{bid}\t{year}\t{value}\n"
                    for i, ((bid, year), value) in enumerate(sorted(counters.items()))
                ]
            }
        )
    finally:
        writer.close()
    t_loaded = time.perf_counter()
    rows = sum(writer.rows.values())
    print(
        f"Loaded {rows:,} rows in {t_loaded - t_world:.1f} s ({rows / (t_loaded - t_world):,.0f} rows/s): "
        + ", ".join(f"{k} {v:,}" for k, v in writer.rows.items()),
        flush=True,
    )

    with psycopg.connect(url, autocommit=True) as conn:
        for key in TABLES:
            table = tables[key]
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
            )
    rebuilt = restore_after_load(url)
    t_indexed = time.perf_counter()
    print(
        f"Rebuilt {rebuilt} of {dropped} dropped indexes and foreign keys in {t_indexed - t_loaded:.1f} s",
        flush=True,
    )
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    finished = time.perf_counter()
    total = finished - started
    print(f"Vacuumed and analysed in {finished - t_indexed:.1f} s")
    print(
        f"Done: {n:,} tickets, {rows:,} rows in {total:.1f} s ({rows / total:,.0f} rows/s overall, "
        f"{n / total:,.0f} tickets/s) into {url}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
