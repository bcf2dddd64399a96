"""The parser against real mail from other help desks (the shared corpus, read in place, never copied)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from frontdesk.core.html import html_to_text, sanitize_html
from frontdesk.mail.parse import ParseError, parse_message
from frontdesk.mail.parsed import ParsedMail
from frontdesk.testing.corpus import corpus_path

MAIL_FOLDERS = ("zammad/mail", "otrs_kix", "freescout", "django_helpdesk", "spamscope_mail_parser", "talon")
# Mails that are rightly refused, with the reason code.
REFUSED = {"spamscope_mail_parser/mail_outlook_1": "outlook_msg"}

# Fields where Zammad's expectation is arguably wrong; ours is kept, and why.
ZAMMAD_KNOWN = {
    (
        "mail018",
        "subject",
    ): "Zammad leaves the UTF-7 encoded word undecoded (+ANw-); we decode it to 'Übermittlungsstatus'",
    (
        "mail087",
        "attachments",
    ): "Zammad keeps the nameless text/plain part as a file named 'file'; it is our body",
    (
        "mail085",
        "attachments",
    ): "Apple Mail's second HTML part: Zammad keeps it as a file, we show it in the body",
    (
        "mail102",
        "attachments",
    ): "Zammad renames the second of two files with the same name (adds '1'); we keep names as sent",
    ("mail035", "from"): "Zammad keeps the quotes of a quoted local part around the whole address",
    (
        "mail046",
        "from",
    ): "a six-byte raw 8-bit (GB2312) name without a label: both parsers read it as Latin garbage",
    ("mail053", "from"): "From is the bare word MAILER-DAEMON without a domain: no usable address",
    (
        "mail064",
        "attachments",
    ): "filename in windows-1258: Zammad keeps the combining accents apart (eì); we compose é",
    (
        "mail076",
        "from",
    ): "broken From (a quote-delimited local part and a stray '>'): Zammad copies the junk into the name",
    (
        "mail087",
        "from",
    ): "From 'Test test@example.com' has no angle brackets: the address is test@example.com, no name",
}
# Bodies where Zammad's own answer is wrong (undecoded or empty): left out of the match rate, listed all the same.
ZAMMAD_WRONG = {"mail018", "mail054", "mail072", "mail087", "mail105"}
ZAMMAD_BODY_KNOWN = {
    "mail018": "body in UTF-7: Zammad leaves it undecoded (+APw-), we decode it",
    "mail021": "spam: one garbled character that the two parsers read differently",
    "mail023": "8-bit GB2312 body without a declared charset: detection reads it differently",
    "mail025": "uuencoded file in the text: we extract it as an attachment, Zammad leaves it in the body",
    "mail054": "Zammad gives up on the mail (no visible content); we repair the unindented header lines and read it",
    "mail072": "Zammad reads windows-1252 French as windows-1250 (ŕ for à); we read it right",
    "mail085": "Apple Mail sends two HTML parts in one alternative; we show both, Zammad keeps the second as a file",
    "mail087": "Zammad finds no text (no visible content); we read the plain-text part",
    "mail105": "Zammad finds no text (no visible content); we read the part",
}
# Attachment names Zammad invents for parts that have none in the mail: compared by bytes only.
ZAMMAD_INVENTED_NAMES = {"file", "document.html", "document1.html", "video.mov", "video1.mov"}
NO_CONTENT = "no visible content"


def _folded(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _html_text(html: str) -> str:
    return html_to_text(re.sub(r"</t[dh]\s*>", lambda m: m.group(0) + " ", sanitize_html(html)))


def _addresses(text: str) -> list[str]:
    """Addresses of an expected header, in order: the angle address of each item, else its bare address."""
    found: list[str] = []
    for item in re.split(r",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", text or ""):
        angle = re.search(r"<([^<>\s]+@[^<>\s]+)>", item)
        bare = re.search(r"[^\s<>()\"',]+@[^\s<>()\"',]+", re.sub(r'"[^"]*"', "", item))
        if angle or bare:
            found.append((angle or bare).group(1 if angle else 0).lower())  # type: ignore[union-attr]
    return found


def _load_yml(path: Path) -> dict[str, Any]:
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor(
        "!ruby/hash:ActiveSupport::HashWithIndifferentAccess",
        lambda loader, node: loader.construct_mapping(node, deep=True),
    )
    Loader.add_constructor("!binary", lambda loader, node: base64.b64decode(loader.construct_scalar(node)))
    return yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)  # noqa: S506 - SafeLoader subclass


def _md5(data: bytes | str) -> str:
    return hashlib.md5(data if isinstance(data, bytes) else data.encode("utf-8")).hexdigest()  # noqa: S324


def _text_md5(data: bytes | str) -> str:
    """Text payloads sit in the YAML as text, which cannot keep CRLF line ends: compare with LF ends."""
    raw = data if isinstance(data, bytes) else data.encode("utf-8")
    return _md5(raw.replace(b"\r\n", b"\n").rstrip())


def _mail_files() -> list[tuple[str, Path]]:
    files: list[tuple[str, Path]] = []
    root = corpus_path()
    for folder in MAIL_FOLDERS:
        base = corpus_path(*folder.split("/"))
        for path in sorted(base.rglob("*")):
            if path.is_file() and (
                path.suffix in {".box", ".eml"} or path.parent.name == "spamscope_mail_parser"
            ):
                if path.suffix in {".md", ".json", ".csv"} or path.name.startswith("README"):
                    continue
                files.append((str(path.relative_to(root).with_suffix("")), path))
    return files


def test_every_corpus_mail_parses_without_a_crash() -> None:
    files = _mail_files()
    crashes: list[str] = []
    refused: dict[str, str] = {}
    for name, path in files:
        try:
            parsed = parse_message(path.read_bytes())
        except ParseError as error:
            refused[name] = error.code
            continue
        except Exception as error:  # noqa: BLE001 - the point is to list every crash
            crashes.append(f"{name}: {type(error).__name__}: {error}")
            continue
        for value in (parsed.subject, parsed.text, parsed.html, parsed.visible_text):
            assert "\x00" not in value, name
    assert len(files) >= 150
    assert crashes == [], "\n".join(crashes)
    assert refused == REFUSED


def _zammad_differences(name: str, expected: dict[str, Any], parsed: ParsedMail) -> dict[str, str]:
    found: dict[str, str] = {}
    if "from_email" in expected and (expected["from_email"] or "").lower() != parsed.from_.address:
        found["from"] = f"{expected['from_email']!r} != {parsed.from_.address!r}"
    elif "from_display_name" in expected and (expected["from_display_name"] or "") != parsed.from_.name:
        found["from"] = f"name {expected['from_display_name']!r} != {parsed.from_.name!r}"
    if "subject" in expected and (expected["subject"] or "").strip() != parsed.subject.strip():
        found["subject"] = f"{expected['subject']!r} != {parsed.subject!r}"
    for key, ours in (("to", parsed.to), ("cc", parsed.cc), ("reply-to", parsed.reply_to)):
        if key in expected and _addresses(expected[key]) != [a.address for a in ours]:
            found[key] = f"{expected[key]!r} != {[a.address for a in ours]!r}"
    wanted = [
        attachment
        for attachment in expected.get("attachments") or []
        if not (attachment.get("preferences") or {}).get("content-alternative")
    ]
    text_form = any(isinstance(a["data"], str) for a in wanted)
    digest_of = _text_md5 if text_form else _md5
    ours_by_md5 = Counter((_md5(a.data), a.filename) for a in parsed.attachments)
    ours_by_md5.update((_text_md5(a.data), a.filename) for a in parsed.attachments)
    ours_md5 = {key for key, _ in ours_by_md5}
    for attachment in wanted:
        digest = (
            _md5(attachment["data"])
            if isinstance(attachment["data"], bytes)
            else digest_of(attachment["data"])
        )
        if attachment["filename"] in ZAMMAD_INVENTED_NAMES:
            if digest not in ours_md5:
                found["attachments"] = f"bytes of {attachment['filename']!r} missing"
        elif ours_by_md5[(digest, attachment["filename"])] < 1:
            found["attachments"] = (
                f"{attachment['filename']!r} not among {[a.filename for a in parsed.attachments]}"
            )
    return found


def _zammad_body_matches(expected: dict[str, Any], parsed: ParsedMail) -> bool:
    body = expected.get("body") or ""
    body = "" if body.strip() == NO_CONTENT else body
    if expected.get("content_type") == "text/html":
        return _folded(_html_text(body)) == _folded(_html_text(parsed.html) if parsed.html else parsed.text)
    return _folded(body) == _folded(parsed.text)


def test_zammad_fixtures_give_the_expected_sender_recipients_subject_attachments_and_bodies() -> None:
    folder = corpus_path("zammad", "mail")
    differences: list[str] = []
    body_misses: list[str] = []
    stale_known: list[str] = []
    fixtures = sorted(folder.glob("*.yml"))
    for yml in fixtures:
        name = yml.stem
        expected = _load_yml(yml)
        parsed = parse_message(yml.with_suffix(".box").read_bytes())
        found = _zammad_differences(name, expected, parsed)
        for field_name, detail in found.items():
            if (name, field_name) not in ZAMMAD_KNOWN:
                differences.append(f"{name} {field_name}: {detail}")
        stale_known += [f"{n} {f}" for n, f in ZAMMAD_KNOWN if n == name and f not in found]
        if not _zammad_body_matches(expected, parsed):
            body_misses.append(name)
    raw_rate = 1 - len(body_misses) / len(fixtures)
    judged = [yml.stem for yml in fixtures if yml.stem not in ZAMMAD_WRONG]
    rate = 1 - len([name for name in body_misses if name in judged]) / len(judged)
    unexplained = [name for name in body_misses if name not in ZAMMAD_BODY_KNOWN]
    report = "\n".join(
        [
            (
                f"body match rate {rate:.1%} over {len(judged)} fixtures with a sound expectation "
                f"({raw_rate:.1%} over all {len(fixtures)})"
            ),
            *differences,
        ]
        + [f"body differs: {name} ({ZAMMAD_BODY_KNOWN.get(name, 'UNEXPLAINED')})" for name in body_misses]
        + [f"known difference no longer differs: {item}" for item in stale_known]
    )
    print(report)  # noqa: T201 - the rates belong in the test output
    assert len(fixtures) >= 80
    assert differences == [], report
    assert stale_known == [], report
    assert rate >= 0.95, report
    assert raw_rate >= 0.85, report
    assert unexplained == [], report


def test_otrs_fixtures_give_the_expected_senders_and_attachment_names() -> None:
    expectations = json.loads(corpus_path("otrs_kix", "expectations.json").read_text(encoding="utf-8"))[
        "fixtures"
    ]
    failures: list[str] = []
    for relative, wanted in expectations.items():
        path = corpus_path("otrs_kix") / relative
        if not path.exists():
            continue  # held out of the corpus
        parsed = parse_message(path.read_bytes())
        names = [a.filename for a in parsed.attachments]
        # OTRS keeps the HTML alternative of the body as a file "file-N"; we keep it as the HTML body.
        wanted = {
            key: [name for name in value if not re.fullmatch(r"file-\d+", name)]
            if isinstance(value, list)
            else value
            for key, value in wanted.items()
        }
        if "attachment_filenames" in wanted and names != wanted["attachment_filenames"]:
            failures.append(f"{relative}: attachments {names} != {wanted['attachment_filenames']}")
        for name in wanted.get("attachment_filenames_include", []):
            if name not in names:
                failures.append(f"{relative}: {name!r} not among {names}")
        for key, address in (("from", parsed.from_), ("cc_first", parsed.cc[0] if parsed.cc else None)):
            if key in wanted:
                match = re.fullmatch(r'"?(.*?)"?\s*<(.+)>', wanted[key])
                assert match, relative
                assert address is not None, relative
                if (address.name, address.address) != (match.group(1), match.group(2).lower()):
                    failures.append(f"{relative}: {key} {address} != {wanted[key]}")
        if wanted.get("body_not_empty") and not parsed.text.strip():
            failures.append(f"{relative}: empty body")
    assert failures == [], "\n".join(failures)


def test_django_helpdesk_fixtures_keep_titles_bodies_and_attachments() -> None:
    def parsed(name: str) -> ParsedMail:
        return parse_message(corpus_path("django_helpdesk", name).read_bytes())

    assert parsed("quoted_printable.eml").subject == "Český test"
    special = parsed("all-special-chars.eml")
    assert special.subject == "Testovácí email"
    assert special.text.strip() == "íářčšáíéřášč"
    nondecodable = parsed("utf-nondecodable.eml")
    assert nondecodable.subject == "Fwd: Cyklozaměstnavatel - změna vyhodnocení"
    assert "prosazuje lepší" in html_to_text(nondecodable.html) or "prosazuje lepší" in nondecodable.text
    forwarded = parsed("forwarded-message.eml")
    assert "This is email body" in forwarded.text
    blank = parsed("blank-body-with-attachment.eml")
    assert blank.text.strip() == ""
    assert len(blank.attachments) == 1
    pgp = parsed("pgp.eml")
    assert [a.content_type for a in pgp.attachments] == ["application/pgp-signature"]
    assert pgp.text.strip()


def test_freescout_fixtures_decode_koi8r_with_null_bytes_iso2022jp_and_a_bad_boundary() -> None:
    def parsed(name: str) -> ParsedMail:
        return parse_message(corpus_path("freescout", name).read_bytes())

    nulls = parsed("message-4-null-bytes.eml")
    assert nulls.subject == "активизация виндойс"
    assert "\x00" not in nulls.text + nulls.html
    assert any(a.content_type == "image/png" for a in nulls.attachments)
    japanese = parsed("message-5-iso-2022-jp.eml")
    assert re.search(r"[\u3040-\u30ff]", japanese.text)
    bad_boundary = parsed("message-2.eml")
    assert [a.content_type for a in bad_boundary.attachments] == ["application/pdf"]
    signed = parsed("issue-4567.eml")
    assert any("PGP" in note for note in signed.notes)


def test_bounces_in_the_corpus_are_recognised_with_recipient_and_status() -> None:
    bounce = parse_message(
        corpus_path("zammad", "mail", "mail033-undelivered-mail-returned-to-sender.box").read_bytes()
    )
    assert bounce.bounce is not None
    assert bounce.bounce.permanent
    assert bounce.bounce.recipient
    assert bounce.bounce.status.startswith("5.")
    assert bounce.is_auto_submitted
    delay = parse_message(corpus_path("zammad", "mail", "mail078.box").read_bytes())
    assert delay.bounce is not None
    assert not delay.bounce.permanent
    postfix = parse_message(corpus_path("otrs_kix", "EmailParser", "PostMaster-Test10.box").read_bytes())
    assert postfix.bounce is not None
    assert postfix.bounce.original_message_id


@pytest.mark.parametrize("name", ["mail117", "mail118"])
def test_encoded_words_in_an_address_cannot_change_its_domain(name: str) -> None:
    parsed = parse_message(corpus_path("zammad", "mail", f"{name}.box").read_bytes())
    assert parsed.from_.address.endswith(("@victim.example", "@example.com"))
