"""The reports page's chart is SVG geometry: its numbers are written the same in every language (a decimal
comma would make the browser drop every bar)."""

from __future__ import annotations

import re

import pytest

from frontdesk.desk.tests.test_reports_page import OCTOBER, URL, _october_tickets, _sign_in
from frontdesk.users.models import User

pytestmark = pytest.mark.django_db

SVG = re.compile(r"<svg.*?</svg>", re.DOTALL)
RECT = re.compile(r'<rect class="(\w+)" x="([^"]*)" y="([^"]*)" width="([^"]*)" height="([^"]*)"')


def _chart(client, language: str, user) -> tuple[str, list[tuple[str, ...]]]:
    User.objects.filter(pk=user.pk).update(language=language)
    html = client.get(URL, OCTOBER).content.decode()
    svg = SVG.search(html)
    assert svg is not None
    return svg.group(0), RECT.findall(svg.group(0))


@pytest.mark.parametrize("language", ["ru", "pl"])
def test_the_chart_draws_with_the_same_numbers_in_every_language(
    cast, client, time_machine, django_capture_on_commit_callbacks, language
):
    _october_tickets(cast.opera, 3, time_machine, django_capture_on_commit_callbacks)
    _sign_in(client, cast.opera.admin)
    _english_svg, english = _chart(client, "en", cast.opera.admin)
    local_svg, local = _chart(client, language, cast.opera.admin)
    assert len(english) == 62  # 31 days of October, created and solved
    assert any("." in x for _kind, x, *_rest in english)  # fractional positions: what a comma would spoil
    assert re.search(r'="[\d.\s]*\d,\d', local_svg) is None
    assert re.search(r'viewBox="0 0 720 160"', local_svg)
    assert local == english
