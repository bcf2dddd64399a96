"""The knowledge base over the API: articles for the agents of their brands, public suggestions for forms."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from frontdesk.api.tests.conftest import assert_problem
from frontdesk.api.tests.isolation import Case, isolation_test
from frontdesk.kb import actions as kb_actions
from frontdesk.kb.choices import Visibility
from frontdesk.kb.models import Article, Category
from frontdesk.users.actors import actor_for

SECRET_TITLE = "Opera internal: refunds for the cancelled Tosca"


@dataclass(frozen=True)
class PublicCase:
    """The suggestions are public (anonymous callers allowed): their isolation is that a brand's slug yields
    only that brand's published public articles, tested in this module."""

    operation_id: str


@pytest.fixture
def world(world):
    cast = world.cast
    world.kb_article = kb_actions.create_article(
        cast.opera.brand,
        actor=actor_for(cast.opera.line1),
        language="en",
        title=SECRET_TITLE,
        body="Refunds go back to the card within **14 days**.",
        tags=["refund"],
        visibility=Visibility.INTERNAL,
    )
    return world


ISOLATION = [
    Case("list_kb_articles", "GET", lambda w: "/kb/articles", is_list=True, marker=lambda w: SECRET_TITLE),
    Case("get_kb_article", "GET", lambda w: f"/kb/articles/{w.kb_article.pk}"),
    Case(
        "create_kb_article",
        "POST",
        lambda w: "/kb/articles",
        lambda w: {"brand": "opera", "language": "en", "title": "Lost e-tickets", "body": "Resend them."},
    ),
    PublicCase("suggest_kb_articles"),
]

test_isolation = isolation_test([c for c in ISOLATION if isinstance(c, Case)])


def test_an_agent_creates_an_article_and_reads_it_back(api, cast):
    category = Category.objects.create(brand=cast.opera.brand, slug="delivery", names={"en": "Delivery"})
    body = {
        "brand": "opera",
        "language": "ru",
        "title": "Билеты не пришли",
        "body": "Проверьте папку **Спам**.\n\n<script>alert(1)</script>",
        "tags": ["E-Tickets", "mail"],
        "category": "delivery",
        "publish": True,
    }

    created = api.post("/kb/articles", cast.opera.line2, body)

    assert created.status == 201, created.raw
    article = Article.objects.get(pk=created.body["id"])
    assert (article.category_id, article.status, article.created_by_id) == (
        category.pk,
        "published",
        cast.opera.line2.pk,
    )
    read = api.get(f"/kb/articles/{article.pk}", cast.opera.admin).body
    assert read["url"] == f"/portal/opera/kb/{article.public_id}/"
    assert read["brand"]["slug"] == "opera"
    (text,) = read["translations"]
    assert (text["language"], text["tags"], text["status"], text["version"]) == (
        "ru",
        ["e-tickets", "mail"],
        "published",
        1,
    )
    assert "<strong>Спам</strong>" in text["body_html"]
    assert "<script>" not in text["body_html"]


def test_a_retry_with_the_same_idempotency_key_creates_one_article(api, cast):
    body = {"brand": "opera", "language": "en", "title": "Parking at the opera"}
    first = api.post("/kb/articles", cast.opera.line1, body, headers={"Idempotency-Key": "kb-1"})
    again = api.post("/kb/articles", cast.opera.line1, body, headers={"Idempotency-Key": "kb-1"})

    assert first.body["id"] == again.body["id"]
    assert Article.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"language": "pl"}, "language"),  # the cast's brands offer ru and en
        ({"language": "xx-yyyyyy"}, "language"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"tags": ["t"] * 21}, "tags"),
        ({"tags": ["t" * 51]}, "tags.0"),
        ({"visibility": "secret"}, "visibility"),
        ({"surprise": 1}, "surprise"),
        ({"brand": "no such brand!"}, "brand"),
        ({"publish": "maybe"}, "publish"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(api, cast, change, field):
    body = {"brand": "opera", "language": "en", "title": "Seats", **change}

    response = api.post("/kb/articles", cast.opera.line1, body)

    assert response.status == 422, response.raw
    assert field in response.error_fields(), response.body
    assert not Article.objects.exists()


def test_a_category_or_brand_out_of_reach_is_a_404_naming_the_field(api, cast):
    Category.objects.create(brand=cast.tours.brand, slug="visas", names={"en": "Visas"})
    body = {"brand": "opera", "language": "en", "title": "Visas", "category": "visas"}

    assert_problem(api.post("/kb/articles", cast.opera.line1, body), 404, "not_found", "category")
    body = {"brand": "opera-tours", "language": "en", "title": "Visas"}
    assert_problem(api.post("/kb/articles", cast.opera.line1, body), 404, "not_found", "brand")
    assert not Article.objects.exists()


def test_customers_cannot_create_articles_even_in_their_brand(api, cast):
    body = {"brand": "opera", "language": "en", "title": "My own article"}

    assert_problem(api.post("/kb/articles", cast.opera.customer_user, body), 404, "not_found")


def test_the_list_filters_by_brand_language_status_and_visibility(api, cast):
    agent = actor_for(cast.provider_admin)
    ru = kb_actions.create_article(cast.opera.brand, actor=agent, language="ru", title="Возврат", body="")
    en = kb_actions.create_article(
        cast.opera.brand, actor=agent, language="en", title="Refund", body="", publish=True
    )
    tours = kb_actions.create_article(cast.tours.brand, actor=agent, language="en", title="Visa", body="")

    def ids(user, **params):
        response = api.get("/kb/articles", user, params=params)
        assert response.status == 200, response.raw
        return [a["id"] for a in response.body["items"]]

    assert ids(cast.provider_admin) == [tours.pk, en.pk, ru.pk]
    assert ids(cast.provider_admin, brand="opera") == [en.pk, ru.pk]
    assert ids(cast.opera.line1, language="ru") == [ru.pk]
    assert ids(cast.opera.line1, status="published") == [en.pk]
    assert ids(cast.opera.line1, visibility="internal") == []
    assert ids(cast.tours.line1) == [tours.pk]
    assert ids(cast.opera.customer_user) == []
    assert_problem(
        api.get("/kb/articles", cast.opera.line1, params={"stauts": "draft"}), 422, "validation_error"
    )
    assert_problem(
        api.get("/kb/articles", cast.opera.line1, params={"cursor": "forged"}), 422, "invalid_cursor"
    )
    assert_problem(api.get("/kb/articles", cast.opera.line1, params={"limit": 101}), 422, "validation_error")


def test_the_list_pages_with_a_cursor(api, cast):
    agent = actor_for(cast.opera.line1)
    made = [
        kb_actions.create_article(cast.opera.brand, actor=agent, language="en", title=f"A{i}", body="").pk
        for i in range(3)
    ]

    first = api.get("/kb/articles", cast.opera.line1, params={"limit": 2}).body
    second = api.get(
        "/kb/articles", cast.opera.line1, params={"limit": 2, "cursor": first["next_cursor"]}
    ).body

    assert [a["id"] for a in first["items"] + second["items"]] == made[::-1]
    assert second["next_cursor"] is None


def test_the_list_costs_the_same_queries_for_few_and_many_articles(api, cast, count_queries):
    agent = actor_for(cast.opera.line1)

    def add(n):
        for i in range(n):
            article = kb_actions.create_article(
                cast.opera.brand, actor=agent, language="en", title=f"T{i}", body=""
            )
            kb_actions.add_translation(article, actor=agent, language="ru", title=f"Т{i}", body="")

    add(2)
    api.get("/kb/articles", cast.opera.line1)  # token and actor caches warm
    with count_queries() as few:
        assert len(api.get("/kb/articles", cast.opera.line1).body["items"]) == 2
    add(20)
    with count_queries(len(few)):
        assert len(api.get("/kb/articles", cast.opera.line1).body["items"]) == 22


def test_reading_an_article_of_another_brand_or_a_bad_id_is_refused(api, world):
    cast = world.cast
    path = f"/kb/articles/{world.kb_article.pk}"

    assert api.get(path, cast.provider_admin).status == 200
    assert_problem(api.get(path, cast.tours.admin), 404, "not_found")
    assert_problem(api.get("/kb/articles/0", cast.opera.line1), 422, "validation_error")
    assert_problem(api.get("/kb/articles/99999999", cast.opera.line1), 404, "not_found")
    assert_problem(api.get("/kb/articles/abc", cast.opera.line1), 422, "validation_error")


# ------------------------------------------------------------------------------------------------ suggest


@pytest.fixture
def shelf(cast):
    from frontdesk.kb.suggest import forget_indexes

    forget_indexes()  # indexes of an earlier test's brand with the same id

    def write(brand_cast, title, body, *, visibility=Visibility.PUBLIC, publish=True, language="en"):
        return kb_actions.create_article(
            brand_cast.brand,
            actor=actor_for(brand_cast.line1),
            language=language,
            title=title,
            body=body,
            visibility=visibility,
            publish=publish,
        )

    return {
        "public": write(cast.opera, "My e-tickets did not arrive", "Check spam, then resend the e-tickets."),
        "internal": write(
            cast.opera,
            "E-tickets did not arrive: relay check",
            "Internal e-tickets notes.",
            visibility="internal",
        ),
        "draft": write(cast.opera, "E-tickets draft", "E-tickets did not arrive draft.", publish=False),
        "tours": write(cast.tours, "Tour e-tickets did not arrive", "Tour e-tickets resend."),
    }


def test_anyone_gets_suggestions_of_the_brand_public_published_articles_only(api, cast, shelf):
    params = {"brand": "opera", "language": "en", "q": "my e-tickets did not arrive", "limit": 5}
    for user in (None, cast.outsider, cast.opera.line1, cast.tours.customer_user):
        response = api.get("/kb/suggest", user, params=params)
        assert response.status == 200, response.raw
        items = response.body["items"]
        assert [i["id"] for i in items] == [shelf["public"].pk], (user, items)
    (item,) = items
    assert item["url"] == f"/portal/opera/kb/{shelf['public'].public_id}/"
    assert item["title"] == "My e-tickets did not arrive"
    assert item["rank"] == 1
    assert item["score"] > 0
    tours = api.get("/kb/suggest", None, params={**params, "brand": "opera-tours"}).body["items"]
    assert [i["id"] for i in tours] == [shelf["tours"].pk]


def test_suggest_refuses_bad_input_with_4xx(api, cast):
    good = {"brand": "opera", "language": "en", "q": "tickets", "limit": 5}
    cases = [
        ({**good, "brand": "nope"}, 404, "not_found", "brand"),
        ({**good, "brand": "bad slug!"}, 422, "validation_error", "brand"),
        ({**good, "language": "pl"}, 422, "invalid_input", "language"),
        ({**good, "limit": 0}, 422, "validation_error", "limit"),
        ({**good, "limit": 21}, 422, "validation_error", "limit"),
        ({**good, "q": "x" * 501}, 422, "validation_error", "q"),
        ({**good, "extra": "1"}, 422, "validation_error", "extra"),
        ({"brand": "opera", "language": "en"}, 422, "validation_error", "q"),
    ]
    for params, status, code, field in cases:
        assert_problem(api.get("/kb/suggest", None, params=params), status, code, field)
