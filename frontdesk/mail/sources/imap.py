"""IMAP polling by UID. Progress is the (mailbox, UIDVALIDITY, UID) of every stored message; the server is
flagged or moved only after the message is committed, so a crash at any step stores nothing twice and loses
nothing (a re-run finds the stored source key, the same bytes or the same Message-ID)."""

from __future__ import annotations

import contextlib
import imaplib
import logging
import re
import select
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from frontdesk.core.work import one_doorbell_per_batch
from frontdesk.mail.actions import store_raw
from frontdesk.mail.choices import ImapSecurity, MailboxKind, ProcessedAction
from frontdesk.mail.models import InboundMessage, Mailbox, is_local_host
from frontdesk.mail.sources import oauth2
from frontdesk.mail.sources.tls import describe_tls_error, tls_context

logger = logging.getLogger(__name__)

BATCH = 200
# RFC 2177: a client re-issues IDLE at least every 29 minutes; many servers drop idle clients sooner.
IDLE_SECONDS = 9 * 60
# Waits after a failed connection, growing to the last one.
RECONNECT_SECONDS = (1, 5, 15, 60, 300)
_UIDVALIDITY = re.compile(rb"UIDVALIDITY (\d+)")


@dataclass
class FetchResult:
    fetched: int = 0
    stored: int = 0


def connect(mailbox: Mailbox) -> Any:
    """A logged-in IMAP connection: implicit TLS or STARTTLS with verified certificates (plain only to this
    machine), then XOAUTH2 with a fresh access token, or a password."""
    host, port, security = mailbox.imap_host, mailbox.imap_port, mailbox.imap_security
    if security == ImapSecurity.NONE and not is_local_host(host):
        raise imaplib.IMAP4.error(
            f"refusing to connect to {host} without encryption: only a server on this machine may be used "
            "without TLS; choose TLS or STARTTLS"
        )
    if security == ImapSecurity.TLS:
        client: Any = imaplib.IMAP4_SSL(host, port, ssl_context=tls_context(), timeout=60)
    else:
        client = imaplib.IMAP4(host, port, timeout=60)
    try:
        if security == ImapSecurity.STARTTLS:
            if "STARTTLS" not in client.capabilities:
                raise imaplib.IMAP4.error(
                    f"{host}:{port} does not offer STARTTLS; nothing is sent without encryption"
                )
            client.starttls(ssl_context=tls_context())
        if mailbox.uses_oauth2:
            _login_xoauth2(client, mailbox)
        else:
            client.login(mailbox.imap_user, mailbox.imap_password)
    except BaseException:
        with contextlib.suppress(Exception):  # the failure is what is reported
            client.shutdown()
        raise
    return client


def _login_xoauth2(client: Any, mailbox: Mailbox) -> None:
    refreshed = oauth2.needs_refresh(mailbox)
    try:
        _authenticate_xoauth2(client, mailbox.imap_user, oauth2.access_token(mailbox))
    except (oauth2.TokenError, imaplib.IMAP4.abort):
        raise
    except imaplib.IMAP4.error:
        if refreshed or not mailbox.oauth2_refresh_token:
            raise
        # A token we took for valid was refused (revoked, or the clocks disagree): refresh once and retry.
        _authenticate_xoauth2(client, mailbox.imap_user, oauth2.access_token(mailbox, force=True))


def _authenticate_xoauth2(client: Any, user: str, token: str) -> None:
    answers = iter([f"user={user}\x01auth=Bearer {token}\x01\x01".encode()])
    # On failure the server sends its error as a challenge; the empty answer lets it finish with NO.
    client.authenticate("XOAUTH2", lambda _challenge: next(answers, b""))


def describe_error(error: BaseException, mailbox: Mailbox) -> str:
    """The reason kept in ``last_error`` and logged: what failed, without secrets."""
    if isinstance(error, ssl.SSLError):
        return describe_tls_error(error, mailbox.imap_host, mailbox.imap_port)
    return str(error)


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _uidvalidity(client: Any, folder: str) -> int:
    typ, data = client.status(_quote(folder), "(UIDVALIDITY)")
    match = _UIDVALIDITY.search(b" ".join(d for d in data if isinstance(d, bytes)))
    if typ != "OK" or match is None:
        raise imaplib.IMAP4.error(f"no UIDVALIDITY for {folder}")
    return int(match.group(1))


def _raw_from_fetch(data: list[Any]) -> bytes | None:
    for item in data:
        if isinstance(item, tuple) and len(item) >= 2 and isinstance(item[1], bytes):
            return item[1]
    return None


def fetch_mailbox(mailbox: Mailbox, *, client: Any = None) -> FetchResult:
    """Store every message above the last UID; then flag or move it on the server."""
    result = FetchResult()
    own_client = client is None
    try:
        client = client or connect(mailbox)
        uidvalidity = _uidvalidity(client, mailbox.folder)
        typ, _data = client.select(_quote(mailbox.folder))
        if typ != "OK":
            raise imaplib.IMAP4.error(f"cannot select {mailbox.folder}")
        last_uid = mailbox.last_uid if mailbox.uidvalidity == uidvalidity else 0
        if mailbox.uidvalidity != uidvalidity:
            # The folder was recreated: UIDs start over. Everything is fetched again and de-duplicated by
            # bytes and Message-ID, so nothing is stored twice.
            Mailbox.objects.filter(pk=mailbox.pk).update(uidvalidity=uidvalidity, last_uid=0)
            mailbox.uidvalidity, mailbox.last_uid = uidvalidity, 0
        _finish_earlier(client, mailbox, uidvalidity, last_uid)
        typ, data = client.uid("SEARCH", None, f"UID {last_uid + 1}:*")
        uids = sorted(int(u) for u in (data[0] or b"").split() if int(u) > last_uid)
        from frontdesk.mail.tasks import process_inbound_message

        # The worker takes stored mail in batches: one doorbell per batch, not one per mail.
        with one_doorbell_per_batch(process_inbound_message, settings.FRONTDESK_MAIL_BATCH_SIZE):
            for uid in uids[:BATCH]:
                typ, data = client.uid("FETCH", str(uid), "(BODY.PEEK[])")
                raw = _raw_from_fetch(data) if typ == "OK" else None
                if raw is None:
                    logger.warning("Mailbox %s: UID %s could not be fetched", mailbox.name, uid)
                    continue
                result.fetched += 1
                with transaction.atomic():
                    _inbound, created = store_raw(raw, mailbox=mailbox, uidvalidity=uidvalidity, uid=uid)
                    Mailbox.objects.filter(pk=mailbox.pk, last_uid__lt=uid).update(last_uid=uid)
                result.stored += created
                # Only now, with the message committed, does the server learn it was taken.
                _mark_processed(client, mailbox, uid)
        Mailbox.objects.filter(pk=mailbox.pk).update(last_polled_at=timezone.now(), last_error="")
        mailbox.last_error = ""
    except oauth2.TokenError as error:
        # Needs an administrator (a new refresh token, a fixed endpoint): recorded and logged, not raised, so
        # the other mailboxes are polled on; the next poll tries again.
        _record_error(mailbox, error)
    except (imaplib.IMAP4.error, OSError) as error:
        # With the caller's connection, the caller reports the failure (a watch logs it once).
        _record_error(mailbox, error, log=own_client)
        raise
    finally:
        if own_client and client is not None:
            with contextlib.suppress(Exception):  # the connection is going away anyway
                client.logout()
    return result


def _record_error(mailbox: Mailbox, error: BaseException, *, log: bool = True) -> None:
    reason = describe_error(error, mailbox)
    if log:
        logger.warning("Mailbox %s: %s", mailbox.name, reason)
    Mailbox.objects.filter(pk=mailbox.pk).update(last_polled_at=timezone.now(), last_error=reason[:2000])
    mailbox.last_error = reason[:2000]


def _finish_earlier(client: Any, mailbox: Mailbox, uidvalidity: int, last_uid: int) -> None:
    """Flag or move what an earlier run stored but could not mark (it died between commit and marking)."""
    if last_uid == 0 or mailbox.processed_action == ProcessedAction.NOTHING:
        return
    if mailbox.processed_action == ProcessedAction.MOVE and not mailbox.move_to:
        return
    unseen = " UNSEEN" if mailbox.processed_action == ProcessedAction.FLAG else ""
    typ, data = client.uid("SEARCH", None, f"UID 1:{last_uid}{unseen}")
    if typ != "OK":
        return
    offered = {int(u) for u in (data[0] or b"").split() if int(u) <= last_uid}
    if not offered:
        return
    stored = InboundMessage.objects.filter(
        mailbox=mailbox, source_uidvalidity=uidvalidity, source_uid__in=offered
    ).values_list("source_uid", flat=True)
    for uid in sorted(u for u in stored if u is not None):
        _mark_processed(client, mailbox, uid)


def _mark_processed(client: Any, mailbox: Mailbox, uid: int) -> None:
    if mailbox.processed_action == ProcessedAction.FLAG:
        client.uid("STORE", str(uid), "+FLAGS", "(\\Seen)")
    elif mailbox.processed_action == ProcessedAction.MOVE and mailbox.move_to:
        capabilities = getattr(client, "capabilities", ())
        if "MOVE" in capabilities:
            client.uid("MOVE", str(uid), _quote(mailbox.move_to))
        else:
            client.uid("COPY", str(uid), _quote(mailbox.move_to))
            client.uid("STORE", str(uid), "+FLAGS", "(\\Deleted)")
            client.expunge()


def supports_idle(client: Any) -> bool:
    return "IDLE" in {str(c).upper() for c in getattr(client, "capabilities", ())}


def _buffered(client: Any) -> bool:
    """Whether a response line is already waiting, read from the socket or in ``imaplib``'s buffer."""
    if select.select([client.sock], [], [], 0)[0]:
        return True
    reader = getattr(client, "file", None)
    sock = client.sock
    if reader is None or not hasattr(reader, "peek"):
        return False
    timeout = sock.gettimeout()
    sock.setblocking(False)
    try:
        return bool(reader.peek(1))
    except (BlockingIOError, OSError):
        return False
    finally:
        sock.settimeout(timeout)


def idle_wait(client: Any, *, seconds: float, stop: threading.Event | None = None) -> bool:
    """Wait in IMAP IDLE (RFC 2177) until the server reports new mail, ``seconds`` pass or ``stop`` is set.

    Returns whether the server announced a change. The selected folder stays selected.
    """
    tag = client._new_tag()
    client.send(tag + b" IDLE\r\n")
    line = client.readline()
    while line.startswith(b"* "):  # untagged responses may come before the continuation
        line = client.readline()
    if not line.startswith(b"+"):
        raise imaplib.IMAP4.error(f"IDLE refused: {line.decode(errors='replace').strip()}")
    changed = False
    deadline = time.monotonic() + seconds
    while not changed and (stop is None or not stop.is_set()):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        if not _buffered(client) and not select.select([client.sock], [], [], min(remaining, 1.0))[0]:
            continue
        line = client.readline()
        if not line:
            raise imaplib.IMAP4.abort("the server closed the connection during IDLE")
        if re.match(rb"\* \d+ (EXISTS|RECENT)", line):
            changed = True
        elif line.startswith(b"* BYE"):
            raise imaplib.IMAP4.abort(line.decode(errors="replace").strip())
    client.send(b"DONE\r\n")
    while True:
        line = client.readline()
        if not line:
            raise imaplib.IMAP4.abort("the server closed the connection after IDLE")
        if line.startswith(tag + b" "):
            if not line.startswith(tag + b" OK"):
                raise imaplib.IMAP4.error(line.decode(errors="replace").strip())
            return changed
        if re.match(rb"\* \d+ (EXISTS|RECENT)", line):
            changed = True


def watch_mailbox(
    mailbox: Mailbox,
    *,
    stop: threading.Event,
    idle_seconds: float = IDLE_SECONDS,
    connect_to: Callable[[Mailbox], Any] = connect,
) -> None:
    """Keep a mailbox fetched until ``stop`` is set: IMAP IDLE where the server offers it, else polling every
    ``poll_interval_seconds``. Every wake-up runs the same ``fetch_mailbox`` as a poll, so IDLE changes only
    how soon mail arrives, never what is stored. A lost connection is opened again after a growing pause."""
    failures = 0
    while not stop.is_set():
        client = None
        try:
            client = connect_to(mailbox)
            while not stop.is_set():
                mailbox.refresh_from_db()
                if not mailbox.is_active:
                    return
                fetch_mailbox(mailbox, client=client)
                failures = 0
                if supports_idle(client):
                    idle_wait(client, seconds=_until_refresh(mailbox, idle_seconds), stop=stop)
                else:
                    stop.wait(_until_refresh(mailbox, mailbox.poll_interval_seconds))
                mailbox.refresh_from_db(fields=["oauth2_token", "oauth2_token_expires_at"])
                if oauth2.needs_refresh(mailbox):
                    # Providers may end a session whose token expired: sign in again with a fresh one.
                    break
        except (imaplib.IMAP4.error, OSError) as error:
            _record_error(mailbox, error)
            stop.wait(RECONNECT_SECONDS[min(failures, len(RECONNECT_SECONDS) - 1)])
            failures += 1
        except Exception:  # a database hiccup must not end the watch: it starts over
            logger.exception("Mailbox %s: watching failed", mailbox.name)
            stop.wait(RECONNECT_SECONDS[min(failures, len(RECONNECT_SECONDS) - 1)])
            failures += 1
        finally:
            if client is not None:
                with contextlib.suppress(Exception):  # the connection may be gone already
                    client.logout()


def _until_refresh(mailbox: Mailbox, seconds: float) -> float:
    """``seconds``, or less when the access token is due for a refresh sooner (then the watch signs in again)."""
    expires_at = mailbox.oauth2_token_expires_at
    if not mailbox.oauth2_refresh_token or expires_at is None:
        return seconds
    due = (expires_at - oauth2.REFRESH_MARGIN - timezone.now()).total_seconds()
    return max(1.0, min(seconds, due))


def watch_mailboxes(*, stop: threading.Event, names: list[str] | None = None) -> None:
    """``watch_mailbox`` for every active IMAP mailbox (or those named), one thread each, until ``stop``."""
    from django.db import connection

    mailboxes = Mailbox.objects.select_related("brand").filter(kind=MailboxKind.IMAP, is_active=True)
    if names:
        mailboxes = mailboxes.filter(name__in=names)

    def run(mailbox: Mailbox) -> None:
        try:
            watch_mailbox(mailbox, stop=stop)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(mailbox,), name=f"imap-{mailbox.name}", daemon=True)
        for mailbox in mailboxes
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
