"""Reads of brands that need no actor: which brand a public portal address belongs to."""

from __future__ import annotations

from django.core.cache import cache

from frontdesk.brands.models import Brand

# How long a portal host's brand is remembered; a brand that changes its host is found anew within this time.
HOST_CACHE_SECONDS = 60


def portal_brand(slug: str) -> Brand | None:
    """The active brand whose portal is at ``/portal/<slug>/``, or None."""
    return Brand.objects.filter(slug=slug, is_active=True).first()


def portal_brand_by_id(brand_id: int) -> Brand | None:
    return Brand.objects.filter(pk=brand_id, is_active=True).first()


def portal_brand_id_for_host(host: str) -> int | None:
    """The id of the active brand whose portal has its own host name (``Brand.portal_host``), or None; cached,
    so that requests to the main site cost no query after the first."""
    host = host.lower().rstrip(".")
    if not host:
        return None
    key = f"portal-host:{host}"
    found = cache.get(key)
    if found is None:
        found = (
            Brand.objects.filter(portal_host__iexact=host, is_active=True)
            .values_list("pk", flat=True)
            .first()
            or 0
        )
        cache.set(key, found, HOST_CACHE_SECONDS)
    return int(found) or None
