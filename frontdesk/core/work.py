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
