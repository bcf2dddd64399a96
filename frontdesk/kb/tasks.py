"""Background work of the knowledge base."""

from __future__ import annotations

import logging
from datetime import timedelta

from frontdesk.core.schedules import scheduled

logger = logging.getLogger(__name__)


@scheduled("kb.sweep_orphan_article_files", every=timedelta(days=1))
def sweep_orphan_article_files() -> None:
    from frontdesk.kb.files import sweep_orphan_files

    removed = sweep_orphan_files()
    if removed:
        logger.info("Removed %d article files without a row", len(removed))
