"""Screenshots of the agent desk for the documentation: the queue, a ticket, the phone screen and the search.

Not a test: ``scripts/screenshots`` runs it. It starts ``frontdesk run`` with the demo data in a temporary
folder, signs in as the demo line-1 agent (shown in English unless ``--language`` says otherwise) and saves
1280×800 PNGs into ``docs/screenshots/``.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.server import clean_env, frontdesk, running_frontdesk
from tests.browser.signin import sign_in
from tests.browser.test_queue_journey import _line1_agent

VIEWPORT = {"width": 1280, "height": 800}
OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _speak(data: Path, email: str, language: str) -> None:
    """The demo agents speak Russian or Polish; the pictures show the desk in ``language``."""
    script = (
        "from frontdesk.users.models import User; "
        f"User.objects.filter(email={email!r}).update(language={language!r})"
    )
    frontdesk("shell", "--no-imports", "-c", script, env=clean_env(data))


def _busiest_ticket(page: Any) -> str:
    """The number of the ticket in the open list with the longest history (by the server's word count)."""
    numbers = page.locator("#queue-table tbody tr td:nth-child(2) a").all_inner_texts()
    best, longest = numbers[0], -1
    for number in numbers[:15]:
        html = page.request.get(f"/desk/tickets/{number}/").text()
        entries = html.count('class="entry entry-')
        if entries > longest:
            best, longest = number, entries
    return best


def take(out: Path, language: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with (
        tempfile.TemporaryDirectory() as folder,
        running_frontdesk(Path(folder) / "data", args=("run",)) as desk,
        sync_playwright() as playwright,
    ):
        email, password = _line1_agent(desk.output)
        _speak(desk.data, email, language)
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(locale=language, viewport=VIEWPORT, base_url=desk.url)
        page = context.new_page()
        sign_in(page, desk, email, password)

        def shot(name: str) -> None:
            path = out / f"{name}.png"
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(path))
            saved.append(path)

        page.goto(desk.url + "desk/queues/mine/")
        page.locator("#queue-table tbody tr").first.wait_for()
        number = _busiest_ticket(page)
        shot("queue")

        page.goto(f"{desk.url}desk/tickets/{number}/")
        page.locator("#ticket-tools, .ticket-tools").first.wait_for(state="attached")
        shot("ticket")
        # An internal note with a picture shows the attachment preview above the composer.
        page.locator("#composer input[name=kind][value=note]").check()
        page.locator("#composer textarea[name=body]").fill(
            "The customer's screen, as they described it on the phone."
        )
        page.locator("#composer input[type=file]").set_input_files(str(out / "queue.png"))
        page.locator("#composer button[type=submit]").click()
        image = page.locator(".attachment-image img").last
        image.wait_for()
        page.wait_for_function(
            "() => [...document.querySelectorAll('.attachment-image img')].every(i => i.complete)"
        )
        page.locator(".entry-note").last.evaluate("node => node.scrollIntoView({block: 'start'})")
        shot("ticket-composer")

        subject = page.locator(".ticket-header h1").inner_text()
        customer = page.locator(".customer-panel h2").first.inner_text()
        page.goto(desk.url + "desk/phone/")
        page.locator("#caller-q").press_sequentially(customer.split()[0], delay=30)
        page.locator("#caller-results .callers").first.wait_for()
        shot("phone")

        word = max(re.findall(r"\w+", subject), key=len)
        page.goto(desk.url + "desk/search/")
        page.locator("#search-q").press_sequentially(word, delay=30)
        page.locator("#search-results table.tickets").wait_for()
        shot("search")

        page.goto(desk.url + "desk/queues/unassigned/")
        page.keyboard.press("j")
        page.keyboard.press("?")
        page.locator("#shortcuts-help").wait_for(state="visible")
        shot("shortcuts")
        browser.close()
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=OUT, help="folder for the PNGs (default: docs/screenshots)"
    )
    parser.add_argument("--language", default="en", choices=("en", "ru", "pl"), help="language of the desk")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        sys.stderr.write(f"{CHROMIUM} is not installed (apt-get install chromium)\n")
        return 1
    for path in take(args.out, args.language):
        sys.stdout.write(f"{path} ({path.stat().st_size // 1024} KB)\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
