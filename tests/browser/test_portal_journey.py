"""The customers' portal: a stranger follows a request by its number and address through the mailed link and
answers it; a customer signs in with a password and sees only their own requests."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest

from tests.browser.server import RunningFrontdesk, clean_env, frontdesk, running_frontdesk
from tests.browser.test_journey import _demo_logins

pytestmark = pytest.mark.browser

FACTS = """
import json
from frontdesk.tickets.models import Ticket
from frontdesk.users.models import Customer
email = {email!r}
me = Customer.objects.select_related("brand").filter(user__email=email).first()
mine = list(Ticket.objects.filter(customer=me).values_list("number", flat=True))
other = (
    Ticket.objects.filter(brand_id=me.brand_id, status__in=["new", "open", "pending_customer"])
    .exclude(customer=me).exclude(customer__email="").select_related("customer").order_by("id").first()
)
print(json.dumps({{"slug": me.brand.slug, "mine": mine, "number": other.number, "email": other.customer.email,
    "subject": other.subject}}))
"""


def _facts(desk: RunningFrontdesk, email: str) -> dict[str, Any]:
    """The customer's brand and request numbers, and another customer's open request to look up."""
    result = frontdesk("shell", "--no-imports", "-c", FACTS.format(email=email), env=clean_env(desk.data))
    return json.loads(result.stdout.strip().splitlines()[-1])


def _mailed_link(desk: RunningFrontdesk, portal: str, timeout: float = 30) -> str:
    """The look-up link of the mail the server printed (its mail goes to the console), opened on this server:
    a brand with its own portal host links there, and the same page is under /portal/<slug>/ here."""
    pattern = re.compile(r"https?://[^/\s\"<>]+/(?:portal/[\w-]+/)?lookup/([^/\s\"<>]+)/")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = pattern.search(desk.output)
        if found:
            return f"{portal}lookup/{found.group(1)}/"
        time.sleep(0.2)
    pytest.fail(f"no look-up link was mailed:\n{desk.output[-3000:]}")


def test_a_stranger_follows_a_request_by_number_and_a_customer_sees_only_theirs(
    demo_data: Path, tmp_path: Path, chromium: Any
) -> None:
    with running_frontdesk(demo_data, args=("run",)) as desk:
        customer_login = next(
            (email, password)
            for role, email, password in _demo_logins(desk.output)
            if role.startswith("Customer (")
        )
        facts = _facts(desk, customer_login[0])
        portal = f"{desk.url}portal/{facts['slug']}/"

        # A stranger: number and address, a mailed link, the request, an answer.
        stranger = chromium.new_context(locale="en-US", viewport={"width": 390, "height": 844})
        stranger.set_default_timeout(20_000)
        page = stranger.new_page()
        page.goto(portal + "lookup/")
        page.fill("input[name=number]", facts["number"])
        page.fill("input[name=email]", facts["email"])
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(portal + "lookup/")
        assert facts["number"] in page.locator("main [role=status]").inner_text()
        link = _mailed_link(desk, portal)
        page.goto(link)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{portal}tickets/{facts['number']}/")
        assert facts["subject"] in page.locator("main h1").inner_text()
        page.fill("textarea[name=body]", "Any news about my request?")
        page.locator("form[action$='/reply/'] button[type=submit]").click()
        page.locator(".timeline li.from-customer").filter(has_text="Any news about my request?").wait_for()
        page.screenshot(path=str(tmp_path / "portal-lookup.png"), full_page=True)
        # The link is spent: another browser gets nothing from it.
        other = chromium.new_context(locale="en-US").new_page()
        other.goto(link)
        other.locator("main form button[type=submit]").click()
        assert other.locator("main h1").count() == 1
        assert facts["subject"] not in other.content()
        other.context.close()
        stranger.close()

        # A customer with a password: their requests, and not the other customer's.
        context = chromium.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(20_000)
        page = context.new_page()
        page.goto(portal)
        page.locator(".portal-nav a[href$='/signin/']").click()
        page.fill("input[name=login]", customer_login[0])
        page.fill("input[name=password]", customer_login[1])
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(portal + "requests/**")
        page.goto(portal + "requests/?status=all")
        listed = page.locator("table.requests").inner_text() if facts["mine"] else page.content()
        for number in facts["mine"][:20]:
            assert number in listed
        assert facts["number"] not in page.content()
        page.goto(f"{portal}tickets/{facts['number']}/")
        assert facts["subject"] not in page.content()
        context.close()
