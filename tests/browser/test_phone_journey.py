"""A line-1 agent takes phone calls: types a piece of a known caller's number, picks them, writes the subject,
what was said and the call's length, and lands on the new ticket with the call record; then a call from a
new customer, taken in the same form."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.server import clean_env, frontdesk, running_frontdesk
from tests.browser.test_journey import _provider_admin

pytestmark = pytest.mark.browser

CALLER_SCRIPT = (
    "import json; from frontdesk.users.models import Customer; "
    "c = Customer.objects.exclude(phone='').exclude(name='').order_by('id').first(); "
    "print(json.dumps([c.name, c.phone, c.brand.name]))"
)


def _known_caller(data: Path) -> tuple[str, str, str]:
    result = frontdesk("shell", "--no-imports", "-c", CALLER_SCRIPT, env=clean_env(data))
    name, phone, brand = json.loads(result.stdout.strip().splitlines()[-1])
    return name, phone, brand


def test_an_agent_takes_a_call_from_a_known_caller_and_from_a_new_customer(
    demo_data: Path, tmp_path: Path, page: Any
) -> None:
    with running_frontdesk(demo_data, args=("run",)) as desk:
        email, password = _provider_admin(desk)
        name, phone, brand = _known_caller(desk.data)
        page.goto(desk.url + "accounts/login/")
        page.fill("input[name=login]", email)
        page.fill("input[name=password]", password)
        page.locator("form[action='/accounts/login/'] button[type=submit]").click()
        page.wait_for_url(desk.url)

        page.get_by_role("link", name="New phone ticket").click()
        page.wait_for_url("**/desk/phone/")
        # The timer runs from the start and writes into the duration field.
        page.wait_for_function("document.getElementById('id_duration').value !== ''")
        page.wait_for_function("document.querySelector('[data-call-timer] output').textContent !== '0:00'")
        assert page.get_by_label("Duration").input_value() != "0:00"
        digits = re.sub(r"\D", "", phone)
        page.get_by_label("Find the caller: phone, email, name or ticket number").press_sequentially(
            digits[-7:-2], delay=60
        )
        caller = page.locator("#caller-results .caller").filter(has_text=name).first
        caller.wait_for()
        assert brand in caller.inner_text()
        caller.get_by_role("button", name="This is the caller").click()
        page.locator("#caller .caller-card").filter(has_text=name).wait_for()
        # The results are cleared and the agent goes on typing the subject.
        page.wait_for_function("document.activeElement && document.activeElement.id === 'id_subject'")
        assert page.locator("#caller-results .caller").count() == 0
        # Picking the caller chose their brand.
        assert page.locator("#id_brand option:checked").inner_text() == brand

        page.keyboard.type("Tickets not received after payment")
        page.get_by_label("What the caller said and what was done").fill(
            "Paid yesterday, no e-mail with the tickets. Checked the address with the caller."
        )
        page.get_by_label("Duration").fill("3:20")
        page.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
        page.get_by_role("button", name="Create ticket").click()
        page.wait_for_url("**/desk/tickets/**")
        call = page.locator(".entry-call").filter(has_text="Checked the address with the caller.")
        call.wait_for()
        assert "3 min 20 s" in call.inner_text()
        assert "Inbound" in call.inner_text()
        assert name in page.locator("#customer-panel").inner_text()
        page.screenshot(path=str(tmp_path / "phone-ticket.png"), full_page=True)

        # A new customer: nobody has this number; the form takes their details.
        page.goto(desk.url + "desk/phone/")
        page.get_by_label("Find the caller: phone, email, name or ticket number").press_sequentially(
            "+48 699 000 111", delay=30
        )
        page.locator("#caller-results").get_by_text("No customer matches").wait_for()
        page.locator("#caller-results").get_by_role("button", name="New customer").click()
        page.wait_for_function("document.getElementById('id_phone').value === '+48 699 000 111'")
        page.get_by_label("Name", exact=True).fill("Zofia Nowicka")
        page.get_by_label("Subject").fill("Change of seats")
        page.locator("#id_brand").select_option(label=brand)
        page.get_by_label("What the caller said and what was done").fill("Wants row 5 instead of row 12.")
        # A duration the server cannot read is a form error; what was typed stays.
        page.get_by_label("Duration").fill("2:75")
        page.get_by_role("button", name="Create ticket").click()
        page.locator("#phone-form .errorlist").filter(has_text="minutes:seconds").wait_for()
        assert page.get_by_label("Subject").input_value() == "Change of seats"
        assert page.get_by_label("Duration").input_value() == "2:75"
        page.get_by_label("Duration").fill("2:15")
        page.get_by_label("Solved on the call").check()
        page.get_by_role("button", name="Create ticket").click()
        page.wait_for_url("**/desk/tickets/**")
        page.locator(".entry-call").filter(has_text="Wants row 5 instead of row 12.").wait_for()
        panel = page.locator("#customer-panel").inner_text()
        assert "Zofia Nowicka" in panel
        assert "+48699000111" in panel
        assert "2 min 15 s" in page.locator(".entry-call").inner_text()
        assert "Solved" in page.locator(".ticket-header").inner_text()
