"""Fixtures for the ticket domain tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_actor_cache() -> Iterator[None]:
    """Cached actors are keyed by user id; a rolled-back test may hand the same id to another person."""
    cache.clear()
    yield
    cache.clear()
