"""Bulk loading with COPY: value escaping, cheap timestamps, the writer thread, and the indexes and foreign keys
set aside during a load and restored after it."""

from __future__ import annotations

import json
import queue
import threading
from datetime import UTC, datetime, timedelta


def esc(value: str) -> str:
    """A value in PostgreSQL's COPY text format."""
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def js(value: object) -> str:
    return esc(json.dumps(value, ensure_ascii=False))


class Clock:
    """Epoch seconds to COPY timestamps, cheaply: precomputed day strings and times of day."""

    def __init__(self, start: int, end: int) -> None:
        self.day0 = start // 86400 - 400
        days = end // 86400 + 2 - self.day0
        base = datetime(1970, 1, 1, tzinfo=UTC)
        self.days = [(base + timedelta(days=self.day0 + d)).strftime("%Y-%m-%d") for d in range(days)]
        self.hms = [f" {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+00" for s in range(86400)]

    def __call__(self, t: int) -> str:
        d, s = divmod(t, 86400)
        return self.days[d - self.day0] + self.hms[s]


TABLES: dict[str, list[str]] = {
    "customer": [
        "id",
        "created_at",
        "updated_at",
        "brand_id",
        "user_id",
        "name",
        "language",
        "organization_id",
        "is_organization_manager",
        "email",
        "phone",
        "notes",
        "tier",
    ],
    "contact": ["id", "brand_id", "customer_id", "kind", "value", "created_at"],
    "ticket": [
        "id",
        "brand_id",
        "number",
        "subject",
        "status",
        "priority",
        "category_id",
        "tags",
        "channel",
        "language",
        "customer_id",
        "organization_id",
        "team_id",
        "assignee_id",
        "line",
        "version",
        "merged_into_id",
        "created_at",
        "updated_at",
        "first_response_at",
        "solved_at",
        "closed_at",
        "last_customer_message_at",
        "last_agent_message_at",
        "minutes_spent",
        "custom_fields",
        "for_management",
    ],
    "message": [
        "id",
        "ticket_id",
        "brand_id",
        "kind",
        "author_kind",
        "author_id",
        "author_label",
        "channel",
        "body_html",
        "body_text",
        "call_direction",
        "call_duration_seconds",
        "created_at",
    ],
    "event": [
        "id",
        "ticket_id",
        "brand_id",
        "kind",
        "actor_id",
        "actor_label",
        "actor_kind",
        "at",
        "data",
        "dispatched_at",
        "claimed_until",
        "attempts",
    ],
    "worklog": [
        "id",
        "ticket_id",
        "brand_id",
        "kind",
        "author_id",
        "author_label",
        "from_line",
        "to_line",
        "from_team_id",
        "to_team_id",
        "diagnosis",
        "steps_taken",
        "request",
        "minutes_spent",
        "created_at",
    ],
    "counter": ["id", "brand_id", "year", "value"],
}


def table_names() -> dict[str, str]:
    from frontdesk.tickets.models import Message, Ticket, TicketCounter, TicketEvent, WorkLogEntry
    from frontdesk.users.models import Customer, CustomerContact

    models = {
        "customer": Customer,
        "contact": CustomerContact,
        "ticket": Ticket,
        "message": Message,
        "event": TicketEvent,
        "worklog": WorkLogEntry,
        "counter": TicketCounter,
    }
    names = {}
    for key, model in models.items():
        columns = {f.column: f for f in model._meta.concrete_fields}
        unknown = set(TABLES[key]) - set(columns)
        # A column the database fills by itself (db_default) may be left out of the COPY.
        missing = [
            c for c, f in columns.items() if c not in TABLES[key] and not f.null and not f.has_db_default()
        ]
        if unknown or missing:
            raise SystemExit(
                f"bench/generate.py is out of date with {model.__name__}: "
                f"unknown columns {sorted(unknown)}, required columns not filled {sorted(missing)}."
            )
        names[key] = model._meta.db_table
    return names


class Writer:
    """Streams batches to PostgreSQL with COPY on its own connection and thread, one transaction per batch,
    while the main thread generates the next batch."""

    def __init__(self, url: str, tables: dict[str, str]) -> None:
        import psycopg

        self.conn = psycopg.connect(url)
        self.conn.execute("SET synchronous_commit = off")
        self.conn.commit()
        self.tables = tables
        self.queue: queue.Queue[dict[str, list[str]] | None] = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.rows: dict[str, int] = dict.fromkeys(tables, 0)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def put(self, batch: dict[str, list[str]]) -> None:
        if self.error is not None:
            raise SystemExit(f"Loading failed: {self.error!r}")
        self.queue.put(batch)

    def _run(self) -> None:
        while (batch := self.queue.get()) is not None:
            if self.error is not None:
                continue
            try:
                with self.conn.transaction(), self.conn.cursor() as cur:
                    for key, lines in batch.items():
                        if not lines:
                            continue
                        cols = ", ".join(TABLES[key])
                        with cur.copy(f"COPY {self.tables[key]} ({cols}) FROM STDIN") as copy:
                            for start in range(0, len(lines), 5000):
                                copy.write("".join(lines[start : start + 5000]))
                        self.rows[key] += len(lines)
            except BaseException as exc:  # noqa: BLE001 - reported by the main thread
                self.error = exc

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        self.conn.close()
        if self.error is not None:
            raise SystemExit(f"Loading failed: {self.error!r}")


def drop_for_load(conn: object, tables: list[str]) -> int:
    """Drop the non-unique indexes and the foreign keys of ``tables`` for the load.

    Each is first written down, with the statement that restores it, in ``bench_dropped``, so that a crashed
    run is repaired by the next one. Primary keys and unique indexes stay.
    """
    conn.execute("CREATE TABLE IF NOT EXISTS bench_dropped (name text PRIMARY KEY, restore text NOT NULL)")
    indexes = conn.execute(
        "SELECT ci.relname, ct.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class ci ON ci.oid = i.indexrelid JOIN pg_class ct ON ct.oid = i.indrelid "
        "WHERE ct.relname = ANY(%s) AND NOT i.indisunique AND NOT i.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
        [tables],
    ).fetchall()
    foreign_keys = conn.execute(
        "SELECT c.conname, ct.relname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
        "JOIN pg_class ct ON ct.oid = c.conrelid WHERE c.contype = 'f' AND ct.relname = ANY(%s)",
        [tables],
    ).fetchall()
    for name, _table, definition in indexes:
        conn.execute("INSERT INTO bench_dropped VALUES (%s, %s) ON CONFLICT DO NOTHING", [name, definition])
        conn.execute(f'DROP INDEX "{name}"')
    for name, table, definition in foreign_keys:
        restore = f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'
        conn.execute("INSERT INTO bench_dropped VALUES (%s, %s) ON CONFLICT DO NOTHING", [name, restore])
        conn.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    conn.commit()
    return len(indexes) + len(foreign_keys)


def restore_after_load(url: str) -> int:
    """Build every dropped index, then add back every foreign key (which checks all rows), two at a time."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        if conn.execute("SELECT to_regclass('bench_dropped')").fetchone()[0] is None:
            return 0
        pending = conn.execute(
            "SELECT name, restore FROM bench_dropped ORDER BY restore LIKE 'ALTER%%', length(name), name"
        ).fetchall()
    jobs: queue.Queue[tuple[str, str]] = queue.Queue()
    for row in pending:
        jobs.put(row)
    errors: list[BaseException] = []

    def work() -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("SET maintenance_work_mem = '1GB'")
            while True:
                try:
                    name, restore = jobs.get_nowait()
                except queue.Empty:
                    return
                try:
                    with conn.transaction():
                        conn.execute(restore)
                        conn.execute("DELETE FROM bench_dropped WHERE name = %s", [name])
                except psycopg.Error as exc:
                    errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit(f"Restoring indexes and foreign keys failed: {errors[0]!r}")
    return len(pending)
