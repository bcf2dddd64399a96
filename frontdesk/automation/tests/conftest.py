"""Fixtures for the trigger tests: the automation consumer switched on, and triggers made as the admin makes
them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache

from frontdesk.automation.actions import ActionSpec, create_trigger
from frontdesk.automation.models import Trigger
from frontdesk.users.actors import SYSTEM

CONSUMER = "frontdesk.automation.consumers.run_triggers"


@pytest.fixture(autouse=True)
def _fresh_actor_cache() -> None:
    cache = caches["default"]
    if isinstance(cache, LocMemCache):
        cache.clear()


@pytest.fixture
def automation(settings):
    """The configured consumers (mail, live pushes, reports ...) with the triggers' consumer last."""
    consumers = [path for path in settings.FRONTDESK_EVENT_CONSUMERS if path != CONSUMER]
    settings.FRONTDESK_EVENT_CONSUMERS = [*consumers, CONSUMER]
    return settings


@pytest.fixture
def dispatched(automation, django_capture_on_commit_callbacks) -> Callable[[], AbstractContextManager[None]]:
    """``with dispatched(): ...`` runs everything queued on commit inside the block, events' consumers too."""

    @contextmanager
    def run() -> Iterator[None]:
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return run


def make_trigger(
    brand_cast,
    name: str = "Trigger",
    *,
    events: tuple[str, ...] = ("created",),
    conditions: tuple[tuple[str, str, str], ...] = (),
    actions: tuple[ActionSpec | tuple[str, str], ...] = (),
    position: int = 0,
    match: str = "all",
) -> Trigger:
    return create_trigger(
        brand_cast.brand.pk,
        actor=SYSTEM,
        name=name,
        event_kinds=list(events),
        conditions=conditions,
        actions=[a if isinstance(a, ActionSpec) else ActionSpec(*a) for a in actions],
        position=position,
        match=match,
    )
