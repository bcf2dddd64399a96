"""Handcrafted mails for each encoding and structure case the parser must survive."""

from __future__ import annotations

import base64
import binascii

import pytest

from frontdesk.mail.parse import MailTooLarge, UnparseableMail, parse_message

HEAD = b"From: Anna <anna@example.com>\r\nTo: support@opera.example\r\nMessage-ID: <m1@example.com>\r\n"


def test_rfc2047_subject_and_name_are_decoded_across_adjacent_words() -> None:
    raw = (
        b"From: =?utf-8?B?0JjQstCw0L0=?= <ivan@example.com>\r\n"
        b"Subject: =?utf-8?q?=D0=97=D0=B0?= =?utf-8?q?=D0=BF=D1=80=D0=BE=D1=81?=\r\n\r\nhi\r\n"
    )
    parsed = parse_message(raw)
    assert parsed.subject == "Запрос"
    assert parsed.from_.name == "Иван"


def test_raw_8bit_windows_1251_subject_is_guessed_from_the_body_charset() -> None:
    body = "Привет, билеты не пришли".encode("cp1251")
    raw = (
        HEAD
        + "Subject: Билеты".encode("cp1251")
        + b"\r\nContent-Type: text/plain; charset=windows-1251\r\n\r\n"
        + body
    )
    parsed = parse_message(raw)
    assert parsed.subject == "Билеты"
    assert parsed.text == "Привет, билеты не пришли"


def test_koi8r_body_with_null_bytes_is_decoded_without_them() -> None:
    raw = (
        HEAD
        + b"Subject: x\r\nContent-Type: text/plain; charset=koi8-r\r\n\r\n"
        + "Добрый\x00 день".encode("koi8-r")
    )
    assert parse_message(raw).text == "Добрый день"


def test_iso_2022_jp_with_vendor_characters_is_decoded() -> None:
    body = "①注文".encode("cp932")
    jis = b"\x1b$B-!CmJ8\x1b(B"  # ① 注文 in ISO-2022-JP (NEC row 13 for ①)
    raw = HEAD + b"Subject: x\r\nContent-Type: text/plain; charset=iso-2022-jp\r\n\r\n" + jis
    assert parse_message(raw).text == body.decode("cp932")


def test_utf7_body_is_decoded() -> None:
    raw = HEAD + b"Subject: x\r\nContent-Type: text/plain; charset=unicode-1-1-utf-7\r\n\r\n+ANw-bermittlung"
    assert parse_message(raw).text == "Übermittlung"


def test_mislabelled_utf8_is_read_as_utf8_with_a_note() -> None:
    raw = HEAD + b"Subject: x\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\n" + "Grüße".encode()
    parsed = parse_message(raw)
    assert parsed.text == "Grüße"
    assert any("read as utf-8" in note for note in parsed.notes)


def test_broken_base64_and_quoted_printable_still_decode() -> None:
    raw = (
        HEAD + b'Subject: x\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        b"caf=C3=A9 =ZZ done\r\n--b\r\nContent-Type: application/pdf; name=a.pdf\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nJVBE Ri0x!!LjQK\r\n--b--\r\n"
    )
    parsed = parse_message(raw)
    assert parsed.text.startswith("café =ZZ")
    assert parsed.attachments[0].data == b"%PDF-1.4\n"


def test_uuencoded_file_in_the_text_becomes_an_attachment() -> None:
    encoded = binascii.b2a_uu(b"hello\n").rstrip(b"\n")
    raw = HEAD + b"Subject: x\r\n\r\nSee file\r\nbegin 644 a.txt\r\n" + encoded + b"\r\n`\r\nend\r\n"
    parsed = parse_message(raw)
    assert parsed.attachments[0].filename == "a.txt"
    assert parsed.attachments[0].data == b"hello\n"
    assert "begin 644" not in parsed.text


def test_rfc2231_filename_and_text_plain_attachment_are_kept() -> None:
    raw = (
        HEAD + b'Subject: x\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        b"Content-Type: text/plain\r\n\r\nbody\r\n--b\r\nContent-Type: text/plain\r\n"
        b"Content-Disposition: attachment; filename*=utf-8''Erkl%C3%A4rung.txt\r\n\r\nnotes\r\n--b--\r\n"
    )
    parsed = parse_message(raw)
    assert parsed.text == "body"
    assert [(a.filename, a.data) for a in parsed.attachments] == [("Erklärung.txt", b"notes")]


def test_alternative_prefers_html_keeps_text_and_blocks_remote_images() -> None:
    image = base64.b64encode(b"PNGDATA")
    raw = (
        HEAD + b'Subject: x\r\nContent-Type: multipart/alternative; boundary="a"\r\n\r\n--a\r\n'
        b"Content-Type: text/plain\r\n\r\nplain version\r\n--a\r\n"
        b'Content-Type: multipart/related; boundary="r"\r\n\r\n--r\r\nContent-Type: text/html\r\n\r\n'
        b'<p>rich <img src="cid:logo@x"><img src="https://tracker.example/p.gif"></p><script>x()</script>\r\n'
        b"--r\r\nContent-Type: image/png\r\nContent-ID: <logo@x>\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + image
        + b"\r\n--r--\r\n--a--\r\n"
    )
    parsed = parse_message(raw)
    assert parsed.text == "plain version"
    assert 'src="cid:logo@x"' in parsed.html
    assert ' src="https://tracker.example/p.gif"' not in parsed.html
    assert 'data-remote-src="https://tracker.example/p.gif"' in parsed.html
    assert "<script" not in parsed.html
    assert "remote images blocked" in parsed.notes
    assert (parsed.attachments[0].content_id, parsed.attachments[0].inline) == ("logo@x", True)


def test_attached_message_calendar_and_winmail_are_kept_and_noted() -> None:
    inner = b"Subject: Original\r\nMessage-ID: <o@x>\r\n\r\nold\r\n"
    raw = (
        HEAD + b'Subject: Fwd\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        b"Content-Type: text/plain\r\n\r\nsee below\r\n--b\r\nContent-Type: message/rfc822\r\n\r\n"
        + inner
        + b"--b\r\nContent-Type: text/calendar; method=REQUEST\r\n\r\nBEGIN:VCALENDAR\r\n"
        b"--b\r\nContent-Type: application/ms-tnef; name=winmail.dat\r\n\r\nx\r\n--b--\r\n"
    )
    parsed = parse_message(raw)
    names = [a.filename for a in parsed.attachments]
    assert names == ["Original.eml", "invite.ics", "winmail.dat"]
    assert parsed.attachments[0].data == inner.rstrip(b"\r\n")
    assert any("winmail.dat" in note for note in parsed.notes)


def test_loop_signals_and_out_of_office_are_recognised() -> None:
    ooo = parse_message(
        HEAD + b"Subject: Automatische Antwort: Tickets\r\nAuto-Submitted: auto-replied\r\n\r\nweg\r\n"
    )
    assert ooo.is_auto_reply
    assert ooo.is_auto_submitted
    bulk = parse_message(HEAD + b"Subject: News\r\nPrecedence: bulk\r\n\r\nx\r\n")
    assert bulk.is_auto_submitted
    assert not bulk.is_auto_reply
    null = parse_message(b"Return-Path: <>\r\n" + HEAD + b"Subject: hi\r\n\r\nx\r\n")
    assert null.return_path_null
    assert null.is_auto_submitted
    assert not parse_message(HEAD + b"Subject: Help\r\n\r\nx\r\n").is_auto_submitted


def test_too_large_empty_and_outlook_msg_are_refused_with_a_reason() -> None:
    with pytest.raises(MailTooLarge) as large:
        parse_message(HEAD + b"\r\n" + b"x" * 100, max_bytes=50)
    assert large.value.code == "too_large"
    with pytest.raises(UnparseableMail) as empty:
        parse_message(b"  \r\n")
    assert empty.value.code == "empty"
    with pytest.raises(UnparseableMail) as msg:
        parse_message(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    assert msg.value.code == "outlook_msg"
