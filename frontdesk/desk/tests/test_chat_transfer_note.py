"""The chat panel's transfer form takes the request for whoever takes the chat over (the escalation's work log)."""

from __future__ import annotations

import pytest

from frontdesk.chat import actions as chat_actions
from frontdesk.chat.models import ChatSettings
from frontdesk.testing.cast import PASSWORD
from frontdesk.users.actors import actor_for
from frontdesk.users.models import User

pytestmark = pytest.mark.django_db


def _own_chat(cast):
    chat, _created = ChatSettings.objects.get_or_create(brand=cast.opera.brand, defaults={"is_enabled": True})
    posted = chat_actions.start_session(
        chat, token="token-note", client_id="c1", text="Charged twice", name="Anna Visitor", language="en"
    )
    session, _note = chat_actions.accept_session(posted.message.session, actor=actor_for(cast.opera.line1))
    return session


def _transfer_form(html: str) -> str:
    start = html.index('<form class="chat-transfer inline"')
    return html[start : html.index("</form>", start)]


def test_the_transfer_form_has_an_optional_request_as_long_as_the_server_takes(cast, client):
    session = _own_chat(cast)
    assert client.login(email=cast.opera.line1.email, password=PASSWORD)
    form = _transfer_form(client.get(f"/desk/chat/{session.pk}/").content.decode())
    assert '<label for="chat-transfer-note">Request to the next line</label>' in form
    assert (
        f'<input type="text" id="chat-transfer-note" name="note" maxlength="{chat_actions.MAX_NOTE}" '
        'autocomplete="off">'
    ) in form
    assert "required" not in form.split('name="note"')[1]


def test_the_request_is_labelled_in_the_agents_language(cast, client):
    session = _own_chat(cast)
    User.objects.filter(pk=cast.opera.line1.pk).update(language="ru")
    assert client.login(email=cast.opera.line1.email, password=PASSWORD)
    form = _transfer_form(client.get(f"/desk/chat/{session.pk}/").content.decode())
    assert '<label for="chat-transfer-note">Просьба к следующей линии</label>' in form
