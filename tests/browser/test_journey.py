"""A new user's first minutes: start Frontdesk, sign in, see the brands, open the API documentation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.server import RunningFrontdesk, clean_env, frontdesk, running_frontdesk

pytestmark = pytest.mark.browser


def _demo_logins(output: str) -> list[tuple[str, str, str]]:
    """The (role, email, password) lines that ``frontdesk run`` prints under "Demo logins"."""
    lines = output.split("Demo logins", 1)[1].splitlines()[1:] if "Demo logins" in output else []
    logins = []
    for line in lines:
        if not line.startswith("  ") or "@" not in line:
            break
        *role, email, password = line.split()
        logins.append((" ".join(role), email, password))
    return logins


def _provider_admin(desk: RunningFrontdesk) -> tuple[str, str]:
    """The provider admin among the demo logins that ``frontdesk run`` printed on its first start."""
    logins = _demo_logins(desk.output)
    admins = [(email, password) for role, email, password in logins if "provider" in role.lower()]
    assert admins, f"frontdesk run printed no provider admin among the demo logins:\n{desk.output}"
    return admins[0]


def _brand_names(data: Path) -> set[str]:
    script = "import json; from frontdesk.brands.models import Brand; print(json.dumps([b.name for b in Brand.objects.all()]))"
    result = frontdesk("shell", "--no-imports", "-c", script, env=clean_env(data))
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def test_a_new_user_signs_in_sees_the_brands_and_opens_the_api_docs(tmp_path: Path, page: Any) -> None:
    with running_frontdesk(tmp_path / "desk-data", args=("run",)) as desk:
        email, password = _provider_admin(desk)
        brands = _brand_names(desk.data)
        hosts: set[str] = set()
        page.on("request", lambda request: hosts.add(urlsplit(request.url).hostname or ""))

        page.goto(desk.url)
        page.get_by_role("link", name="Sign in").last.click()
        page.wait_for_url("**/accounts/login/**")
        page.fill("input[name=login]", email)
        page.fill("input[name=password]", password)
        page.locator("form[action='/accounts/login/'] button[type=submit]").click()

        page.wait_for_url(desk.url)
        assert "Signed in as" in page.locator("main").inner_text()
        listed = page.locator("ul.brands li").all_inner_texts()
        assert listed, "the home page lists no brands"
        # A provider admin serves every brand.
        assert len(listed) == len(brands)
        assert all(any(name in text for text in listed) for name in brands), (listed, brands)

        page.goto(desk.url + "api/v1/docs")
        page.locator(".swagger-ui .info .title").filter(has_text="Frontdesk API").wait_for()
        assert hosts == {"127.0.0.1"}, f"the pages loaded something from elsewhere: {hosts}"
