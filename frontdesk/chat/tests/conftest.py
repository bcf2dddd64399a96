"""Fixtures of the chat tests: the cast's brands with the chat on."""

from __future__ import annotations

import pytest

from frontdesk.chat.models import ChatSettings
from frontdesk.testing.plugin import clear_own_cache


@pytest.fixture
def opera_chat(cast) -> ChatSettings:
    return ChatSettings.objects.create(
        brand=cast.opera.brand,
        is_enabled=True,
        allowed_origins=["https://www.opera.example"],
        greetings={"en": "Hello! How can we help?", "ru": "Здравствуйте! Чем помочь?"},
    )


@pytest.fixture
def tours_chat(cast) -> ChatSettings:
    return ChatSettings.objects.create(
        brand=cast.tours.brand, is_enabled=True, allowed_origins=["https://tours.example"]
    )


@pytest.fixture(autouse=True)
def _fresh_rate_counters() -> None:
    """Rate counters live in the cache for a minute or an hour; each test starts with none."""
    clear_own_cache()
