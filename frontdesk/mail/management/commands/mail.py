"""``frontdesk mail ingest|smtpd|import|fetch|reprocess``: the mail channel's command-line entry points."""

from __future__ import annotations

import imaplib
import sys
import threading
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from frontdesk.brands.models import Brand
from frontdesk.mail.actions import reprocess_message
from frontdesk.mail.choices import InboundStatus
from frontdesk.mail.models import InboundMessage, Mailbox

# sysexits.h: a mail server treats these as "bounce" and "try again later".
EX_NOUSER = 67
EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Receive and reprocess mail: ingest (pipe), smtpd, import (Maildir/mbox), fetch (IMAP), reprocess."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ingest = sub.add_parser("ingest", help="store one raw message read from standard input")
        self._target(ingest)
        ingest.add_argument(
            "--recipient", action="append", default=[], help="envelope recipient (repeatable)"
        )
        ingest.add_argument("--sender", default="", help="envelope sender")
        smtpd = sub.add_parser("smtpd", help="run the SMTP receiver")
        smtpd.add_argument("--host", default="127.0.0.1")
        smtpd.add_argument("--port", type=int, default=2525)
        imp = sub.add_parser("import", help="import a Maildir folder or an mbox file")
        imp.add_argument("path")
        self._target(imp)
        fetch = sub.add_parser("fetch", help="poll IMAP mailboxes once")
        fetch.add_argument("--mailbox", help="only this mailbox (name)")
        fetch.add_argument(
            "--idle",
            action="store_true",
            help="keep watching: IMAP IDLE where the server offers it, else polling; Ctrl-C stops",
        )
        reprocess = sub.add_parser("reprocess", help="process quarantined or ignored messages again")
        reprocess.add_argument("ids", nargs="*", type=int)
        reprocess.add_argument("--all", action="store_true", help="every quarantined message")

    @staticmethod
    def _target(parser: ArgumentParser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--brand", help="brand slug")
        group.add_argument("--mailbox", help="mailbox name")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "_" + options["action"])(options)

    def _resolve(self, options: dict[str, Any]) -> tuple[Brand | None, Mailbox | None]:
        if options.get("mailbox"):
            mailbox = Mailbox.objects.select_related("brand").filter(name=options["mailbox"]).first()
            if mailbox is None:
                raise CommandError(f"No mailbox named {options['mailbox']}.", returncode=EX_NOUSER)
            return None, mailbox
        if options.get("brand"):
            brand = Brand.objects.filter(slug=options["brand"]).first()
            if brand is None:
                raise CommandError(f"No brand with the slug {options['brand']}.", returncode=EX_NOUSER)
            return brand, None
        return None, None

    def _ingest(self, options: dict[str, Any]) -> None:
        from frontdesk.mail.sources.pipe import UnknownRecipient, ingest_stream

        brand, mailbox = self._resolve(options)
        try:
            inbound = ingest_stream(
                sys.stdin.buffer,
                brand=brand,
                mailbox=mailbox,
                envelope_to=tuple(options["recipient"]),
                envelope_from=options["sender"],
            )
        except UnknownRecipient as error:
            raise CommandError(str(error), returncode=EX_NOUSER) from None
        except Exception as error:
            raise CommandError(f"Not stored: {error}", returncode=EX_TEMPFAIL) from error
        self.stdout.write(f"stored {inbound.pk} ({inbound.status})")

    def _smtpd(self, options: dict[str, Any]) -> None:
        from frontdesk.mail.sources.smtpd import make_controller

        controller = make_controller(options["host"], options["port"])
        controller.start()
        self.stdout.write(f"Receiving mail on {options['host']}:{options['port']}; Ctrl-C stops.")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()

    def _import(self, options: dict[str, Any]) -> None:
        from frontdesk.mail.sources.directory import import_path

        brand, mailbox = self._resolve(options)
        if brand is None and mailbox is None:
            raise CommandError("Name the brand (--brand SLUG) or the mailbox (--mailbox NAME).")
        try:
            result = import_path(Path(options["path"]), brand=brand, mailbox=mailbox)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{result.seen} messages read, {result.stored} new, {result.failed} empty")

    def _fetch(self, options: dict[str, Any]) -> None:
        from frontdesk.mail.sources.imap import fetch_mailbox, watch_mailboxes

        if options.get("idle"):
            stop = threading.Event()
            names = [options["mailbox"]] if options.get("mailbox") else None
            self.stdout.write("Watching IMAP mailboxes; Ctrl-C stops.")
            try:
                watch_mailboxes(stop=stop, names=names)
            except KeyboardInterrupt:
                stop.set()
            return

        mailboxes = Mailbox.objects.select_related("brand").filter(kind="imap", is_active=True)
        if options.get("mailbox"):
            mailboxes = mailboxes.filter(name=options["mailbox"])
        failed = []
        for mailbox in mailboxes:
            try:
                result = fetch_mailbox(mailbox)
            except (imaplib.IMAP4.error, OSError):
                # Recorded on the mailbox (its last error, shown in the admin); the other mailboxes go on.
                failed.append(mailbox.name)
                self.stderr.write(f"{mailbox.name}: failed: {mailbox.last_error}")
                continue
            if mailbox.last_error:
                failed.append(mailbox.name)
                self.stderr.write(f"{mailbox.name}: failed: {mailbox.last_error}")
                continue
            self.stdout.write(f"{mailbox.name}: {result.fetched} fetched, {result.stored} new")
        if failed:
            raise CommandError(f"{len(failed)} mailbox(es) could not be polled: {', '.join(failed)}")

    def _reprocess(self, options: dict[str, Any]) -> None:
        from frontdesk.mail.tasks import process_inbound

        if options["all"]:
            ids = list(
                InboundMessage.objects.filter(status=InboundStatus.QUARANTINED).values_list("id", flat=True)
            )
        elif options["ids"]:
            ids = options["ids"]
        else:
            raise CommandError("Give message ids or --all.")
        for inbound in InboundMessage.objects.filter(pk__in=ids).defer("raw"):
            if reprocess_message(inbound):
                status = process_inbound(inbound.pk) or "queued"
                self.stdout.write(f"{inbound.pk}: {status}")
            else:
                self.stdout.write(f"{inbound.pk}: {inbound.status}, left as it is")
