"""Who may change the knowledge base.

Any agent of a brand (every line and role), the provider's admins and the system may write, translate,
publish, archive and link the brand's articles: the desk turns good ticket answers into articles without
waiting for a brand admin, and every change is kept as a version or an article event naming who made it.
Customers and anonymous visitors only vote and leave suggestion records.
"""

from __future__ import annotations

from frontdesk.users.actors import Actor


def can_edit_articles(actor: Actor, brand_id: int) -> bool:
    return actor.serves(brand_id)


def can_publish_articles(actor: Actor, brand_id: int) -> bool:
    return actor.serves(brand_id)


def can_read_internal_articles(actor: Actor, brand_id: int) -> bool:
    return actor.serves(brand_id)
