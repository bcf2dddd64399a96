"""The API's own bookkeeping: responses kept for ``Idempotency-Key`` retries."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class IdempotencyRecord(models.Model):
    """The response to a creating request, stored in the transaction that created the object.

    Unique per (user, key): of two concurrent requests with one key, one commits and the other finds its record.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # SHA-256 of the operation, its path and its parsed body: the same key with another request is refused.
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    # The JSON body as sent, kept as text so that a replay is byte for byte the same (jsonb reorders keys).
    response = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint("user", "key", name="idempotency_user_key_unique")
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["created_at"], name="idempotency_created")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.user_id})"
