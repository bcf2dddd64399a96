"""make_body: outside HTML is sanitized, plain text is kept and escaped, oversized bodies are refused."""

from __future__ import annotations

import pytest
from django.test import override_settings

from frontdesk.core.errors import InvalidInput
from frontdesk.tickets.content import make_body


@pytest.mark.parametrize(
    ("dirty", "forbidden"),
    [
        ("<p>Hi</p><script>alert(1)</script>", "<script"),
        ('<img src="x.png" onerror="alert(1)">Hi', "onerror"),
        ('<a href="javascript:alert(1)">Hi</a>', "javascript:"),
        ('<p style="background:url(x)" onclick="steal()">Hi</p>', "onclick"),
        ("<iframe src='https://evil.example'></iframe>Hi", "<iframe"),
        ("<style>body{display:none}</style>Hi", "<style"),
    ],
)
def test_dangerous_html_is_removed_and_the_words_stay(dirty, forbidden):
    body = make_body(html=dirty)

    assert forbidden not in body.html.lower()
    assert "Hi" in body.text


def test_safe_formatting_and_links_are_kept_with_a_safe_rel():
    body = make_body(
        html='<p>See <a href="https://opera.example/faq">the <b>FAQ</b></a></p><ul><li>one</li></ul>'
    )

    assert (
        '<a href="https://opera.example/faq" rel="noopener noreferrer nofollow">the <b>FAQ</b></a>'
        in body.html
    )
    assert "<li>one</li>" in body.html
    assert body.text == "See the FAQ\none"


def test_plain_text_is_kept_as_written_and_escaped_in_html():
    text = "Dear team,\n\nmy order <12345> & seats\nrow 5"

    body = make_body(text=text)

    assert body.text == text
    assert body.html == "<p>Dear team,</p><p>my order &lt;12345&gt; &amp; seats<br>row 5</p>"


@pytest.mark.parametrize(
    "empty", [{"text": "   \n "}, {"html": "<script>only()</script>"}, {"html": "<p> </p>"}]
)
def test_a_body_with_nothing_to_say_is_refused(empty):
    with pytest.raises(InvalidInput) as refused:
        make_body(**empty)

    assert refused.value.field == "body"


@override_settings(FRONTDESK_MAX_BODY_CHARS=100)
def test_an_oversized_body_is_invalid_input_naming_the_field():
    make_body(text="x" * 100)
    with pytest.raises(InvalidInput) as refused:
        make_body(text="x" * 101, field="message")
    with pytest.raises(InvalidInput):
        make_body(html="<p>" + "x" * 200 + "</p>")

    assert refused.value.field == "message"
