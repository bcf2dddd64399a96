"""Which brand receives for an address: the brand's sender addresses and its mailboxes' addresses."""

from __future__ import annotations

from collections.abc import Iterable
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses

from frontdesk.brands.models import Brand
from frontdesk.mail.models import Mailbox

_RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "To", "Cc")


def address_map() -> dict[str, int]:
    """Lower-cased address → brand id, for active brands and mailboxes."""
    found: dict[str, int] = {}
    for brand_id, addresses in Brand.objects.filter(is_active=True).values_list("id", "sender_addresses"):
        for address in addresses or []:
            found.setdefault(address.lower(), brand_id)
    for brand_id, addresses in Mailbox.objects.filter(is_active=True).values_list("brand_id", "addresses"):
        for address in addresses or []:
            found.setdefault(address.lower(), brand_id)
    return found


def brand_ids_for(addresses: Iterable[str]) -> list[int]:
    known = address_map()
    return list(dict.fromkeys(known[a.lower()] for a in addresses if a.lower() in known))


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
