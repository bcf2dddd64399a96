"""Mail ingest: 1,000 generated mails through the pipe and the IMAP path, processed by ``frontdesk worker``.

    python -m bench.mail_ingest [--mails 1000] [--workers 2] [--threads 2] [--pipe-sample 10] [--smoke]
                                [--no-imap] [--no-helpdesk]

The mix: 60% new plain mails, 20% new mails with a text and a PNG attachment, 20% replies to existing tickets
(``In-Reply-To`` one of our acknowledgements' Message-IDs, from the ticket's customer). Each path gets its own
brand and its own copy of the mix, in a database of its own (``DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/frontdesk_mailbench``, dropped and created at the start).

Pipe path:
  * a sample of ``--pipe-sample`` mails through ``frontdesk mail ingest --brand SLUG < mail.eml``, one process
    per mail as a mail server runs it (the time is mostly the start of Python and Django);
  * the rest through the same code in this process (``sources.pipe.ingest_stream``), one transaction per mail:
    the cost of storing as such.
IMAP path: ``sources.imap.fetch_mailbox`` with ``imaplib`` over TCP against a small IMAP server on 127.0.0.1
(``FakeImapServer`` below: LOGIN, STATUS, SELECT, UID SEARCH/FETCH/STORE, LOGOUT), 200 mails per poll.

Processing: once a path has stored its mails, ``--workers`` ``frontdesk worker`` processes (Huey on Redis,
``--threads`` threads each) start and take the queued work: parse, route and ingest every mail, then
the acknowledgements (event dispatch, planning, sending through Django's dummy mail backend). The rate is
taken from the mails' own ``processed_at`` times (first to last), so the workers' start-up is not counted.

Then the same mix goes through django-helpdesk's importer in as many processes (``bench/helpdesk_mail.py``: its own
virtualenv and throwaway database), for comparison in the same run; ``--no-helpdesk`` (and ``--smoke``) skip it.

Checked afterwards: every mail ends ingested (none quarantined), replies joined their tickets, and every
attachment is kept: count, names, sizes and SHA-256 of the stored files against the generated ones. The SQL
queries of one new ticket (store, process, acknowledgement) are counted in this process.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import math
import os
import pstats
import random
import re
import signal
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import REPO_ROOT, drop_database, ensure_database, print_table, production_env, setup_django

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/frontdesk_mailbench"
MEDIA_ROOT = Path(tempfile.gettempdir()) / "frontdesk-mailbench-files"
TARGET_RATE = 300.0
TARGET_QUERIES = 15
SEED_TICKETS = 200
DOMAIN = "mailbench.example"

# --- Generated mail ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mail:
    kind: str  # "plain", "attachments" or "reply"
    raw: bytes
    message_id: str
    attachments: tuple[tuple[str, int, str], ...] = ()  # (filename, size, sha256)
    reply_to_ticket: int | None = None


def png(width: int, height: int, seed: int) -> bytes:
    """A real PNG (random noise, so that it does not compress away)."""
    rng = random.Random(seed)
    rows = b"".join(b"\x00" + rng.randbytes(width * 3) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + b"\x08\x02\x00\x00\x00"
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


SUBJECTS = [
    "My tickets did not arrive",
    "Cannot change the seats of my booking",
    "Refund for the cancelled performance",
    "Invoice needed for my company",
    "Wrong date on the e-ticket",
    "Заказ оплачен, но билетов нет",
    "Zmiana terminu rezerwacji",
]
LINES = [
    "Hello, I paid yesterday evening and the confirmation never came.",
    "I checked the spam folder too and there is nothing there.",
    "Could you please look into it and tell me what to do next?",
    "Здравствуйте! Оплатил заказ, деньги списались, а письма с билетами нет.",
    "Dzień dobry, proszę o pomoc w tej sprawie.",
    "The order number is in the subject of the payment confirmation.",
]


def _mail(
    *,
    to: str,
    frm: str,
    subject: str,
    body: str,
    in_reply_to: str = "",
    attachments: tuple[tuple[str, str, bytes], ...] = (),
) -> tuple[bytes, str]:
    message = EmailMessage()
    message["From"] = frm
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message_id = make_msgid(domain="customer.example")
    message["Message-ID"] = message_id
    if in_reply_to:
        message["In-Reply-To"] = f"<{in_reply_to}>"
        message["References"] = f"<{in_reply_to}>"
    message.set_content(body)
    for filename, content_type, data in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes(), message_id.strip("<>")


def generate(count: int, *, to: str, seeds: list[tuple[int, str, str, str]], seed: int) -> list[Mail]:
    """``count`` mails: 60% plain, 20% with a text and a PNG attachment, 20% replies to ``seeds``
    (ticket id, customer address, subject, our Message-ID)."""
    rng = random.Random(seed)
    kinds = ["plain"] * (count * 6 // 10) + ["attachments"] * (count * 2 // 10)
    kinds += ["reply"] * (count - len(kinds))
    rng.shuffle(kinds)
    mails = []
    for i, kind in enumerate(kinds):
        body = "\n".join(rng.sample(LINES, 3)) + f"\n\nRegards,\nCustomer {seed}-{i}\n"
        if kind == "reply":
            ticket_id, address, subject, our_id = rng.choice(seeds)
            raw, message_id = _mail(
                to=to,
                frm=address,
                subject=f"Re: {subject}",
                body=f"Thank you, one more detail: {rng.choice(LINES)}\n\n> quoted text of your answer\n",
                in_reply_to=our_id,
            )
            mails.append(Mail(kind, raw, message_id, reply_to_ticket=ticket_id))
            continue
        files: tuple[tuple[str, str, bytes], ...] = ()
        if kind == "attachments":
            text = f"order line {i}: 2 x stalls, row {rng.randint(1, 30)}\n" * rng.randint(5, 40)
            files = (
                (f"order-{i}.txt", "text/plain", text.encode()),
                (
                    f"screenshot-{i}.png",
                    "image/png",
                    png(rng.randint(40, 90), rng.randint(30, 60), seed * 7919 + i),
                ),
            )
        raw, message_id = _mail(
            to=to,
            frm=f"Customer {i} <customer.{seed}.{i}@{rng.choice(['mail.example', 'post.example'])}>",
            subject=f"{rng.choice(SUBJECTS)} ({seed}-{i})",
            body=body,
            attachments=files,
        )
        expected = tuple((name, len(data), hashlib.sha256(data).hexdigest()) for name, _ct, data in files)
        mails.append(Mail(kind, raw, message_id, attachments=expected))
    return mails


# --- A small IMAP server on the loopback --------------------------------------------------------------------


class FakeImapServer(socketserver.ThreadingTCPServer):
    """IMAP4rev1 as far as ``sources.imap`` uses it, serving one folder from memory, on 127.0.0.1 only."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, messages: dict[int, bytes], uidvalidity: int = 7) -> None:
        self.messages = dict(messages)
        self.uidvalidity = uidvalidity
        self.flags: dict[int, set[str]] = {}
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _ImapHandler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class _ImapHandler(socketserver.StreamRequestHandler):
    server: FakeImapServer
    # Several small writes per answer: without TCP_NODELAY each would wait for the client's delayed ACK.
    disable_nagle_algorithm = True

    def _send(self, line: str | bytes) -> None:
        self.wfile.write(line if isinstance(line, bytes) else line.encode() + b"\r\n")

    def handle(self) -> None:
        self._send("* OK [CAPABILITY IMAP4rev1 UIDPLUS] bench IMAP ready")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            parts = line.decode().rstrip("\r\n").split(" ")
            tag, command, args = parts[0], parts[1].upper(), parts[2:]
            if command == "UID":
                command, args = "UID " + args[0].upper(), args[1:]
            uids = sorted(self.server.messages)
            if command == "CAPABILITY":
                self._send("* CAPABILITY IMAP4rev1 UIDPLUS")
            elif command == "LOGIN":
                pass
            elif command == "STATUS":
                self._send(f"* STATUS {args[0]} (UIDVALIDITY {self.server.uidvalidity})")
            elif command == "SELECT":
                self._send(f"* {len(uids)} EXISTS")
                self._send(f"* OK [UIDVALIDITY {self.server.uidvalidity}] UIDs valid")
                self._send(f"{tag} OK [READ-WRITE] SELECT completed")
                continue
            elif command == "UID SEARCH":
                # "UID n:*": every UID from n; "*" is the highest UID, so n above it still yields that one.
                low = int(args[1].split(":")[0])
                found = [u for u in uids if u >= low] or uids[-1:]
                self._send("* SEARCH " + " ".join(map(str, found)))
            elif command == "UID FETCH":
                uid = int(args[0])
                raw = self.server.messages[uid]
                seq = uids.index(uid) + 1
                self._send(f"* {seq} FETCH (UID {uid} BODY[] {{{len(raw)}}}\r\n".encode() + raw + b")\r\n")
            elif command == "UID STORE":
                uid = int(args[0])
                with self.server.lock:
                    self.server.flags.setdefault(uid, set()).add("\\Seen")
                self._send(f"* {uids.index(uid) + 1} FETCH (UID {uid} FLAGS (\\Seen))")
            elif command == "LOGOUT":
                self._send("* BYE bench IMAP closing")
                self._send(f"{tag} OK LOGOUT completed")
                return
            else:
                self._send(f"{tag} BAD unknown command")
                continue
            self._send(f"{tag} OK {command} completed")


# --- Set-up ------------------------------------------------------------------------------------------------


def bench_env() -> dict[str, str]:
    """What this benchmark adds to the production environment: its files and a mail backend that sends
    nothing (the acknowledgements are built and handed to it as to a real server)."""
    return {
        "MEDIA_ROOT": str(MEDIA_ROOT),
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "DEFAULT_FROM_EMAIL": f"frontdesk@{DOMAIN}",
    }


def make_brand(slug: str, prefix: str) -> Any:
    from frontdesk.brands.actions import create_brand

    return create_brand(
        name=f"Mail bench {prefix}",
        slug=slug,
        ticket_prefix=prefix,
        languages=("en", "ru", "pl"),
        sender_addresses=(f"support@{slug}.{DOMAIN}",),
    )


def seed_tickets(brand: Any, count: int) -> list[tuple[int, str, str, str]]:
    """Tickets to reply to, created from mail, each with the acknowledgement we sent (its Message-ID)."""
    from frontdesk.mail.actions import store_raw
    from frontdesk.mail.choices import OutboundStatus
    from frontdesk.mail.models import InboundMessage, OutboundMessage
    from frontdesk.mail.outbound import plan_mail_for_event
    from frontdesk.mail.tasks import process_inbound
    from frontdesk.tickets.choices import EventKind
    from frontdesk.tickets.models import TicketEvent

    to = brand.sender_addresses[0]
    seeds = []
    for i in range(count):
        address = f"seed.{brand.slug}.{i}@mail.example"
        subject = f"{SUBJECTS[i % len(SUBJECTS)]} (seed {i})"
        raw, _mid = _mail(to=to, frm=address, subject=subject, body=LINES[i % len(LINES)])
        inbound, _created = store_raw(raw, brand=brand)
        process_inbound(inbound.pk)
        inbound = InboundMessage.objects.defer("raw").get(pk=inbound.pk)
        event = TicketEvent.objects.get(ticket_id=inbound.ticket_id, kind=EventKind.CREATED)
        [ack] = plan_mail_for_event(event)
        TicketEvent.objects.filter(pk=event.pk).update(dispatched_at=event.at)
        # As if sent: the customers answer it below.
        OutboundMessage.objects.filter(pk=ack.pk).update(status=OutboundStatus.SENT, sent_at=event.at)
        seeds.append((inbound.ticket_id, address, subject, ack.message_id))
    return seeds


def flush_queue() -> None:
    from huey.contrib.djhuey import HUEY

    HUEY.flush()


# --- Workers -----------------------------------------------------------------------------------------------


@contextmanager
def workers(count: int, threads: int) -> Iterator[list[int]]:
    """``count`` ``frontdesk worker`` processes with ``threads`` threads each, stopped on leaving."""
    env = {
        **os.environ,
        **production_env(os.environ["DATABASE_URL"]),
        **bench_env(),
        "PYTHONPATH": str(REPO_ROOT),
    }
    cmd = [
        sys.executable,
        "-m",
        "frontdesk.cli",
        "worker",
        "--workers",
        str(threads),
        "--worker-type",
        "thread",
    ]
    procs = [
        subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, start_new_session=True, stderr=subprocess.DEVNULL)
        for _ in range(count)
    ]
    try:
        yield [proc.pid for proc in procs]
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGINT)
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU time of these processes (all their threads) so far; gone processes count 0."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def database_backends() -> list[int]:
    """The PostgreSQL server processes connected to the benchmark's database, other than this one's."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


@dataclass
class Processing:
    mails: int
    wall_s: float
    span_s: float
    acks_s: float
    acks: int
    statuses: dict[str, int] = field(default_factory=dict)
    # CPU seconds spent from the first processed mail to the last acknowledgement: the workers, and the
    # PostgreSQL processes serving them. Unlike the rate, this hardly depends on what else the machine runs.
    worker_cpu_s: float = 0.0
    database_cpu_s: float = 0.0

    @property
    def cpu_ms_per_mail(self) -> float:
        return (self.worker_cpu_s + self.database_cpu_s) * 1000 / self.mails if self.mails else float("nan")

    @property
    def cpu_bound_rate(self) -> float:
        """Mails a second if the workers and PostgreSQL had every core of this machine to themselves."""
        cpu = self.cpu_ms_per_mail
        return (os.cpu_count() or 1) * 1000 / cpu if cpu and not math.isnan(cpu) else float("nan")

    @property
    def rate(self) -> float:
        return (self.mails - 1) / self.span_s if self.span_s > 0 else float("nan")


def process_with_workers(brand: Any, count: int, threads: int, time_limit: float) -> Processing:
    """Start the workers on the queued work of ``brand``; wait until every mail and acknowledgement is done."""
    from django.db.models import Count, Max, Min

    from frontdesk.mail.choices import InboundStatus, OutboundKind, OutboundStatus
    from frontdesk.mail.models import InboundMessage, OutboundMessage
    from frontdesk.tickets.models import Ticket

    inbound = InboundMessage.objects.filter(brand=brand)
    acks = OutboundMessage.objects.filter(brand=brand, kind=OutboundKind.ACKNOWLEDGEMENT)
    acks_before = acks.count()
    # Only what the workers process counts: the seed tickets' mails were processed earlier, in this process.
    from django.utils import timezone

    since = timezone.now()
    waiting = inbound.filter(status=InboundStatus.RECEIVED).count()
    started = time.monotonic()
    mails_done_at = 0.0
    cpu_start: tuple[float, float, list[int]] | None = None
    with workers(count, threads) as pids:
        deadline = started + time_limit
        while time.monotonic() < deadline:
            if cpu_start is None and inbound.filter(processed_at__gte=since).exists():
                # Counted from the first processed mail: the workers' start-up is not.
                backends = database_backends()
                cpu_start = (cpu_seconds(pids), cpu_seconds(backends), backends)
            if not mails_done_at and not inbound.filter(status=InboundStatus.RECEIVED).exists():
                mails_done_at = time.monotonic()
            if mails_done_at:
                # One acknowledgement per new ticket, none left to send.
                tickets = Ticket.objects.filter(brand=brand).count()
                unsent = acks.filter(status__in=[OutboundStatus.PENDING, OutboundStatus.SENDING]).exists()
                if acks.count() >= tickets and not unsent:
                    break
            time.sleep(0.1)
        ended = time.monotonic()
        worker_cpu = database_cpu = 0.0
        if cpu_start is not None:
            backends = sorted(set(database_backends()) | set(cpu_start[2]))
            worker_cpu = cpu_seconds(pids) - cpu_start[0]
            database_cpu = cpu_seconds(backends) - cpu_start[1]
    span = inbound.filter(processed_at__gte=since).aggregate(
        first=Min("processed_at"), last=Max("processed_at")
    )
    span_s = (span["last"] - span["first"]).total_seconds() if span["first"] else 0.0
    statuses = {row["status"]: row["n"] for row in inbound.values("status").annotate(n=Count("id"))}
    sent = acks.filter(status=OutboundStatus.SENT)
    ack_span = sent.aggregate(last=Max("sent_at"))
    acks_s = (ack_span["last"] - span["first"]).total_seconds() if ack_span["last"] and span["first"] else 0.0
    return Processing(
        mails=waiting,
        wall_s=(mails_done_at or ended) - started,
        span_s=span_s,
        acks_s=acks_s,
        acks=sent.count() - acks_before,
        statuses=statuses,
        worker_cpu_s=worker_cpu,
        database_cpu_s=database_cpu,
    )


# --- Paths -------------------------------------------------------------------------------------------------


def store_by_pipe(brand: Any, mails: list[Mail], sample: int) -> tuple[float, float, int]:
    """The first ``sample`` mails through the command (one process each), the rest in this process.
    Returns (seconds per command, in-process mails/s, in-process count)."""
    from django.db import connection

    from frontdesk.mail.sources.pipe import ingest_stream

    env = {
        **os.environ,
        **production_env(os.environ["DATABASE_URL"]),
        **bench_env(),
        "PYTHONPATH": str(REPO_ROOT),
    }
    started = time.perf_counter()
    for mail in mails[:sample]:
        result = subprocess.run(
            [sys.executable, "-m", "frontdesk.cli", "mail", "ingest", "--brand", brand.slug],
            input=mail.raw,
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            timeout=60,
            check=False,
        )
        if result.returncode != 0:
            raise SystemExit(
                f"frontdesk mail ingest failed ({result.returncode}): {result.stderr.decode()[-2000:]}"
            )
    per_command = (time.perf_counter() - started) / sample if sample else 0.0
    rest = mails[sample:]
    connection.close()
    started = time.perf_counter()
    for mail in rest:
        ingest_stream(io.BytesIO(mail.raw), brand=brand)
    elapsed = time.perf_counter() - started
    return per_command, len(rest) / elapsed if elapsed else 0.0, len(rest)


def store_by_imap(mailbox: Any, server: FakeImapServer) -> tuple[float, int]:
    """Poll until the server has nothing new; returns (mails/s, fetched)."""
    from frontdesk.mail.models import Mailbox
    from frontdesk.mail.sources.imap import fetch_mailbox

    fetched = 0
    started = time.perf_counter()
    while True:
        mailbox = Mailbox.objects.select_related("brand").get(pk=mailbox.pk)
        result = fetch_mailbox(mailbox)
        fetched += result.fetched
        if result.fetched == 0:
            break
    elapsed = time.perf_counter() - started
    if len(server.flags) != len(server.messages):
        raise SystemExit(f"IMAP: {len(server.flags)} of {len(server.messages)} messages flagged as seen")
    return fetched / elapsed if elapsed else 0.0, fetched


# --- Checks ------------------------------------------------------------------------------------------------


@dataclass
class Check:
    ingested: int
    quarantined: int
    replies_on_their_ticket: int
    replies: int
    attachments_expected: int
    attachments_kept: int
    bytes_expected: int
    bytes_kept: int
    mismatches: list[str]


def check(brand: Any, mails: list[Mail]) -> Check:
    from frontdesk.mail.choices import InboundStatus
    from frontdesk.mail.models import InboundMessage
    from frontdesk.tickets.models import Attachment

    rows = {
        row["message_id"]: row
        for row in InboundMessage.objects.filter(brand=brand).values(
            "message_id", "status", "ticket_id", "ticket_message_id"
        )
    }
    mismatches: list[str] = []
    replies_ok = 0
    expected_n = kept_n = expected_bytes = kept_bytes = 0
    for mail in mails:
        row = rows.get(mail.message_id)
        if row is None:
            mismatches.append(f"{mail.message_id}: not stored")
            continue
        if mail.kind == "reply" and row["ticket_id"] == mail.reply_to_ticket:
            replies_ok += 1
        if not mail.attachments:
            continue
        expected_n += len(mail.attachments)
        expected_bytes += sum(size for _n, size, _h in mail.attachments)
        kept = []
        for attachment in Attachment.objects.filter(message_id=row["ticket_message_id"]).order_by("id"):
            with attachment.file.open("rb") as handle:
                data = handle.read()
            kept.append((attachment.filename, len(data), hashlib.sha256(data).hexdigest()))
        kept_n += len(kept)
        kept_bytes += sum(size for _n, size, _h in kept)
        if sorted(kept) != sorted(mail.attachments):
            mismatches.append(f"{mail.message_id}: attachments {kept} != {list(mail.attachments)}")
    statuses = [row["status"] for row in rows.values()]
    return Check(
        ingested=statuses.count(InboundStatus.INGESTED),
        quarantined=statuses.count(InboundStatus.QUARANTINED),
        replies_on_their_ticket=replies_ok,
        replies=sum(1 for m in mails if m.kind == "reply"),
        attachments_expected=expected_n,
        attachments_kept=kept_n,
        bytes_expected=expected_bytes,
        bytes_kept=kept_bytes,
        mismatches=mismatches,
    )


# --- Queries and profile -----------------------------------------------------------------------------------


def count_queries(
    brand: Any, seeds: list[tuple[int, str, str, str]], *, show_sql: bool
) -> list[list[object]]:
    """SQL statements of one mail of each kind, in this process (store; process; acknowledgement)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from frontdesk.mail.actions import store_raw
    from frontdesk.mail.models import InboundMessage
    from frontdesk.mail.outbound import send_outbound
    from frontdesk.mail.tasks import process_inbound
    from frontdesk.tickets.models import TicketEvent

    mails = {m.kind: m for m in generate(20, to=brand.sender_addresses[0], seeds=seeds, seed=99)}
    table = []
    for kind in ("plain", "attachments", "reply"):
        mail = mails[kind]
        with CaptureQueriesContext(connection) as stored:
            inbound, _created = store_raw(mail.raw, brand=brand)
        with CaptureQueriesContext(connection) as processed:
            process_inbound(inbound.pk)
        ticket_id = InboundMessage.objects.filter(pk=inbound.pk).values_list("ticket_id", flat=True).get()
        from frontdesk.mail.consumers import send_ticket_mail

        events = list(
            TicketEvent.objects.filter(ticket_id=ticket_id, dispatched_at__isnull=True).order_by("id")
        )
        planned = sent = 0
        for event in events:
            with CaptureQueriesContext(connection) as plan:
                send_ticket_mail(event)
            planned += len(plan.captured_queries)
            TicketEvent.objects.filter(pk=event.pk).update(dispatched_at=event.at)
        from frontdesk.mail.models import OutboundMessage

        for outbound_id in OutboundMessage.objects.filter(
            ticket_id=ticket_id, sent_at__isnull=True, status="pending"
        ).values_list("id", flat=True):
            with CaptureQueriesContext(connection) as send:
                send_outbound(outbound_id)
            sent += len(send.captured_queries)
        if show_sql:
            print(f"-- {kind}: process")
            for query in processed.captured_queries:
                print("  ", query["sql"][:200])
        table.append([kind, len(stored.captured_queries), len(processed.captured_queries), planned, sent])
    table.append(_batch_queries(brand))
    return table


def _batch_queries(brand: Any, size: int = 50) -> list[object]:
    """Statements per mail when a worker takes ``size`` new plain mails at once (store, process, plan, send)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from frontdesk.mail.actions import store_raw
    from frontdesk.mail.models import OutboundMessage
    from frontdesk.mail.outbound import send_outbound_batch
    from frontdesk.mail.tasks import process_inbound_batch
    from frontdesk.tickets.models import TicketEvent
    from frontdesk.tickets.tasks import dispatch_events

    mails = [
        m
        for m in generate(size * 3, to=brand.sender_addresses[0], seeds=[(0, "", "", "")], seed=98)
        if m.kind == "plain"
    ]
    mails = mails[:size]
    with CaptureQueriesContext(connection) as stored:
        ids = [store_raw(m.raw, brand=brand)[0].pk for m in mails]
    undispatched = set(TicketEvent.objects.filter(dispatched_at__isnull=True).values_list("id", flat=True))
    with CaptureQueriesContext(connection) as processed:
        process_inbound_batch(ids[0], size=len(ids))
    events = sorted(
        set(TicketEvent.objects.filter(dispatched_at__isnull=True).values_list("id", flat=True))
        - undispatched
    )
    with CaptureQueriesContext(connection) as planned:
        dispatch_events(events[0], size=len(events))
    outbound = list(
        OutboundMessage.objects.filter(status="pending", event_id__in=events).values_list("id", flat=True)
    )
    with CaptureQueriesContext(connection) as sent:
        send_outbound_batch(outbound)
    n = len(mails)
    return [
        f"new, plain, in a batch of {n} (per mail)",
        f"{len(stored.captured_queries) / n:.1f}",
        f"{len(processed.captured_queries) / n:.1f}",
        f"{len(planned.captured_queries) / n:.1f}",
        f"{len(sent.captured_queries) / n:.1f}",
    ]


def profile(brand: Any, count: int, top: int) -> str:
    """Where one worker spends its time: cProfile over ``process_inbound`` of ``count`` new mails."""
    from frontdesk.mail.actions import store_raw
    from frontdesk.mail.tasks import process_inbound

    mails = [
        m
        for m in generate(count, to=brand.sender_addresses[0], seeds=[(0, "", "", "")], seed=77)
        if m.kind != "reply"
    ]
    ids = [store_raw(m.raw, brand=brand)[0].pk for m in mails]
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for inbound_id in ids:
        process_inbound(inbound_id)
    profiler.disable()
    elapsed = time.perf_counter() - started
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(top)
    header = f"{len(ids)} mails in one thread: {elapsed / len(ids) * 1000:.1f} ms each, {len(ids) / elapsed:.0f} mails/s\n"
    return header + re.sub(r"\n\s*\n", "\n", out.getvalue())


# --- Main --------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mails", type=int, default=1000, help="mails per path")
    parser.add_argument("--workers", type=int, default=2, help="frontdesk worker processes")
    parser.add_argument("--threads", type=int, default=2, help="threads per worker process")
    parser.add_argument(
        "--pipe-sample", type=int, default=10, help="mails through the command, one process each"
    )
    parser.add_argument("--no-imap", action="store_true", help="skip the IMAP path")
    parser.add_argument("--profile", type=int, default=0, help="also profile N mails in one thread")
    parser.add_argument("--show-sql", action="store_true")
    parser.add_argument("--time-limit", type=float, default=300.0, help="seconds per processing phase")
    parser.add_argument("--smoke", action="store_true", help="40 mails per path, for CI")
    parser.add_argument("--drop", action="store_true", help="drop the database afterwards")
    parser.add_argument(
        "--no-helpdesk",
        action="store_true",
        help="skip django-helpdesk's importer on the same mix (bench/helpdesk_mail.py; its own virtualenv)",
    )
    args = parser.parse_args(argv)
    try:
        return run(args)
    finally:
        if args.drop:
            from django.db import connections

            connections.close_all()
            drop_database(os.environ["DATABASE_URL"])


def run(args: argparse.Namespace) -> int:
    if args.smoke:
        args.mails, args.pipe_sample, args.time_limit = 40, 2, 90.0
        args.no_helpdesk = True
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    ensure_database(os.environ["DATABASE_URL"], reset=True)
    os.environ.update(bench_env())
    MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
    setup_django()
    from django.core.management import call_command

    from frontdesk.mail.choices import MailboxKind, ProcessedAction
    from frontdesk.mail.models import Mailbox

    call_command("migrate", interactive=False, verbosity=0)
    flush_queue()
    seeds_n = min(SEED_TICKETS, max(args.mails // 5, 1))
    results: list[list[object]] = []
    checks: list[tuple[str, Check, Processing]] = []

    # Pipe.
    pipe_brand = make_brand("mailbench-pipe", "MBP")
    pipe_seeds = seed_tickets(pipe_brand, seeds_n)
    pipe_mails = generate(args.mails, to=pipe_brand.sender_addresses[0], seeds=pipe_seeds, seed=1)
    flush_queue()
    per_command, store_rate, in_process = store_by_pipe(pipe_brand, pipe_mails, args.pipe_sample)
    processing = process_with_workers(pipe_brand, args.workers, args.threads, args.time_limit)
    checks.append(("pipe", check(pipe_brand, pipe_mails), processing))
    results.append(
        [
            "pipe: `frontdesk mail ingest`, one process per mail",
            args.pipe_sample,
            1 / per_command if per_command else 0.0,
            "",
        ]
    )
    results.append(["pipe: storing (ingest_stream in one process)", in_process, store_rate, ""])
    results.append(
        [
            f"pipe: processing ({args.workers} workers × {args.threads} threads)",
            processing.mails,
            processing.rate,
            "",
        ]
    )

    # IMAP.
    if not args.no_imap:
        imap_brand = make_brand("mailbench-imap", "MBI")
        imap_seeds = seed_tickets(imap_brand, seeds_n)
        imap_mails = generate(args.mails, to=imap_brand.sender_addresses[0], seeds=imap_seeds, seed=2)
        flush_queue()
        server = FakeImapServer({i + 1: m.raw for i, m in enumerate(imap_mails)})
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            mailbox = Mailbox.objects.create(
                brand=imap_brand,
                name="mailbench-imap",
                kind=MailboxKind.IMAP,
                addresses=[imap_brand.sender_addresses[0]],
                imap_host="127.0.0.1",
                imap_port=server.port,
                imap_tls=False,
                imap_user="bench",
                imap_password="bench",  # noqa: S106 - the loopback bench server accepts anything
                processed_action=ProcessedAction.FLAG,
            )
            fetch_rate, fetched = store_by_imap(mailbox, server)
        finally:
            server.shutdown()
            server.server_close()
        imap_processing = process_with_workers(imap_brand, args.workers, args.threads, args.time_limit)
        checks.append(("imap", check(imap_brand, imap_mails), imap_processing))
        results.append(["IMAP: fetching and storing (imaplib, 127.0.0.1)", fetched, fetch_rate, ""])
        results.append(
            [
                f"IMAP: processing ({args.workers} workers × {args.threads} threads)",
                imap_processing.mails,
                imap_processing.rate,
                "",
            ]
        )

    print(
        f"\n## Mail ingest: {args.mails} mails per path (60% plain, 20% text + PNG attachments, 20% replies)\n"
    )
    print_table(
        ["step", "mails", "mails/s", ""],
        [r[:3] + [f"target ≥ {TARGET_RATE:.0f}" if "processing" in str(r[0]) else ""] for r in results],
    )
    print()
    rows = []
    failed = False
    for name, result, processing in checks:
        rows.append(
            [
                name,
                result.ingested,
                result.quarantined,
                f"{result.replies_on_their_ticket}/{result.replies}",
                f"{result.attachments_kept}/{result.attachments_expected}",
                f"{result.bytes_kept:,}/{result.bytes_expected:,}",
                processing.acks,
                f"{processing.acks_s:.1f}",
                f"{processing.wall_s:.1f}",
            ]
        )
        for line in result.mismatches[:10]:
            print("MISMATCH", name, line)
        stored_new = sum(1 for m in (pipe_mails if name == "pipe" else imap_mails))
        if result.mismatches or result.quarantined or result.ingested < stored_new:
            failed = True
    print_table(
        [
            "path",
            "ingested",
            "quarantined",
            "replies on their ticket",
            "attachments kept",
            "bytes kept",
            "acks sent",
            "until last ack s",
            "wall s (with start-up)",
        ],
        rows,
    )
    print()
    print_table(
        [
            "path",
            "worker CPU s",
            "PostgreSQL CPU s",
            "CPU ms per mail",
            f"mails/s with {os.cpu_count()} cores to themselves",
        ],
        [
            [
                name,
                f"{p.worker_cpu_s:.2f}",
                f"{p.database_cpu_s:.2f}",
                f"{p.cpu_ms_per_mail:.2f}",
                f"{p.cpu_bound_rate:.0f}",
            ]
            for name, _result, p in checks
        ],
    )
    print(
        "\nCPU from the first processed mail to the last acknowledgement (processing, planning and sending), of "
        "the worker processes and of the PostgreSQL processes serving them: it hardly depends on what else the "
        "machine runs, unlike the rate."
    )
    print()
    query_rows = count_queries(pipe_brand, pipe_seeds, show_sql=args.show_sql)
    print_table(["mail", "store", "process", "acknowledgement: plan", "acknowledgement: send"], query_rows)
    print(f"\nTarget: ≤ {TARGET_QUERIES} queries per new ticket (store + process).")
    if not args.no_helpdesk:
        from bench import helpdesk_mail

        helpdesk = helpdesk_mail.run(args.mails, args.workers, args.time_limit)
        print(f"\n## The same mix through django-helpdesk's importer ({args.workers} processes)\n")
        print_table(helpdesk_mail.HEADERS, helpdesk_mail.table_rows([helpdesk]))
        ours = [p.rate for _name, _check, p in checks]
        if helpdesk["rate"]:
            print(
                "\nFrontdesk's processing rate is "
                + ", ".join(f"{rate / helpdesk['rate']:.1f}×" for rate in ours)
                + " django-helpdesk's (pipe"
                + (", IMAP" if len(ours) > 1 else "")
                + ")."
            )
    if args.profile:
        print("\n## Profile\n")
        print(profile(pipe_brand, args.profile, 45))
    flush_queue()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
