"""A line-1 agent answers a mail ticket with a canned answer and sets it pending, escalates another to line 2
with a work log, and a line-2 agent finds it in the "escalated to me" queue and answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.server import running_frontdesk
from tests.browser.test_journey import _demo_logins

pytestmark = pytest.mark.browser


def _login(output: str, line: int) -> tuple[str, str]:
    logins = [
        (email, password) for role, email, password in _demo_logins(output) if f"line {line}" in role.lower()
    ]
    assert logins, f"frontdesk run printed no line-{line} agent among the demo logins:\n{output}"
    return logins[0]


def _sign_in(page: Any, url: str, email: str, password: str) -> None:
    page.goto(url + "accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    page.wait_for_url(url)


def test_canned_answer_pending_escalation_and_line_2_answers(
    demo_data: Path, tmp_path: Path, chromium: Any, page: Any
) -> None:
    with running_frontdesk(demo_data, args=("run",)) as desk:
        # (The demo agents speak Russian: the journey goes by the page's structure, not its words.)
        _sign_in(page, desk.url, *_login(desk.output, 1))
        page.goto(desk.url + "desk/queues/line-1/?channel=email&status=open&sort=-updated")
        numbers = page.locator("#queue-table tbody a[href*='/desk/tickets/']").all_inner_texts()
        numbers = [n.strip() for n in numbers if n.strip()]
        assert len(numbers) >= 2, "the demo data has too few open mail tickets on line 1"
        answered, escalated = numbers[0], numbers[1]

        # A canned answer found by the search box goes into the reply box, rendered for this ticket.
        page.goto(desk.url + f"desk/tickets/{answered}/")
        page.locator("#ticket-tools").wait_for()
        page.locator("#canned-q").fill(" ")
        pick = page.locator("#canned-results .canned-pick").first
        pick.wait_for()
        pick.click()
        page.wait_for_function("document.querySelector('#id_body').value.length > 20")
        text = page.locator("#id_body").input_value()
        assert "{customer" not in text
        assert "{agent_name}" not in text
        # The list closes with the pick (a search typed just before it does not fill it again).
        page.locator("#canned-results .canned-pick").first.wait_for(state="detached", timeout=5_000)

        # Sent with "pending customer" in one step.
        page.locator("input[name=kind][value=reply]").check()
        page.select_option("#composer select[name=status]", "pending_customer")
        page.locator("#composer button[type=submit]").click()
        page.locator(".ticket-header .status-pending_customer").wait_for()
        first_line = text.splitlines()[0]
        assert page.locator(".entry-message").filter(has_text=first_line).count() >= 1
        page.screenshot(path=str(tmp_path / "canned-answer.png"), full_page=True)

        # Another ticket goes to line 2 with a work log (a missing diagnosis stops it in the browser first).
        page.goto(desk.url + f"desk/tickets/{escalated}/")
        page.locator("#ticket-tools details.escalate-form summary").click()
        form = page.locator("#ticket-tools details.escalate-form form")
        form.locator("select[name=escalate-to_line]").select_option("2")
        form.locator("textarea[name=escalate-steps_taken]").fill("Resent the mail, checked the spam folder.")
        form.locator("button[type=submit]").click()
        assert form.locator("textarea[name=escalate-diagnosis]").evaluate("el => !el.validity.valid")
        form.locator("textarea[name=escalate-diagnosis]").fill(
            "The payment went through; no e-tickets issued."
        )
        form.locator("textarea[name=escalate-request]").fill("Please issue the e-tickets by hand.")
        form.locator("input[name=escalate-minutes_spent]").fill("6")
        form.locator("button[type=submit]").click()
        worklog = page.locator(".entry-event .worklog").filter(has_text="The payment went through")
        worklog.wait_for()
        assert "Please issue the e-tickets by hand." in worklog.inner_text()
        # The tools come back for the new version, with the hand-back form now that the ticket is on line 2.
        page.locator("#ticket-tools details.return-form").wait_for()
        page.screenshot(path=str(tmp_path / "escalated.png"), full_page=True)

        # The line-2 agent finds it in the escalated queue and answers.
        context = chromium.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(20_000)
        second = context.new_page()
        _sign_in(second, desk.url, *_login(desk.output, 2))
        second.goto(desk.url + "desk/queues/escalated/?sort=-updated")
        link = second.locator("#queue-table tbody a", has_text=escalated)
        link.first.click()
        second.wait_for_url(f"**/desk/tickets/{escalated}/")
        assert (
            "The payment went through; no e-tickets issued." in second.locator(".worklog").last.inner_text()
        )
        second.locator("input[name=kind][value=reply]").check()
        second.locator("#id_body").fill("We have issued your e-tickets; they are attached to this message.")
        second.locator("#composer button[type=submit]").click()
        second.locator(".entry-message").filter(has_text="We have issued your e-tickets").wait_for()
        second.screenshot(path=str(tmp_path / "line-2-answer.png"), full_page=True)
        context.close()
