"""Import of a Maildir or an mbox file: every message stored once (a second import stores nothing new)."""

from __future__ import annotations

import mailbox as mailboxes
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from frontdesk.brands.models import Brand
from frontdesk.core.work import one_doorbell_per_batch
from frontdesk.mail.actions import store_raw
from frontdesk.mail.models import Mailbox


@dataclass
class ImportResult:
    seen: int = 0
    stored: int = 0
    failed: int = 0


def iter_messages(path: Path) -> Iterator[bytes]:
    """Raw messages of a Maildir (a folder with cur/ and new/) or an mbox file."""
    if path.is_dir():
        if not (path / "cur").is_dir() and not (path / "new").is_dir():
            raise ValueError(f"{path} is not a Maildir (no cur/ or new/ folder)")
        box: Any = mailboxes.Maildir(path, factory=None, create=False)
    elif path.is_file():
        box = mailboxes.mbox(path, factory=None, create=False)
    else:
        raise ValueError(f"{path} does not exist")
    for key in sorted(box.keys()):
        yield box.get_bytes(key)


def import_path(path: Path, *, brand: Brand | None = None, mailbox: Mailbox | None = None) -> ImportResult:
    from frontdesk.mail.tasks import process_inbound_message

    result = ImportResult()
    # The worker takes stored mail in batches: one doorbell per batch, not one per mail.
    with one_doorbell_per_batch(process_inbound_message, settings.FRONTDESK_MAIL_BATCH_SIZE):
        for raw in iter_messages(path):
            result.seen += 1
            if not raw.strip():
                result.failed += 1
                continue
            with transaction.atomic():
                _inbound, created = store_raw(raw, brand=brand, mailbox=mailbox)
            result.stored += created
    return result
