"""A worker that dies loses no scheduled work: the status update that fell due while no worker ran is sent once
when a worker starts again, and not again by the next one. Real ``frontdesk worker`` processes on the embedded
SQLite database and task queue, killed with SIGKILL as a crash or an out-of-memory kill would."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

from tests.browser.server import clean_env, frontdesk, running_frontdesk

SETUP = """
import json
from frontdesk.brands.actions import create_brand
from frontdesk.sla.models import SlaPolicy
from frontdesk.tickets import actions
from frontdesk.tickets.choices import Channel
from frontdesk.tickets.content import make_body
from frontdesk.users import actions as people
from frontdesk.users.actors import SYSTEM

brand = create_brand(name="Restart Opera", slug="restart", ticket_prefix="RST", languages=["en"])
SlaPolicy.objects.create(brand=brand, name="Hourly news", update_interval_minutes=60)
customer = people.create_customer(brand, actor=SYSTEM, name="Ann Lee", emails=["ann@restart-mail.example"])
ticket = actions.create_ticket(
    brand, actor=SYSTEM, customer=customer, subject="Tickets not received",
    body=make_body(text="My e-tickets did not arrive."), channel=Channel.WEB,
)
print(json.dumps({"ticket": ticket.pk}))
"""

STATE = """
import json
from frontdesk.tickets.models import Ticket, TicketEvent
ticket = Ticket.objects.get(pk={ticket})
updates = list(TicketEvent.objects.filter(ticket=ticket, kind="status_update").values_list("pk", flat=True))
mails = 0
if updates:
    from frontdesk.mail.models import OutboundMessage
    mails = OutboundMessage.objects.filter(event_id__in=updates).count()
print(json.dumps({{
    "due": ticket.next_update_due_at.isoformat() if ticket.next_update_due_at else None,
    "updates": len(updates),
    "mails": mails,
    "undispatched": TicketEvent.objects.filter(ticket=ticket, dispatched_at__isnull=True).count(),
}}))
"""

# The worker was down for an hour: the ticket's update fell due meanwhile, and so did the schedule, whose last
# holder died with its claim (now expired) still on the row.
DOWNTIME = """
from datetime import timedelta
from django.utils import timezone
from frontdesk.core.models import ScheduleState
from frontdesk.tickets.models import Ticket
now = timezone.now()
Ticket.objects.filter(pk={ticket}).update(next_update_due_at=now - timedelta(minutes=5))
ScheduleState.objects.filter(name="tickets.send_status_updates").update(
    due_at=now - timedelta(hours=1), claimed_until=now - timedelta(seconds=1)
)
"""


def _shell(data: Path, script: str) -> dict[str, object]:
    output = frontdesk("shell", "--no-imports", "-c", script, env=clean_env(data)).stdout.strip()
    return dict(json.loads(output.splitlines()[-1])) if output else {}


def _wait_for(data: Path, ticket: int, ready: str, timeout: float = 60) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while True:
        state = _shell(data, STATE.format(ticket=ticket))
        if state[ready] or time.monotonic() > deadline:
            return state
        time.sleep(0.5)


def test_a_status_update_due_while_the_worker_was_down_is_sent_once_after_a_restart(
    migrated_data: Path,
) -> None:
    data = migrated_data
    ticket = int(str(_shell(data, SETUP)["ticket"]))

    # The first worker takes the new ticket's event from the queue and sets the update clock, then crashes.
    with running_frontdesk(data, args=("worker",), ready="Huey consumer started", listen=False) as worker:
        state = _wait_for(data, ticket, "due")
        assert state["due"], f"the worker never set the update clock:\n{worker.output}"
        worker.stop(signal.SIGKILL)
    assert state["updates"] == 0

    _shell(data, DOWNTIME.format(ticket=ticket))
    before = _shell(data, STATE.format(ticket=ticket))
    assert before["updates"] == 0

    # The next worker finds the missed update when it starts and sends it, with its mail, once.
    with running_frontdesk(data, args=("worker",), ready="Huey consumer started", listen=False) as worker:
        state = _wait_for(data, ticket, "mails")
        assert worker.stop(signal.SIGINT, timeout=20) == 0
    assert state["updates"] == 1, worker.output
    assert state["mails"] == 1, worker.output
    assert "Traceback" not in worker.output

    # A third start sends nothing more: the update was taken and the next one is an hour away.
    with running_frontdesk(data, args=("worker",), ready="Huey consumer started", listen=False) as worker:
        time.sleep(3)
        assert worker.stop(signal.SIGINT, timeout=20) == 0
    after = _shell(data, STATE.format(ticket=ticket))
    assert after["updates"] == 1
    assert after["mails"] == 1
    assert after["undispatched"] == 0
    assert after["due"] is not None
