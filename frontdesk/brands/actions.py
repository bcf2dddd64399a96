"""Writes on brands: only provider admins create them; brand admins edit their own."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from frontdesk.brands.models import Brand
from frontdesk.core.errors import Conflict, InvalidInput


def _validated(brand: Brand) -> Brand:
    try:
        brand.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise InvalidInput(_(" ").join(messages), field=field) from None
    return brand


@transaction.atomic
def create_brand(
    *,
    name: str,
    slug: str,
    ticket_prefix: str,
    languages: Sequence[str] = ("en",),
    sender_addresses: Sequence[str] = (),
    portal_host: str = "",
    time_zone: str = "UTC",
    ticket_number_format: str = "{prefix}-{yy}-{seq:06}",
    primary_color: str = "#2455a4",
    mail_from: dict[str, str] | None = None,
    mail_signatures: dict[str, str] | None = None,
) -> Brand:
    """A new client company. Callers check that the actor is a provider admin (``can_manage_brands``)."""
    unknown = set(languages) - {"en", "ru", "pl"}
    if unknown or not languages:
        raise InvalidInput(_("Languages are chosen from en, ru and pl."), field="languages")
    brand = _validated(
        Brand(
            name=name,
            slug=slug,
            ticket_prefix=ticket_prefix,
            languages=list(languages),
            sender_addresses=[a.lower() for a in sender_addresses],
            portal_host=portal_host,
            time_zone=time_zone,
            ticket_number_format=ticket_number_format,
            primary_color=primary_color,
            mail_from=dict(mail_from or {}),
            mail_signatures=dict(mail_signatures or {}),
        )
    )
    try:
        with transaction.atomic():
            brand.save(force_insert=True)
    except IntegrityError:
        raise Conflict(_("A brand with this slug or ticket prefix exists."), field="slug") from None
    return brand
