"""Background-work helpers: enqueue after commit and claim a row with a conditional UPDATE."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

M = TypeVar("M", bound=models.Model)


_held = threading.local()


def enqueue_on_commit(task: Callable[..., Any], *args: Any) -> None:
    """Queue ``task(*args)`` once the current transaction commits (at once outside a transaction)."""
    held: dict[Callable[..., Any], list[tuple[Any, ...]]] | None = getattr(_held, "doorbells", None)
    if held is not None and task in held:
        transaction.on_commit(lambda: held[task].append(args))
        return
    transaction.on_commit(lambda: task(*args))


@contextmanager
def one_doorbell_per_batch(task: Callable[..., Any], size: int) -> Iterator[None]:
    """Inside, ``enqueue_on_commit(task, ...)`` only notes its committed calls; on leaving, ``task`` is queued
    for every ``size``-th of them. For a task whose worker takes a batch (``claim_batch``) from the first row
    it is rung for: one doorbell per batch instead of one per row. Rows whose doorbell is lost (a crash before
    leaving) are found by their sweeper."""
    outer = getattr(_held, "doorbells", None)
    held = dict(outer or {})
    held[task] = []
    _held.doorbells = held
    calls = held[task]

    def ring() -> None:
        for args in calls[:: max(size, 1)]:
            task(*args)

    try:
        yield
    finally:
        _held.doorbells = outer
        # Inside an outer transaction the calls are noted when it commits: ring after them.
        transaction.on_commit(ring)


def claim(queryset: models.QuerySet[M], pk: Any, *, lease: timedelta, field: str = "claimed_until") -> bool:
    """Take the row ``pk`` for ``lease`` if nobody holds it: True only for the one caller whose UPDATE matched.

    ``queryset`` already excludes finished work; the lease guards against two workers on the same row and
    expires so that a crashed worker's row is taken again.
    """
    now = timezone.now()
    free = Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lt": now})
    return queryset.filter(free, pk=pk).update(**{field: now + lease}) == 1


def claim_batch(
    queryset: models.QuerySet[M],
    pk: Any,
    *,
    size: int,
    lease: timedelta,
    field: str = "claimed_until",
    extra: dict[str, Any] | None = None,
) -> list[Any]:
    """Take the free row ``pk`` of ``queryset`` and up to ``size`` - 1 more free rows, the oldest first, for
    ``lease``; nothing when ``pk`` is not free (its worker has it, and the others have doorbells of their own).

    Rows another worker holds are skipped (``SKIP LOCKED`` on PostgreSQL; SQLite writes one at a time), so
    workers share the queue instead of waiting on each other. ``extra`` sets more fields in the same UPDATE.
    Returns the primary keys taken, ``pk`` first.
    """
    now = timezone.now()
    free = Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lt": now})
    # The row that rang first, with the conditional UPDATE alone: a doorbell whose row another worker took
    # along in its batch costs one statement.
    if queryset.filter(free, pk=pk).update(**{field: now + lease}, **(extra or {})) != 1:
        return []
    if size <= 1:
        return [pk]
    with transaction.atomic():
        others = list(
            queryset.filter(free)
            .exclude(pk=pk)
            .order_by("pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[: size - 1]
        )
        if others:
            queryset.model._default_manager.filter(pk__in=others).update(
                **{field: now + lease}, **(extra or {})
            )
    return [pk, *others]


def next_free(queryset: models.QuerySet[M], field: str = "claimed_until") -> Any:
    """The oldest free row's primary key, or None: a worker that took a full batch rings for the rest, so a
    backlog drains whatever happened to the other doorbells."""
    now = timezone.now()
    free = Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lt": now})
    return queryset.filter(free).order_by("pk").values_list("pk", flat=True).first()
