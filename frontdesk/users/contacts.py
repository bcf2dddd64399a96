"""Normal forms of email addresses and phone numbers, so that one person is found however they wrote it."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from frontdesk.core.errors import InvalidInput

_PHONE_JUNK = re.compile(r"[\s().\-/]")


def normalize_email(value: str, *, field: str = "email") -> str:
    email = value.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput(
            _("%(value)s is not a valid email address.") % {"value": value}, field=field
        ) from None
    return email


# A Russian (or Kazakh) number as it is dialled at home: the trunk prefix 8 and ten digits, +7 abroad.
_TRUNK_EIGHT = re.compile(r"8[0-9]{10}")


def normalize_phone(value: str, *, field: str = "phone") -> str:
    """Digits with a leading + (``+48 22 123-45-67`` and ``0048221234567`` become ``+48221234567``; a Russian
    number dialled at home, ``8 (979) 742-10-13``, becomes ``+79797421013`` like its international form)."""
    phone = _PHONE_JUNK.sub("", value.strip())
    if phone.startswith("00"):
        phone = "+" + phone[2:]
    elif _TRUNK_EIGHT.fullmatch(phone):
        phone = "+7" + phone[1:]
    digits = phone.removeprefix("+")
    if not digits.isdigit() or not 5 <= len(digits) <= 15:
        raise InvalidInput(_("%(value)s is not a valid phone number.") % {"value": value}, field=field)
    return "+" + digits if phone.startswith("+") else digits
