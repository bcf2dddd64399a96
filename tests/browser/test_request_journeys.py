"""Filing requests in a brand's portal: a new customer signs up, types a question, opens the suggested article and gives the
request up (recorded as abandoned); a customer files a refund with the organizer's confirmation, gets the number,
answers from the request's page and, once an agent solves it, rates it from the mailed link."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest

from tests.browser.server import RunningFrontdesk, clean_env, frontdesk, running_frontdesk
from tests.browser.test_journey import _demo_logins, _provider_admin

pytestmark = pytest.mark.browser

BRAND = "parterre-tickets"
ARTICLE = "My e-tickets did not arrive"

DEFLECTION = """
import json
from frontdesk.kb.models import Deflection, SuggestionShown
rows = [
    {"outcome": d.outcome, "query": d.last_query,
     "opened": [s.article.public_id for s in SuggestionShown.objects.filter(deflection=d, opened_at__isnull=False)]}
    for d in Deflection.objects.filter(brand__slug=%r).order_by("id")
]
print(json.dumps(rows))
"""

RATING = """
import json
from frontdesk.tickets.models import Ticket, TicketRating
ticket = Ticket.objects.get(number=%r)
rating = TicketRating.objects.get(ticket=ticket)
follow_up = Ticket.objects.filter(follow_up_of=ticket).first()
print(json.dumps({"rating": rating.rating, "comment": rating.comment, "status": ticket.status,
    "custom_fields": ticket.custom_fields, "follow_up": follow_up.number if follow_up else None}))
"""


def _shell(desk: RunningFrontdesk, script: str) -> Any:
    result = frontdesk("shell", "--no-imports", "-c", script, env=clean_env(desk.data))
    return json.loads(result.stdout.strip().splitlines()[-1])


def _browser(chromium: Any) -> tuple[Any, Any]:
    context = chromium.new_context(locale="en-US", viewport={"width": 390, "height": 844})
    context.set_default_timeout(20_000)
    return context, context.new_page()


def test_a_new_customer_opens_the_suggested_article_and_gives_up_the_request(
    demo_data: Path, tmp_path: Path, chromium: Any
) -> None:
    with running_frontdesk(demo_data, args=("run",)) as desk:
        context, page = _browser(chromium)
        portal = f"{desk.url}portal/{BRAND}/"
        # A new customer makes an account on the brand's portal.
        page.goto(portal + "signup/")
        page.fill("input[name=email]", "new.customer@mail.example")
        page.fill("input[name=password1]", "a-long-new-password")
        page.fill("input[name=password2]", "a-long-new-password")
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        assert "signup" not in page.url
        page.goto(portal)
        page.locator("main a", has_text="New request").first.click()
        page.wait_for_url(portal + "new/")
        page.locator(".request-types a", has_text="Other question").click()
        page.wait_for_url("**/new/?type=other")
        assert page.locator("#id_email").input_value() == "new.customer@mail.example"

        # Typing pauses bring the brand's suggestions.
        page.locator("#id_subject").press_sequentially("e-tickets not arrived", delay=30)
        page.locator("#id_description").press_sequentially(
            "I paid an hour ago and no e-tickets came to my email", delay=10
        )
        suggestion = page.locator("#suggestions a", has_text=ARTICLE)
        suggestion.wait_for()
        key = page.locator("#deflection-key").input_value()
        assert key
        page.screenshot(path=str(tmp_path / "new-request-suggestions.png"), full_page=True)

        # The article opens in a new tab; the form stays.
        with context.expect_page() as opened:
            suggestion.click()
        article = opened.value
        article.wait_for_load_state()
        assert ARTICLE in article.locator("main h1").inner_text()
        article.close()

        # The answer helped: the request is given up.
        page.locator("button[formaction$='/new/cancel/']").click()
        page.wait_for_url(portal)
        assert "glad you found the answer" in page.locator(".messages").inner_text()
        context.close()

        [deflection] = _shell(desk, DEFLECTION % BRAND)
        assert deflection["outcome"] == "abandoned"
        assert "e-tickets" in deflection["query"]
        assert len(deflection["opened"]) == 1


def _mailed_rating_link(desk: RunningFrontdesk, portal: str, rating: str, timeout: float = 60) -> str:
    """The rating link of the mail the server printed (its mail goes to the console), opened on this server: a
    brand with its own portal host links there, and the same page is under /portal/<slug>/ here."""
    pattern = re.compile(r"https?://[^/\s\"<>]+/(?:portal/[\w-]+/)?rate/([^/\s\"<>]+)/\?rating=" + rating)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = pattern.search(desk.output)
        if found:
            return f"{portal}rate/{found.group(1)}/?rating={rating}"
        time.sleep(0.3)
    pytest.fail(f"no rating link was mailed:\n{desk.output[-3000:]}")


def test_a_customer_files_a_refund_answers_and_rates_the_solved_request(
    demo_data: Path, tmp_path: Path, chromium: Any, page: Any
) -> None:
    with running_frontdesk(demo_data, args=("run",)) as desk:
        email, password = next(
            (e, p) for role, e, p in _demo_logins(desk.output) if role.startswith("Customer (Parterre")
        )
        context, customer = _browser(chromium)
        portal = f"{desk.url}portal/{BRAND}/"
        customer.goto(desk.url + "accounts/login/")
        customer.fill("input[name=login]", email)
        customer.fill("input[name=password]", password)
        customer.locator("form[action='/accounts/login/'] button[type=submit]").click()
        customer.wait_for_url(desk.url)
        # The portal speaks the brand's languages; the journey goes by the page's structure.
        customer.goto(portal + "new/?type=refund")
        customer.locator(".instructions").wait_for()
        customer.fill("#id_subject", "Refund for the cancelled concert")
        customer.fill("#id_description", "The concert on 1 December was cancelled; please refund my tickets.")
        customer.fill("#id_field_order_number", "PT-100200")
        customer.fill("#id_field_event_date", "2026-12-01")
        customer.select_option("#id_field_reason", "cancelled")

        # Without the organizer's confirmation the form says what is missing.
        customer.locator("#new-request-form button[type=submit]:not([formaction])").click()
        customer.locator("#id_document_organizer_confirmation_error").wait_for()
        customer.locator("#id_document_organizer_confirmation").set_input_files(
            [{"name": "cancellation.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 cancelled"}]
        )
        customer.locator("#new-request-form button[type=submit]:not([formaction])").click()
        customer.wait_for_url(portal + "new/sent/")
        number = customer.locator("#request-number").inner_text()
        assert re.fullmatch(r"[A-Z]+-\d\d-\d+", number), number

        # The request's page: its history, and an answer from the customer.
        customer.locator("main a.button").click()
        customer.wait_for_url(f"{portal}tickets/{number}/")
        assert "cancellation.pdf" in customer.locator(".timeline").inner_text()
        customer.locator("textarea[name=body]").fill(
            "I also attach nothing more; the order number is PT-100200."
        )
        customer.locator("form[action$='/reply/'] button[type=submit]").click()
        customer.locator(".timeline", has_text="the order number is PT-100200").wait_for()

        # An agent answers and solves it in the desk.
        admin_email, admin_password = _provider_admin(desk)
        page.goto(desk.url + "accounts/login/")
        page.fill("input[name=login]", admin_email)
        page.fill("input[name=password]", admin_password)
        page.locator("form[action='/accounts/login/'] button[type=submit]").click()
        page.wait_for_url(desk.url)
        page.goto(f"{desk.url}desk/tickets/{number}/")
        page.get_by_label("Reply to customer").check()
        page.get_by_label("Message").fill("The refund is on its way to your card.")
        page.locator("#composer select[name=status]").select_option("solved")
        page.locator("#composer button[type=submit]").click()
        page.locator(".entry-message").filter(has_text="The refund is on its way").wait_for()

        # The rating mail's link: the customer rates it bad with a comment.
        customer.goto(_mailed_rating_link(desk, portal, "bad"))
        assert customer.locator("input[name=rating][value=bad]").is_checked()
        customer.locator("textarea[name=comment]").fill("The refund took too long.")
        customer.locator("main form button[type=submit]").click()
        customer.locator("main [role=status]").wait_for()
        customer.screenshot(path=str(tmp_path / "rated.png"), full_page=True)
        context.close()

        facts = _shell(desk, RATING % number)
        assert facts["rating"] == "bad"
        assert facts["comment"] == "The refund took too long."
        assert facts["status"] == "solved"
        assert facts["custom_fields"]["order_number"] == "PT-100200"
        assert facts["follow_up"]
