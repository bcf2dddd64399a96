"""Reading the knowledge base: who sees which articles, in which language, and what to read next."""

from __future__ import annotations

import pytest

from frontdesk.core.errors import NotFound
from frontdesk.kb import actions
from frontdesk.kb.choices import Visibility
from frontdesk.kb.models import Category
from frontdesk.kb.queries import (
    access_article,
    articles_visible_to,
    categories_of,
    related_articles,
    translation_for,
    translation_for_actor,
    versions_of,
)
from frontdesk.kb.render import body_to_html, excerpt, render_body
from frontdesk.kb.urls_public import article_url
from frontdesk.users.actors import NOBODY, actor_for


@pytest.fixture
def shelf(cast, write_article):
    """Opera: a public published article, an internal one, a draft; Opera Tours: one public article."""
    return {
        "public": write_article(title="Public"),
        "internal": write_article(title="Internal", visibility=Visibility.INTERNAL),
        "draft": write_article(title="Draft", publish=False),
        "foreign": write_article(cast.tours, title="Tours public"),
    }


def _titles(qs):
    return sorted(a.translations.all()[0].title for a in qs)


def test_customers_and_anonymous_visitors_see_only_public_published_articles_of_the_brand(cast, shelf):
    for actor in (
        NOBODY,
        actor_for(cast.opera.customer_user),
        actor_for(cast.outsider),
        actor_for(cast.tours.line1),
    ):
        assert _titles(articles_visible_to(actor, cast.opera.brand)) == ["Public"]


def test_agents_of_the_brand_also_see_internal_articles_and_drafts(cast, shelf):
    for user in (cast.opera.line1, cast.opera.admin, cast.provider_admin):
        assert _titles(articles_visible_to(actor_for(user), cast.opera.brand)) == [
            "Draft",
            "Internal",
            "Public",
        ]


def test_a_published_article_without_a_published_translation_is_hidden_from_customers(cast, shelf):
    article = shelf["public"]
    actions.unpublish_article(article, actor=actor_for(cast.opera.line1), language="en")

    with pytest.raises(NotFound):
        access_article(NOBODY, cast.opera.brand, article.public_id)


def test_access_article_gives_404_for_missing_foreign_and_hidden_articles(cast, shelf):
    customer = actor_for(cast.opera.customer_user)
    assert access_article(customer, cast.opera.brand, shelf["public"].public_id) == shelf["public"]
    for public_id in (shelf["internal"].public_id, shelf["draft"].public_id, 999, "abc", -1, 10**12):
        with pytest.raises(NotFound):
            access_article(customer, cast.opera.brand, public_id)
    # The other brand's article 1 is not reachable through this brand, nor this brand's through the other.
    with pytest.raises(NotFound):
        access_article(actor_for(cast.tours.line1), cast.opera.brand, shelf["internal"].public_id)
    assert access_article(NOBODY, cast.tours.brand, 1) == shelf["foreign"]


def test_the_list_takes_the_same_queries_for_few_and_many_articles(cast, write_article, count_queries):
    write_article()
    with count_queries() as few:
        [translation_for(a, "en") for a in articles_visible_to(NOBODY, cast.opera.brand)]
    for _ in range(6):
        write_article()
    with count_queries(len(few)):
        rows = [translation_for(a, "en") for a in articles_visible_to(NOBODY, cast.opera.brand)]
    assert len(rows) == 7
    assert all(rows)


def test_translation_falls_back_through_the_brand_languages(cast, write_article):
    article = write_article(language="ru", title="По-русски")
    agent = actor_for(cast.opera.line1)
    actions.add_translation(article, actor=agent, language="en", title="In English", body="x")

    article = access_article(NOBODY, cast.opera.brand, article.public_id)
    assert translation_for(article, "pl").title == "По-русски"  # the brand's first language
    assert translation_for(article, "en").title == "По-русски"  # the English draft is not shown
    assert (
        translation_for_actor(agent, access_article(agent, cast.opera.brand, 1), "en").title == "In English"
    )
    assert translation_for(article, "pl", fallbacks=["en"]).title == "По-русски"


def test_versions_are_for_agents_of_the_brand(cast, write_article):
    translation = write_article().translations.get()

    assert [v.number for v in versions_of(actor_for(cast.opera.line1), translation)] == [1]
    with pytest.raises(NotFound):
        versions_of(actor_for(cast.tours.line1), translation)


def test_related_articles_put_the_chosen_first_then_shared_tags_and_category(cast, write_article):
    refunds = Category.objects.create(brand=cast.opera.brand, slug="refunds", names={"en": "Refunds"})
    main = write_article(title="Main", tags=["refund"], category=refunds)
    chosen = write_article(title="Chosen", tags=[])
    same_tags = write_article(title="Same tag", tags=["refund"])
    same_category = write_article(title="Same category", tags=["other"], category=refunds)
    write_article(title="Unrelated", tags=["other"])
    hidden = write_article(title="Internal", tags=["refund"], visibility=Visibility.INTERNAL)
    actions.set_related_articles(main, actor=actor_for(cast.opera.line1), related=[chosen])

    shown = related_articles(main, "en", actor=NOBODY, limit=5)

    assert [(r.translation.title, r.chosen) for r in shown][:3] == [
        ("Chosen", True),
        ("Same tag", False),
        ("Same category", False),
    ]
    assert "Internal" not in [r.translation.title for r in shown]
    agent_view = related_articles(main, "en", actor=actor_for(cast.opera.line1), limit=5)
    assert hidden.pk in {r.article.pk for r in agent_view}
    assert [r.translation.title for r in related_articles(main, "en", actor=NOBODY, limit=1)] == ["Chosen"]
    assert same_tags
    assert same_category


def test_categories_are_named_in_the_language_and_count_readable_articles(cast, write_article):
    refunds = Category.objects.create(
        brand=cast.opera.brand, slug="refunds", names={"en": "Refunds", "ru": "Возвраты"}, position=2
    )
    delivery = Category.objects.create(
        brand=cast.opera.brand, slug="delivery", names={"en": "Delivery"}, position=1
    )
    Category.objects.create(brand=cast.tours.brand, slug="visa", names={"en": "Visa"})
    write_article(category=refunds)
    write_article(category=refunds, visibility=Visibility.INTERNAL)

    entries = categories_of(cast.opera.brand, "ru")
    assert [(e.slug, e.name, e.article_count) for e in entries] == [
        ("delivery", "Delivery", 0),
        ("refunds", "Возвраты", 1),
    ]
    agent_counts = [
        e.article_count for e in categories_of(cast.opera.brand, "en", actor=actor_for(cast.opera.line1))
    ]
    assert agent_counts == [0, 2]
    assert delivery.name_in("pl", ["ru", "en"]) == "Delivery"


def test_bodies_render_to_sanitized_html():
    html = body_to_html(
        "# Title\n\n**bold** <script>alert(1)</script> [x](javascript:alert(1)) ![map](/f/map.png)"
    )

    assert "<h1>Title</h1>" in html
    assert "<strong>bold</strong>" in html
    assert "<script>" not in html
    assert 'href="javascript' not in html
    assert '<img src="/f/map.png" alt="map">' in html
    assert str(render_body("plain")) == "<p>plain</p>\n"


def test_the_public_url_is_built_from_the_brand_slug_and_the_public_id(cast):
    assert article_url(cast.opera.brand, 7) == "/portal/opera/kb/7/"
    assert article_url("opera-tours", 12) == "/portal/opera-tours/kb/12/"


def test_without_links_tags_or_category_the_closest_text_is_suggested(cast, write_article):
    from frontdesk.kb.suggest import forget_indexes

    forget_indexes()
    main = write_article(
        title="Refund for a cancelled concert", body="How the refund reaches your card.", tags=[]
    )
    close = write_article(
        title="Refund of tickets to a cancelled show", body="The refund goes to the card.", tags=[]
    )
    write_article(title="Parking near the hall", body="The garage opens an hour before.", tags=[])

    shown = related_articles(main, "en", actor=NOBODY, limit=1)

    assert [(r.article.pk, r.chosen) for r in shown] == [(close.pk, False)]


def test_an_article_history_names_who_changed_what_and_is_for_agents_only(cast, write_article):
    from frontdesk.kb.queries import events_of

    article = write_article(publish=False)
    actions.publish_article(article, actor=actor_for(cast.opera.line2))

    history = [(e.kind, e.actor_label) for e in events_of(actor_for(cast.opera.admin), article)]
    assert history == [("created", cast.opera.line1.name), ("published", cast.opera.line2.name)]
    for user in (cast.tours.admin, cast.opera.customer_user):
        with pytest.raises(NotFound):
            events_of(actor_for(user), article)


def test_an_excerpt_is_one_line_of_plain_text_cut_at_a_word():
    body = "# Refunds\n\nMoney goes **back** to the card within 14 days, always."

    assert excerpt(body) == "Refunds Money goes back to the card within 14 days, always."
    assert excerpt(body, 30) == "Refunds Money goes back to the…"
