"""Two agents open the same ticket: each sees the other on it, and who is typing; when one replies, the other's
history shows the reply without a reload, and their own reply, written on the older view, warns before it goes
out. Runs against ``frontdesk run``: one process, the in-memory channel layer and the in-process worker."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.browser.server import clean_env, frontdesk, running_frontdesk
from tests.browser.test_journey import _demo_logins

pytestmark = pytest.mark.browser


def _sign_in(page: Any, url: str, email: str, password: str) -> None:
    page.goto(url + "accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    page.wait_for_url(url)


def _agent(logins: list[tuple[str, str, str]], line: int) -> tuple[str, str]:
    found = [(email, password) for role, email, password in logins if f"line {line}" in role]
    assert found, f"no line-{line} agent among the demo logins: {logins}"
    return found[0]


def test_two_agents_on_one_ticket_see_each_other_and_the_reply_arrives_live(
    demo_data: Path, tmp_path: Path, chromium: Any
) -> None:
    with running_frontdesk(demo_data, args=("run",)) as desk:
        logins = _demo_logins(desk.output)
        contexts = [
            chromium.new_context(locale="en-US", viewport={"width": 1280, "height": 900}) for _ in range(2)
        ]
        try:
            for context in contexts:
                context.set_default_timeout(20_000)
            anna, sergey = (context.new_page() for context in contexts)
            _sign_in(anna, desk.url, *_agent(logins, 1))
            _sign_in(sergey, desk.url, *_agent(logins, 2))

            anna.goto(desk.url + "desk/queues/all/")
            anna.locator("#queue-table table.tickets tbody a").first.click()
            anna.wait_for_url("**/desk/tickets/**")
            ticket_url = anna.url
            sergey.goto(ticket_url)
            # The names the agents go by, as the top bar shows them.
            anna_name, sergey_name = (
                p.locator("header.topbar nav .user-name").inner_text() for p in (anna, sergey)
            )

            # Each sees the other on the ticket.
            anna.locator("#presence").filter(has_text=sergey_name).wait_for()
            sergey.locator("#presence").filter(has_text=anna_name).wait_for()

            # Sergey starts writing: Anna sees him typing.
            sergey.evaluate("window.notReloaded = true")
            sergey.locator("#composer [name=body]").fill("I am looking into it.")
            anna.locator("#presence .presence-person.typing").filter(has_text=sergey_name).wait_for()

            # Anna replies: Sergey's history shows it without a reload, and his draft stays.
            anna.locator("#composer input[name=kind][value=reply]").check()
            anna.locator("#composer [name=body]").fill("Your tickets are on their way again.")
            anna.locator("#composer button[type=submit]").click()
            sergey.locator(".entry-message").filter(
                has_text="Your tickets are on their way again."
            ).wait_for()
            assert sergey.evaluate("window.notReloaded") is True
            assert sergey.url == ticket_url
            assert sergey.locator("#composer [name=body]").input_value() == "I am looking into it."
            sergey.screenshot(path=str(tmp_path / "live-ticket.png"), full_page=True)

            # His reply was written on the older view: it is held back with a warning.
            sergey.locator("#composer button[type=submit]").click()
            sergey.locator("#composer .warning[role=alert]").wait_for()

            # Anna leaves: Sergey is alone on the ticket again.
            anna.goto(desk.url)
            sergey.locator("#presence").wait_for(state="hidden")
        finally:
            for context in contexts:
                context.close()


def _phone_of_a_customer(data: Path, agent: str, secret: str) -> tuple[str, str, str]:
    """Give a brand where ``agent`` works line 1 a telephony secret; (brand slug, a customer's phone, their name)."""
    script = (
        "import json\n"
        "from frontdesk.brands.models import Brand\n"
        "from frontdesk.users.models import AgentMembership, CustomerContact\n"
        f"m = AgentMembership.objects.filter(line=1, user__email={agent!r}).order_by('brand__slug').first()\n"
        f"Brand.objects.filter(pk=m.brand_id).update(call_signing_secret={secret!r})\n"
        "c = CustomerContact.objects.filter(brand_id=m.brand_id, kind='phone').select_related('customer').first()\n"
        "print(json.dumps([m.brand.slug, c.value, c.customer.name]))\n"
    )
    result = frontdesk("shell", "--no-imports", "-c", script, env=clean_env(data))
    slug, phone, name = json.loads(result.stdout.strip().splitlines()[-1])
    return slug, phone, name


def _announce_call(url: str, slug: str, secret: str, phone: str) -> int:
    body = json.dumps({"phone": phone, "line": 1}).encode()
    stamp = str(int(time.time()))
    digest = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(  # noqa: S310 - our own server, over http
        url + "api/v1/calls",
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Frontdesk-Brand": slug,
            "X-Frontdesk-Timestamp": stamp,
            "X-Frontdesk-Signature": f"sha256={digest}",
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own server
        return int(response.status)


def test_a_queue_refreshes_by_itself_and_an_incoming_call_pops_up_with_the_caller(
    demo_data: Path, tmp_path: Path, chromium: Any
) -> None:
    with running_frontdesk(demo_data, args=("run",)) as desk:
        logins = _demo_logins(desk.output)
        contexts = [
            chromium.new_context(locale="en-US", viewport={"width": 1280, "height": 900}) for _ in range(2)
        ]
        try:
            for context in contexts:
                context.set_default_timeout(20_000)
            anna, sergey = (context.new_page() for context in contexts)
            anna_login = _agent(logins, 1)
            _sign_in(anna, desk.url, *anna_login)
            _sign_in(sergey, desk.url, *_agent(logins, 2))
            anna.goto(desk.url + "desk/queues/all/")
            anna.locator("#queue-table").wait_for()
            anna.evaluate("document.getElementById('queue-table').dataset.old = 'yes'")

            # Another agent adds a note to a ticket: Anna's list is fetched again, without a reload.
            sergey.goto(desk.url + "desk/queues/all/")
            sergey.locator("#queue-table table.tickets tbody a").first.click()
            sergey.wait_for_url("**/desk/tickets/**")
            sergey.locator("#composer input[name=kind][value=note]").check()
            sergey.locator("#composer [name=body]").fill("Checked the booking: paid.")
            sergey.locator("#composer button[type=submit]").click()
            sergey.locator("#ticket .timeline").filter(has_text="Checked the booking: paid.").wait_for()
            anna.locator("#queue-table:not([data-old])").wait_for()

            # The telephone system announces a call for line 1: the caller's card pops up.
            slug, phone, name = _phone_of_a_customer(desk.data, anna_login[0], "demo-telephony-secret")
            assert _announce_call(desk.url, slug, "demo-telephony-secret", phone) == 202
            popup = anna.locator("#call-popup")
            popup.wait_for()
            popup.locator(".customer-panel").filter(has_text=name).wait_for()
            assert popup.locator(".customer-panel button").count() == 0  # a card, not the editable panel
            anna.screenshot(path=str(tmp_path / "call-popup.png"), full_page=True)
            # One click starts the phone ticket with the caller already picked.
            popup.locator("a.call-start").click()
            anna.wait_for_url("**/desk/phone/?phone=*&brand=*&customer=*")
            anna.locator("main").filter(has_text=name).wait_for()
            # Sergey works line 2: the call was not for him.
            assert sergey.locator("#call-popup").is_hidden()
        finally:
            for context in contexts:
                context.close()
