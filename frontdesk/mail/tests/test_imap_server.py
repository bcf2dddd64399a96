"""The IMAP source over a real socket: polling, IDLE with a fallback to polling, and crashes at every step."""

from __future__ import annotations

import hashlib
import os
import random
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from frontdesk.brands.actions import create_brand
from frontdesk.brands.models import Brand
from frontdesk.mail import ingest as ingest_module
from frontdesk.mail import tasks as tasks_module
from frontdesk.mail.choices import InboundStatus, MailboxKind
from frontdesk.mail.models import InboundMessage, Mailbox
from frontdesk.mail.sources import imap
from frontdesk.mail.tests.conftest import make_mail
from frontdesk.mail.tests.imapserver import FakeImapServer
from frontdesk.tickets.models import Attachment, Ticket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def brand() -> Brand:
    return create_brand(name="Opera", slug="opera", ticket_prefix="OPR", languages=["en"])


@pytest.fixture
def server() -> Iterator[FakeImapServer]:
    with FakeImapServer() as running:
        yield running


def _mailbox(brand: Brand, server: FakeImapServer, **fields: Any) -> Mailbox:
    values: dict[str, Any] = {
        "name": "opera-inbox",
        "kind": MailboxKind.IMAP,
        "addresses": ["support@opera.example"],
        "imap_host": "127.0.0.1",
        "imap_port": server.port,
        "imap_tls": False,
        "imap_user": server.state.user,
        "imap_password": server.state.password,
    }
    return Mailbox.objects.create(brand=brand, **{**values, **fields})


def _wait_for(condition: Callable[[], bool], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_fetch_over_a_socket_stores_each_message_and_flags_it_seen(brand, server):
    for n in range(3):
        server.state.append(make_mail(frm=f"c{n}@customer.example", subject=f"Question {n}"))
    mailbox = _mailbox(brand, server)
    result = imap.fetch_mailbox(mailbox)
    assert (result.fetched, result.stored) == (3, 3)
    assert Ticket.objects.count() == 3
    assert server.state.flags() == {1: {"\\Seen"}, 2: {"\\Seen"}, 3: {"\\Seen"}}
    mailbox.refresh_from_db()
    assert (mailbox.uidvalidity, mailbox.last_uid) == (1234, 3)
    # "UID 4:*" on a server whose highest UID is 3 answers 3: it must not be stored again.
    assert imap.fetch_mailbox(mailbox).fetched == 0
    assert InboundMessage.objects.count() == 3


def test_a_wrong_password_stops_the_fetch_with_the_server_answer(brand, server):
    mailbox = _mailbox(brand, server, imap_password="wrong")
    with pytest.raises(imap.imaplib.IMAP4.error, match="invalid credentials"):
        imap.fetch_mailbox(mailbox)
    assert InboundMessage.objects.count() == 0


def _seen(server: FakeImapServer, uid: int) -> bool:
    """The server was told the message is taken, which happens only once it is committed and processed."""
    return "\\Seen" in server.state.flags().get(uid, set())


def _watch(mailbox: Mailbox, **options: Any) -> tuple[threading.Event, threading.Thread]:
    stop = threading.Event()

    def run() -> None:
        try:
            imap.watch_mailbox(mailbox, stop=stop, **options)
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return stop, thread


def test_idle_stores_new_mail_as_soon_as_the_server_announces_it(brand, server):
    server.state.append(make_mail(frm="early@customer.example"))
    # Polling alone would not come back for an hour.
    mailbox = _mailbox(brand, server, poll_interval_seconds=3600)
    stop, thread = _watch(mailbox, idle_seconds=60)
    try:
        assert _wait_for(lambda: _seen(server, 1))
        assert _wait_for(lambda: "IDLE" in server.state.commands)
        started = time.monotonic()
        server.state.append(make_mail(frm="late@customer.example", subject="Arrived during IDLE"))
        assert _wait_for(lambda: _seen(server, 2))
        delay = time.monotonic() - started
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert delay < 5
    assert Ticket.objects.filter(subject="Arrived during IDLE").exists()
    assert Ticket.objects.count() == 2
    assert server.state.flags() == {1: {"\\Seen"}, 2: {"\\Seen"}}
    assert server.state.commands.count("IDLE") >= 2
    assert "LOGOUT" in server.state.commands


def test_without_idle_on_the_server_the_mailbox_is_polled(brand):
    with FakeImapServer(idle=False) as server:
        mailbox = _mailbox(brand, server, poll_interval_seconds=1)
        stop, thread = _watch(mailbox)
        try:
            assert _wait_for(lambda: "UID SEARCH" in server.state.commands)
            server.state.append(make_mail(frm="polled@customer.example", subject="Found by polling"))
            assert _wait_for(lambda: _seen(server, 1))
        finally:
            stop.set()
            thread.join(timeout=10)
    assert Ticket.objects.filter(subject="Found by polling").exists()
    assert "IDLE" not in server.state.commands
    assert server.state.commands.count("UID SEARCH") >= 2


@pytest.mark.postgres
@pytest.mark.skipif(
    not settings.DATABASE_URL,
    reason="threads sharing the in-memory SQLite test database lock each other's tables; "
    "the embedded mode uses a file in WAL mode with a busy timeout instead",
)
def test_every_imap_mailbox_is_watched_in_its_own_thread(brand, monkeypatch):
    # Two writers at once may meet a locked table on the in-memory test database: they start over quickly.
    monkeypatch.setattr(imap, "RECONNECT_SECONDS", (0.1,))
    with FakeImapServer() as first, FakeImapServer(idle=False) as second:
        _mailbox(brand, first, name="first", poll_interval_seconds=1)
        _mailbox(brand, second, name="second", poll_interval_seconds=1)
        Mailbox.objects.create(brand=brand, name="piped", kind=MailboxKind.PIPE)
        first.state.append(make_mail(frm="one@customer.example", subject="To the first"))
        second.state.append(make_mail(frm="two@customer.example", subject="To the second"))
        stop = threading.Event()
        watcher = threading.Thread(target=lambda: imap.watch_mailboxes(stop=stop), daemon=True)
        watcher.start()
        try:
            assert _wait_for(lambda: _seen(first, 1) and _seen(second, 1), seconds=20)
        finally:
            stop.set()
            watcher.join(timeout=10)
    assert not watcher.is_alive()
    # A mail whose processing met the locked table waits for the sweeper, as in production.
    for inbound_id in InboundMessage.objects.filter(status=InboundStatus.RECEIVED).values_list(
        "id", flat=True
    ):
        tasks_module.process_inbound(inbound_id)
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["To the first", "To the second"]


def test_idle_reconnects_after_the_connection_is_lost(brand, server, monkeypatch):
    mailbox = _mailbox(brand, server, poll_interval_seconds=3600)
    calls: list[int] = []
    real_connect = imap.connect

    def flaky_connect(box: Mailbox) -> Any:
        calls.append(1)
        client = real_connect(box)
        if len(calls) == 1:
            # The first connection dies under the client while it idles.
            threading.Timer(0.5, lambda: client.sock.shutdown(2)).start()
        return client

    monkeypatch.setattr(imap, "RECONNECT_SECONDS", (0.1,))
    stop, thread = _watch(mailbox, idle_seconds=60, connect_to=flaky_connect)
    try:
        assert _wait_for(lambda: len(calls) >= 2)
        server.state.append(make_mail(frm="after@customer.example", subject="After reconnecting"))
        assert _wait_for(lambda: _seen(server, 1))
    finally:
        stop.set()
        thread.join(timeout=10)
    assert Ticket.objects.filter(subject="After reconnecting").exists()


# ---- Fault injection ---------------------------------------------------------------------------------------


class Killed(BaseException):
    """The process dies here: no ``except Exception`` handler sees it, open transactions roll back."""


STEPS = (
    "after_fetch",  # the message's bytes were read from the server, nothing stored
    "mid_store_transaction",  # stored, inside the transaction that also advances the UID
    "after_store_before_processing",  # committed, the worker dies before it parses the message
    "mid_ingest_transaction",  # the ticket was created, the transaction is not committed
    "after_commit_before_flag",  # everything committed, the server was not told
)


class Crasher:
    """Kills the run at ``step`` the ``countdown``-th time the run gets there."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, die: Callable[[str], None] | None = None) -> None:
        self.die = die
        self.step = ""
        self.countdown = 0
        self.kills: Counter[str] = Counter()
        real_raw_from_fetch = imap._raw_from_fetch
        real_store_raw = imap.store_raw
        real_mark_processed = imap._mark_processed
        real_process = tasks_module.process_inbound_batch
        real_ingest_mark = ingest_module.mark_processed

        def raw_from_fetch(data: list[Any]) -> bytes | None:
            raw = real_raw_from_fetch(data)
            self.reached("after_fetch")
            return raw

        def store_raw(*args: Any, **kwargs: Any) -> Any:
            stored = real_store_raw(*args, **kwargs)
            self.reached("mid_store_transaction")
            return stored

        def process_inbound_batch(inbound_id: int, **kwargs: Any) -> dict[int, str]:
            self.reached("after_store_before_processing")
            return real_process(inbound_id, **kwargs)

        def ingest_mark(*args: Any, **kwargs: Any) -> None:
            real_ingest_mark(*args, **kwargs)
            self.reached("mid_ingest_transaction")

        def mark_processed(*args: Any) -> None:
            self.reached("after_commit_before_flag")
            real_mark_processed(*args)

        monkeypatch.setattr(imap, "_raw_from_fetch", raw_from_fetch)
        monkeypatch.setattr(imap, "store_raw", store_raw)
        monkeypatch.setattr(imap, "_mark_processed", mark_processed)
        monkeypatch.setattr(tasks_module, "process_inbound_batch", process_inbound_batch)
        monkeypatch.setattr(ingest_module, "mark_processed", ingest_mark)

    def arm(self, step: str, countdown: int) -> None:
        self.step, self.countdown = step, countdown

    def reached(self, step: str) -> None:
        if step != self.step:
            return
        self.countdown -= 1
        if self.countdown <= 0:
            self.step = ""
            self.kills[step] += 1
            if self.die is not None:
                self.die(step)
            raise Killed(step)


def _run_once(mailbox_id: int) -> None:
    """One life of the ingest process: the worker takes what is due, then the mailbox is fetched."""
    for inbound_id in InboundMessage.objects.filter(status=InboundStatus.RECEIVED).values_list(
        "id", flat=True
    ):
        tasks_module.process_inbound_message(inbound_id)
    mailbox = Mailbox.objects.select_related("brand").get(pk=mailbox_id)
    client = imap.connect(mailbox)
    try:
        imap.fetch_mailbox(mailbox, client=client)
    except Killed:
        # Killed: the socket is dropped without a LOGOUT, the database connection goes away.
        client.shutdown()
        raise
    client.logout()


def test_killing_the_ingest_at_every_step_never_loses_or_doubles_a_message(brand, server, monkeypatch):
    started = time.monotonic()
    rng = random.Random(4)  # a reproducible schedule
    mailbox = _mailbox(brand, server)
    crasher = Crasher(monkeypatch)
    sent: list[bytes] = []
    iterations = 30
    for n in range(iterations):
        for m in range(rng.randint(1, 3)):
            attachments = (("note.txt", "text/plain", f"file {n}.{m}".encode()),) if m == 1 else ()
            raw = make_mail(
                frm=f"c{n}-{m}@customer.example", subject=f"Run {n} mail {m}", attachments=attachments
            )
            server.state.append(raw)
            sent.append(raw)
        crasher.arm(STEPS[n % len(STEPS)] if n < len(STEPS) * 2 else rng.choice(STEPS), rng.randint(1, 3))
        try:
            _run_once(mailbox.pk)
        except Killed:
            connection.close()
        # The next life starts after the dead worker's lease on a message ran out.
        InboundMessage.objects.filter(claimed_until__isnull=False).update(
            claimed_until=timezone.now() - timedelta(seconds=1)
        )
    crasher.arm("", 0)
    _run_once(mailbox.pk)
    elapsed = time.monotonic() - started

    stored = list(InboundMessage.objects.defer("raw").order_by("id"))
    by_hash = Counter(row.sha256 for row in stored)
    print(  # noqa: T201 - the summary belongs in the test output
        f"{iterations} runs, {len(sent)} messages, kills {dict(crasher.kills)}, "
        f"{len(stored)} stored, {Ticket.objects.count()} tickets, {elapsed:.1f} s"
    )
    assert sum(crasher.kills.values()) >= iterations // 2
    assert set(crasher.kills) == set(STEPS)
    assert len(stored) == len(sent)
    assert by_hash == Counter(hashlib.sha256(raw).hexdigest() for raw in sent)
    assert {row.status for row in stored} == {InboundStatus.INGESTED}
    assert len({row.ticket_id for row in stored}) == len(sent) == Ticket.objects.count()
    assert Attachment.objects.count() == sum(b"note.txt" in raw for raw in sent)
    assert all(flags == {"\\Seen"} for flags in server.state.flags().values())
    assert len(server.state.flags()) == len(sent)
    assert elapsed < 60


def _in_a_process(mailbox_id: int, step: str, countdown: int) -> int:
    """Run one life of the ingest in a separate process that ``os._exit``s at ``step``."""
    database = connection.settings_dict
    login = quote(database["USER"] or "", safe="")
    if database.get("PASSWORD"):
        login += ":" + quote(database["PASSWORD"], safe="")
    url = (
        f"postgres://{login}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"
    )
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "frontdesk.settings_test"}
    script = (
        "import django, sys; django.setup(); "
        "from frontdesk.mail.tests.test_imap_server import run_killed; run_killed(*sys.argv[1:])"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", script, str(mailbox_id), step, str(countdown)],
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    if done.returncode not in (0, KILLED_EXIT):
        raise AssertionError(done.stderr.decode(errors="replace")[-3000:])
    return done.returncode


KILLED_EXIT = 70


def run_killed(mailbox_id: str, step: str, countdown: str) -> None:
    """The body of ``_in_a_process``: the process ends with ``os._exit`` at the step, like ``kill -9``."""
    patcher = pytest.MonkeyPatch()
    crasher = Crasher(patcher, die=lambda _step: os._exit(KILLED_EXIT))
    crasher.arm(step, int(countdown))
    _run_once(int(mailbox_id))
    connection.close()


@pytest.mark.postgres
@pytest.mark.skipif(
    not settings.DATABASE_URL, reason="a second process cannot share the in-memory SQLite test database"
)
def test_killing_the_ingest_process_with_os_exit_never_loses_or_doubles_a_message(brand, server):
    mailbox = _mailbox(brand, server)
    sent: list[bytes] = []
    kills = 0
    started = time.monotonic()
    for n, step in enumerate(STEPS):
        raw = make_mail(frm=f"p{n}@customer.example", subject=f"Process {n}")
        server.state.append(raw)
        sent.append(raw)
        kills += _in_a_process(mailbox.pk, step, 1) == KILLED_EXIT
        InboundMessage.objects.filter(claimed_until__isnull=False).update(
            claimed_until=timezone.now() - timedelta(seconds=1)
        )
    assert _in_a_process(mailbox.pk, "", 0) == 0
    elapsed = time.monotonic() - started
    stored = list(InboundMessage.objects.defer("raw"))
    print(f"{len(STEPS) + 1} processes, {kills} killed, {len(sent)} messages, {elapsed:.1f} s")  # noqa: T201
    assert kills == len(STEPS)
    assert sorted(row.sha256 for row in stored) == sorted(hashlib.sha256(raw).hexdigest() for raw in sent)
    assert {row.status for row in stored} == {InboundStatus.INGESTED}
    assert len({row.ticket_id for row in stored}) == len(sent) == Ticket.objects.count()
    assert all(flags == {"\\Seen"} for flags in server.state.flags().values())
