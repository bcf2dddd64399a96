"""Article files without a row: what a rolled-back transaction leaves in storage.

An article attachment's file is written before its row is inserted, so a transaction that fails afterwards
leaves the file behind; the daily sweep removes such files once no transaction can still commit them.
"""

from __future__ import annotations

from datetime import timedelta

from frontdesk.core import files
from frontdesk.kb.models import ArticleAttachment

ROOT = "kb"
GRACE = timedelta(hours=24)


def _known(names: list[str]) -> set[str]:
    return set(ArticleAttachment.objects.filter(file__in=names).values_list("file", flat=True))


def sweep_orphan_files(*, grace: timedelta = GRACE) -> list[str]:
    """Delete article files older than ``grace`` that no attachment row refers to; return their names."""
    return files.sweep_orphan_files(ROOT, _known, grace=grace)
