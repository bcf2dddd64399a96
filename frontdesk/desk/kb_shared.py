"""What the desk's knowledge-base pages share: the brand an agent works on, finding articles, public links."""

from __future__ import annotations

import re
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Q
from django.utils.translation import get_language

from frontdesk.core.errors import NotFound
from frontdesk.kb.choices import ArticleStatus
from frontdesk.kb.queries import access_article, articles_visible_to, categories_of
from frontdesk.kb.suggest import search_articles
from frontdesk.kb.urls_public import article_url
from frontdesk.users.actors import Actor
from frontdesk.users.queries import access_brand, brands_visible_to

if TYPE_CHECKING:
    from frontdesk.brands.models import Brand
    from frontdesk.kb.models import Article

SEARCH_LIMIT = 50
# ``![plan](attachment:12)`` in an article's text: a file of the article, linked where the page is shown.
_ATTACHMENT_REF = re.compile(r"\]\(attachment:(\d+)\)")


def served_brands(actor: Actor) -> list[Brand]:
    """The brands whose knowledge base the agent keeps: the ones they serve (a brand where they are only a
    customer does not count)."""
    return [brand for brand in brands_visible_to(actor).order_by("name") if actor.serves(brand.pk)]


def served_brand(actor: Actor, slug: str) -> Brand:
    brand = access_brand(actor, slug)
    if not actor.serves(brand.pk):
        raise NotFound("brand")
    return brand


def desk_article(actor: Actor, slug: str, public_id: int) -> Article:
    """An article of a brand the agent serves, internal and draft ones included; 404 for any other."""
    return access_article(actor, served_brand(actor, slug), public_id)


def category_choices(actor: Actor, brand: Brand) -> list[tuple[str, str]]:
    return [(entry.slug, entry.name) for entry in categories_of(brand, get_language() or "", actor=actor)]


def category_named(actor: Actor, brand: Brand, slug: str) -> Any:
    """The category object for a slug from the form (the choices were the brand's own)."""
    for entry in categories_of(brand, get_language() or "", actor=actor):
        if entry.slug == slug:
            return entry.category
    raise NotFound("category")


def public_link(brand: Brand, public_id: int) -> str:
    """The address a customer opens the article at: the brand's own portal host, else the site's."""
    path = article_url(brand, public_id)
    if brand.portal_host:
        return f"https://{brand.portal_host}{path.removeprefix(f'/portal/{brand.slug}')}"
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def search_ids(
    actor: Actor, brand: Brand, query: str, *, language: str = "", internal: bool = True
) -> list[int] | None:
    """Ids of the brand's articles matching ``query``, best first; None for an empty query. Published ones are
    ranked (typo-tolerant, by stems); for agents, drafts and archived ones whose title holds every word follow."""
    query = " ".join(query.split())
    if not query:
        return None
    hits = search_articles(
        brand, query, language=language or None, include_internal=internal, limit=SEARCH_LIMIT
    )
    ids = [hit.article_id for hit in hits]
    if internal:
        unpublished = articles_visible_to(actor, brand).exclude(status=ArticleStatus.PUBLISHED)
        if language:
            unpublished = unpublished.filter(translations__language=language)
        for word in query.split()[:5]:
            # SQLite folds the case of ASCII letters only.
            forms = {word, word.lower(), word.capitalize()}
            unpublished = unpublished.filter(
                reduce(or_, (Q(translations__title__contains=form) for form in forms))
            )
        ids += [
            pk
            for pk in unpublished.order_by("-updated_at")
            .values_list("pk", flat=True)
            .distinct()[:SEARCH_LIMIT]
            if pk not in ids
        ]
    return ids


def with_files(body: str, urls: dict[int, str]) -> str:
    """The article's own files referenced as ``attachment:<id>`` pointed at their address on this page; a
    reference to anything else leads nowhere."""
    return _ATTACHMENT_REF.sub(lambda m: f"]({urls.get(int(m.group(1)), '#')})", body)
