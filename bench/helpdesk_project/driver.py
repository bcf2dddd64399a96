"""django-helpdesk's side of ``bench.helpdesk_mail``: runs inside the helpdesk virtualenv, one command per call.

    python -m bench.helpdesk_project.driver setup   --slug SLUG --address ADDR --mail-dir DIR
    python -m bench.helpdesk_project.driver feed    --slug SLUG --dir DIR [--barrier] [--time-limit S]
    python -m bench.helpdesk_project.driver check   --slug SLUG --expect FILE
    python -m bench.helpdesk_project.driver queries --slug SLUG --dir DIR

Each prints one JSON object as its last line of standard output. ``feed`` runs every ``*.eml`` of DIR, in name
order, through ``helpdesk.email.extract_email_metadata`` — the call that ``get_email`` (``process_queue``) makes
for each message of a queue's mailbox, after reading the file the way it reads a local mailbox directory — and
times only that loop. With ``--barrier`` it prints ``ready`` once Django is set up and waits for a line on
standard input, so that several processes start their loops together.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import json
import logging
import os
import re
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.helpdesk_project.settings")

import django

django.setup()

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import encoding
from helpdesk.email import extract_email_metadata
from helpdesk.models import EmailTemplate, FollowUp, FollowUpAttachment, Queue, Ticket


class CountingHandler(logging.Handler):
    """Counts the importer's warnings and errors and keeps the first few."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0
        self.samples: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if len(self.samples) < 5:
            self.samples.append(f"{record.levelname}: {record.getMessage()[:300]}")


def queue_logger(queue: Queue) -> tuple[logging.Logger, CountingHandler]:
    """The queue's logger as ``process_email`` sets it up for a queue without logging, plus a counter."""
    logger = logging.getLogger("django.helpdesk.queue." + queue.slug)
    logger.handlers = []
    logger.propagate = False
    logger.setLevel(logging.WARNING)
    counter = CountingHandler()
    logger.addHandler(counter)
    return logger, counter


def setup(args: argparse.Namespace) -> dict:
    call_command("migrate", interactive=False, verbosity=0)
    queue, _created = Queue.objects.update_or_create(
        slug=args.slug,
        defaults={
            "title": "Support",
            "email_address": args.address,
            "allow_email_submission": True,
            "email_box_type": "local",
            "email_box_local_dir": args.mail_dir,
            "email_box_interval": 0,
        },
    )
    return {
        "queue": queue.pk,
        "email_templates": EmailTemplate.objects.count(),
        "version": importlib.metadata.version("django-helpdesk"),
    }


def feed(args: argparse.Namespace) -> dict:
    queue = Queue.objects.get(slug=args.slug)
    logger, counter = queue_logger(queue)
    paths = sorted(Path(args.dir).glob("*.eml"))
    connection.ensure_connection()
    if args.barrier:
        print("ready", flush=True)
        sys.stdin.readline()
    results: dict[str, int | None] = {}
    errors: list[str] = []
    failed = 0
    deadline = time.monotonic() + args.time_limit
    started_at = time.time()
    started = time.perf_counter()
    started_cpu = time.process_time()
    for path in paths:
        if time.monotonic() > deadline:
            break
        # As process_queue reads a local mailbox directory.
        with open(path) as handle:
            full_message = encoding.force_str(handle.read(), errors="replace")
        try:
            ticket = extract_email_metadata(message=full_message, queue=queue, logger=logger)
        except Exception as exc:  # noqa: BLE001 - counted and reported, as get_email logs and goes on
            failed += 1
            if len(errors) < 5:
                errors.append(f"{path.name}: {type(exc).__name__}: {exc}"[:300])
            results[path.name] = None
            continue
        results[path.name] = ticket.pk if ticket else None
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - started_cpu
    return {
        "mails": len(paths),
        "processed": sum(1 for v in results.values() if v is not None),
        "failed": failed,
        "timed_out": len(results) < len(paths),
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "started_at": started_at,
        "finished_at": started_at + seconds,
        "errors": errors,
        "log_records": counter.count,
        "log_samples": counter.samples,
        "tickets": results,
    }


PART_PREFIX = re.compile(r"^part-\d+_")


def check(args: argparse.Namespace) -> dict:
    """Compares what django-helpdesk stored with what was sent (see ``bench.helpdesk_mail.expected``)."""
    queue = Queue.objects.get(slug=args.slug)
    expected = json.loads(Path(args.expect).read_text())
    seeds = set(expected["seed_tickets"])
    mails = expected["mails"]
    followups = {
        row["message_id"]: row
        for row in FollowUp.objects.filter(
            ticket__queue=queue, message_id__in=[f"<{m['message_id']}>" for m in mails]
        ).values("id", "message_id", "ticket_id")
    }
    stored: dict[int, list[tuple[str, int, str]]] = {}
    for attachment in FollowUpAttachment.objects.filter(
        followup_id__in=[row["id"] for row in followups.values()]
    ).order_by("id"):
        with attachment.file.open("rb") as handle:
            data = handle.read()
        name = PART_PREFIX.sub("", attachment.filename)
        stored.setdefault(attachment.followup_id, []).append(
            (name, len(data), hashlib.sha256(data).hexdigest())
        )
    new_tickets: set[int] = set()
    replies = replies_threaded = missing = 0
    sent = kept = extra = bytes_sent = bytes_kept = 0
    kept_by_type: dict[str, list[int]] = {}
    for mail in mails:
        row = followups.get(f"<{mail['message_id']}>")
        if row is None:
            missing += 1
        if mail["kind"] == "reply":
            replies += 1
            if row is not None and row["ticket_id"] == mail["reply_to_ticket"]:
                replies_threaded += 1
            continue
        if row is not None and row["ticket_id"] not in seeds:
            new_tickets.add(row["ticket_id"])
        files = [tuple(f) for f in mail["attachments"]]
        have = list(stored.get(row["id"], [])) if row is not None else []
        for item in files:
            suffix = item[0].rsplit(".", 1)[-1]
            counts = kept_by_type.setdefault(suffix, [0, 0])
            counts[1] += 1
            sent += 1
            bytes_sent += item[1]
            if item in have:
                have.remove(item)
                kept += 1
                counts[0] += 1
                bytes_kept += item[1]
        extra += len(have)
    return {
        "mails": len(mails),
        "not_stored": missing,
        "new_mails": sum(1 for m in mails if m["kind"] != "reply"),
        "tickets_created": len(new_tickets),
        "tickets_in_queue": Ticket.objects.filter(queue=queue).count(),
        "replies": replies,
        "replies_threaded": replies_threaded,
        "attachments_sent": sent,
        "attachments_kept": kept,
        "attachments_extra": extra,
        "bytes_sent": bytes_sent,
        "bytes_kept": bytes_kept,
        "kept_by_type": kept_by_type,
    }


def queries(args: argparse.Namespace) -> dict:
    """SQL statements of one mail per file (``<kind>.eml``) through the importer, in this process."""
    queue = Queue.objects.get(slug=args.slug)
    logger, _counter = queue_logger(queue)
    counts = {}
    for path in sorted(Path(args.dir).glob("*.eml")):
        with open(path) as handle:
            message = encoding.force_str(handle.read(), errors="replace")
        with CaptureQueriesContext(connection) as captured:
            extract_email_metadata(message=message, queue=queue, logger=logger)
        counts[path.stem] = len(captured.captured_queries)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("setup")
    p.add_argument("--slug", required=True)
    p.add_argument("--address", required=True)
    p.add_argument("--mail-dir", required=True)
    p = commands.add_parser("feed")
    p.add_argument("--slug", required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--barrier", action="store_true")
    p.add_argument("--time-limit", type=float, default=300.0)
    p = commands.add_parser("check")
    p.add_argument("--slug", required=True)
    p.add_argument("--expect", required=True)
    p = commands.add_parser("queries")
    p.add_argument("--slug", required=True)
    p.add_argument("--dir", required=True)
    args = parser.parse_args(argv)
    handler = {"setup": setup, "feed": feed, "check": check, "queries": queries}[args.command]
    print(json.dumps(handler(args)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
