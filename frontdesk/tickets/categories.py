"""Writes on a brand's typology of requests."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from frontdesk.brands.models import Brand
from frontdesk.core.errors import Conflict, InvalidInput, require
from frontdesk.tickets.models import Category
from frontdesk.users.actors import Actor
from frontdesk.users.permissions import can_configure_brand


@transaction.atomic
def create_category(brand: Brand, *, actor: Actor, name: str, parent: Category | None = None) -> Category:
    require(can_configure_brand(actor, brand.pk))
    name = " ".join(name.split())
    if not name or "/" in name or len(name) > 120:
        raise InvalidInput(_("A category name has 1 to 120 characters and no slash."), field="name")
    if parent is not None and parent.brand_id != brand.pk:
        raise InvalidInput(_("The parent category belongs to another brand."), field="parent")
    path = f"{parent.path} / {name}" if parent else name
    try:
        with transaction.atomic():
            return Category.objects.create(brand=brand, parent=parent, name=name, path=path)
    except IntegrityError:
        raise Conflict(_("The category %(path)s exists.") % {"path": path}, field="name") from None
