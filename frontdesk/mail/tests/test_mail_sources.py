"""Sources: Maildir and mbox import, IMAP polling by UID, and the SMTP receiver."""

from __future__ import annotations

import io
import mailbox as mailboxes
import smtplib
import socket

import pytest
from django.core.management import call_command

from frontdesk.mail.choices import MailboxKind, ProcessedAction
from frontdesk.mail.models import InboundMessage, Mailbox
from frontdesk.mail.sources.imap import fetch_mailbox
from frontdesk.mail.tests.conftest import make_mail
from frontdesk.tickets.models import Ticket


def test_maildir_import_stores_each_message_once(mail_cast, tmp_path, django_capture_on_commit_callbacks):
    box = mailboxes.Maildir(tmp_path / "inbox")
    raws = [make_mail(frm=f"c{n}@customer.example", subject=f"Question {n}") for n in range(3)]
    for raw in raws:
        box.add(raw)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("mail", "import", str(tmp_path / "inbox"), "--brand", "opera", stdout=out)
    assert "3 messages read, 3 new" in out.getvalue()
    assert Ticket.objects.count() == 3
    assert sorted(bytes(m.raw) for m in InboundMessage.objects.all()) == sorted(raws)
    out = io.StringIO()
    call_command("mail", "import", str(tmp_path / "inbox"), "--brand", "opera", stdout=out)
    assert "3 messages read, 0 new" in out.getvalue()
    assert InboundMessage.objects.count() == 3


def test_mbox_import_goes_to_the_named_brand(mail_cast, tmp_path, django_capture_on_commit_callbacks):
    box = mailboxes.mbox(tmp_path / "archive.mbox")
    box.add(make_mail(frm="a@customer.example"))
    box.add(make_mail(frm="b@customer.example"))
    box.flush()
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "mail", "import", str(tmp_path / "archive.mbox"), "--brand", "opera-tours", stdout=io.StringIO()
        )
    assert {t.brand_id for t in Ticket.objects.all()} == {mail_cast.tours.brand.pk}
    assert Ticket.objects.count() == 2


class FakeImap:
    """An IMAP server's answers as imaplib returns them, with the commands it received."""

    capabilities = ("IMAP4REV1", "UIDPLUS")

    def __init__(self, messages: dict[int, bytes], uidvalidity: int = 7) -> None:
        self.messages = dict(messages)
        self.uidvalidity = uidvalidity
        self.commands: list[tuple] = []
        self.fail_fetch_of: int | None = None

    def status(self, folder, what):
        return "OK", [f"{folder} (UIDVALIDITY {self.uidvalidity})".encode()]

    def select(self, folder):
        return "OK", [str(len(self.messages)).encode()]

    def uid(self, command, *args):
        self.commands.append((command, *args))
        if command == "SEARCH":
            low = int(args[1].split()[1].split(":")[0])
            found = [str(u) for u in sorted(self.messages) if u >= low] or [
                str(max(self.messages, default=0))
            ]
            return "OK", [" ".join(found).encode()]
        if command == "FETCH":
            uid = int(args[0])
            if uid == self.fail_fetch_of:
                raise ConnectionResetError("connection lost")
            return "OK", [
                (f"1 (UID {uid} BODY[] {{{len(self.messages[uid])}}}".encode(), self.messages[uid]),
                b")",
            ]
        return "OK", [b""]

    def expunge(self):
        self.commands.append(("EXPUNGE",))
        return "OK", [b""]


@pytest.fixture
def imap_box(mail_cast):
    return Mailbox.objects.create(
        brand=mail_cast.opera.brand,
        name="opera-inbox",
        kind=MailboxKind.IMAP,
        addresses=["support@opera.example"],
    )


def test_imap_fetch_stores_by_uid_and_flags_after_storing(imap_box, django_capture_on_commit_callbacks):
    server = FakeImap({1: make_mail(frm="a@customer.example"), 2: make_mail(frm="b@customer.example")})
    with django_capture_on_commit_callbacks(execute=True):
        result = fetch_mailbox(imap_box, client=server)
    assert (result.fetched, result.stored) == (2, 2)
    assert Ticket.objects.count() == 2
    assert sorted(InboundMessage.objects.values_list("source_uidvalidity", "source_uid")) == [(7, 1), (7, 2)]
    stores = [c for c in server.commands if c[0] == "STORE"]
    assert stores == [("STORE", "1", "+FLAGS", "(\\Seen)"), ("STORE", "2", "+FLAGS", "(\\Seen)")]
    imap_box.refresh_from_db()
    assert (imap_box.uidvalidity, imap_box.last_uid) == (7, 2)
    # The next poll asks only for newer UIDs and stores nothing again.
    assert fetch_mailbox(imap_box, client=server).stored == 0
    assert InboundMessage.objects.count() == 2


def test_imap_crash_mid_fetch_then_rerun_stores_every_message_exactly_once(imap_box):
    raws = {uid: make_mail(frm=f"c{uid}@customer.example") for uid in (1, 2, 3)}
    server = FakeImap(raws)
    server.fail_fetch_of = 2
    with pytest.raises(ConnectionResetError):
        fetch_mailbox(imap_box, client=server)
    assert InboundMessage.objects.count() == 1
    # Nothing was flagged for the message that was not stored.
    assert [c[1] for c in server.commands if c[0] == "STORE"] == ["1"]
    server.fail_fetch_of = None
    imap_box.refresh_from_db()
    fetch_mailbox(imap_box, client=server)
    # A crash after storing but before flagging: the same UID is offered again and not stored twice.
    imap_box.refresh_from_db()
    Mailbox.objects.filter(pk=imap_box.pk).update(last_uid=0)
    imap_box.refresh_from_db()
    fetch_mailbox(imap_box, client=server)
    assert sorted(bytes(m.raw) for m in InboundMessage.objects.all()) == sorted(raws.values())


def test_imap_uidvalidity_change_does_not_duplicate_mail(imap_box):
    raws = {1: make_mail(frm="a@customer.example"), 2: make_mail(frm="b@customer.example")}
    fetch_mailbox(imap_box, client=FakeImap(raws, uidvalidity=7))
    # The folder was recreated: same mail, new UIDs and a new UIDVALIDITY.
    fetch_mailbox(imap_box, client=FakeImap({10: raws[1], 11: raws[2]}, uidvalidity=8))
    assert InboundMessage.objects.count() == 2
    imap_box.refresh_from_db()
    assert (imap_box.uidvalidity, imap_box.last_uid) == (8, 11)


def test_imap_move_uses_the_move_command_when_offered(imap_box):
    Mailbox.objects.filter(pk=imap_box.pk).update(processed_action=ProcessedAction.MOVE, move_to="Done")
    imap_box.refresh_from_db()
    server = FakeImap({5: make_mail(frm="a@customer.example")})
    server.capabilities = ("IMAP4REV1", "MOVE")
    fetch_mailbox(imap_box, client=server)
    assert ("MOVE", "5", '"Done"') in server.commands


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_smtp_receiver_stores_mail_for_brand_addresses_and_refuses_others():
    from frontdesk.brands.actions import create_brand
    from frontdesk.mail.sources.smtpd import make_controller

    brand = create_brand(name="Opera", slug="opera", ticket_prefix="OPR", languages=["en"])
    brand.sender_addresses = ["support@opera.example"]
    brand.save(update_fields=["sender_addresses"])
    port = _free_port()
    controller = make_controller("127.0.0.1", port)
    controller.start()
    try:
        raw = make_mail(frm="anna@customer.example")
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            refused = client.sendmail(
                "anna@customer.example", ["support@opera.example", "nobody@opera.example"], raw
            )
            with pytest.raises(smtplib.SMTPRecipientsRefused):
                client.sendmail("anna@customer.example", ["nobody@opera.example"], raw)
    finally:
        controller.stop()
    assert list(refused) == ["nobody@opera.example"]
    inbound = InboundMessage.objects.get()
    assert inbound.brand == brand
    assert inbound.envelope_to == ["support@opera.example"]
    # SMTP carries lines ending in CRLF; the bytes are kept as they came over the wire.
    assert bytes(inbound.raw).replace(b"\r\n", b"\n").rstrip(b"\n") == raw.rstrip(b"\n")
