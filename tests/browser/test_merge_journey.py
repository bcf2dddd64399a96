"""A line-1 agent finds that two tickets of one brand are the same request and merges the duplicate into the
original from the ticket page: a confirmation names both, then the original shows both histories."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.server import running_frontdesk
from tests.browser.test_queue_journey import _line1_agent

pytestmark = pytest.mark.browser


def test_an_agent_merges_a_duplicate_into_the_original_and_sees_both_histories(
    demo_data: Path, tmp_path: Path, page: Any
) -> None:
    with running_frontdesk(demo_data, args=("run",)) as desk:
        email, password = _line1_agent(desk.output)
        page.goto(desk.url + "accounts/login/")
        page.fill("input[name=login]", email)
        page.fill("input[name=password]", password)
        page.locator("form[action='/accounts/login/'] button[type=submit]").click()
        page.wait_for_url(desk.url)

        # Two open tickets of one brand, from the unassigned queue narrowed to that brand.
        page.goto(desk.url + "desk/queues/unassigned/")
        brand = page.locator("select[name=brand] option").nth(1).inner_text()
        page.select_option("select[name=brand]", label=brand)
        page.wait_for_url(re.compile(r"brand=\d+"))
        page.wait_for_function("document.querySelectorAll('#queue-table tbody tr').length > 1")
        original, duplicate = page.locator("#queue-table tbody tr td:nth-child(2) a").all_inner_texts()[:2]

        page.goto(desk.url + f"desk/tickets/{original}/")
        original_entries = page.locator("article.entry").count()
        original_subject = page.title().split("·", 1)[1].strip()
        page.goto(desk.url + f"desk/tickets/{duplicate}/")
        duplicate_entries = page.locator("article.entry").count()
        assert duplicate_entries >= 1

        # "Merge into…" asks first, naming both tickets.
        panel = page.locator("#ticket-merge")
        panel.locator("#merge-form input[name=into]").wait_for()
        panel.locator("#merge-form input[name=into]").fill(original)
        panel.locator("#merge-form button[type=submit]").click()
        confirm = page.locator("#ticket-merge .merge-confirm")
        confirm.wait_for()
        assert original in confirm.inner_text()
        assert duplicate in confirm.inner_text()
        assert original_subject in confirm.inner_text()
        page.screenshot(path=str(tmp_path / "merge-confirm.png"), full_page=True)

        # Confirmed: the original opens with the duplicate's messages in its timeline, each marked.
        confirm.locator("button[type=submit]").click()
        page.wait_for_url(f"**/desk/tickets/{original}/")
        page.locator(f"a.badge-merged[href='/desk/tickets/{duplicate}/']").first.wait_for()
        assert page.locator("article.entry").count() == original_entries + duplicate_entries
        page.locator(f"#ticket-merge .merged-tickets a[href='/desk/tickets/{duplicate}/']").wait_for()

        # The duplicate says where it went.
        page.goto(desk.url + f"desk/tickets/{duplicate}/")
        page.locator(f"#ticket-merge a[href='/desk/tickets/{original}/']").first.wait_for()
        assert not page.locator("#merge-form").count()
