"""Where the chat sockets' database work runs: the one thread of thread-sensitive calls by default, a pool of
``FRONTDESK_CHAT_DB_THREADS`` threads when set."""

from __future__ import annotations

import threading

import pytest
from asgiref.sync import async_to_sync

from frontdesk.chat import consumers

# Django's wrapper closes outdated connections around the call: the database must be open to the test.
pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_pool(monkeypatch):
    monkeypatch.setattr(consumers, "_pool", None)
    yield
    if consumers._pool is not None:
        consumers._pool.shutdown(wait=True)


def _thread_names(count: int) -> list[str]:
    async def scenario() -> list[str]:
        import asyncio

        work = consumers._run(lambda: threading.current_thread().name)
        return list(await asyncio.gather(*(work() for _ in range(count))))

    return async_to_sync(scenario)()


def test_by_default_the_work_runs_in_one_thread_outside_any_pool(settings, fresh_pool):
    settings.FRONTDESK_CHAT_DB_THREADS = 0
    names = _thread_names(4)
    assert len(set(names)) == 1
    assert not names[0].startswith("chat-db")
    assert consumers._pool is None


def test_with_threads_set_the_work_runs_on_a_pool_of_that_size(settings, fresh_pool):
    settings.FRONTDESK_CHAT_DB_THREADS = 2
    names = _thread_names(8)
    assert all(name.startswith("chat-db") for name in names)
    assert consumers._pool is not None
    assert consumers._pool._max_workers == 2
