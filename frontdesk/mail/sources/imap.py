"""IMAP polling by UID. Progress is the (mailbox, UIDVALIDITY, UID) of every stored message; the server is
flagged or moved only after the message is committed, so a crash at any step stores nothing twice and loses
nothing (a re-run finds the stored source key, the same bytes or the same Message-ID)."""

from __future__ import annotations

import contextlib
import imaplib
import logging
import re
import ssl
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from frontdesk.mail.actions import store_raw
from frontdesk.mail.choices import ProcessedAction
from frontdesk.mail.models import Mailbox

logger = logging.getLogger(__name__)

BATCH = 200
_UIDVALIDITY = re.compile(rb"UIDVALIDITY (\d+)")


@dataclass
class FetchResult:
    fetched: int = 0
    stored: int = 0


def connect(mailbox: Mailbox) -> Any:
    """A logged-in IMAP connection: TLS verified against the system's CAs, password or XOAUTH2."""
    if mailbox.imap_tls:
        client: Any = imaplib.IMAP4_SSL(
            mailbox.imap_host, mailbox.imap_port, ssl_context=ssl.create_default_context(), timeout=60
        )
    else:
        client = imaplib.IMAP4(mailbox.imap_host, mailbox.imap_port, timeout=60)
    if mailbox.oauth2_token:
        token = f"user={mailbox.imap_user}\x01auth=Bearer {mailbox.oauth2_token}\x01\x01".encode()
        client.authenticate("XOAUTH2", lambda _challenge: token)
    else:
        client.login(mailbox.imap_user, mailbox.imap_password)
    return client


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
    client = client or connect(mailbox)
    try:
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
        typ, data = client.uid("SEARCH", None, f"UID {last_uid + 1}:*")
        uids = sorted(int(u) for u in (data[0] or b"").split() if int(u) > last_uid)
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
    except (imaplib.IMAP4.error, OSError) as error:
        Mailbox.objects.filter(pk=mailbox.pk).update(
            last_polled_at=timezone.now(), last_error=str(error)[:2000]
        )
        raise
    finally:
        if own_client:
            with contextlib.suppress(Exception):  # the connection is going away anyway
                client.logout()
    return result


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
