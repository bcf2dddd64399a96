"""Stored files without a row: what a rolled-back transaction leaves in storage.

A file is written before the row that points at it is inserted (a row must never point at a missing file), so a
transaction that fails afterwards leaves the file behind. The sweep removes such files under one storage folder
once they are old enough that no transaction can still be about to commit them. Each app that stores files
(ticket attachments, article files) runs it on its own folder with its own look-up of the names it knows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

from django.core.files.storage import default_storage
from django.utils import timezone

# Names checked against the database at once.
BATCH = 500


def stored_files(directory: str) -> Iterator[str]:
    """Every file under ``directory`` of the default storage, sub-folders included."""
    if not default_storage.exists(directory):
        return
    folders, files = default_storage.listdir(directory)
    for name in files:
        yield f"{directory}/{name}"
    for folder in folders:
        yield from stored_files(f"{directory}/{folder}")


def sweep_orphan_files(root: str, known: Callable[[list[str]], set[str]], *, grace: timedelta) -> list[str]:
    """Delete files under ``root`` older than ``grace`` whose names ``known`` (given a batch of names, the
    ones a row refers to) does not return; return the names deleted."""
    cutoff = timezone.now() - grace
    removed: list[str] = []
    batch: list[str] = []

    def flush() -> None:
        referred = known(batch)
        for name in batch:
            if name not in referred and default_storage.get_modified_time(name) < cutoff:
                default_storage.delete(name)
                removed.append(name)
        batch.clear()

    for name in stored_files(root):
        batch.append(name)
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    return removed
