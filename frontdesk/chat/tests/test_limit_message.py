"""The message that refuses one more chat to an agent at the brand's limit counts its chats in the plural form
of the agent's language."""

from __future__ import annotations

import pytest
from django.utils import translation

from frontdesk.chat import actions
from frontdesk.chat.errors import LimitReached
from frontdesk.chat.tests.test_transfers import accepted
from frontdesk.users.actors import actor_for

pytestmark = pytest.mark.django_db


def _refusal(chat, agent, limit: int, language: str) -> str:
    chat.max_chats_per_agent = limit
    chat.save()
    for n in range(limit):
        accepted(chat, agent, token=f"tok-{n}")
    extra = actions.start_session(chat, token="tok-extra", client_id="c1", text="Help").message.session
    with translation.override(language), pytest.raises(LimitReached) as refused:
        actions.accept_session(extra, actor=actor_for(agent))
    return str(refused.value.detail)


@pytest.mark.parametrize(
    ("language", "limit", "words"),
    [
        ("ru", 1, "У вас уже 1 чат "),
        ("ru", 3, "У вас уже 3 чата "),
        ("ru", 5, "У вас уже 5 чатов "),
        ("pl", 3, "Masz już 3 czaty "),
        ("pl", 5, "Masz już 5 czatów "),
        ("en", 1, "You already have 1 chat, "),
        ("en", 3, "You already have 3 chats, "),
    ],
)
def test_the_limit_message_counts_chats_in_the_right_plural_form(cast, opera_chat, language, limit, words):
    assert _refusal(opera_chat, cast.opera.line1, limit, language).startswith(words)
