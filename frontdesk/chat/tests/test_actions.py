"""The chat's writes: sessions open tickets, messages are numbered once, accepts and limits hold."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from frontdesk.chat import actions
from frontdesk.chat.choices import Sender, SessionState
from frontdesk.chat.errors import ChatEnded, ChatTaken, LimitReached, TooLarge
from frontdesk.chat.models import ChatMessage, ChatSession
from frontdesk.chat.queries import active_sessions_for, transcript, waiting_sessions_for
from frontdesk.core.errors import InvalidInput, NotFound
from frontdesk.tickets.choices import Channel, MessageKind, Status
from frontdesk.tickets.content import AttachmentIn
from frontdesk.tickets.models import Message, Ticket
from frontdesk.users.actors import actor_for

pytestmark = pytest.mark.django_db


def start(chat, token="tok-1", text="Where are my tickets?", **kwargs):  # noqa: S107 - a test token
    return actions.start_session(chat, token=token, client_id="c1", text=text, **kwargs)


def test_the_first_message_opens_a_waiting_session_and_a_chat_ticket_for_a_new_visitor(opera_chat):
    posted = start(opera_chat, page="https://www.opera.example/tickets", language="ru")
    session = posted.message.session
    assert posted.created
    assert posted.message.seq == 1
    assert session.state == SessionState.WAITING
    assert session.last_seq == 1
    ticket = Ticket.objects.get(pk=session.ticket_id)
    assert ticket.channel == Channel.CHAT
    assert ticket.subject == "Where are my tickets?"
    assert ticket.customer.email == ""
    assert ticket.customer.name
    assert ticket.language == "ru"


def test_a_visitor_who_gives_an_address_is_the_brands_customer_with_that_address(cast, opera_chat):
    posted = start(opera_chat, email=cast.opera.customer.email, name="Anna")
    assert posted.message.session.customer_id == cast.opera.customer.pk


def test_the_same_client_id_twice_is_stored_once_and_numbers_go_on_without_a_gap(opera_chat):
    session = start(opera_chat).message.session
    again = actions.post_visitor_message(session, client_id="c1", text="Where are my tickets?")
    assert not again.created
    assert again.message.seq == 1
    second = actions.post_visitor_message(session, client_id="c2", text="Hello?")
    assert second.created
    assert second.message.seq == 2
    assert [m.seq for m in transcript(session)] == [1, 2]
    assert [m.seq for m in transcript(session, after_seq=1)] == [2]


def test_a_second_first_message_with_the_same_token_joins_the_open_session(opera_chat):
    first = start(opera_chat)
    second = actions.start_session(opera_chat, token="tok-1", client_id="c2", text="Me again")
    assert second.message.session_id == first.message.session_id
    assert second.message.seq == 2
    assert Ticket.objects.count() == 1


def test_accepting_assigns_the_ticket_and_a_second_agent_finds_it_taken(cast, opera_chat):
    session = start(opera_chat).message.session
    anna, boris = actor_for(cast.opera.line1), actor_for(cast.opera.line2)
    session, joined = actions.accept_session(session, actor=anna)
    assert session.state == SessionState.ACTIVE
    assert joined.sender == Sender.SYSTEM
    assert Ticket.objects.get(pk=session.ticket_id).assignee_id == cast.opera.line1.pk
    with pytest.raises(ChatTaken):
        actions.accept_session(session, actor=boris)
    assert list(active_sessions_for(anna)) == [session]
    assert not waiting_sessions_for(boris).exists()


def test_an_agent_of_another_brand_cannot_accept(cast, opera_chat):
    session = start(opera_chat).message.session
    with pytest.raises(NotFound):
        actions.accept_session(session, actor=actor_for(cast.tours.line1))


def test_an_agent_takes_no_more_chats_than_the_brand_allows(cast, opera_chat):
    opera_chat.max_chats_per_agent = 2
    opera_chat.save()
    anna = actor_for(cast.opera.line1)
    sessions = [start(opera_chat, token=f"t{i}").message.session for i in range(3)]
    actions.accept_session(sessions[0], actor=anna)
    actions.accept_session(sessions[1], actor=anna)
    with pytest.raises(LimitReached):
        actions.accept_session(sessions[2], actor=anna)
    assert sessions[2].__class__.objects.get(pk=sessions[2].pk).state == SessionState.WAITING


def test_the_agents_first_chat_message_is_the_tickets_first_response(cast, opera_chat):
    session = start(opera_chat).message.session
    anna = actor_for(cast.opera.line1)
    actions.accept_session(session, actor=anna)
    posted = actions.post_agent_message(session, actor=anna, client_id="a1", text="Let me check.")
    assert posted.message.seq == 3
    assert posted.message.author_label
    ticket = Ticket.objects.get(pk=session.ticket_id)
    assert ticket.first_response_at is not None
    assert ticket.status == Status.OPEN
    first = ticket.first_response_at
    actions.post_agent_message(session, actor=anna, client_id="a2", text="Found them.")
    assert Ticket.objects.get(pk=session.ticket_id).first_response_at == first


def _statements(captured):
    return [q["sql"] for q in captured if "SAVEPOINT" not in q["sql"]]


def test_an_answer_after_the_first_is_four_statements_and_leaves_the_ticket_alone(cast, opera_chat):
    session = start(opera_chat).message.session
    anna = actor_for(cast.opera.line1)
    actions.accept_session(session, actor=anna)
    actions.post_agent_message(ChatSession(pk=session.pk), actor=anna, client_id="a1", text="Let me check.")
    with CaptureQueriesContext(connection) as captured:
        posted = actions.post_agent_message(
            ChatSession(pk=session.pk), actor=anna, client_id="a2", text="Found them."
        )
    assert posted.created
    statements = _statements(captured)
    # The session's lock, the client_id look-up, the next number, the message: no ticket row.
    assert len(statements) == 4, statements
    assert not any("tickets_ticket" in sql.split("FROM", 1)[-1].split("WHERE")[0] for sql in statements[1:])
    with CaptureQueriesContext(connection) as captured:
        visitor = actions.post_visitor_message(ChatSession(pk=session.pk), client_id="c2", text="Thanks")
    assert visitor.created
    assert len(_statements(captured)) == 4, _statements(captured)


def test_an_agent_of_another_brand_cannot_write_in_a_chat_by_its_id(cast, opera_chat):
    session = start(opera_chat).message.session
    actions.accept_session(session, actor=actor_for(cast.opera.line1))
    stranger = actor_for(cast.tours.line1)
    with pytest.raises(NotFound):
        actions.post_agent_message(ChatSession(pk=session.pk), actor=stranger, client_id="x", text="Hi")
    assert ChatMessage.objects.filter(session=session, sender=Sender.AGENT).count() == 0


def test_only_the_chats_agent_writes_in_it(cast, opera_chat):
    session = start(opera_chat).message.session
    with pytest.raises(ChatTaken):
        actions.post_agent_message(session, actor=actor_for(cast.opera.line2), client_id="x", text="Hi")


def test_transfer_to_a_line_puts_the_chat_back_in_that_lines_queue(cast, opera_chat):
    session = start(opera_chat).message.session
    anna = actor_for(cast.opera.line1)
    actions.accept_session(session, actor=anna)
    session, note = actions.transfer_session(session, actor=anna, to_line=2)
    assert session.state == SessionState.WAITING
    assert session.line == 2
    assert note.sender == Sender.SYSTEM
    assert not waiting_sessions_for(anna).exists()
    assert list(waiting_sessions_for(actor_for(cast.opera.line2))) == [session]
    assert Ticket.objects.get(pk=session.ticket_id).assignee_id is None


def test_transfer_to_an_agent_gives_them_the_chat_and_the_ticket(cast, opera_chat):
    session = start(opera_chat).message.session
    anna = actor_for(cast.opera.line1)
    actions.accept_session(session, actor=anna)
    session, _note = actions.transfer_session(session, actor=anna, to_agent=cast.opera.line2)
    assert session.agent_id == cast.opera.line2.pk
    assert session.state == SessionState.ACTIVE
    assert Ticket.objects.get(pk=session.ticket_id).assignee_id == cast.opera.line2.pk
    with pytest.raises(InvalidInput):
        actions.transfer_session(session, actor=actor_for(cast.opera.line2), to_agent=cast.tours.line1)


def test_ending_writes_the_transcript_into_the_ticket_once(
    cast, opera_chat, django_capture_on_commit_callbacks
):
    session = start(opera_chat).message.session
    anna = actor_for(cast.opera.line1)
    actions.accept_session(session, actor=anna)
    actions.post_agent_message(session, actor=anna, client_id="a1", text="They are in your mail now.")
    actions.post_visitor_message(
        session, client_id="c2", attachment=AttachmentIn("photo.png", "image/png", b"\x89PNG....")
    )
    with django_capture_on_commit_callbacks(execute=True):
        session, ended = actions.end_session(session, by=Sender.VISITOR)
    assert ended
    assert session.state == SessionState.ENDED
    assert actions.end_session(session, by=Sender.AGENT, actor=anna) == (session, False)
    messages = Message.objects.filter(ticket_id=session.ticket_id, channel=Channel.CHAT).order_by("id")
    transcript_message = messages.last()
    assert transcript_message.kind == MessageKind.REPLY
    assert "Where are my tickets?" in transcript_message.body_text
    assert "They are in your mail now." in transcript_message.body_text
    # The times' zone (the brand's) and day are said, since the times carry neither.
    zone = cast.opera.brand.time_zone or "UTC"
    assert transcript_message.body_text.splitlines()[1].endswith(f"{zone}.")
    assert [a.filename for a in transcript_message.attachments.all()] == ["photo.png"]
    with pytest.raises(ChatEnded):
        actions.post_visitor_message(session, client_id="c9", text="One more thing")


def test_limits_on_text_and_files(opera_chat):
    with pytest.raises(TooLarge):
        start(opera_chat, text="x" * 4001)
    opera_chat.max_attachment_bytes = 10
    opera_chat.save()
    session = start(opera_chat).message.session
    with pytest.raises(TooLarge):
        actions.post_visitor_message(
            session, client_id="f", attachment=AttachmentIn("a.txt", "text/plain", b"x" * 11)
        )
    with pytest.raises(InvalidInput):
        actions.post_visitor_message(session, client_id="", text="hi")
    assert ChatMessage.objects.count() == 1


def test_an_offline_message_opens_an_email_ticket_and_is_acknowledged(
    opera_chat, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = actions.send_offline_message(
            opera_chat, name="Vera", email="vera@example.com", text="Call me back please"
        )
    assert ticket.channel == Channel.EMAIL
    assert ticket.customer.email == "vera@example.com"
    assert [m.to for m in mailoutbox] == [["vera@example.com"]]
    with pytest.raises(InvalidInput):
        actions.send_offline_message(opera_chat, name="Vera", email="", text="Hi")
