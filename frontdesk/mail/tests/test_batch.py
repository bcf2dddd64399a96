"""A worker takes waiting mail in batches: fewer statements per mail, each mail still on its own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from frontdesk.mail import tasks
from frontdesk.mail.actions import store_raw_message
from frontdesk.mail.choices import InboundStatus
from frontdesk.mail.models import InboundMessage
from frontdesk.mail.tasks import process_inbound, process_inbound_batch
from frontdesk.mail.tests.conftest import make_mail
from frontdesk.tickets.models import Attachment, Message, Ticket, TicketEvent
from frontdesk.users.models import Customer


@pytest.fixture(autouse=True)
def _unhurried_batches(monkeypatch):
    """A slow test machine must not split a batch (except where a test asks for it)."""
    monkeypatch.setattr(tasks, "BATCH_SECONDS", 60.0)


def _store(raw, brand):
    with transaction.atomic():
        return store_raw_message(raw, brand=brand)


def test_one_doorbell_takes_the_waiting_mails_with_it_and_the_others_find_theirs_done(
    mail_cast, monkeypatch, django_capture_on_commit_callbacks
):
    brand = mail_cast.opera.brand
    stored = [_store(make_mail(frm=f"c{n}@customer.example"), brand) for n in range(5)]
    results = process_inbound_batch(stored[2].pk)
    # The mail that rang first, then the oldest.
    assert list(results) == [stored[2].pk, stored[0].pk, stored[1].pk, stored[3].pk, stored[4].pk]
    assert set(results.values()) == {InboundStatus.INGESTED}
    assert process_inbound_batch(stored[0].pk) == {}
    assert Ticket.objects.count() == 5


def test_a_batch_costs_fewer_statements_per_mail_than_one_mail_alone(
    mail_cast, count_queries, django_capture_on_commit_callbacks
):
    brand = mail_cast.opera.brand
    single = _store(make_mail(frm="alone@customer.example"), brand)
    with count_queries() as alone:
        process_inbound(single.pk)
    stored = [_store(make_mail(frm=f"c{n}@customer.example"), brand) for n in range(10)]
    with count_queries() as batch:
        results = process_inbound_batch(stored[0].pk)
    assert set(results.values()) == {InboundStatus.INGESTED}
    # The look-ups (claim, load, own addresses, own Message-IDs, senders, threads) run once for all ten.
    assert len(batch) <= 10 * (len(alone) - 3), "\n".join(batch)


def test_two_mails_of_a_new_sender_in_one_batch_make_one_customer(
    mail_cast, count_queries, django_capture_on_commit_callbacks
):
    brand = mail_cast.opera.brand
    first = _store(make_mail(frm="Nina <nina@customer.example>", subject="First"), brand)
    _store(make_mail(frm="nina@customer.example", subject="Second"), brand)
    with count_queries() as queries:
        process_inbound_batch(first.pk)
    # The second mail finds the customer the first one created: no second attempt to create them.
    assert len([q for q in queries if 'INTO "users_customer"' in q]) == 1, queries
    assert Customer.objects.filter(brand=brand, email="nina@customer.example").count() == 1
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["First", "Second"]
    assert Ticket.objects.values("customer").distinct().count() == 1


def _one_by_one(monkeypatch):
    """Every mail through its own transaction (the path taken when writing new tickets together fails)."""
    monkeypatch.setattr(tasks, "ingest_new_tickets", lambda *args, **kwargs: {})


def _fail_after_ingesting(monkeypatch, subject):
    """Ingest one by one, then fail for the mail with ``subject``: what it wrote must roll back."""
    _one_by_one(monkeypatch)
    real = tasks.ingest_message

    def ingest(inbound, parsed, *args, **kwargs):
        status = real(inbound, parsed, *args, **kwargs)
        if parsed.subject == subject:
            raise RuntimeError("boom after the ticket was written")
        return status

    monkeypatch.setattr(tasks, "ingest_message", ingest)


def test_a_mail_that_fails_is_quarantined_alone_and_its_neighbours_are_ingested(
    mail_cast, monkeypatch, django_capture_on_commit_callbacks
):
    brand = mail_cast.opera.brand
    stored = [_store(make_mail(frm=f"c{n}@customer.example", subject=f"Mail {n}"), brand) for n in range(3)]
    _fail_after_ingesting(monkeypatch, "Mail 1")
    results = process_inbound_batch(stored[0].pk)
    assert results == {
        stored[0].pk: InboundStatus.INGESTED,
        stored[1].pk: InboundStatus.QUARANTINED,
        stored[2].pk: InboundStatus.INGESTED,
    }
    # Its ticket and customer were rolled back with it.
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["Mail 0", "Mail 2"]
    assert not Customer.objects.filter(email="c1@customer.example").exists()


def test_a_new_sender_whose_mail_rolled_back_is_created_again_by_their_next_mail(
    mail_cast, monkeypatch, django_capture_on_commit_callbacks
):
    brand = mail_cast.opera.brand
    first = _store(make_mail(frm="nina@customer.example", subject="Fails"), brand)
    _store(make_mail(frm="nina@customer.example", subject="Works"), brand)
    _fail_after_ingesting(monkeypatch, "Fails")
    results = process_inbound_batch(first.pk)
    assert list(results.values()) == [InboundStatus.QUARANTINED, InboundStatus.INGESTED]
    ticket = Ticket.objects.get()
    assert ticket.subject == "Works"
    assert ticket.customer.email == "nina@customer.example"


def test_mail_held_by_another_worker_is_left_to_it(mail_cast, django_capture_on_commit_callbacks):
    brand = mail_cast.opera.brand
    stored = [_store(make_mail(frm=f"c{n}@customer.example"), brand) for n in range(3)]
    InboundMessage.objects.filter(pk=stored[1].pk).update(claimed_until=timezone.now() + timedelta(minutes=5))
    assert list(process_inbound_batch(stored[0].pk)) == [stored[0].pk, stored[2].pk]
    assert InboundMessage.objects.get(pk=stored[1].pk).status == InboundStatus.RECEIVED


def test_replies_in_a_batch_join_their_tickets(mail_cast, django_capture_on_commit_callbacks):
    brand = mail_cast.opera.brand
    customer = mail_cast.opera.customer
    opened = [
        _store(
            make_mail(frm=customer.email, subject=f"Order {n}", message_id=f"<order-{n}@customer.example>"),
            brand,
        )
        for n in range(2)
    ]
    process_inbound_batch(opened[0].pk)
    replies = [
        _store(
            make_mail(
                frm=customer.email, subject=f"Re: Order {n}", in_reply_to=f"<order-{n}@customer.example>"
            ),
            brand,
        )
        for n in range(2)
    ]
    new = _store(make_mail(frm="someone@customer.example", subject="Something else"), brand)
    results = process_inbound_batch(replies[0].pk)
    assert set(results.values()) == {InboundStatus.INGESTED}
    for n, reply in enumerate(replies):
        ticket = InboundMessage.objects.get(pk=reply.pk).ticket
        assert ticket.subject == f"Order {n}"
        assert Message.objects.filter(ticket=ticket).count() == 2
    assert InboundMessage.objects.get(pk=new.pk).ticket.subject == "Something else"


def test_a_long_batch_gives_the_rest_back_to_the_queue(
    mail_cast, monkeypatch, django_capture_on_commit_callbacks
):
    brand = mail_cast.opera.brand
    stored = [_store(make_mail(frm=f"c{n}@customer.example"), brand) for n in range(3)]
    _one_by_one(monkeypatch)
    monkeypatch.setattr(tasks, "BATCH_SECONDS", -1.0)
    rung: list[int] = []
    monkeypatch.setattr(tasks, "process_inbound_message", rung.append)
    results = process_inbound_batch(stored[0].pk)
    assert results == {stored[0].pk: InboundStatus.INGESTED}
    assert rung == [stored[1].pk, stored[2].pk]
    rest = InboundMessage.objects.filter(pk__in=rung)
    assert {(m.status, m.claimed_until) for m in rest} == {(InboundStatus.RECEIVED, None)}


def test_the_ticket_events_of_a_batch_ring_their_dispatcher_once(
    mail_cast, monkeypatch, django_capture_on_commit_callbacks
):
    from frontdesk.tickets import tasks as ticket_tasks

    rung: list[int] = []
    monkeypatch.setattr(ticket_tasks, "dispatch_ticket_event", rung.append)
    monkeypatch.setattr(tasks, "dispatch_ticket_event", rung.append)
    brand = mail_cast.opera.brand
    stored = [_store(make_mail(frm=f"c{n}@customer.example"), brand) for n in range(4)]
    with django_capture_on_commit_callbacks(execute=True):
        process_inbound_batch(stored[0].pk)
    first_event = TicketEvent.objects.order_by("id").values_list("id", flat=True).first()
    assert rung == [first_event]
    assert TicketEvent.objects.filter(dispatched_at__isnull=True).count() == 4


def test_a_worker_that_took_a_full_batch_rings_for_the_rest(
    mail_cast, monkeypatch, django_capture_on_commit_callbacks
):
    brand = mail_cast.opera.brand
    stored = [_store(make_mail(frm=f"c{n}@customer.example"), brand) for n in range(5)]
    rung: list[int] = []
    monkeypatch.setattr(tasks, "process_inbound_message", rung.append)
    assert list(process_inbound_batch(stored[0].pk, size=2)) == [stored[0].pk, stored[1].pk]
    assert rung == [stored[2].pk]


@override_settings(FRONTDESK_MAIL_BATCH_SIZE=2)
def test_an_import_rings_the_worker_once_per_batch(
    mail_cast, monkeypatch, tmp_path, django_capture_on_commit_callbacks
):
    import mailbox as mailboxes

    from frontdesk.mail.sources.directory import import_path

    box = mailboxes.mbox(tmp_path / "old.mbox")
    for n in range(3):
        box.add(make_mail(frm=f"c{n}@customer.example", subject=f"Old {n}"))
    box.flush()
    rung: list[int] = []
    monkeypatch.setattr(tasks, "process_inbound_message", rung.append)
    with django_capture_on_commit_callbacks(execute=True):
        result = import_path(tmp_path / "old.mbox", brand=mail_cast.opera.brand)
    assert result.stored == 3
    stored = list(InboundMessage.objects.order_by("id").values_list("id", flat=True))
    assert rung == [stored[0], stored[2]]


def test_the_new_tickets_of_a_batch_are_written_together_and_replies_one_by_one(
    mail_cast, count_queries, django_capture_on_commit_callbacks
):
    brand = mail_cast.opera.brand
    customer = mail_cast.opera.customer
    opened = _store(
        make_mail(frm=customer.email, subject="Order 1", message_id="<order-1@customer.example>"), brand
    )
    process_inbound_batch(opened.pk)
    reply = _store(
        make_mail(frm=customer.email, subject="Re: Order 1", in_reply_to="<order-1@customer.example>"), brand
    )
    new = [
        _store(
            make_mail(
                frm=f"c{n}@customer.example",
                subject=f"New {n}",
                attachments=(("order.txt", "text/plain", b"order %d" % n),) if n == 1 else (),
            ),
            brand,
        )
        for n in range(4)
    ]
    new.append(_store(make_mail(frm="c0@customer.example", subject="New 0 again"), brand))
    with count_queries() as queries:
        results = process_inbound_batch(reply.pk)
    assert set(results.values()) == {InboundStatus.INGESTED}
    assert len([q for q in queries if q.startswith('INSERT INTO "tickets_ticket"')]) == 1, queries
    assert len([q for q in queries if q.startswith('INSERT INTO "users_customer"')]) <= 4
    assert InboundMessage.objects.get(pk=reply.pk).ticket == InboundMessage.objects.get(pk=opened.pk).ticket
    tickets = {
        m.subject: m
        for m in InboundMessage.objects.filter(pk__in=[n.pk for n in new]).select_related("ticket")
    }
    assert sorted(tickets) == ["New 0", "New 0 again", "New 1", "New 2", "New 3"]
    assert tickets["New 0"].ticket.customer_id == tickets["New 0 again"].ticket.customer_id
    numbers = sorted(m.ticket.number for m in tickets.values())
    assert len(set(numbers)) == 5
    for inbound in tickets.values():
        message = inbound.ticket_message
        assert message.ticket_id == inbound.ticket_id
        assert TicketEvent.objects.filter(
            ticket=inbound.ticket, kind="created", data__message=message.pk
        ).exists()
    [attachment] = Attachment.objects.filter(ticket=tickets["New 1"].ticket)
    assert (attachment.filename, attachment.size) == ("order.txt", 7)


def test_when_writing_together_fails_every_mail_goes_one_by_one(
    mail_cast, monkeypatch, django_capture_on_commit_callbacks
):
    from frontdesk.mail import together

    def broken(items):
        raise RuntimeError("the multi-row insert failed")

    monkeypatch.setattr(together, "create_tickets", broken)
    brand = mail_cast.opera.brand
    stored = [_store(make_mail(frm=f"c{n}@customer.example", subject=f"Mail {n}"), brand) for n in range(3)]
    results = process_inbound_batch(stored[0].pk)
    assert set(results.values()) == {InboundStatus.INGESTED}
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["Mail 0", "Mail 1", "Mail 2"]
    # The customers created before the failure were rolled back and made again, once each.
    assert Customer.objects.filter(email__endswith="@customer.example").count() == 3


def test_an_answer_to_a_mail_of_the_same_batch_joins_the_ticket_that_mail_opened(
    mail_cast, django_capture_on_commit_callbacks
):
    """The customer writes twice in a row, the second mail answering the first ("forgot to say..."), and a
    third person writes too: one batch, two tickets, the answer on the first one's ticket."""
    brand = mail_cast.opera.brand
    first = make_mail(frm="anna@customer.example", message_id="<first@customer.example>")
    other = make_mail(frm="boris@customer.example")
    answer = make_mail(
        frm="anna@customer.example",
        subject="Re: My tickets did not arrive",
        body="Forgot to say: order 4471.",
        in_reply_to="<first@customer.example>",
    )
    stored = [_store(raw, brand) for raw in (first, other, answer)]
    # The answer's doorbell rings first: it still waits for the mail it answers.
    results = process_inbound_batch(stored[2].pk)
    assert set(results.values()) == {InboundStatus.INGESTED}
    assert Ticket.objects.count() == 2
    ticket = InboundMessage.objects.get(pk=stored[0].pk).ticket
    assert InboundMessage.objects.get(pk=stored[2].pk).ticket == ticket
    assert [m.body_text for m in Message.objects.filter(ticket=ticket).order_by("id")] == [
        "Hello, I paid but got no e-tickets.",
        "Forgot to say: order 4471.",
    ]
