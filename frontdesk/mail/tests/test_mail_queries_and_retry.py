"""Mail for the desk: the outbound rows of a ticket by scope, "send again" by agents of the brand only, and
the quoted history of a body found for folding."""

from __future__ import annotations

import pytest

from frontdesk.core.errors import NotFound, PermissionDenied
from frontdesk.core.html import text_to_html
from frontdesk.mail.actions import retry_outbound
from frontdesk.mail.choices import OutboundStatus
from frontdesk.mail.models import OutboundMessage
from frontdesk.mail.queries import access_outbound, outbound_for_ticket, split_quoted_history
from frontdesk.users.actors import actor_for


@pytest.fixture
def failed_ack(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = cast.opera.ticket()
    OutboundMessage.objects.filter(ticket=ticket).update(status=OutboundStatus.FAILED, last_error="550 gone")
    return OutboundMessage.objects.get(ticket=ticket)


def test_only_agents_of_the_brand_see_the_mail_of_a_ticket(cast, failed_ack):
    ticket = failed_ack.ticket
    assert [m.pk for m in outbound_for_ticket(actor_for(cast.opera.line1), ticket)] == [failed_ack.pk]
    for user in (cast.tours.line1, cast.opera.customer_user, cast.outsider):
        assert outbound_for_ticket(actor_for(user), ticket) == []
        with pytest.raises(NotFound):
            access_outbound(actor_for(user), ticket, failed_ack.pk)


def test_only_agents_of_the_brand_may_send_a_mail_again(cast, failed_ack, django_capture_on_commit_callbacks):
    for user in (cast.tours.line1, cast.opera.customer_user, cast.outsider):
        with pytest.raises(PermissionDenied):
            retry_outbound(failed_ack, actor=actor_for(user))
    failed_ack.refresh_from_db()
    assert failed_ack.status == OutboundStatus.FAILED
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert retry_outbound(failed_ack, actor=actor_for(cast.opera.line2))
    failed_ack.refresh_from_db()
    assert failed_ack.status == OutboundStatus.PENDING
    assert len(callbacks) == 1
    # Only failed or interrupted mail goes again.
    assert not retry_outbound(failed_ack, actor=actor_for(cast.opera.line2))


@pytest.mark.parametrize(
    ("text", "new", "quoted"),
    [
        (
            "Thanks, it works.\n\nOn Mon, 2 Mar 2026, Opera <s@opera.example> wrote:\n> Try again",
            "works",
            "Try",
        ),
        ("See below.\n\n-----Original Message-----\nFrom: Opera\nSent: Monday\n\nOld text", "below", "Old"),
        (
            "Fine now.\n\nFrom: Opera <s@opera.example>\nSent: Monday\nTo: me\nSubject: Re\n\nOld",
            "Fine",
            "Old",
        ),
    ],
)
def test_the_quoted_history_of_a_plain_text_mail_is_found(text, new, quoted):
    body = split_quoted_history(text_to_html(text))
    assert new in body.new
    assert quoted not in body.new
    assert quoted in body.quoted


def test_a_body_without_history_or_starting_with_a_quote_is_not_folded():
    assert split_quoted_history("<p>Hello</p>").quoted == ""
    only_quote = "<blockquote><p>Old</p></blockquote><p>New below</p>"
    body = split_quoted_history(only_quote)
    assert body.quoted == ""
    assert "New below" in body.new


def test_cutting_html_leaves_no_open_tags():
    body = split_quoted_history("<div><p>New</p><blockquote><p>Old</p></blockquote></div>")
    assert body.new.count("<div>") == body.new.count("</div>")
    assert "Old" in body.quoted
    assert "New" not in body.quoted
