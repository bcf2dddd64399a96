"""A simulated clock for backdating the demo history through the real actions.

The actions stamp every ticket, message, event and work-log row with ``django.utils.timezone.now()``. To give
the demo a believable past (tickets opened over the last ninety days, each answered, escalated and solved hours
or days later) the loader replaces that function, for the duration of the load only, with a clock it walks
forward step by step. Nothing else changes: the actions run as they would in production, so every history is
one the product itself wrote.

Limits, on purpose:
- Only calls that look the function up on the module at call time (``timezone.now()``) see the simulated time;
  model field defaults hold a reference to the real function. The loader therefore creates brands and people
  at the real time, before the clock starts, and only ticket work runs on the simulated clock (the ticket
  actions pass their time explicitly to every row they write).
- The patch is process-wide. ``load_demo`` runs before the web server and the worker start (``frontdesk run``)
  or in its own process (``frontdesk demo``), so no other thread sees the simulated time.
- The clock only moves forward, and never past the real time at which it was created.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from unittest import mock


class SimulatedClock:
    def __init__(self, start: datetime, *, limit: datetime) -> None:
        if start.tzinfo is None or start > limit:
            raise ValueError("The clock starts at an aware time before its limit.")
        self._now = start
        self.limit = limit

    def __call__(self) -> datetime:
        return self._now

    def move_to(self, moment: datetime) -> None:
        if moment < self._now:
            raise ValueError(f"The demo clock does not go back ({moment} < {self._now}).")
        self._now = min(moment, self.limit)


@contextmanager
def simulated_time(clock: SimulatedClock) -> Iterator[SimulatedClock]:
    """``django.utils.timezone.now`` answers from ``clock`` inside the block, and is restored after it."""
    with mock.patch("django.utils.timezone.now", clock):
        yield clock
