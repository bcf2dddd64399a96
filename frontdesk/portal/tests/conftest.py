from __future__ import annotations

import pytest

from frontdesk.testing.cast import PASSWORD


@pytest.fixture
def sign_in(client):
    """``sign_in(user)``: the test client signed in as ``user`` with the cast's password."""

    def signed_in(user):
        assert client.login(email=user.email, password=PASSWORD)
        return client

    return signed_in


@pytest.fixture(autouse=True)
def _quick_lookups(monkeypatch):
    """Look-ups answer without their minimum delay in tests (one test checks the delay)."""
    from frontdesk.portal import lookup

    monkeypatch.setattr(lookup, "MIN_ANSWER_SECONDS", 0.0)


@pytest.fixture(autouse=True)
def _clear_cache():
    from frontdesk.testing.plugin import clear_own_cache

    clear_own_cache()
    yield
    clear_own_cache()
