"""Fixtures for the domain tests in this folder."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache


@pytest.fixture(autouse=True)
def _fresh_actor_cache() -> None:
    """Start each test with an empty in-process cache. A shared Redis cache is left alone: other test
    processes may be using it, and cached actors are keyed so that they cannot leak between databases."""
    cache = caches["default"]
    if isinstance(cache, LocMemCache):
        cache.clear()
