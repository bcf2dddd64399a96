"""The one place the public address of an article is built."""

from __future__ import annotations

from frontdesk.brands.models import Brand


def article_url(brand: Brand | str, public_id: int) -> str:
    """The portal path of an article: ``/portal/<brand slug>/kb/<public id>/``."""
    slug = brand if isinstance(brand, str) else brand.slug
    return f"/portal/{slug}/kb/{int(public_id)}/"
