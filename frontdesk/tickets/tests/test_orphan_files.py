"""Files of attachments whose transaction rolled back are swept once they are a day old; others stay."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from frontdesk.core.errors import InvalidInput
from frontdesk.tickets import actions
from frontdesk.tickets.content import AttachmentIn, make_body
from frontdesk.tickets.files import sweep_orphan_files
from frontdesk.tickets.models import Attachment
from frontdesk.users.actors import actor_for


def _note_then_fail(ticket, agent):
    with transaction.atomic():
        actions.add_note(
            ticket,
            actor=agent,
            body=make_body(text="logs"),
            attachments=[AttachmentIn("log.txt", "text/plain", b"x")],
        )
        raise InvalidInput("something after the file was written")


def test_a_rolled_back_attachment_leaves_a_file_that_the_sweeper_removes_a_day_later(cast):
    ticket = cast.opera.ticket()
    agent = actor_for(cast.opera.line1)
    with pytest.raises(InvalidInput):
        _note_then_fail(ticket, agent)
    note = actions.add_note(
        ticket,
        actor=agent,
        body=make_body(text="logs"),
        attachments=[AttachmentIn("kept.txt", "text/plain", b"y")],
    )
    kept = Attachment.objects.get(message=note).file.name
    stray = default_storage.save("attachments/2020/01/stray.txt", ContentFile(b"z"))

    assert sweep_orphan_files() == []  # nothing is old enough yet
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        removed = sweep_orphan_files()

    assert stray in removed
    assert any(name.endswith("log.txt") for name in removed)
    assert kept not in removed
    assert default_storage.exists(kept)
    assert not default_storage.exists(stray)
