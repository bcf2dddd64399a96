"""Which brand receives for an address: the brand's sender addresses and its mailboxes' addresses."""

from __future__ import annotations

from collections.abc import Iterable
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses

from frontdesk.brands.models import Brand
from frontdesk.mail.models import Mailbox

_RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "To", "Cc")


def _plus_key(address: str) -> str:
    """``support@x`` → ``support+*@x``: the key under which a mailbox with plus addressing takes every
    ``support+TAG@x``."""
    local, _at, domain = address.lower().rpartition("@")
    return f"{local.partition('+')[0]}+*@{domain}"


def address_map() -> dict[str, int]:
    """Lower-cased address → brand id, for active brands and mailboxes (see ``resolve`` for plus addresses)."""
    found: dict[str, int] = {}
    for brand_id, addresses in Brand.objects.filter(is_active=True).values_list("id", "sender_addresses"):
        for address in addresses or []:
            found.setdefault(address.lower(), brand_id)
    mailboxes = Mailbox.objects.filter(is_active=True).values_list("brand_id", "addresses", "plus_addressing")
    for brand_id, addresses, plus_addressing in mailboxes:
        for address in addresses or []:
            found.setdefault(address.lower(), brand_id)
            if plus_addressing and "@" in address:
                found.setdefault(_plus_key(address), brand_id)
    return found


def resolve(address: str, known: dict[str, int]) -> int | None:
    """The brand receiving for ``address``: its own entry, or a mailbox's with plus addressing."""
    address = address.strip().lower()
    if address in known:
        return known[address]
    if "@" in address and "+" in address.rpartition("@")[0]:
        return known.get(_plus_key(address))
    return None


def brand_ids_for(addresses: Iterable[str]) -> list[int]:
    known = address_map()
    found = (resolve(a, known) for a in addresses)
    return list(dict.fromkeys(b for b in found if b is not None))


def plus_address_bases(brand_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """Brand id → (local part, domain) of its first active mailbox address with plus addressing, in one query;
    brands without one are left out."""
    found: dict[int, tuple[str, str]] = {}
    mailboxes = Mailbox.objects.filter(
        brand_id__in=sorted(set(brand_ids)), plus_addressing=True, is_active=True
    )
    for brand_id, addresses in mailboxes.order_by("id").values_list("brand_id", "addresses"):
        for address in addresses or []:
            local, _at, domain = address.rpartition("@")
            if local and domain and brand_id not in found:
                found[brand_id] = (local, domain)
    return found


def ticket_reply_address(
    brand_id: int, ticket_number: str, bases: dict[int, tuple[str, str]] | None = None
) -> str:
    """The per-ticket reply address (``support+OPR-26-000123@opera.example``) of the brand's first mailbox with
    plus addressing; "" when none of its mailboxes uses it. ``bases`` from ``plus_address_bases`` saves the
    query."""
    if bases is None:
        bases = plus_address_bases([brand_id])
    if brand_id not in bases:
        return ""
    local, domain = bases[brand_id]
    return f"{local}+{ticket_number}@{domain}"


def brand_for_raw(raw: bytes, envelope_to: Iterable[str] = ()) -> Brand | None:
    """The brand a message was sent to, from the envelope or else the recipient headers."""
    candidates = list(envelope_to)
    if not candidates:
        try:
            headers = BytesHeaderParser(policy=compat32).parsebytes(raw[:262144], headersonly=True)
            for name in _RECIPIENT_HEADERS:
                values = [str(v) for v in headers.get_all(name) or []]
                candidates += [address for _name, address in getaddresses(values) if address]
        except Exception:  # noqa: BLE001 - unreadable headers: no brand
            return None
    ids = brand_ids_for(candidates)
    return Brand.objects.filter(pk=ids[0]).first() if ids else None
