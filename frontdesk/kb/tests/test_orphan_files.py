"""Article files whose transaction rolled back are swept once they are a day old; files with a row stay."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from frontdesk.kb import actions
from frontdesk.kb.files import sweep_orphan_files
from frontdesk.users.actors import actor_for


def test_a_rolled_back_article_file_is_swept_a_day_later_and_a_kept_one_stays(cast, write_article):
    article = write_article()
    agent = actor_for(cast.opera.line1)

    def attach_then_fail() -> None:
        with transaction.atomic():
            actions.add_article_attachment(
                article, actor=agent, filename="lost.png", content_type="image/png", data=b"x"
            )
            raise RuntimeError("after the file was written")

    with pytest.raises(RuntimeError):
        attach_then_fail()
    kept = actions.add_article_attachment(
        article, actor=agent, filename="map.png", content_type="image/png", data=b"y"
    ).file.name

    assert sweep_orphan_files() == []  # nothing is old enough yet
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        removed = sweep_orphan_files()

    assert "lost.png" in [name.rsplit("/", 1)[-1] for name in removed]
    assert kept not in removed
    assert default_storage.exists(kept)
