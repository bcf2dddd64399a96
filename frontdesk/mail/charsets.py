"""Turning the bytes of mail into text whatever charset label they carry (or do not carry).

Mail in the wild declares charsets that Python does not know (``ks_c_5601-1987``, ``unicode-1-1-utf-7``),
declares the wrong one (UTF-8 labelled ISO-8859-1), or declares none while sending 8-bit bytes. Everything here
returns text and, where a guess was needed, a short note for agents; nothing raises.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

# Labels seen in mail that Python does not know, or knows as a smaller charset than the one senders really use.
_ALIASES = {
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "euc-kr": "cp949",
    "unicode-1-1-utf-7": "utf-7",
    "x-unicode-1-1-utf-7": "utf-7",
    "utf7": "utf-7",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cn-gb": "gb18030",
    "big5": "big5hkscs",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "x-sjis": "cp932",
    "sjis": "cp932",
    "iso-2022-jp": "iso2022_jp_ext",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "iso-8859-8-i": "iso-8859-8",
    "windows-874": "cp874",
    "tis-620": "cp874",
    "x-mac-cyrillic": "mac-cyrillic",
    "134": "gb18030",
}
_UNKNOWN = {
    "",
    "unknown-8bit",
    "x-unknown",
    "unknown",
    "default",
    "charset",
    "x-user-defined",
    "8bit",
    "binary",
}
_ASCII = {"us-ascii", "ascii", "ansi_x3.4-1968", "us"}
# Single-byte charsets under which valid multi-byte UTF-8 decodes without error into mojibake.
_SINGLE_BYTE_LATIN = {"cp1252", "iso-8859-15", "iso-8859-2", "cp1250", "iso-8859-9", "cp1257", "iso-8859-13"}


@dataclass(frozen=True)
class Decoded:
    text: str
    charset: str  # the codec that produced the text
    note: str = ""  # set when a fallback or guess was applied


_MULTIBYTE = {"utf-8", "gb18030", "big5hkscs", "cp932", "euc_jp", "cp949", "iso2022_jp_ext", "utf-7", "cp950"}


def is_multibyte(label: str) -> bool:
    return python_codec(label) in _MULTIBYTE


def decode_header_bytes(data: bytes, hints: str | None) -> str:
    """Raw 8-bit header bytes: UTF-8, else a multi-byte charset the mail declares, else detection."""
    if data.isascii():
        return data.decode("ascii")
    text = _strict(data, "utf-8")
    if text is not None:
        return text
    labels = [label for label in (hints or "").split(",") if label]
    for label in labels:
        codec = python_codec(label)
        if codec in _MULTIBYTE:
            text = _strict(data, codec)
            if text is not None:
                return text
    high = sum(1 for byte in data if byte > 0x7F)
    latin = not labels or python_codec(labels[0]) in {"cp1252", "latin-1", "iso8859-15", "iso-8859-15"}
    if latin and high * 2 > len(data):
        # Mostly 8-bit: an Asian or Cyrillic text; detection beats a Latin label here.
        return decode_bytes(data, None).text
    return decode_bytes(data, labels[0] if labels else "cp1252").text


def python_codec(label: str | None) -> str | None:
    """The Python codec for a charset label from mail, or None when unknown or absent."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    if name in _UNKNOWN:
        return None
    if name in _ASCII:
        return "ascii"
    name = _ALIASES.get(name, name)
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    return _ALIASES.get(codec, codec)


def _iso2022jp(data: bytes) -> str | None:
    """ISO-2022-JP read through CP932, so the vendor characters senders use (①, ㈱, ...) decode too."""
    out: list[str] = []
    mode = "ascii"
    index = 0
    size = len(data)
    while index < size:
        byte = data[index]
        if byte == 0x1B:
            sequence = data[index + 1 : index + 3]
            if sequence in {b"$B", b"$@"}:
                mode, index = "jis", index + 3
            elif sequence in {b"(B", b"(J"}:
                mode, index = "ascii", index + 3
            elif sequence == b"(I":
                mode, index = "kana", index + 3
            else:
                return None
            continue
        if byte > 0x7F:
            return None
        if mode == "jis" and byte not in {0x0A, 0x0D}:
            if index + 1 >= size:
                return None
            first, second = byte, data[index + 1]
            index += 2
            low = second + 0x1F + (1 if second >= 0x60 else 0) if first & 1 else second + 0x7E
            high = (first + 1) // 2 + 0x70
            if high >= 0xA0:
                high += 0x40
            out.append(bytes([high, low]).decode("cp932", errors="replace"))
        elif mode == "kana" and byte not in {0x0A, 0x0D}:
            out.append(bytes([byte + 0x80]).decode("cp932", errors="replace"))
            index += 1
        else:
            out.append(chr(byte))
            index += 1
    return "".join(out)


def _strict(data: bytes, codec: str) -> str | None:
    if codec.startswith("iso2022_jp"):
        text = _iso2022jp(data)
        if text is not None:
            return text
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError, ValueError):
        return None


def _is_utf8_with_multibyte(data: bytes) -> bool:
    if not re.search(rb"[\xc2-\xf4][\x80-\xbf]", data):
        return False
    return _strict(data, "utf-8") is not None


def guess(data: bytes) -> str:
    """The most likely codec for 8-bit bytes without a usable label."""
    if _strict(data, "utf-8") is not None:
        return "utf-8"
    best = from_bytes(data).best()
    if best is not None and best.encoding:
        return python_codec(best.encoding) or best.encoding
    return "cp1252"


def decode_bytes(data: bytes, declared: str | None = None) -> Decoded:
    """Text of ``data`` declared as ``declared``; falls back to UTF-8, then detection, then replacement."""
    codec = python_codec(declared)
    label = (declared or "").strip().strip("\"'").lower()
    if not data:
        return Decoded("", codec or "ascii")
    is_ascii = data.isascii()
    if codec and codec.startswith("iso2022_jp") and not is_ascii:
        for candidate in ("cp932", "euc_jp"):
            text = _strict(data, candidate)
            if text is not None:
                return Decoded(text, candidate, f"declared {label}, read as {candidate}")
    if codec is not None and (codec == "utf-7" or (is_ascii and codec != "ascii")):
        # 7-bit charsets (UTF-7, ISO-2022-JP, ...) and plain ASCII under any ASCII-compatible label.
        text = _strict(data, codec)
        if text is not None:
            return Decoded(text, codec)
    if is_ascii and codec in {None, "ascii"}:
        return Decoded(data.decode("ascii"), "ascii")
    if codec and codec != "ascii":
        if codec in _SINGLE_BYTE_LATIN and _is_utf8_with_multibyte(data):
            return Decoded(data.decode("utf-8"), "utf-8", f"declared {label}, read as utf-8")
        text = _strict(data, codec)
        if text is not None:
            return Decoded(text, codec)
        if codec != "utf-8":
            text = _strict(data, "utf-8")
            if text is not None:
                return Decoded(text, "utf-8", f"declared {label}, read as utf-8")
    if codec == "cp1252":
        return Decoded(data.decode("latin-1"), "latin-1")
    guessed = guess(data)
    text = _strict(data, guessed)
    if text is not None:
        if codec and codec != "ascii":
            note = f"declared {label}, read as {guessed}"
        else:
            note = f"no charset declared, read as {guessed}"
        return Decoded(text, guessed, note)
    fallback = codec if codec and codec != "ascii" else "utf-8"
    try:
        text = data.decode(fallback, errors="replace")
    except LookupError:  # pragma: no cover - codec names come from codecs.lookup
        fallback = "utf-8"
        text = data.decode(fallback, errors="replace")
    return Decoded(text, fallback, f"undecodable bytes replaced ({label or 'no charset'})")


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)


def html_meta_charset(data: bytes) -> str | None:
    """The charset an HTML document declares in a <meta> tag, if any."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def clean_text(text: str) -> str:
    """Text safe for any database column: no NUL bytes, lone surrogates replaced."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text
