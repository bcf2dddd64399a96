"""Each demo brand's knowledge base: categories, public articles in all of its languages, a couple of "read
also" links and one internal article for agents, written through ``kb.actions`` by the brand's agents."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from frontdesk.demo.knowledge.chmurka import CHMURKA
from frontdesk.demo.knowledge.kompas import KOMPAS
from frontdesk.demo.knowledge.parterre import PARTERRE
from frontdesk.demo.knowledge.spec import KnowledgeSpec
from frontdesk.demo.people import BrandWorld
from frontdesk.kb import actions
from frontdesk.kb.choices import Visibility
from frontdesk.kb.models import Article, ArticleEvent, ArticleTranslation, ArticleVersion
from frontdesk.tickets.models import Category as RequestCategory
from frontdesk.users.actors import SYSTEM, Actor, actor_for
from frontdesk.users.models import User

KNOWLEDGE: dict[str, KnowledgeSpec] = {
    "parterre-tickets": PARTERRE,
    "kompas-travel": KOMPAS,
    "chmurka-hosting": CHMURKA,
}

# The knowledge-base topic of each top-level request category, as the brand admin links them: the reports
# count a topic's requests before and after an article of it was published.
TOPICS: dict[str, dict[str, str]] = {
    "parterre-tickets": {
        "Возвраты": "refunds",
        "Электронные билеты": "orders",
        "Оплата": "payment",
        "Места": "visit",
        "Музеи": "visit",
        "Аккаунт": "account",
    },
    "kompas-travel": {
        "Изменение бронирования": "booking",
        "Возвраты": "payment",
        "Визы и документы": "documents",
        "Перелёт": "trip",
        "На отдыхе": "trip",
    },
    "chmurka-hosting": {
        "Domeny": "domains",
        "DNS": "domains",
        "Poczta": "email",
        "Płatności": "billing",
        "Awarie": "hosting",
        "SSL": "hosting",
    },
}


def _writers(world: BrandWorld) -> list[Actor]:
    """The brand's line-1 and line-2 agents, read afresh (their memberships were just created)."""
    ids = [u.pk for line in (1, 2) for u in world.agents.get(line, [])[:1]]
    users = list(User.objects.filter(pk__in=ids).order_by("pk"))
    return [actor_for(u) for u in users] or [SYSTEM]


def create_knowledge_base(world: BrandWorld) -> list[Article]:
    """Load the brand's knowledge base (nothing for a brand without one); returns the articles in order."""
    spec = KNOWLEDGE.get(world.brand.slug)
    if spec is None:
        return []
    brand = world.brand
    writers = _writers(world)
    languages = [code for code in brand.languages if code in ("en", "ru", "pl")]
    categories = {
        slug: actions.create_category(
            brand,
            actor=writers[0],
            slug=slug,
            names={k: v for k, v in names.items() if k in languages},
            position=i,
        )
        for i, (slug, names) in enumerate(spec.categories)
    }
    for root, slug in TOPICS.get(brand.slug, {}).items():
        if root in world.categories and slug in categories:
            RequestCategory.objects.filter(pk=world.categories[root].pk).update(kb_category=categories[slug])
    articles: dict[str, Article] = {}
    for n, item in enumerate(spec.articles):
        actor = writers[n % len(writers)]
        first, *others = [code for code in languages if code in item.texts]
        text = item.texts[first]
        article = actions.create_article(
            brand,
            actor=actor,
            language=first,
            title=text.title,
            body=text.body,
            tags=text.tags,
            category=categories[item.category],
            visibility=Visibility.INTERNAL if item.internal else Visibility.PUBLIC,
            publish=True,
        )
        for code in others:
            text = item.texts[code]
            actions.add_translation(
                article,
                actor=actor,
                language=code,
                title=text.title,
                body=text.body,
                tags=text.tags,
                publish=True,
            )
        articles[item.key] = article
    for item in spec.articles:
        if item.related:
            actions.set_related_articles(
                articles[item.key], actor=writers[0], related=[articles[key] for key in item.related]
            )
    _backdate(list(articles.values()))
    return list(articles.values())


def _backdate(articles: list[Article]) -> None:
    """The articles were written over the last two months, one every few days (the newest a week ago), so that
    the reports have requests before and after each publication in the demo's ninety days of history."""
    now = timezone.now()
    newest_first = list(reversed(articles))
    for n, article in enumerate(newest_first):
        moment = now - timedelta(days=7 + 6 * n, hours=3 * n)
        stamps = {"created_at": moment, "updated_at": moment}
        if article.published_at is not None:
            stamps["published_at"] = moment
        Article.objects.filter(pk=article.pk).update(**stamps)
        ArticleTranslation.objects.filter(article=article).update(updated_at=moment)
        ArticleVersion.objects.filter(translation__article=article).update(created_at=moment)
        ArticleEvent.objects.filter(article=article, at__gt=moment).update(at=moment)
