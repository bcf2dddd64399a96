"""One business day for negative mentions, through the brand's own service-level machinery.

Ticket deadlines are worked out by ``tickets.sla`` from the brand's policies after every change, so a deadline
written on the ticket directly would be replaced at the next event. Instead every brand with a connector gets a
category "Negative mention" and a policy that matches tickets of the social channel in that category, placed
first, with a first-response and a resolution target of one business day: the minutes of the brand's longest
working day in its calendar (24 hours without a calendar). Counted in business minutes from the moment the
ticket is opened, that is the same time on the next working day. The policy and category are ordinary rows:
a brand admin may change the targets or switch the policy off, and ``ensure_social_service_level`` recreates
only what is missing (it keeps a target the admin changed, and re-reads the calendar only for a new policy).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from frontdesk.brands.models import Brand
from frontdesk.sla.models import SlaPolicy
from frontdesk.sla.queries import spec_for
from frontdesk.tickets.choices import Channel
from frontdesk.tickets.models import Category

FULL_DAY_MINUTES = 24 * 60


def business_day_minutes(brand_id: int) -> int:
    """The minutes of the brand's longest working day (a whole day for a 24/7 desk or none)."""
    spec = spec_for(brand_id, None, around=timezone.now())
    if spec.always_open:
        return FULL_DAY_MINUTES
    return max(sum(end - start for start, end in day) for day in spec.weekly) or FULL_DAY_MINUTES


def _names(brand: Brand) -> tuple[str, str]:
    with translation.override(brand.default_language):
        return _("Negative mention"), _("Negative social mentions: one business day")


@transaction.atomic
def negative_mention_category(brand: Brand) -> Category:
    """The brand's category for tickets made from negative mentions (created once, in its language)."""
    name, _policy = _names(brand)
    category, _created = Category.objects.get_or_create(
        brand=brand, parent=None, path=name, defaults={"name": name}
    )
    return category


@transaction.atomic
def ensure_social_service_level(brand: Brand) -> SlaPolicy:
    """The category and the one-business-day policy for negative mentions of ``brand``; idempotent."""
    category = negative_mention_category(brand)
    existing = (
        SlaPolicy.objects.select_for_update()
        .filter(brand=brand, channels=[Channel.SOCIAL], category_ids=[category.pk])
        .order_by("id")
        .first()
    )
    if existing is not None:
        return existing
    _category, title = _names(brand)
    minutes = business_day_minutes(brand.pk)
    # First in the brand's order: the others move down one place, keeping their own order.
    SlaPolicy.objects.filter(brand=brand).update(position=F("position") + 1)
    return SlaPolicy.objects.create(
        brand=brand,
        name=title,
        position=0,
        channels=[Channel.SOCIAL],
        category_ids=[category.pk],
        first_response_minutes=minutes,
        resolution_minutes=minutes,
    )
