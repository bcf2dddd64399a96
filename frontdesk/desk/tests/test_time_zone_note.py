"""The queue and the ticket page name the zone their times are in: the agent's own, else the site's."""

from __future__ import annotations

import pytest

from frontdesk.testing.cast import PASSWORD


@pytest.mark.parametrize(("zone", "shown"), [("", "UTC"), ("Europe/Moscow", "Europe/Moscow")])
def test_the_queue_and_the_ticket_page_name_the_time_zone(cast, client, zone, shown):
    agent = cast.opera.line1
    agent.time_zone = zone
    agent.save(update_fields=["time_zone"])
    ticket = cast.opera.ticket()
    assert client.login(email=agent.email, password=PASSWORD)
    note = f"Times in the {shown} time zone."
    queue = client.get("/desk/queues/all/", follow=True).content.decode()
    assert ticket.number in queue
    assert note in queue
    assert note in client.get(f"/desk/tickets/{ticket.number}/").content.decode()
