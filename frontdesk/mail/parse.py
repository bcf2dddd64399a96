"""Raw mail bytes to ``ParsedMail``: pure, no database, tolerant of what real mail looks like.

Only a mail that cannot be taken in at all raises (``MailTooLarge``, ``UnparseableMail``); everything else parses
with fallbacks, and each fallback leaves a note for agents (``ParsedMail.notes``).
"""

from __future__ import annotations

import binascii
import mimetypes
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.feedparser import BytesFeedParser
from email.generator import BytesGenerator
from email.message import Message
from email.policy import Compat32
from email.utils import parsedate_to_datetime
from io import BytesIO

from frontdesk.core.html import html_to_text, sanitize_html, text_to_html
from frontdesk.mail import autoreply
from frontdesk.mail.charsets import clean_text, decode_bytes, guess, html_meta_charset, is_multibyte
from frontdesk.mail.headers import decode_header, decode_param, parse_addresses, raw_bytes, unfold
from frontdesk.mail.parsed import Address, BounceInfo, ParsedAttachment, ParsedMail
from frontdesk.mail.quotes import strip_quotes

PARSER_VERSION = "1"
DEFAULT_MAX_BYTES = 25 * 1024 * 1024
MAX_DEPTH = 20
MAX_PARTS = 1000


class ParseError(Exception):
    """A mail that cannot be taken in; ``code`` is a short machine reason, ``message`` a readable one."""

    code = "unparseable"

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class MailTooLarge(ParseError):
    pass


class UnparseableMail(ParseError):
    pass


_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEADER_LINE = re.compile(rb"^[!-9;-~]+[ \t]*:")
_DATE_PREFIX = re.compile(
    r"^\s*(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[+-]\d{4}|[A-Z]{1,5})?"
)
_MSGID = re.compile(r"<([^<>\s]+)>")
_IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_REMOTE_SRC = re.compile(r"""\ssrc=("|')((?:https?:)?//[^"']*)\1""", re.IGNORECASE)
_UU_BLOCK = re.compile(r"^begin [0-7]{3,4} ([^\r\n]+)\r?\n(.*?)^end[ \t]*$\r?\n?", re.MULTILINE | re.DOTALL)
_PGP_SIGNED = re.compile(
    r"-----BEGIN PGP SIGNED MESSAGE-----\r?\n(?:Hash:[^\n]*\n)*\r?\n(?P<body>.*?)\r?\n?"
    r"(?P<sig>-----BEGIN PGP SIGNATURE-----.*?-----END PGP SIGNATURE-----)",
    re.DOTALL,
)
_UNSAFE_FILENAME = re.compile(r"[\x00-\x1f\x7f/\\]+")
_EXTENSIONS = {
    "text/plain": ".txt",
    "text/html": ".html",
    "text/calendar": ".ics",
    "message/rfc822": ".eml",
    "message/delivery-status": ".txt",
    "message/global-delivery-status": ".txt",
    "text/rfc822-headers": ".txt",
    "message/rfc822-headers": ".txt",
    "application/pgp-signature": ".asc",
    "application/pkcs7-signature": ".p7s",
    "application/x-pkcs7-signature": ".p7s",
    "application/pkcs7-mime": ".p7m",
    "application/x-pkcs7-mime": ".p7m",
    "image/jpeg": ".jpg",
    "image/jpg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "application/pdf": ".pdf",
    "application/octet-stream": ".bin",
}
_SIGNATURE_TYPES = {
    "application/pkcs7-signature": "S/MIME",
    "application/x-pkcs7-signature": "S/MIME",
    "application/pgp-signature": "PGP",
}


class _RawPolicy(Compat32):
    """compat32, but header values keep their 8-bit bytes (as surrogates) for our own charset handling."""

    def header_fetch_parse(self, name: str, value: str) -> str:
        return value


_POLICY = _RawPolicy()
_OPAQUE = "application/x-frontdesk-message"


class _Part(Message):
    """A MIME part whose message/* payloads stay unparsed bytes, so attached mails are kept byte-exact."""

    def get_content_type(self) -> str:
        ctype = super().get_content_type()
        return _OPAQUE if ctype.startswith("message/") else ctype


def _ctype(part: Message) -> str:
    return Message.get_content_type(part)


def _parse_bytes(data: bytes) -> Message:
    parser = BytesFeedParser(_factory=_Part, policy=_POLICY)
    parser.feed(data)
    return parser.close()


@dataclass
class _Segment:
    text: str
    html: str = ""  # sanitized; "" for a plain-text segment


@dataclass
class _DeliveryStatus:
    recipient: str
    action: str
    status: str
    diagnostic: str


@dataclass
class _Walk:
    hint: str | None
    segments: list[_Segment] = field(default_factory=list)
    attachments: list[ParsedAttachment] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    statuses: list[_DeliveryStatus] = field(default_factory=list)
    returned_message_ids: list[str] = field(default_factory=list)
    parts: int = 0
    remote_images: int = 0

    def note(self, text: str) -> None:
        if text and text not in self.notes:
            self.notes.append(text)

    # -- structure -------------------------------------------------------------------------------------------

    def walk(self, part: Message, depth: int, *, related: bool = False) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS:
            self.note(f"more than {MAX_PARTS} MIME parts: the rest is kept only in the raw mail")
            return
        ctype = _ctype(part)
        if ctype in {"message/rfc822", "message/global"}:
            self.attach_message(part)
            return
        if ctype in {"message/delivery-status", "message/global-delivery-status"}:
            self.delivery_status(part)
            return
        if ctype in {"text/rfc822-headers", "message/rfc822-headers"}:
            self.returned_headers(part)
            return
        if part.get_content_maintype() == "multipart":
            if depth >= MAX_DEPTH:
                self.note(f"MIME nesting deeper than {MAX_DEPTH}: inner parts kept as a file")
                self.add_attachment(part, _part_bytes(part), "nested-parts.eml")
                return
            children = _children(part, self)
            if children is None:
                self.leaf(part, related=related, as_text=True)
                return
            if ctype == "multipart/alternative":
                self.alternative(children, depth)
            elif ctype == "multipart/related":
                self.related(part, children, depth)
            elif ctype == "multipart/signed":
                self.signed(part, children, depth)
            elif ctype == "multipart/encrypted":
                self.note("encrypted (PGP): the content is kept as attachments, not readable here")
                for child in children:
                    self.add_attachment(child, _payload(child))
            else:
                for child in children:
                    self.walk(child, depth + 1)
            return
        self.leaf(part, related=related)

    def alternative(self, children: list[Message], depth: int) -> None:
        saved = self.segments
        plain: list[_Segment] | None = None
        rich: list[_Segment] | None = None
        last: list[_Segment] = []
        for child in children:
            self.segments = []
            self.walk(child, depth + 1)
            if not self.segments:
                continue
            last = self.segments
            if any(segment.html for segment in self.segments):
                rich = self.segments
            elif plain is None and any(segment.text.strip() for segment in self.segments):
                plain = self.segments
        self.segments = saved
        if rich is None and plain is None:
            self.segments.extend(last)
            return
        html = "".join(segment.html or text_to_html(segment.text) for segment in rich) if rich else ""
        if plain is not None:
            text = "\n\n".join(segment.text for segment in plain if segment.text.strip())
        else:
            text = "\n\n".join(segment.text for segment in rich or [] if segment.text.strip())
        self.segments.append(_Segment(text, html))

    def related(self, part: Message, children: list[Message], depth: int) -> None:
        start = _msgid(str(part.get_param("start") or ""))
        root_index = 0
        if start:
            for index, child in enumerate(children):
                if _msgid(_header(child, "Content-ID")) == start:
                    root_index = index
        for index, child in enumerate(children):
            self.walk(child, depth + 1, related=index != root_index)

    def signed(self, part: Message, children: list[Message], depth: int) -> None:
        protocol = str(part.get_param("protocol") or "").lower()
        kind = _SIGNATURE_TYPES.get(protocol, "")
        for child in children[1:]:
            kind = kind or _SIGNATURE_TYPES.get(_ctype(child), "")
            self.add_attachment(child, _payload(child))
        self.note(f"signed ({kind or 'unknown signature type'}); the signature is kept as an attachment")
        if children:
            self.walk(children[0], depth + 1)

    def leaf(self, part: Message, *, related: bool = False, as_text: bool = False) -> None:
        ctype = "text/plain" if as_text else _ctype(part)
        disposition = (part.get_content_disposition() or "").lower()
        filename = _filename(part, self.hint)
        data = _payload(part)
        if ctype in {"application/pkcs7-mime", "application/x-pkcs7-mime"}:
            self.note("encrypted or opaque-signed (S/MIME): the content is kept as an attachment")
        elif ctype == "application/ms-tnef" or (filename or "").lower() == "winmail.dat":
            self.note("winmail.dat attached (Outlook TNEF): its contents are not unpacked")
        elif ctype == "text/calendar":
            self.note("calendar invitation attached")
            self.add_attachment(part, data, filename or "invite.ics")
            return
        body_type = ctype in {"text/plain", "text/html"} or (as_text or ctype == "text/enriched")
        if body_type and not filename and disposition != "attachment" and not related:
            self.body(part, ctype, data)
            return
        self.add_attachment(part, data, filename, related=related)

    def body(self, part: Message, ctype: str, data: bytes) -> None:
        declared = part.get_content_charset() or None
        if ctype == "text/html" and declared is None:
            declared = html_meta_charset(data)
        decoded = decode_bytes(data, declared or (self.hint or "").split(",")[0] or None)
        if decoded.note:
            self.note(f"charset: {decoded.note}")
        text = clean_text(decoded.text).replace("\r\n", "\n").replace("\r", "\n")
        if ctype == "text/html":
            html = self.clean_html(text)
            self.segments.append(_Segment(html_to_text(html), html))
            return
        text = self.extract_uuencoded(text)
        text = self.extract_inline_pgp(text)
        self.segments.append(_Segment(text))

    def clean_html(self, markup: str) -> str:
        sanitized = sanitize_html(markup)

        def block(match: re.Match[str]) -> str:
            tag = match.group(0)
            found = _REMOTE_SRC.search(tag)
            if not found:
                return tag
            self.remote_images += 1
            return tag.replace(
                found.group(0), f" data-remote-src={found.group(1)}{found.group(2)}{found.group(1)}"
            )

        return _IMG_TAG.sub(block, sanitized)

    def extract_uuencoded(self, text: str) -> str:
        if "begin " not in text:
            return text

        def take(match: re.Match[str]) -> str:
            data = _uudecode(match.group(2))
            if data is None:
                return match.group(0)
            name = _safe_filename(match.group(1).strip()) or "attachment.bin"
            ctype = mimetypes.guess_type(name)[0] or "application/octet-stream"
            self.attachments.append(ParsedAttachment(filename=name, content_type=ctype, data=data))
            self.note("uuencoded attachment extracted from the text")
            return ""

        return _UU_BLOCK.sub(take, text)

    def extract_inline_pgp(self, text: str) -> str:
        match = _PGP_SIGNED.search(text)
        if not match:
            return text
        signature = match.group("sig").encode("utf-8")
        self.attachments.append(
            ParsedAttachment(
                filename="signature.asc", content_type="application/pgp-signature", data=signature
            )
        )
        self.note("signed (PGP, inline); the signature is kept as an attachment")
        body = re.sub(r"^- (?=-)", "", match.group("body"), flags=re.MULTILINE)  # dash-escaped lines
        return text[: match.start()] + body + text[match.end() :]

    # -- attachments -----------------------------------------------------------------------------------------

    def add_attachment(
        self, part: Message, data: bytes, filename: str | None = None, *, related: bool = False
    ) -> None:
        ctype = _ctype(part)
        filename = filename or _filename(part, self.hint) or _fallback_name(part, self.hint)
        content_id = _msgid(decode_header(_header(part, "Content-ID")))
        disposition = (part.get_content_disposition() or "").lower()
        inline = bool(content_id) and (related or disposition == "inline")
        self.attachments.append(
            ParsedAttachment(
                filename=filename, content_type=ctype, data=data, content_id=content_id, inline=inline
            )
        )

    def attach_message(self, part: Message) -> None:
        data = _payload(part)
        inner = _parse_bytes(_repair_headers(_prepare(data)))
        message_id = _first_msgid(decode_header(_header(inner, "Message-ID")))
        if message_id:
            self.returned_message_ids.append(message_id)
        name = _filename(part, self.hint)
        if not name:
            subject = decode_header(_header(inner, "Subject"), _header_hint(inner) or self.hint).strip()
            description = decode_header(_header(part, "Content-Description"), self.hint).strip()
            name = _safe_filename(subject or description or "message") + ".eml"
        self.attachments.append(ParsedAttachment(filename=name, content_type=_ctype(part), data=data))

    def returned_headers(self, part: Message) -> None:
        data = _payload(part)
        found = re.search(
            rb"^Message-ID:[ \t]*(?:\r?\n[ \t]+)?<([^<>\s]+)>", data, re.IGNORECASE | re.MULTILINE
        )
        if found:
            self.returned_message_ids.append(found.group(1).decode("ascii", "replace"))
        self.add_attachment(part, data)

    def delivery_status(self, part: Message) -> None:
        data = _payload(part)
        text = decode_bytes(data, "utf-8").text.replace("\r\n", "\n")
        for block in re.split(r"\n[ \t]*\n", text):
            fields: dict[str, str] = {}
            for line in unfold(block).splitlines():
                name, sep, value = line.partition(":")
                if sep:
                    fields[name.strip().lower()] = value.strip()
            recipient = fields.get("final-recipient") or fields.get("original-recipient") or ""
            if not recipient:
                continue
            recipient = recipient.split(";", 1)[-1].strip().strip("<>").lower()
            diagnostic = fields.get("diagnostic-code", "")
            if ";" in diagnostic[:12]:
                diagnostic = diagnostic.split(";", 1)[1].strip()
            self.statuses.append(
                _DeliveryStatus(
                    recipient=recipient,
                    action=fields.get("action", "").lower(),
                    status=fields.get("status", "").split(" ", 1)[0],
                    diagnostic=diagnostic,
                )
            )
        self.add_attachment(part, data)


# -- helpers -------------------------------------------------------------------------------------------------


def _header(part: Message, name: str) -> str:
    value = part.get(name)
    return value if isinstance(value, str) else ""


def _raw_all(message: Message, name: str) -> list[str]:
    lowered = name.lower()
    return [value for key, value in message.raw_items() if key.lower() == lowered and isinstance(value, str)]


def _payload(part: Message) -> bytes:
    """The decoded bytes of a leaf part (base64/QP/uuencode errors tolerated by the stdlib decoders)."""
    if part.is_multipart():
        return _part_bytes(part)
    encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    payload = part.get_payload()
    if encoding == "base64" and isinstance(payload, str):
        return _b64decode(raw_bytes(payload))
    if encoding in {"x-uuencode", "uuencode", "x-uue", "uue"} and isinstance(payload, str):
        lines = payload.replace("\r\n", "\n").split("\n")
        if lines and lines[0].startswith("begin "):
            lines = lines[1:]
        if "end" in lines:
            lines = lines[: lines.index("end")]
        decoded = _uudecode("\n".join(lines))
        if decoded is not None:
            return decoded
    try:
        data = part.get_payload(decode=True)
    except (ValueError, binascii.Error, UnicodeError):
        data = None
    if isinstance(data, bytes):
        return data
    payload = part.get_payload()
    return raw_bytes(payload) if isinstance(payload, str) else b""


def _b64decode(data: bytes) -> bytes:
    """Base64 as senders write it: stray characters skipped, a dangling last character dropped."""
    cleaned = re.sub(rb"[^A-Za-z0-9+/]", b"", data)
    if len(cleaned) % 4 == 1:
        cleaned = cleaned[:-1]
    cleaned += b"=" * (-len(cleaned) % 4)
    try:
        return binascii.a2b_base64(cleaned)
    except binascii.Error:
        return b""


def _message_bytes(message: Message) -> bytes:
    buffer = BytesIO()
    BytesGenerator(buffer, mangle_from_=False, policy=_POLICY).flatten(message)
    return buffer.getvalue()


def _part_bytes(part: Message) -> bytes:
    try:
        return _message_bytes(part)
    except (ValueError, TypeError, UnicodeError, LookupError):
        return b""


def _children(part: Message, walk: _Walk) -> list[Message] | None:
    """The sub-parts of a multipart; repairs a boundary that does not match the parts, or None for no parts."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [child for child in payload if isinstance(child, Message)]
    body = raw_bytes(payload) if isinstance(payload, str) else b""
    candidates = re.findall(rb"^--([^\s]{1,200}?)(?:--)?[ \t]*\r?$", body, re.MULTILINE)
    for boundary in dict.fromkeys(candidates):
        header = b'Content-Type: multipart/mixed; boundary="' + boundary + b'"\r\n\r\n'
        repaired = _parse_bytes(header + body)
        children = repaired.get_payload()
        if isinstance(children, list) and children:
            walk.note("MIME boundary did not match the parts: repaired")
            return [child for child in children if isinstance(child, Message)]
    if body.strip():
        walk.note("multipart without parts: read as text")
    return None


def _filename(part: Message, hint: str | None) -> str | None:
    for name, header in (("filename", "content-disposition"), ("name", "content-type")):
        try:
            value = part.get_param(name, header=header)
        except (ValueError, TypeError, LookupError):  # pragma: no cover - defensive against odd params
            value = None
        if value:
            decoded = _safe_filename(decode_param(value, hint))
            if decoded:
                return decoded
    return None


def _safe_filename(name: str) -> str:
    """A file name without path separators or control characters, composed (NFC) as macOS senders decompose it."""
    name = unicodedata.normalize("NFC", name)
    name = _UNSAFE_FILENAME.sub("_", name).strip().strip(".") if name.strip(". ") else ""
    return name[:255]


def _fallback_name(part: Message, hint: str | None) -> str:
    ctype = _ctype(part)
    extension = _EXTENSIONS.get(ctype) or mimetypes.guess_extension(ctype) or ".bin"
    content_id = _msgid(_header(part, "Content-ID"))
    local = content_id.split("@", 1)[0]
    if re.fullmatch(r"[\w\-. ]{1,100}\.[A-Za-z0-9]{2,5}", local):
        return local
    description = _safe_filename(decode_header(_header(part, "Content-Description"), hint))
    if description and len(description) <= 100:
        return description if description.lower().endswith(extension) else description + extension
    if ctype in {"message/delivery-status", "text/rfc822-headers", "message/rfc822-headers"}:
        return ctype.split("/", 1)[1] + extension
    return "attachment" + extension


def _uudecode(block: str) -> bytes | None:
    out = bytearray()
    for line in block.splitlines():
        if not line or line in {"`", " "}:
            continue
        try:
            out += binascii.a2b_uu(line)
        except binascii.Error:
            count = (((ord(line[0]) - 32) & 63) * 4 + 5) // 3
            try:
                out += binascii.a2b_uu(line[:count])
            except binascii.Error:
                return None
    return bytes(out)


def _msgid(value: str) -> str:
    value = value.strip()
    match = _MSGID.search(value)
    return match.group(1) if match else value.strip("<> \t")


def _first_msgid(value: str) -> str:
    return _msgid(value).split()[0] if value.strip() else ""


def _msgids(value: str) -> tuple[str, ...]:
    found = _MSGID.findall(value)
    if not found:
        found = [token.strip("<>,") for token in value.split() if "@" in token]
    return tuple(dict.fromkeys(found))


def _date(value: str) -> datetime | None:
    value = value.strip()
    if not value:
        return None
    for candidate in (value, (_DATE_PREFIX.match(value) or [""])[0]):
        if not candidate:
            continue
        try:
            parsed = parsedate_to_datetime(candidate)
        except (TypeError, ValueError, IndexError, OverflowError):
            continue
        if parsed is None:
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def _repair_headers(data: bytes) -> bytes:
    """Indent header lines that lost their folding whitespace, so they do not end the header block early."""
    head, sep, body = (
        data.partition(b"\n\n") if b"\r\n\r\n" not in data[:200000] else data.partition(b"\r\n\r\n")
    )
    lines = head.split(b"\n")
    changed = False
    for index, line in enumerate(lines):
        if not line.strip(b"\r") or line[:1] in {b" ", b"\t"} or _HEADER_LINE.match(line):
            continue
        if any(_HEADER_LINE.match(later) for later in lines[index + 1 :]):
            lines[index] = b" " + line
            changed = True
    if not changed:
        return data
    return b"\n".join(lines) + sep + body


def _prepare(raw: bytes) -> bytes:
    """Drop an mbox ``From `` line and any junk lines before the first header."""
    data = raw.lstrip(b"\r\n")
    for _ in range(20):
        line, sep, rest = data.partition(b"\n")
        if not sep or _HEADER_LINE.match(line) or not line.strip():
            break
        data = rest
    return data


def _header_hint(message: Message) -> str | None:
    """The charsets the mail's parts declare, for raw 8-bit headers (multi-byte ones first)."""
    charsets: list[str] = []
    for part in message.walk():
        charset = part.get_content_charset()
        if charset and charset not in {"us-ascii", "ascii"} and charset not in charsets:
            charsets.append(charset)
    return ",".join(sorted(charsets, key=lambda charset: not is_multibyte(charset))) or None


def _addresses(message: Message, names: tuple[str, ...], hint: str | None) -> tuple[Address, ...]:
    found: list[Address] = []
    for name in names:
        for value in _raw_all(message, name):
            for display, address in parse_addresses(value, hint):
                if address or display:
                    found.append(Address(address=address, name=display))
    return tuple(found)


def _bounce(walk: _Walk, subject: str, sender: Address, text: str) -> BounceInfo | None:
    original = walk.returned_message_ids[0] if walk.returned_message_ids else ""
    for status in walk.statuses:
        if status.action in {"delivered", "relayed", "expanded"}:
            continue
        permanent = status.status.startswith("5") or (not status.status and status.action == "failed")
        return BounceInfo(
            recipient=status.recipient,
            permanent=permanent,
            status=status.status,
            diagnostic=clean_text(status.diagnostic)[:1000],
            original_message_id=original,
        )
    if walk.statuses:
        return None
    return autoreply.nonstandard_bounce(subject, sender.address, text, original)


def parse_message(raw: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedMail:
    """Parse one raw RFC 5322 message. Raises ``ParseError`` only for a mail that cannot be taken in."""
    if len(raw) > max_bytes:
        raise MailTooLarge("too_large", f"The mail has {len(raw)} bytes, more than the limit of {max_bytes}.")
    data = _prepare(bytes(raw))
    if not data.strip():
        raise UnparseableMail("empty", "The mail is empty.")
    if data.startswith(_OLE2_MAGIC) or raw.startswith(_OLE2_MAGIC):
        raise UnparseableMail("outlook_msg", "This is an Outlook .msg file, not an RFC 5322 mail.")
    if not _HEADER_LINE.match(data):
        raise UnparseableMail("no_headers", "The mail has no header lines.")
    message = _parse_bytes(_repair_headers(data))
    hint = _header_hint(message)
    eight_bit = [raw_bytes(value) for _, value in message.raw_items() if isinstance(value, str)]
    eight_bit = [value for value in eight_bit if not value.isascii()]
    if eight_bit:
        longest = max(eight_bit, key=len)
        learned = guess(longest)
        high = sum(byte > 0x7F for byte in longest)
        if learned != "utf-8" and is_multibyte(learned) and high >= 12 and high * 2 > len(longest):
            # Raw 8-bit headers share one charset: learn it from the longest one (short names defeat detection).
            hint = learned + ("," + hint if hint else "")

    headers: dict[str, list[str]] = {}
    for name, value in message.raw_items():
        headers.setdefault(name.lower(), []).append(decode_header(str(value), hint))

    def first(name: str) -> str:
        values = headers.get(name.lower())
        return values[0] if values else ""

    walk = _Walk(hint=hint)
    walk.walk(message, 0)
    if message.defects:
        walk.note("structure defects: " + ", ".join(sorted({type(d).__name__ for d in message.defects})))
    if walk.remote_images:
        walk.note("remote images blocked")

    segments = walk.segments
    text = clean_text("\n\n".join(segment.text.strip("\n") for segment in segments if segment.text.strip()))
    html = ""
    if any(segment.html for segment in segments):
        html = "".join(segment.html or text_to_html(segment.text) for segment in segments)

    sender = Address(address="")
    for name in ("From", "Sender", "Reply-To"):
        candidates = _addresses(message, (name,), hint)
        with_address = [candidate for candidate in candidates if candidate.address]
        if with_address:
            sender = with_address[0]
            if name != "From":
                walk.note(f"no sender address in From: taken from {name}")
            break
        if candidates and not sender.name:
            sender = candidates[0]
    subject = first("Subject")
    return_path = first("Return-Path").strip()
    return_path_null = bool(headers.get("return-path")) and return_path.strip("<> \t") == ""
    delivered_to: list[str] = []
    for name in ("Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To"):
        for value in _raw_all(message, name):
            delivered_to.extend(address for _, address in parse_addresses(value, hint) if address)

    bounce = _bounce(walk, subject, sender, text)
    auto_submitted = (
        autoreply.is_auto_submitted(headers, sender.address, return_path_null) or bounce is not None
    )
    auto_reply = bounce is None and autoreply.is_auto_reply(headers, subject)

    return ParsedMail(
        message_id=_first_msgid(first("Message-ID")),
        subject=subject,
        from_=sender,
        to=_addresses(message, ("To",), hint),
        cc=_addresses(message, ("Cc",), hint),
        reply_to=_addresses(message, ("Reply-To",), hint),
        delivered_to=tuple(dict.fromkeys(delivered_to)),
        date=_date(first("Date")),
        in_reply_to=_msgids(first("In-Reply-To")),
        references=_msgids(" ".join(headers.get("references", []))),
        headers=headers,
        text=text,
        html=html,
        visible_text=strip_quotes(text, sender_name=sender.name, sender_address=sender.address),
        attachments=tuple(walk.attachments),
        is_auto_submitted=auto_submitted or auto_reply,
        is_auto_reply=auto_reply,
        bounce=bounce,
        return_path_null=return_path_null,
        notes=tuple(walk.notes),
    )
