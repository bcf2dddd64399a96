"""The desk's chat panel: the queue of the agent's brands and their own chats, one conversation with the
visitor's page, the customer's other tickets and the canned answers, and the chat block of a chat ticket's page.
Only agents of the brand see any of it."""

from __future__ import annotations

import itertools
import re

import pytest

from frontdesk.chat import actions as chat_actions
from frontdesk.chat.choices import Sender
from frontdesk.chat.models import ChatSettings
from frontdesk.testing.cast import PASSWORD
from frontdesk.tickets.canned import create_canned_answer
from frontdesk.tickets.content import AttachmentIn
from frontdesk.users.actors import SYSTEM, actor_for
from frontdesk.users.models import User

pytestmark = pytest.mark.django_db

_tokens = itertools.count(1)


def _sign_in(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def _chat(brand):
    settings, _created = ChatSettings.objects.get_or_create(brand=brand, defaults={"is_enabled": True})
    return settings


def _start(brand, text="Where are my tickets?", *, name="Anna Visitor", page="https://opera.example/tosca"):
    """A visitor's first message: a waiting chat and its ticket."""
    posted = chat_actions.start_session(
        _chat(brand),
        token=f"token-{next(_tokens)}",
        client_id="c1",
        text=text,
        name=name,
        page=page,
        language="en",
    )
    return posted.message.session


def _accept(session, user):
    session, _note = chat_actions.accept_session(session, actor=actor_for(user))
    return session


# Who may open it -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/desk/chat/", "/desk/chat/queue/"])
def test_anonymous_visitors_are_sent_to_sign_in(client, db, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("path", ["/desk/chat/", "/desk/chat/queue/"])
def test_the_outsider_and_a_customer_get_404(cast, client, path):
    _start(cast.opera.brand)
    for user in (cast.outsider, cast.opera.customer_user):
        client.logout()
        assert _sign_in(client, user).get(path).status_code == 404


def test_a_chat_of_another_brand_is_a_404_like_a_missing_one(cast, client):
    theirs = _start(cast.tours.brand, "Secret of the other brand")
    _sign_in(client, cast.opera.line1)
    for path in (f"/desk/chat/{theirs.pk}/", f"/desk/chat/{theirs.pk + 1000}/"):
        response = client.get(path)
        assert response.status_code == 404
        assert b"Secret of the other brand" not in response.content
    assert client.get(f"/desk/chat/{theirs.pk}/", HTTP_HX_REQUEST="true").status_code == 404


def test_the_outsider_and_a_customer_get_404_for_a_conversation(cast, client):
    session = _start(cast.opera.brand)
    for user in (cast.outsider, cast.opera.customer_user):
        client.logout()
        assert _sign_in(client, user).get(f"/desk/chat/{session.pk}/").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in_from_a_conversation(cast, client):
    session = _start(cast.opera.brand)
    assert client.get(f"/desk/chat/{session.pk}/").status_code == 302
    assert client.get(f"/desk/chat/tickets/{session.ticket.number}/").status_code == 302


# The queue -------------------------------------------------------------------------------------------------


def test_the_queue_shows_the_waiting_chats_of_the_agents_brands_only(cast, client):
    ours = _start(cast.opera.brand, name="Maria Callas")
    theirs = _start(cast.tours.brand, name="Tito Gobbi")
    html = _sign_in(client, cast.opera.line1).get("/desk/chat/").content.decode()
    assert "Maria Callas" in html
    assert f'href="/desk/chat/{ours.pk}/"' in html
    assert f'data-session="{ours.pk}"' in html
    assert "Tito Gobbi" not in html
    assert f"/desk/chat/{theirs.pk}/" not in html
    # The socket the page keeps open, and the way back to the queues.
    assert 'data-socket="/ws/desk/chat/"' in html
    assert 'href="/desk/queues/"' in html


def test_a_provider_admin_sees_the_waiting_chats_of_every_brand(cast, client):
    _start(cast.opera.brand, name="Maria Callas")
    _start(cast.tours.brand, name="Tito Gobbi")
    html = _sign_in(client, cast.provider_admin).get("/desk/chat/queue/").content.decode()
    assert "Maria Callas" in html
    assert "Tito Gobbi" in html


def test_an_accepted_chat_moves_from_the_queue_to_the_agents_own_chats(cast, client):
    session = _accept(_start(cast.opera.brand, name="Maria Callas"), cast.opera.line1)
    html = _sign_in(client, cast.opera.line1).get("/desk/chat/queue/").content.decode()
    mine = html[html.index('class="chat-mine"') :]
    assert f'href="/desk/chat/{session.pk}/"' in mine
    assert "No chat is waiting." in html
    client.logout()
    # Not the colleague's own chat.
    html = _sign_in(client, cast.opera.admin).get("/desk/chat/queue/").content.decode()
    assert "Maria Callas" not in html
    assert "You have no active chat." in html


def test_a_chat_sent_to_line_two_waits_for_line_two_agents_only(cast, client):
    session = _accept(_start(cast.opera.brand, name="Maria Callas"), cast.opera.line1)
    chat_actions.transfer_session(session, actor=actor_for(cast.opera.line1), to_line=2)
    assert "Maria Callas" not in _sign_in(client, cast.opera.line1).get("/desk/chat/queue/").content.decode()
    client.logout()
    assert "Maria Callas" in _sign_in(client, cast.opera.line2).get("/desk/chat/queue/").content.decode()


def test_the_queue_marks_the_open_conversation(cast, client):
    session = _start(cast.opera.brand)
    _sign_in(client, cast.opera.line1)
    html = client.get(f"/desk/chat/queue/?current={session.pk}").content.decode()
    assert f'href="/desk/chat/{session.pk}/" aria-current="page"' in html
    # Anything else is no conversation, not an error.
    for current in ("abc", "9" * 40, "-1"):
        assert client.get(f"/desk/chat/queue/?current={current}").status_code == 200


@pytest.mark.parametrize("path", ["/desk/chat/", "/desk/chat/queue/"])
def test_the_queue_costs_the_same_queries_with_two_or_twenty_chats(cast, client, count_queries, path):
    _sign_in(client, cast.opera.line1)
    for _ in range(2):
        _start(cast.opera.brand)
    _accept(_start(cast.opera.brand), cast.opera.line1)
    client.get(path)
    with count_queries() as few:
        client.get(path)
    for _ in range(18):
        _start(cast.opera.brand)
    ChatSettings.objects.filter(brand=cast.opera.brand).update(max_chats_per_agent=10)
    for _ in range(3):
        _accept(_start(cast.opera.brand), cast.opera.line1)
    with count_queries(len(few)):
        html = client.get(path).content.decode()
    assert html.count('class="chat-accept"') == 20


# A conversation --------------------------------------------------------------------------------------------


def test_a_conversation_shows_the_messages_in_order_with_the_visitors_page_and_customer(cast, client):
    session = _start(cast.opera.brand, "First question", name="Maria Callas")
    chat_actions.post_visitor_message(session, client_id="c2", text="Second question")
    html = _sign_in(client, cast.opera.line1).get(f"/desk/chat/{session.pk}/").content.decode()
    assert html.index("First question") < html.index("Second question")
    assert 'href="https://opera.example/tosca" target="_blank" rel="noopener noreferrer"' in html
    assert f'href="/desk/tickets/{session.ticket.number}/"' in html
    assert 'id="customer-panel"' in html
    assert 'class="chat-accept"' in html  # waiting: anyone of the brand may accept it
    assert 'id="chat-composer"' not in html  # not theirs yet
    assert 'data-last-seq="2"' in html
    assert 'class="messages"' not in html  # the layout's notices are not the chat's messages


def test_the_customer_panel_lists_the_customers_earlier_tickets(cast, client):
    customer = cast.opera.customer
    earlier = cast.opera.ticket("Seats for Tosca")
    posted = chat_actions.start_session(
        _chat(cast.opera.brand),
        token="known-visitor",
        client_id="c1",
        text="Hello again",
        email=customer.email,
        name=customer.name,
    )
    session = posted.message.session
    assert session.customer_id == customer.pk
    html = _sign_in(client, cast.opera.line1).get(f"/desk/chat/{session.pk}/").content.decode()
    panel = html[html.index('id="customer-panel"') :]
    assert earlier.number in panel
    assert "Seats for Tosca" in panel


def test_visitor_text_and_page_are_shown_as_text_never_as_markup_or_script_links(cast, client):
    session = _start(
        cast.opera.brand, "<script>alert(1)</script>", name="<b>Bold</b>", page="javascript:alert(1)"
    )
    html = _sign_in(client, cast.opera.line1).get(f"/desk/chat/{session.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>Bold</b>" not in html
    assert 'href="javascript:' not in html
    assert "javascript:alert(1)" in html  # shown, as text


def test_the_agents_own_chat_has_the_composer_with_the_brands_canned_answers_and_transfer(cast, client):
    create_canned_answer(cast.opera.brand, actor=SYSTEM, title="Tickets resent", body="We sent them again.")
    session = _accept(_start(cast.opera.brand), cast.opera.line1)
    _sign_in(client, cast.opera.line1)
    html = client.get(f"/desk/chat/{session.pk}/").content.decode()
    assert 'id="chat-composer"' in html
    assert f'hx-get="/desk/tickets/{session.ticket.number}/canned/"' in html
    assert 'class="chat-transfer inline"' in html
    # The brand's agents other than the chat's own, and the lines.
    assert f'value="agent:{cast.opera.line2.pk}"' in html
    assert f'value="agent:{cast.opera.line1.pk}"' not in html
    assert f'value="agent:{cast.tours.line1.pk}"' not in html
    assert 'value="line:2"' in html
    assert 'class="chat-end danger"' in html
    # The canned picker the composer uses finds the brand's answers.
    found = client.get(f"/desk/tickets/{session.ticket.number}/canned/?q=resent").content.decode()
    assert "Tickets resent" in found


def test_another_agent_sees_a_taken_chat_without_composer_or_accept(cast, client):
    session = _accept(_start(cast.opera.brand), cast.opera.line1)
    html = _sign_in(client, cast.opera.line2).get(f"/desk/chat/{session.pk}/").content.decode()
    assert 'id="chat-composer"' not in html
    assert 'class="chat-accept"' not in html
    assert 'class="chat-transfer inline"' not in html
    assert cast.opera.line1.name in html  # whose chat it is


def test_an_ended_chat_points_to_its_ticket(cast, client):
    session = _accept(_start(cast.opera.brand), cast.opera.line1)
    chat_actions.end_session(session, by=Sender.AGENT, actor=actor_for(cast.opera.line1))
    html = _sign_in(client, cast.opera.line1).get(f"/desk/chat/{session.pk}/").content.decode()
    assert "This chat has ended" in html
    assert 'id="chat-composer"' not in html
    assert 'class="chat-end' not in html


def test_htmx_gets_the_conversation_part_only(cast, client):
    session = _start(cast.opera.brand)
    _sign_in(client, cast.opera.line1)
    html = client.get(f"/desk/chat/{session.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert html.lstrip().startswith('<div class="chat-conversation" id="chat-conversation"')
    assert 'id="chat-queue"' not in html


def test_a_conversation_costs_the_same_queries_with_few_or_many_messages(cast, client, count_queries):
    session = _accept(_start(cast.opera.brand), cast.opera.line1)
    _sign_in(client, cast.opera.line1)
    path = f"/desk/chat/{session.pk}/"
    client.get(path)
    with count_queries() as few:
        client.get(path)
    for i in range(30):
        chat_actions.post_visitor_message(session, client_id=f"m{i}", text=f"Message {i}")
    with count_queries(len(few)):
        html = client.get(path).content.decode()
    assert "Message 29" in html


def test_the_page_is_in_the_agents_language(cast, client):
    session = _start(cast.opera.brand)
    User.objects.filter(pk=cast.opera.line1.pk).update(language="pl")
    html = _sign_in(client, cast.opera.line1).get(f"/desk/chat/{session.pk}/").content.decode()
    assert "Czat na żywo" in html
    assert "Przyjmij" in html


def test_the_top_bar_links_agents_to_the_chat_panel_and_nobody_else(cast, client):
    assert 'href="/desk/chat/"' in _sign_in(client, cast.opera.line1).get("/desk/chat/").content.decode()
    client.logout()
    _sign_in(client, cast.opera.customer_user)
    assert 'href="/desk/chat/"' not in client.get("/").content.decode()


# The ticket page of a chat ticket --------------------------------------------------------------------------


def test_a_chat_tickets_page_loads_its_chat_block(cast, client):
    session = _start(cast.opera.brand)
    _sign_in(client, cast.opera.line1)
    html = client.get(f"/desk/tickets/{session.ticket.number}/").content.decode()
    assert f'hx-get="/desk/chat/tickets/{session.ticket.number}/"' in html
    other = cast.opera.ticket("Mail ticket")
    assert "/desk/chat/tickets/" not in client.get(f"/desk/tickets/{other.number}/").content.decode()


def test_the_chat_block_shows_the_live_transcript_while_the_chat_goes_on(cast, client):
    session = _accept(_start(cast.opera.brand, "Where are my tickets?"), cast.opera.line1)
    html = (
        _sign_in(client, cast.opera.line2)
        .get(f"/desk/chat/tickets/{session.ticket.number}/")
        .content.decode()
    )
    assert "Where are my tickets?" in html
    assert "joined the chat" in html
    assert 'hx-trigger="every 4s"' in html
    assert f'href="/desk/chat/{session.pk}/"' in html


def test_the_chat_block_of_an_ended_chat_points_to_the_transcript_and_stops_polling(cast, client):
    session = _accept(_start(cast.opera.brand, "Where are my tickets?"), cast.opera.line1)
    chat_actions.end_session(session, by=Sender.VISITOR)
    _sign_in(client, cast.opera.line1)
    block = client.get(f"/desk/chat/tickets/{session.ticket.number}/").content.decode()
    assert "The transcript is in the history of the ticket." in block
    assert "every 4s" not in block
    page = client.get(f"/desk/tickets/{session.ticket.number}/").content.decode()
    assert "Where are my tickets?" in page  # the transcript message


def test_the_chat_block_of_another_brands_ticket_is_a_404(cast, client):
    session = _start(cast.tours.brand, "Secret of the other brand")
    for user in (cast.opera.line1, cast.outsider, cast.tours.customer_user):
        client.logout()
        response = _sign_in(client, user).get(f"/desk/chat/tickets/{session.ticket.number}/")
        assert response.status_code == 404
        assert b"Secret of the other brand" not in response.content


# Canned answers in a chat ----------------------------------------------------------------------------------


def _signed_answer(brand):
    return create_canned_answer(
        brand,
        actor=SYSTEM,
        title="Tickets resent",
        body="Hello {customer_first_name},\n\nwe sent your tickets again.\n\nKind regards,\n{agent_name}, {brand_name}",
    )


def test_a_canned_answer_goes_into_the_chat_with_its_sign_off_for_a_chat_is_not_signed(cast, client):
    answer = _signed_answer(cast.opera.brand)
    session = _accept(_start(cast.opera.brand, name="Anna Visitor"), cast.opera.line1)
    _sign_in(client, cast.opera.line1)
    response = client.post(f"/desk/chat/{session.pk}/canned/{answer.pk}/", {"body": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<textarea id="id_body" name="body"')
    agent = actor_for(cast.opera.line1).label
    assert f"Kind regards,\n{agent}, {cast.opera.brand.name}</textarea>" in html
    assert 'id="canned-results"' in html  # the list of answers closes
    # and a fresh search box replaces the one typed in: a search still due from it cannot fill the list again.
    box = re.search(r'<input type="search" id="canned-q"[^>]*>', html).group(0)
    assert 'hx-swap-oob="true"' in box
    assert 'hx-params="q"' in box
    assert f'hx-get="/desk/tickets/{session.ticket.number}/canned/"' in box
    # What the agent wrote stays above it.
    html = client.post(
        f"/desk/chat/{session.pk}/canned/{answer.pk}/", {"body": "One moment"}
    ).content.decode()
    assert "One moment\n\nHello" in html


def test_the_ticket_pages_picker_still_leaves_the_sign_off_to_the_mail(cast, client):
    answer = _signed_answer(cast.opera.brand)
    session = _accept(_start(cast.opera.brand), cast.opera.line1)
    _sign_in(client, cast.opera.line1)
    html = client.post(
        f"/desk/tickets/{session.ticket.number}/canned/{answer.pk}/", {"body": ""}
    ).content.decode()
    assert "Kind regards," in html
    assert f"{cast.opera.brand.name}</textarea>" not in html


def test_canned_answers_of_another_brands_chat_are_a_404(cast, client):
    answer = _signed_answer(cast.tours.brand)
    theirs = _start(cast.tours.brand)
    ours = _accept(_start(cast.opera.brand), cast.opera.line1)
    for user in (cast.opera.line1, cast.outsider, cast.tours.customer_user):
        client.logout()
        _sign_in(client, user)
        assert client.post(f"/desk/chat/{theirs.pk}/canned/{answer.pk}/").status_code == 404
    client.logout()
    _sign_in(client, cast.opera.line1)
    # Another brand's answer in our own chat is as missing as one that does not exist.
    assert client.post(f"/desk/chat/{ours.pk}/canned/{answer.pk}/").status_code == 404
    assert client.post(f"/desk/chat/{ours.pk}/canned/{answer.pk + 1000}/").status_code == 404
    assert client.get(f"/desk/chat/{ours.pk}/canned/{answer.pk}/").status_code == 405


def test_anonymous_visitors_are_sent_to_sign_in_from_the_chats_canned_answers(cast, client):
    session = _start(cast.opera.brand)
    answer = _signed_answer(cast.opera.brand)
    assert client.post(f"/desk/chat/{session.pk}/canned/{answer.pk}/").status_code == 302


# Files -----------------------------------------------------------------------------------------------------


def test_a_file_sent_before_the_page_loaded_is_a_link_to_it(cast, client):
    session = _start(cast.opera.brand)
    chat_actions.post_visitor_message(
        session, client_id="c2", attachment=AttachmentIn("seats.txt", "text/plain", b"Row 5")
    )
    _sign_in(client, cast.opera.line1)
    for path in (f"/desk/chat/{session.pk}/", f"/desk/chat/tickets/{session.ticket.number}/"):
        html = client.get(path).content.decode()
        found = re.search(
            r'<a href="https?://[^/"]+(/chat/files/[^"]+/)" target="_blank" rel="noopener noreferrer">seats.txt</a>',
            html,
        )
        assert found, "no link to the file"
        # The chat's signed address of the file.
        response = client.get(found.group(1))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"Row 5"


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "joined the chat."), ("ru", "теперь в чате."), ("pl", "jest teraz na czacie.")],
)
def test_the_agent_who_accepted_is_said_to_be_in_the_chat_not_to_be_joining_it(cast, client, language, words):
    posted = chat_actions.start_session(
        _chat(cast.opera.brand), token="joined-visitor", client_id="c1", text="Hello", language=language
    )
    session = _accept(posted.message.session, cast.opera.line1)
    html = _sign_in(client, cast.opera.line1).get(f"/desk/chat/{session.pk}/").content.decode()
    assert words in html
