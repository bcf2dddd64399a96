"""Every mail of the shared corpus through the full ingest path: stored raw, parsed, routed, ingested.

The corpus holds the same message (same Message-ID, sometimes the same bytes) in several folders. One brand would
rightly keep only the first copy, so each copy goes to the next of a few brands: every file gets its own stored
message, and storing every file a second time afterwards adds nothing.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from pathlib import Path

import pytest

from frontdesk.brands.actions import create_brand
from frontdesk.brands.models import Brand
from frontdesk.mail.actions import header_message_id, store_raw
from frontdesk.mail.choices import InboundStatus
from frontdesk.mail.models import InboundMessage
from frontdesk.mail.parse import ParseError, parse_message
from frontdesk.mail.tasks import process_inbound
from frontdesk.mail.tests.test_corpus_parse import _mail_files
from frontdesk.tickets.content import safe_filename
from frontdesk.tickets.models import Attachment, Message

# The only mails that end in quarantine, with the reason they must get: nobody could answer them.
UNREADABLE = {
    # An Outlook .msg file, not Internet mail.
    "spamscope_mail_parser/mail_outlook_1": "outlook_msg",
    # No From header at all.
    "otrs_kix/EmailParser/MultipartMixedHTML": "no_sender",
    "otrs_kix/EmailParser/MultipartMixedPlain": "no_sender",
    "otrs_kix/EmailParser/UTF-7": "no_sender",
    # From: "your secret past" <power quadrant system@example.com> (spaces in the local part).
    "zammad/mail/mail071": "invalid_sender",
    # From: "Millions Lottery Spain transfer"@example.com> (a stray '>').
    "zammad/mail/mail076": "invalid_sender",
    # From: <redacted@redacted> (no domain).
    "zammad/mail/mail081": "invalid_sender",
    # From: Test test@example.com (two words, no angle brackets).
    "zammad/mail/mail087": "invalid_sender",
}


def _brand_for_each_copy(files: list[tuple[str, Path]], raws: dict[str, bytes]) -> dict[str, int]:
    """The index of the brand each file goes to: the n-th copy of a message goes to brand n."""
    seen: Counter[str] = Counter()
    index: dict[str, int] = {}
    for name, _path in files:
        raw = raws[name]
        keys = {"sha:" + hashlib.sha256(raw).hexdigest()}
        message_id = header_message_id(raw)
        if message_id:
            keys.add("id:" + message_id)
        copy = max(seen[key] for key in keys)
        for key in keys:
            seen[key] = copy + 1
        index[name] = copy
    return index


def _brands(count: int) -> list[Brand]:
    return [
        create_brand(name=f"Corpus {n}", slug=f"corpus-{n}", ticket_prefix=f"CRP{n}", languages=["en"])
        for n in range(count)
    ]


@pytest.mark.corpus
@pytest.mark.django_db
def test_every_corpus_mail_goes_through_the_full_ingest_path_once_with_its_attachments() -> None:
    started = time.monotonic()
    files = _mail_files()
    raws = {name: path.read_bytes() for name, path in files}
    copy_of = _brand_for_each_copy(files, raws)
    brands = _brands(max(copy_of.values()) + 1)

    crashes: list[str] = []
    attachment_mismatches: list[str] = []
    inbound_of: dict[str, int] = {}
    for name, _path in files:
        raw = raws[name]
        brand = brands[copy_of[name]]
        inbound, created = store_raw(raw, brand=brand)
        assert created, f"{name} was taken for a copy of another mail"
        inbound_of[name] = inbound.pk
        last_attachment = Attachment.objects.order_by("-id").values_list("id", flat=True).first() or 0
        try:
            process_inbound(inbound.pk)
        except Exception as error:  # noqa: BLE001 - the point is to list every crash
            crashes.append(f"{name}: {type(error).__name__}: {error}")
            continue
        try:
            parsed = parse_message(raw)
        except ParseError:
            continue
        expected = sorted((safe_filename(a.filename or "attachment"), a.data) for a in parsed.attachments)
        stored = sorted(
            (attachment.filename, attachment.file.open("rb").read())
            for attachment in Attachment.objects.filter(id__gt=last_attachment)
        )
        status = InboundMessage.objects.values_list("status", flat=True).get(pk=inbound.pk)
        if status == InboundStatus.INGESTED and stored != expected:
            attachment_mismatches.append(
                f"{name}: stored {[n for n, _ in stored]} != parsed {[n for n, _ in expected]}"
            )

    rows = {row.pk: row for row in InboundMessage.objects.defer("raw")}
    outcome: Counter[str] = Counter()
    unaccounted: list[str] = []
    quarantined: dict[str, str] = {}
    attachments_checked = 0
    for name, pk in inbound_of.items():
        row = rows[pk]
        outcome[f"{row.status}{'/' + row.reason if row.reason else ''}"] += 1
        if row.status == InboundStatus.QUARANTINED:
            quarantined[name] = row.reason
            if row.error.strip() in {"", row.reason}:
                unaccounted.append(f"{name}: quarantined without a readable reason")
        elif row.status == InboundStatus.INGESTED:
            if row.ticket_id is None:
                unaccounted.append(f"{name}: ingested without a ticket")
            if row.reason != "bounce" and row.ticket_message_id is None:
                unaccounted.append(f"{name}: ingested without a message")
            attachments_checked += Attachment.objects.filter(message_id=row.ticket_message_id).count()
        elif row.status != InboundStatus.IGNORED:
            unaccounted.append(f"{name}: left {row.status}")

    # A second delivery of every file stores nothing and finds the message already kept.
    again = [store_raw(raws[name], brand=brands[copy_of[name]]) for name, _path in files]
    elapsed = time.monotonic() - started
    summary = (
        f"{len(files)} corpus mails through store_raw_message + process_inbound in {elapsed:.1f} s "
        f"over {len(brands)} brands: {dict(sorted(outcome.items()))}; "
        f"{Message.objects.count()} ticket messages, {attachments_checked} attachments on first messages"
    )
    print(summary)  # noqa: T201 - the summary belongs in the test output

    assert len(files) >= 150
    assert crashes == [], "\n".join(crashes)
    assert len(rows) == len(files), summary
    assert unaccounted == [], "\n".join(unaccounted)
    assert quarantined == UNREADABLE, f"{summary}\nquarantined: {quarantined}"
    assert attachment_mismatches == [], "\n".join(attachment_mismatches)
    assert [created for _row, created in again] == [False] * len(files)
    assert [row.pk for row, _created in again] == [inbound_of[name] for name, _path in files]
    assert InboundMessage.objects.count() == len(files)
    assert elapsed < 60, summary
