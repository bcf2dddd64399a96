"""The request list and a request's page name the zone their times are in: the person's own, else the brand's."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(("zone", "shown"), [("", "Europe/Moscow"), ("Europe/Warsaw", "Europe/Warsaw")])
def test_the_request_list_and_page_name_the_time_zone(cast, sign_in, zone, shown):
    brand = cast.opera.brand
    brand.time_zone = "Europe/Moscow"
    brand.save(update_fields=["time_zone"])
    user = cast.opera.customer_user
    user.time_zone = zone
    user.save(update_fields=["time_zone"])
    ticket = cast.opera.ticket()
    client = sign_in(user)
    note = f"Times in the {shown} time zone."
    listing = client.get("/portal/opera/requests/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ticket.number in listing
    assert note in listing
    assert (
        note
        in client.get(f"/portal/opera/tickets/{ticket.number}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
