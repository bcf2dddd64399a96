"""A line-1 agent works from the queues: opens the unassigned queue from the start page, narrows it to a brand,
saves that as a view, and assigns two tickets at once after confirming."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.server import running_frontdesk
from tests.browser.test_journey import _demo_logins

pytestmark = pytest.mark.browser


def _line1_agent(output: str) -> tuple[str, str]:
    agents = [(email, password) for role, email, password in _demo_logins(output) if "line 1" in role.lower()]
    assert agents, f"frontdesk run printed no line-1 agent among the demo logins:\n{output}"
    return agents[0]


def test_an_agent_filters_a_queue_saves_it_and_assigns_two_tickets(
    demo_data: Path, tmp_path: Path, page: Any
) -> None:
    with running_frontdesk(demo_data, args=("run",)) as desk:
        email, password = _line1_agent(desk.output)
        page.goto(desk.url + "accounts/login/")
        page.fill("input[name=login]", email)
        page.fill("input[name=password]", password)
        page.locator("form[action='/accounts/login/'] button[type=submit]").click()
        page.wait_for_url(desk.url)

        # The start page leads to the queues, each with its count.
        # (The demo agents speak Russian or Polish: the journey goes by the page's structure, not its words.)
        unassigned = page.locator("nav.desk-nav a[href^='/desk/queues/unassigned/']")
        assert re.search(r"\d", unassigned.locator(".count").inner_text())
        unassigned.click()
        page.wait_for_url("**/desk/queues/unassigned/")
        rows = page.locator("#queue-table tbody tr")
        assert rows.count() >= 2, "the demo data has no unassigned tickets for this agent"

        # Narrowing to one brand swaps the table in place and puts the filter in the address.
        brand = page.locator("select[name=brand] option").nth(1)
        brand_name = brand.inner_text()
        page.select_option("select[name=brand]", label=brand_name)
        page.wait_for_url(re.compile(r"brand=\d+"))
        page.wait_for_function("document.querySelectorAll('#queue-table tbody tr').length > 0")
        for cell in page.locator("#queue-table tbody tr td:nth-child(5)").all_inner_texts():
            assert cell == brand_name

        # Saved as a view, it appears in the sidebar with its count.
        page.locator("details.save-view summary").click()
        page.locator("#save-view-form input[name=name]").fill("Unassigned of one brand")
        page.locator("#save-view-form button[type=submit]").first.click()
        page.wait_for_url(re.compile(r"view=\d+"))
        saved = page.locator("nav.desk-nav .saved-views a[aria-current=page]")
        assert "Unassigned of one brand" in saved.inner_text()
        count = int(saved.locator(".count").inner_text())

        # Two tickets ticked, one agent chosen, the change confirmed.
        numbers = page.locator("#queue-table tbody tr td:nth-child(2) a").all_inner_texts()[:2]
        boxes = page.locator("#queue-table tbody input[name=tickets]")
        boxes.nth(0).check()
        boxes.nth(1).check()
        page.select_option("#bulk-form select[name=action]", "assign")
        agent = page.locator("#bulk-form select[name=assignee] option").nth(2)
        agent_name = agent.inner_text()
        page.select_option("#bulk-form select[name=assignee]", label=agent_name)
        page.locator("#bulk-form button[type=submit]").click()
        confirm = page.locator("#bulk-panel .bulk-confirm")
        confirm.wait_for()
        assert agent_name in confirm.inner_text()
        for number in numbers:
            assert number in confirm.inner_text()
        page.screenshot(path=str(tmp_path / "queue-confirm.png"), full_page=True)
        confirm.locator("button[type=submit]").click()
        result = page.locator("#bulk-panel .bulk-result")
        result.wait_for()
        assert result.inner_text().lstrip().startswith(("2 ", "Изменены 2 ", "Zmieniono 2 "))
        assert not result.locator(".errorlist").count()

        # The list and the counts refresh: assigned now, they have left the unassigned queue.
        for number in numbers:
            page.locator("#queue-table").get_by_text(number, exact=True).wait_for(state="detached")
        page.wait_for_function(
            "n => document.querySelector('nav.desk-nav .saved-views a[aria-current=page] .count').textContent == n",
            arg=str(count - 2),
        )
        page.screenshot(path=str(tmp_path / "queue.png"), full_page=True)
