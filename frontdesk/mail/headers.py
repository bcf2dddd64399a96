"""Decoding header values: RFC 2047 encoded words, raw 8-bit headers, RFC 2231 parameters, addresses."""

from __future__ import annotations

import base64
import binascii
import re
from email.utils import getaddresses

from frontdesk.mail.charsets import clean_text, decode_bytes, decode_header_bytes, python_codec

_FOLD = re.compile(r"\r?\n(?=[ \t])")
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*?)\?=")
_BETWEEN_WORDS = re.compile(r"[ \t\r\n]*")
_QP_BYTE = re.compile(rb"=([0-9A-Fa-f]{2})")
_SINGLE_ANGLE = re.compile(r"\s*([^<>]*?)\s*<([^<>@\s]+@[^<>\s]+)>\s*")
_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)


def raw_bytes(value: str) -> bytes:
    """The original bytes of a header value read with ``message_from_bytes`` (8-bit kept as surrogates)."""
    return value.encode("utf-8", "surrogateescape")


def unfold(value: str) -> str:
    return _FOLD.sub("", value).lstrip().rstrip("\r\n")


def decode_8bit(value: str, hint: str | None = None) -> str:
    """A header value whose 8-bit bytes (if any) are read as UTF-8, the hinted charset, or a guess."""
    data = raw_bytes(value)
    if data.isascii():
        return value
    return decode_header_bytes(data, hint)


def _word_bytes(encoding: str, payload: str) -> bytes:
    if encoding in "bB":
        cleaned = re.sub(r"[^A-Za-z0-9+/]", "", payload)
        cleaned = cleaned[: len(cleaned) - len(cleaned) % 4] if len(cleaned) % 4 == 1 else cleaned
        cleaned += "=" * (-len(cleaned) % 4)
        try:
            return base64.b64decode(cleaned)
        except (binascii.Error, ValueError):
            return payload.encode("utf-8", "surrogateescape")
    data = payload.replace("_", " ").encode("utf-8", "surrogateescape")
    return _QP_BYTE.sub(lambda m: bytes([int(m.group(1), 16)]), data)


def decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words in an already 8-bit-decoded header value."""
    if "=?" not in value:
        return value
    out: list[str] = []
    pending: list[tuple[str, bytes]] = []  # adjacent words: (charset, bytes), joined per charset

    def flush() -> None:
        while pending:
            charset = pending[0][0]
            chunk = b""
            while pending and pending[0][0] == charset:
                chunk += pending.pop(0)[1]
            out.append(decode_bytes(chunk, charset).text)

    position = 0
    for match in _ENCODED_WORD.finditer(value):
        gap = value[position : match.start()]
        if not (pending and _BETWEEN_WORDS.fullmatch(gap)):
            flush()
            out.append(gap)
        charset = match.group(1).split("*", 1)[0]
        if python_codec(charset) is None and charset.lower() not in {"us-ascii", "ascii"}:
            charset = "utf-8"
        pending.append((charset, _word_bytes(match.group(2), match.group(3))))
        position = match.end()
    flush()
    out.append(value[position:])
    return "".join(out)


def decode_header(value: str, hint: str | None = None) -> str:
    """The readable text of a raw header value: unfolded, 8-bit and encoded words decoded."""
    return clean_text(decode_words(decode_8bit(unfold(value), hint)))


def decode_param(value: str | tuple[str | None, str | None, str], hint: str | None = None) -> str:
    """A MIME parameter as returned by ``Message.get_param``: RFC 2231 tuple or plain (maybe encoded) string."""
    if isinstance(value, tuple):
        charset, _language, text = value
        data = text.encode("latin-1", "surrogateescape") if _latin1_safe(text) else raw_bytes(text)
        return clean_text(decode_bytes(data, charset or (hint or "").split(",")[0] or "utf-8").text).strip()
    return decode_header(value.strip('"'), hint).strip()


def _latin1_safe(text: str) -> bool:
    return all(ord(char) < 256 or 0xDC80 <= ord(char) <= 0xDCFF for char in text)


def parse_addresses(value: str, hint: str | None = None) -> list[tuple[str, str]]:
    """(display name, address) pairs of an address header; the address is taken before decoding the names.

    Encoded words are decoded in the display name only, so ``=?utf-8?Q?a?=@host`` stays the literal address
    and an encoded comma cannot split one address into two.
    """
    text = clean_text(decode_8bit(unfold(value), hint))
    single = _SINGLE_ANGLE.fullmatch(text)
    if single and not ("," in single.group(1) and "@" in single.group(1)):
        # One angle address: whatever stands before it is the name (even an address or an unquoted comma).
        name = single.group(1).strip().strip('"').strip()
        return [(decode_words(name).strip(), _local_part_words(single.group(2).strip()).lower())]
    pairs: list[tuple[str, str]] = []
    for name, address in getaddresses([text]):
        address = address.strip().strip("<>").strip()
        if "@" not in address:
            found = _EMAIL.search(name + " " + address)
            if not found:
                if address or name:
                    pairs.append((decode_words(name).strip(), address.lower() if "@" in address else ""))
                continue
            address = found.group(0)
            name = name.replace(address, "").strip(" <>\"'")
        pairs.append((decode_words(name).strip().strip('"').strip(), _local_part_words(address).lower()))
    if not pairs:
        pairs = [("", found.lower()) for found in _EMAIL.findall(text)]
    return pairs


_LOCAL_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?(.*)\?=")
_ATOM = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+")


def _local_part_words(address: str) -> str:
    """An address whose local part is one encoded word: decoded only to plain atom characters.

    Encoded words have no place in an address; some senders use them anyway. The domain is never touched and a
    decoded local part that would bring in ``@``, brackets, spaces or control characters is kept literally, so
    an encoded word cannot smuggle in another address.
    """
    local, _, domain = address.rpartition("@")
    match = _LOCAL_WORD.fullmatch(local)
    if not match:
        return address
    decoded = _word_bytes(match.group(2), match.group(3))
    try:
        text = decoded.decode("ascii")
    except UnicodeDecodeError:
        return address
    return f"{text}@{domain}" if _ATOM.fullmatch(text) else address
