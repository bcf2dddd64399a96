"""The new text of a reply: quoted history and signature removed, line by line, without backtracking regexes.

Handles "On ... wrote:" headers in en/de/fr/es/it/pl/ru/nl/da/sv/pt (also wrapped over up to three lines),
date-and-address headers (Gmail, mail.ru, Yandex), Outlook "-----Original Message-----" and "From: ... Sent: ..."
blocks, "> " quoting, "-- " signature separators, mobile signatures and a sender's name closing the mail.
When the whole mail would vanish (it starts with a quote), the text is returned as it was.
"""

from __future__ import annotations

import re

_MAX_LINE = 400  # longer lines are never quote headers; keeps every check linear

_WROTE = (
    r"(?:wrote|writes|schrieb|a\s+écrit|a\s+ecrit|escribió|escribio|ha\s+scritto|scrisse|napisał|napisała|"
    r"napisal|написал|написала|пишет|schreef|skrev|escreveu|kirjoitti|yazdı)"
)
_ON = (
    r"(?:on|am|le|el|il|op|den|d\.|w\s+dniu|dnia|в|em|on\s+\w+,|пн|вт|ср|чт|пт|сб|вс|"
    r"mon|tue|wed|thu|fri|sat|sun|\d+)"
)
_WROTE_END = re.compile(_WROTE + r"\s*:?\s*$", re.IGNORECASE)
_ON_START = re.compile(r"^\s*[>\s]*" + _ON + r"\b", re.IGNORECASE)
_WROTE_ANYWHERE = re.compile(r"\b" + _WROTE + r"\b\s*:", re.IGNORECASE)
_ORIGINAL_MESSAGE = re.compile(
    r"^\s*[-_=*\s]*(?:original message|ursprüngliche nachricht|originalnachricht|message d'origine|"
    r"message original|mensaje original|mensagem original|messaggio originale|oryginalna wiadomość|"
    r"wiadomość oryginalna|исходное сообщение|оригинальное сообщение|reply message|"
    r"original nachricht)[-_=*\s]*$",
    re.IGNORECASE,
)
_FROM_FIELD = re.compile(
    r"^\s*[*>\s]*(?:from|von|de|od|от|da|van|fra|från|lähettäjä)\s*\*?\s*:\s*\*?\s*\S", re.IGNORECASE
)
_FROM_LABEL = re.compile(
    r"^\s*[*>\s]*(?:from|von|de|od|от|da|van|fra|från|lähettäjä)\s*\*?\s*:", re.IGNORECASE
)
_SENT_FIELD = re.compile(
    r"^\s*[*>\s]*(?:sent|date|gesendet|datum|envoyé|date d'envoi|enviado|fecha|wysłano|wysłane|data|"
    r"отправлено|дата|inviato|verzonden|sendt|skickat|to|an|à|para|do|кому|subject|betreff|objet|asunto|"
    r"temat|тема|oggetto|onderwerp|cc)\s*\*?\s*:",
    re.IGNORECASE,
)
_RULE = re.compile(r"^\s*(?:-{20,}|_{20,}|={20,})\s*$")
_DATE_ADDRESS_HEADER = re.compile(r"\d.*(?:@|&lt;).*:\s*$")
_DATE_TOKEN = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}:\d{2}")
_SIGNATURE_SEPARATOR = re.compile(r"^\s*(?:--|-- |—|__|___)\s*$")
_MOBILE_SIGNATURE = re.compile(
    r"^\s*(?:sent from (?:my )?\S+(?: \S+){0,4}|sent (?:via|using|with) \S+(?: \S+){0,3}|"
    r"get outlook for \S+|sent from (?:yahoo )?mail for \S+|"
    r"отправлено с (?:моего )?\S+(?: \S+){0,3}|отправлено из \S+(?: \S+){0,3}|"
    r"wysłane z (?:mojego |mojej )?\S+(?: \S+){0,3}|wysłano z (?:mojego |mojej )?\S+(?: \S+){0,3}|"
    r"von meinem \S+(?: \S+){0,3} gesendet|gesendet von (?:meinem )?\S+(?: \S+){0,3}|"
    r"envoyé de (?:mon )?\S+(?: \S+){0,3}|enviado desde (?:mi )?\S+(?: \S+){0,3}|"
    r"enviado do (?:meu )?\S+(?: \S+){0,3}|inviato da (?:iphone|ipad|\S+ \S+)(?: \S+){0,2})\s*$",
    re.IGNORECASE,
)


def _is_wrote_header(lines: list[str], index: int) -> int:
    """How many lines the "On ... wrote:" header starting at ``index`` spans, 0 when it is none."""
    first = lines[index]
    if len(first) > _MAX_LINE or not _ON_START.match(first):
        return 0
    joined = ""
    for span in range(3):
        if index + span >= len(lines):
            break
        line = lines[index + span]
        if span and (not line.strip() or line.lstrip().startswith(">")):
            break
        joined = (joined + " " + line.strip()).strip()
        if len(joined) > _MAX_LINE:
            break
        if _WROTE_END.search(joined):
            return span + 1
    return 0


def _is_date_address_header(line: str) -> bool:
    """Gmail "2017-12-22 10:35 GMT-02:00 Name <a@b>:" and mail.ru/Yandex "15.03.2024, 10:20, "Name" <a@b>:"."""
    if len(line) > _MAX_LINE:
        return False
    stripped = line.strip()
    return bool(_DATE_ADDRESS_HEADER.search(stripped) and _DATE_TOKEN.search(stripped))


def _is_outlook_block(lines: list[str], index: int) -> bool:
    """A "From:" line followed within a few lines by "Sent:", "Date:", "To:" or "Subject:" (any language)."""
    if len(lines[index]) > _MAX_LINE or not _FROM_LABEL.match(lines[index]):
        return False
    return any(_SENT_FIELD.match(line) for line in lines[index + 1 : index + 7])


def quote_start(lines: list[str]) -> int | None:
    """Index of the first line of quoted history, None when there is none."""
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith(">"):
            # A block of quoted lines up to the end (blank lines and more quotes only) is history.
            rest = [other for other in lines[index:] if other.strip()]
            if all(other.lstrip().startswith(">") for other in rest) or index > 0:
                return index
            continue
        if len(line) > _MAX_LINE:
            continue
        if _ORIGINAL_MESSAGE.match(line) or _RULE.match(line):
            return index
        if _is_wrote_header(lines, index) or _is_outlook_block(lines, index):
            return index
        if stripped.endswith(":") and _is_date_address_header(line):
            return index
        if (
            _WROTE_ANYWHERE.search(line)
            and index + 1 < len(lines)
            and lines[index + 1].lstrip().startswith(">")
        ):
            return index
    return None


def _name_tokens(name: str, address: str) -> set[str]:
    tokens = {token.lower() for token in re.split(r"[\s,.|]+", name) if len(token) > 1}
    local = address.partition("@")[0]
    tokens |= {token.lower() for token in re.split(r"[._+-]+", local) if len(token) > 2}
    return tokens


def signature_start(lines: list[str], sender_name: str = "", sender_address: str = "") -> int | None:
    """Index of the first signature line, None when none is recognised."""
    for index, line in enumerate(lines):
        if _SIGNATURE_SEPARATOR.match(line):
            return index
        if len(line) < 80 and _MOBILE_SIGNATURE.match(line):
            following = [other for other in lines[index + 1 :] if other.strip()]
            if len(following) <= 3:
                return index
    tokens = _name_tokens(sender_name, sender_address)
    if not tokens:
        return None
    # A short closing block after a blank line that starts with the sender's name.
    content = [index for index, line in enumerate(lines) if line.strip()]
    if len(content) < 2:
        return None
    block_start = content[-1]
    while block_start - 1 >= 0 and lines[block_start - 1].strip():
        block_start -= 1
    if block_start == 0 or content[-1] - block_start > 3:
        return None
    words = {token.lower() for token in re.split(r"[\s,.|]+", lines[block_start]) if token}
    if (
        len(lines[block_start]) < 80
        and words & tokens
        and not lines[block_start].rstrip().endswith((".", "?", "!"))
    ):
        return block_start
    return None


def strip_quotes(text: str, *, sender_name: str = "", sender_address: str = "") -> str:
    """The new text of a reply, without quoted history and signature."""
    if not text.strip():
        return ""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    start = quote_start(lines)
    if start is not None and not any(line.strip() for line in lines[:start]):
        # Bottom-posting: a quote header and quoted lines first, the reply below them.
        index = start + max(_is_wrote_header(lines, start), 1)
        while index < len(lines) and (not lines[index].strip() or lines[index].lstrip().startswith(">")):
            index += 1
        below = lines[index:]
        if any(line.strip() for line in below):
            lines = below
            start = quote_start(lines)
    kept = lines[:start] if start is not None else lines
    end = signature_start(kept, sender_name, sender_address)
    if end is not None:
        kept = kept[:end]
    result = "\n".join(line.rstrip() for line in kept).strip()
    if not result:
        return text.strip()
    return result
