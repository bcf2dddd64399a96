"""Signing a demo person in through the real sign-in form, for the journeys and the screenshots of the desk."""

from __future__ import annotations

from typing import Any

from tests.browser.server import RunningFrontdesk


def sign_in(page: Any, desk: RunningFrontdesk, email: str, password: str) -> None:
    """Fill the sign-in form and wait for the start page."""
    page.goto(desk.url + "accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    page.wait_for_url(desk.url)
