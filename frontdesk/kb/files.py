"""Article files without a row: what a rolled-back transaction leaves in storage.

An article attachment's file is written before its row is inserted, so a transaction that fails afterwards
leaves the file behind; the daily sweep removes such files once no transaction can still commit them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from django.core.files.storage import default_storage
from django.utils import timezone

from frontdesk.kb.models import ArticleAttachment

ROOT = "kb"
GRACE = timedelta(hours=24)
BATCH = 500


def _files(directory: str) -> Iterator[str]:
    if not default_storage.exists(directory):
        return
    folders, files = default_storage.listdir(directory)
    for name in files:
        yield f"{directory}/{name}"
    for folder in folders:
        yield from _files(f"{directory}/{folder}")


def sweep_orphan_files(*, grace: timedelta = GRACE) -> list[str]:
    """Delete article files older than ``grace`` that no attachment row refers to; return their names."""
    cutoff = timezone.now() - grace
    removed: list[str] = []
    batch: list[str] = []

    def flush() -> None:
        known = set(ArticleAttachment.objects.filter(file__in=batch).values_list("file", flat=True))
        for name in batch:
            if name not in known and default_storage.get_modified_time(name) < cutoff:
                default_storage.delete(name)
                removed.append(name)
        batch.clear()

    for name in _files(ROOT):
        batch.append(name)
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    return removed
