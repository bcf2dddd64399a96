"""Signals that a mail was sent by a machine: automation headers, out-of-office replies, non-standard bounces."""

from __future__ import annotations

import re

from frontdesk.mail.parsed import BounceInfo

_DAEMON_LOCAL_PARTS = {"mailer-daemon", "postmaster", "mail-daemon", "maildaemon", "mailerdaemon"}
_BULK_PRECEDENCE = {"bulk", "list", "junk"}

# Subjects of out-of-office and similar automatic replies (en, de, fr, es, pl, ru, and a few neighbours).
_AUTO_REPLY_SUBJECT = re.compile(
    r"^\s*(?:"
    r"out of (?:the )?office|automatic reply|auto(?:matic)?[ -]?(?:reply|response)|autoreply|auto:|"
    r"on vacation|away from (?:the )?office|"
    r"abwesenheitsnotiz|automatische antwort|abwesend|"
    r"r[ée]ponse automatique|absence du bureau|absent(?:e)? du bureau|message d'absence|"
    r"respuesta autom[áa]tica|fuera de la oficina|ausente|"
    r"automatyczna odpowied[źz]|odpowied[źz] automatyczna|poza biurem|nieobecno[śs][ćc]|autoodpowied[źz]|"
    r"автоответ|автоматический ответ|вне офиса|нет на месте|в отпуске|отсутств"
    r")",
    re.IGNORECASE,
)

_BOUNCE_SUBJECT = re.compile(
    r"undeliver(?:ed|able)|delivery (?:status notification|failure|has failed|problem)|"
    r"mail delivery (?:failed|failure|system)|returned mail|failure notice|could not be delivered|"
    r"nondeliverable|non-delivery|"
    r"unzustellbar|nicht zugestellt|zustellung fehlgeschlagen|"
    r"non distribu|[ée]chec de (?:la )?(?:remise|distribution)|"
    r"no se (?:pudo|puede) entregar|"
    r"niedostarczon|nie dostarczono|"
    r"недоставлен|не доставлен|не удалось доставить|ошибка доставки",
    re.IGNORECASE,
)
_DELAY_SUBJECT = re.compile(r"delay|delayed|warning|verz[öo]gert|retard|opóźni|задерж", re.IGNORECASE)
_STATUS = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")
_SMTP_CODE = re.compile(r"(?:^|\s)([45]\d\d)[ -]", re.MULTILINE)
_ADDRESS = re.compile(r"<?([\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+)>?")
_ORIGINAL_ID = re.compile(r"^\s*Message-ID:\s*<([^<>\s]+)>", re.IGNORECASE | re.MULTILINE)


def _values(headers: dict[str, list[str]], name: str) -> list[str]:
    return [value.strip().lower() for value in headers.get(name, [])]


def is_daemon(address: str) -> bool:
    return address.partition("@")[0].lower() in _DAEMON_LOCAL_PARTS


def is_auto_submitted(headers: dict[str, list[str]], sender: str, return_path_null: bool) -> bool:
    """A mail nothing automatic may answer (RFC 3834 and the de-facto headers)."""
    if any(value.split(";")[0].strip() not in {"", "no"} for value in _values(headers, "auto-submitted")):
        return True
    if any(value in _BULK_PRECEDENCE for value in _values(headers, "precedence")):
        return True
    for name in ("x-auto-response-suppress", "x-autoreply", "x-autorespond", "x-autoresponder"):
        if any(value not in {"", "no", "false"} for value in _values(headers, name)) and name in headers:
            return True
    return return_path_null or is_daemon(sender)


def is_auto_reply(headers: dict[str, list[str]], subject: str) -> bool:
    """An out-of-office or similar reply: attach it, never reopen or answer because of it."""
    if any(value.split(";")[0].strip() == "auto-replied" for value in _values(headers, "auto-submitted")):
        return True
    if any(value not in {"no", "false"} for value in _values(headers, "x-autoreply")):
        return True
    if any(value not in {"no", "false"} for value in _values(headers, "x-autorespond")):
        return True
    if any(value.startswith("oof") for value in _values(headers, "x-auto-response-suppress")) and re.match(
        r"^\s*(?:automatic reply|auto)", subject, re.IGNORECASE
    ):
        return True
    return bool(_AUTO_REPLY_SUBJECT.match(subject))


def nonstandard_bounce(subject: str, sender: str, text: str, original_message_id: str) -> BounceInfo | None:
    """A bounce without an RFC 3464 report: recognised by sender and subject, details read from the text."""
    if not (is_daemon(sender) or _BOUNCE_SUBJECT.search(subject)):
        return None
    if not _BOUNCE_SUBJECT.search(subject) and not _STATUS.search(text) and not _SMTP_CODE.search(text):
        return None
    head = text[:20000]
    recipient = ""
    for match in _ADDRESS.finditer(head):
        candidate = match.group(1).lower()
        if candidate != sender.lower() and not is_daemon(candidate):
            recipient = candidate
            break
    status_match = _STATUS.search(head)
    status = status_match.group(1) if status_match else ""
    smtp = _SMTP_CODE.search(head)
    delayed = bool(_DELAY_SUBJECT.search(subject))
    if status:
        permanent = status.startswith("5")
    elif smtp:
        permanent = smtp.group(1).startswith("5")
    else:
        permanent = not delayed
    diagnostic = ""
    if smtp:
        line_end = head.find("\n", smtp.start(1))
        diagnostic = head[smtp.start(1) : line_end if line_end != -1 else len(head)].strip()[:1000]
    if not original_message_id:
        found = _ORIGINAL_ID.search(text)
        original_message_id = found.group(1) if found else ""
    return BounceInfo(
        recipient=recipient,
        permanent=permanent and not delayed,
        status=status,
        diagnostic=diagnostic,
        original_message_id=original_message_id,
    )
