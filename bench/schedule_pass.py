"""The scheduled pass at volume: every job the worker runs each minute (service-level warnings and breaches,
status updates, follow-ups, auto-assignment, sweeps) over 1,000,000 tickets with 100,000 open, beside a naive
pass that reads every open ticket's clocks, in the same run.

    python -m bench.schedule_pass [--smoke] [--open 100000] [--rounds 5]

Runs on the database filled by ``bench.generate`` (after ``frontdesk migrate``), in this process with the
production settings (``bench.settings``), the way a worker runs the jobs (``core.schedules``). The generated
history has about 20,000 open tickets; the benchmark reopens the newest closed ones until ``--open`` are open
and gives every open ticket service-level clocks spread over the next five days, as the event consumer would
have set them. All of it happens inside one transaction that is rolled back at the end, so the database is left
as it was (and the tasks the jobs queue on commit are never queued).

Two situations, each measured ``--rounds`` times inside a savepoint that is rolled back:
- steady: the worker ran a minute ago; what fell due since is one minute's share of the clocks;
- after an outage: the worker was down for an hour; an hour's share fell due at once (each job takes at most its
  batch per pass and the next pass goes on).

Printed: per job, the median and worst time of a pass, the tickets it touched, its SQL statements; the whole pass;
the naive pass (read every open ticket's clocks and pick the due ones in Python) and the ratio; and, with
``--explain``, the plans of the jobs' selections, which must be index scans on the partial indexes.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ms, print_table, setup_django

TARGET_SECONDS = 5.0
SPREAD_MINUTES = 5 * 24 * 60
OPEN_MIX = ("open", "open", "new", "pending_customer", "pending_third_party", "on_hold")


class Rollback(Exception):
    pass


def reopen_and_set_clocks(target_open: int, backlog_minutes: int) -> dict[str, int]:
    """Reopen the newest closed tickets until ``target_open`` are open, and give every open ticket clocks whose
    deadlines are spread uniformly from ``backlog_minutes`` ago to five days ahead."""
    from django.db import connection

    from frontdesk.tickets.choices import OPEN_STATUSES

    statuses = tuple(str(s) for s in OPEN_STATUSES)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tickets_ticket WHERE status = ANY(%s)", [list(statuses)])
        already = int(cursor.fetchone()[0])
        missing = max(0, target_open - already)
        if missing:
            cursor.execute(
                """
                UPDATE tickets_ticket SET
                    status = (%s::text[])[1 + (id %% %s)],
                    assignee_id = CASE WHEN id %% 3 = 0 THEN NULL ELSE assignee_id END,
                    solved_at = NULL, closed_at = NULL
                WHERE id IN (SELECT id FROM tickets_ticket WHERE status IN ('closed', 'solved')
                             ORDER BY id DESC LIMIT %s)
                """,
                [list(OPEN_MIX), len(OPEN_MIX), missing],
            )
        # Deadlines as the consumer sets them: due, warned at 80% of a target of up to eight hours, an update due
        # within the spread, each clock at its own random moment.
        cursor.execute(
            """
            WITH clocks AS (
                SELECT id, now() + ((random() * %(span)s - %(back)s) * interval '1 minute') AS due,
                       random() * 480 AS target,
                       now() + ((random() * %(span)s - %(back)s) * interval '1 minute') AS news
                FROM tickets_ticket WHERE status = ANY(%(open)s)
            )
            UPDATE tickets_ticket t SET
                sla_due_at = clocks.due,
                sla_warn_at = clocks.due - (clocks.target * 0.2) * interval '1 minute',
                -- A warning that fell due before the last pass was marked by it.
                sla_warned_at = CASE
                    WHEN clocks.due - (clocks.target * 0.2) * interval '1 minute'
                         < now() - %(back)s * interval '1 minute'
                    THEN clocks.due - (clocks.target * 0.2) * interval '1 minute' END,
                sla_breached_at = NULL,
                next_update_due_at = CASE WHEN t.status IN ('new', 'open') THEN clocks.news END
            FROM clocks WHERE t.id = clocks.id
            """,
            {"span": SPREAD_MINUTES + backlog_minutes, "back": backlog_minutes, "open": list(statuses)},
        )
        cursor.execute("ANALYZE tickets_ticket")
        cursor.execute("SELECT count(*) FROM tickets_ticket WHERE status = ANY(%s)", [list(statuses)])
        now_open = int(cursor.fetchone()[0])
        cursor.execute("SELECT count(*) FROM tickets_ticket")
        total = int(cursor.fetchone()[0])
    return {"tickets": total, "open": now_open, "reopened": missing}


def _touched(result: object) -> int:
    if isinstance(result, dict):
        return sum(_touched(value) for value in result.values())
    if isinstance(result, (list, tuple, set)):
        return len(result)
    if isinstance(result, int):
        return result
    return 0


def one_pass(jobs: dict[str, Callable[[], Any]]) -> dict[str, tuple[float, int, int]]:
    """Run every job once inside a savepoint that is rolled back; (seconds, tickets touched, statements)."""
    from django.db import connection, transaction

    results: dict[str, tuple[float, int, int]] = {}
    statements = [0]

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements[0] += 1
        return execute(sql, params, many, context)

    try:
        with transaction.atomic(), connection.execute_wrapper(count):
            for name, job in jobs.items():
                statements[0] = 0
                started = time.perf_counter()
                outcome = job()
                elapsed = time.perf_counter() - started
                results[name] = (elapsed, _touched(outcome), statements[0])
            raise Rollback
    except Rollback:
        pass
    return results


def naive_pass() -> tuple[float, int]:
    """What a cron job without indexes does: read every open ticket's clocks and pick the due ones."""
    from django.utils import timezone

    from frontdesk.tickets.choices import OPEN_STATUSES
    from frontdesk.tickets.models import Ticket

    started = time.perf_counter()
    now = timezone.now()
    due = 0
    rows = (
        Ticket.objects.filter(status__in=OPEN_STATUSES)
        .values_list("sla_due_at", "sla_breached_at", "sla_warn_at", "sla_warned_at", "next_update_due_at")
        .iterator(chunk_size=5000)
    )
    for due_at, breached, warn_at, warned, news in rows:
        due += (
            (due_at is not None and due_at <= now and breached is None)
            + (warn_at is not None and warn_at <= now and warned is None)
            + (news is not None and news <= now)
        )
    return time.perf_counter() - started, due


def explain_selections() -> list[tuple[str, str]]:
    """The plans of the scanner's selections, as PostgreSQL runs them on this data."""
    from django.db import connection
    from django.utils import timezone

    from frontdesk.tickets.models import Ticket

    now = timezone.now()
    selections = {
        "breaches (sla_due_at)": Ticket.objects.filter(sla_due_at__lte=now, sla_breached_at__isnull=True)
        .order_by("sla_due_at")
        .values_list("pk", "sla_due_at")[:500],
        "warnings (sla_warn_at)": Ticket.objects.filter(sla_warn_at__lte=now, sla_warned_at__isnull=True)
        .order_by("sla_warn_at")
        .values_list("pk", "sla_warn_at")[:500],
        "status updates": Ticket.objects.filter(next_update_due_at__lte=now)
        .order_by("next_update_due_at")
        .values_list("pk", "next_update_due_at")[:500],
    }
    plans = []
    for label, queryset in selections.items():
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) " + sql, params)
            lines = [row[0].strip() for row in cursor.fetchall()]
        scan = next((line for line in lines if "Scan" in line), lines[0])
        plans.append((label, scan.split("  (")[0]))
    return plans


def registered_jobs() -> dict[str, Callable[[], Any]]:
    from django.utils.module_loading import autodiscover_modules

    from frontdesk.core.schedules import registered

    autodiscover_modules("tasks")  # where the apps register their jobs, as the worker loads them

    # The daily file sweeps walk the storage folder, not the tickets; they are not part of the minute's pass.
    return {
        name: job.run
        for name, job in sorted(registered().items())
        if not name.endswith("orphan_attachment_files") and not name.endswith("orphan_article_files")
    }


def measure(label: str, jobs: dict[str, Callable[[], Any]], rounds: int) -> list[list[object]]:
    passes = [one_pass(jobs) for _ in range(rounds)]
    rows: list[list[object]] = []
    for name in jobs:
        times = [p[name][0] for p in passes]
        rows.append(
            [
                f"{label}: {name}",
                ms(statistics.median(times)),
                ms(max(times)),
                passes[0][name][1],
                passes[0][name][2],
            ]
        )
    totals = [sum(p[name][0] for name in jobs) for p in passes]
    rows.append(
        [
            f"{label}: **whole pass**",
            ms(statistics.median(totals)),
            ms(max(totals)),
            sum(passes[0][name][1] for name in jobs),
            sum(passes[0][name][2] for name in jobs),
        ]
    )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--open", type=int, default=100_000, help="open tickets to run over (default 100,000)"
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--smoke", action="store_true", help="CI: 500 open tickets, 1 round")
    parser.add_argument("--explain", action="store_true", help="print the selections' plans")
    args = parser.parse_args(argv)
    if args.smoke:
        args.open, args.rounds = 500, 1
    if args.open < 1 or args.rounds < 1:
        parser.error("--open and --rounds must be at least 1")
    setup_django()
    from django.db import transaction

    jobs = registered_jobs()
    rows: list[list[object]] = []
    try:
        with transaction.atomic():
            for label, backlog in (("steady", 1), ("after 1 h down", 60)):
                started = time.perf_counter()
                sizes = reopen_and_set_clocks(args.open, backlog)
                setup = time.perf_counter() - started
                rows.extend(measure(label, jobs, args.rounds))
                naive = [naive_pass() for _ in range(args.rounds)]
                naive_median = statistics.median(t for t, _ in naive)
                rows.append(
                    [
                        f"{label}: naive pass (every open ticket read)",
                        ms(naive_median),
                        ms(max(t for t, _ in naive)),
                        naive[0][1],
                        1,
                    ]
                )
                print(
                    f"{label}: {sizes['tickets']:,} tickets, {sizes['open']:,} open "
                    f"({sizes['reopened']:,} reopened for the run), clocks set in {setup:.1f} s",
                    flush=True,
                )
            plans = explain_selections() if args.explain or args.smoke else []
            raise Rollback
    except Rollback:
        pass
    print_table(["job", "median ms", "worst ms", "tickets touched", "SQL statements"], rows)
    whole = [row for row in rows if "whole pass" in str(row[0])]
    worst = max(
        float(str(row[2]).replace(",", "")) if isinstance(row[2], str) else float(row[2]) for row in whole
    )
    print(
        f"\nTarget: a whole pass under {TARGET_SECONDS:.0f} s; worst whole pass {worst / 1000:.2f} s: "
        f"{'met' if worst / 1000 < TARGET_SECONDS else 'MISSED'}"
    )
    if plans:
        print()
        print_table(["selection", "plan"], plans)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
