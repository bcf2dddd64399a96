"""Attachment files without a row: what a rolled-back transaction leaves in storage.

An attachment's file is written before its row is inserted (the row must never point at a missing file), so a
transaction that fails afterwards leaves the file behind. The sweeper removes such files once they are old
enough that no transaction can still be about to commit them.
"""

from __future__ import annotations

from datetime import timedelta

from frontdesk.core import files
from frontdesk.tickets.models import Attachment

ROOT = "attachments"
GRACE = timedelta(hours=24)


def _known(names: list[str]) -> set[str]:
    return set(Attachment.objects.filter(file__in=names).values_list("file", flat=True))


def sweep_orphan_files(*, grace: timedelta = GRACE) -> list[str]:
    """Delete attachment files older than ``grace`` that no attachment row refers to; return their names."""
    return files.sweep_orphan_files(ROOT, _known, grace=grace)
