"""Each demo brand's knowledge base: public articles in every language of the brand, categories, "read also"
links and one internal article, and the suggestions find them."""

from __future__ import annotations

import pytest

from frontdesk.brands.models import Brand
from frontdesk.demo.content import BRANDS
from frontdesk.demo.knowledge import KNOWLEDGE, create_knowledge_base
from frontdesk.demo.people import create_brand_world, ensure_staff
from frontdesk.kb.queries import articles_visible_to, categories_of, related_articles, translation_for
from frontdesk.kb.suggest import forget_indexes, suggest_articles
from frontdesk.users.actors import NOBODY, SYSTEM

# A question a customer of each brand might type, per language, and the article that answers it.
QUESTIONS = {
    "parterre-tickets": {"ru": ("не пришли билеты на почту", 1), "en": ("e-tickets never arrived", 1)},
    "kompas-travel": {"ru": ("как отменить тур и вернуть деньги", 3), "en": ("cancel my tour refund", 3)},
    "chmurka-hosting": {"pl": ("strona pokazuje błąd 500", 5), "en": ("website shows 500 error", 5)},
}


@pytest.mark.parametrize("spec", BRANDS, ids=lambda spec: spec.slug)
def test_each_demo_brand_has_a_knowledge_base_in_its_languages(db, spec):
    forget_indexes()
    world = create_brand_world(spec, ensure_staff())

    articles = create_knowledge_base(world)

    brand = Brand.objects.get(slug=spec.slug)
    public = list(articles_visible_to(NOBODY, brand))
    assert 6 <= len(public) <= 10
    assert len(articles) == len(public) + 1  # one internal article for the agents
    for article in public:
        assert {t.language for t in article.translations.all()} == set(brand.languages)
        assert article.category is not None
    internal = [a for a in articles_visible_to(SYSTEM, brand) if a.visibility == "internal"]
    assert len(internal) == 1
    categories = categories_of(brand, brand.languages[0])
    assert sum(c.article_count for c in categories) == len(public)
    linked = [
        a for a in public if any(r.chosen for r in related_articles(a, brand.languages[0], actor=NOBODY))
    ]
    assert len(linked) >= 2
    for language, (question, position) in QUESTIONS[spec.slug].items():
        found = suggest_articles(brand_id=brand.pk, language=language, text=question, limit=3)
        answer = KNOWLEDGE[spec.slug].articles[position - 1]
        assert found, (language, question)
        top = public[[a.public_id for a in public].index(found[0].public_id)]
        assert translation_for(top, language).title == answer.texts[language].title, (language, question)


@pytest.mark.parametrize("spec", BRANDS, ids=lambda spec: spec.slug)
def test_each_demo_brand_links_its_request_categories_to_knowledge_base_topics(db, spec):
    from frontdesk.demo.knowledge import TOPICS
    from frontdesk.tickets.models import Category

    world = create_brand_world(spec, ensure_staff())
    create_knowledge_base(world)
    linked = dict(
        Category.objects.filter(brand=world.brand, kb_category__isnull=False).values_list(
            "path", "kb_category__slug"
        )
    )
    assert linked == TOPICS[spec.slug]
