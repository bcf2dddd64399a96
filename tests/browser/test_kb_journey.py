"""An agent writes an article in Russian in the desk and publishes it; a customer of the brand finds it in the
portal's search despite a typo, reads it and says it helped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.server import running_frontdesk
from tests.browser.test_journey import _demo_logins

pytestmark = pytest.mark.browser

BRAND = "parterre-tickets"
TITLE = "Повторная отправка электронного абонемента"
BODY = "Откройте **Мои заказы**, выберите абонемент и нажмите «Отправить ещё раз».\n\nПисьмо придёт за пять минут."
# Two words of the title, each with a typo.
QUERY = "электроного абанемента"


def _login(output: str, role_part: str) -> tuple[str, str]:
    logins = [(e, p) for role, e, p in _demo_logins(output) if role_part in role.lower()]
    assert logins, f"frontdesk run printed no {role_part!r} among the demo logins:\n{output}"
    return logins[0]


def _sign_in(page: Any, url: str, email: str, password: str) -> None:
    page.goto(url + "accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    page.wait_for_url(url)


def test_an_agent_publishes_an_article_and_a_customer_finds_it_with_a_typo_and_votes(
    demo_data: Path, tmp_path: Path, chromium: Any, page: Any
) -> None:
    with running_frontdesk(demo_data, args=("run",)) as desk:
        # The agent (the demo agents speak Russian: the journey goes by the page's structure, not its words).
        _sign_in(page, desk.url, *_login(desk.output, "line 1"))
        page.locator("nav.desk-nav .desk-kb a").click()
        page.wait_for_url("**/desk/kb/**")
        page.goto(desk.url + f"desk/kb/?brand={BRAND}")
        page.locator(f"a[href='/desk/kb/{BRAND}/new/']").click()
        page.wait_for_url(f"**/desk/kb/{BRAND}/new/")
        page.select_option("select[name=language]", "ru")
        page.fill("input[name=title]", TITLE)
        page.fill("textarea[name=body]", BODY)
        page.fill("input[name=tags]", "абонемент, электронный билет")
        page.locator("input[name=visibility][value=public]").check()
        page.locator("form.kb-editor button[type=submit]").click()
        page.wait_for_url(f"**/desk/kb/{BRAND}/*/?lang=ru")
        article_url = page.url.split("?")[0]
        public_id = article_url.rstrip("/").rsplit("/", 1)[1]
        assert page.locator(".kb-article h1").inner_text() == TITLE
        assert page.locator(".kb-body strong").inner_text() == "Мои заказы"
        page.locator("button[name=action][value=publish]").click()
        page.wait_for_url(f"**/desk/kb/{BRAND}/{public_id}/**")
        page.locator(".kb-status-published").first.wait_for()
        page.screenshot(path=str(tmp_path / "desk-article.png"), full_page=True)

        # The customer, in another browser: the portal's search, with typos, as they type.
        context = chromium.new_context(locale="ru-RU", viewport={"width": 390, "height": 844})
        context.set_default_timeout(20_000)
        customer = context.new_page()
        _sign_in(customer, desk.url, *_login(desk.output, "customer ("))
        customer.goto(desk.url + f"portal/{BRAND}/kb/")
        customer.locator("#kb-search-q").fill(QUERY)
        found = customer.locator("#kb-results a", has_text=TITLE)
        found.wait_for()
        assert customer.locator("#kb-results a").first.inner_text() == TITLE
        found.click()
        customer.wait_for_url(f"**/portal/{BRAND}/kb/{public_id}/")
        assert customer.locator(".kb-article h1").inner_text() == TITLE
        assert "Письмо придёт за пять минут." in customer.locator(".kb-body").inner_text()

        # "Was this helpful?": yes, answered in place.
        customer.locator("#kb-vote-comment").fill("Всё получилось")
        customer.locator("#kb-vote button[value=yes]").click()
        customer.locator("#kb-vote [role=status]").wait_for()
        assert customer.url.endswith(f"/kb/{public_id}/")
        customer.screenshot(path=str(tmp_path / "portal-article.png"), full_page=True)
        context.close()

        # The agent sees the vote and its comment on the article.
        page.goto(article_url)
        assert "Всё получилось" in page.locator(".kb-comments").inner_text()

        # On a ticket of the brand, the reply box's knowledge-base search puts the article's public link in.
        page.goto(desk.url + "desk/queues/all/?sort=-updated")
        page.locator("tr", has_text="Parterre Tickets").locator("a[href*='/desk/tickets/']").first.click()
        page.wait_for_url("**/desk/tickets/**")
        page.locator("#id_body").fill("Здравствуйте!")
        page.locator("#kb-link-q").fill("абонемент")
        pick = page.locator("#kb-link-results .kb-link-pick", has_text=TITLE)
        pick.wait_for()
        pick.click()
        page.wait_for_function("document.querySelector('#id_body').value.includes('/kb/')")
        body = page.locator("#id_body").input_value()
        assert body.startswith("Здравствуйте!")
        # The brand's own portal address (the demo brands have one), never the desk's.
        assert body.endswith(f"/kb/{public_id}/")
        assert f"\n\n{TITLE}: http" in body
        assert page.locator("#kb-link-results .kb-link-pick").count() == 0
