"""Background-work helpers: enqueue after commit and claim a row with a conditional UPDATE."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

M = TypeVar("M", bound=models.Model)


def enqueue_on_commit(task: Callable[..., Any], *args: Any) -> None:
    """Queue ``task(*args)`` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: task(*args))


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
    """Take up to ``size`` free rows of ``queryset`` for ``lease``: ``pk`` first when it is free, then the oldest.

    Rows another worker holds are skipped (``SKIP LOCKED`` on PostgreSQL; SQLite writes one at a time), so
    workers that ring for different rows share the queue instead of waiting on each other. ``extra`` sets more
    fields in the same UPDATE. Returns the primary keys taken, ``pk`` first.
    """
    now = timezone.now()
    free = Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lt": now})
    with transaction.atomic():
        first = list(
            queryset.filter(free, pk=pk).select_for_update(skip_locked=True).values_list("pk", flat=True)
        )
        others = list(
            queryset.filter(free)
            .exclude(pk=pk)
            .order_by("pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[: max(size - len(first), 0)]
        )
        taken = first + others
        if taken:
            queryset.model._default_manager.filter(pk__in=taken).update(
                **{field: now + lease}, **(extra or {})
            )
    return taken
