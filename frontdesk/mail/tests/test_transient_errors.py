"""A database that is briefly locked or gone does not quarantine a good mail: it waits for the next try."""

from django.db import OperationalError

from frontdesk.mail import tasks
from frontdesk.mail.choices import InboundStatus
from frontdesk.mail.tests.conftest import make_mail
from frontdesk.tickets.models import Ticket


def _failing_route(times: int):
    real = tasks.route_message
    calls = {"left": times}

    def route(*args, **kwargs):
        if calls["left"] > 0:
            calls["left"] -= 1
            raise OperationalError("database table is locked")
        return real(*args, **kwargs)

    return route


def test_a_locked_database_leaves_the_mail_for_the_next_try_which_ingests_it(mail_cast, pipe, monkeypatch):
    monkeypatch.setattr(tasks, "route_message", _failing_route(1))
    inbound = pipe(make_mail(frm="anna@customer.example", subject="Seats"), "--brand", "opera")
    inbound.refresh_from_db()
    assert inbound.status == InboundStatus.RECEIVED
    assert inbound.claimed_until is None
    assert not Ticket.objects.filter(subject="Seats").exists()

    assert tasks.process_inbound(inbound.pk) == InboundStatus.INGESTED
    assert Ticket.objects.filter(subject="Seats").count() == 1


def test_a_mail_that_keeps_meeting_database_errors_is_quarantined_in_the_end(mail_cast, pipe, monkeypatch):
    monkeypatch.setattr(tasks, "route_message", _failing_route(100))
    inbound = pipe(make_mail(frm="anna@customer.example", subject="Seats"), "--brand", "opera")
    for _ in range(tasks.MAX_TRANSIENT_ATTEMPTS):
        tasks.process_inbound(inbound.pk)
    inbound.refresh_from_db()
    assert inbound.status == InboundStatus.QUARANTINED
    assert inbound.reason == "database_error"
