"""The knowledge base in a brand's portal: topics, a topic's answers, an answer with files and "read also",
the public search, "was this helpful", and nothing internal, unpublished or of another brand, ever."""

from __future__ import annotations

import pytest

from frontdesk.kb import actions
from frontdesk.kb.choices import Visibility
from frontdesk.kb.suggest import forget_indexes
from frontdesk.testing.cast import PASSWORD
from frontdesk.users.actors import SYSTEM, actor_for

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture(autouse=True)
def _fresh_search_indexes():
    """The ranked search keeps its indexes per process; every test starts without them."""
    forget_indexes()
    yield
    forget_indexes()


def _article(
    bc, title="Как вернуть билет", *, body="Откройте **Мои заказы**.", language="ru", publish=True, **kw
):
    return actions.create_article(
        bc.brand, actor=actor_for(bc.line1), language=language, title=title, body=body, publish=publish, **kw
    )


def _category(bc, slug="refunds", names=None):
    from frontdesk.kb.models import Category

    return Category.objects.create(
        brand=bc.brand, slug=slug, names=names or {"ru": "Возвраты", "en": "Refunds"}
    )


def _url(article, part=""):
    return f"/portal/{article.brand.slug}/kb/{article.public_id}/{part}"


def test_the_home_lists_topics_with_their_counts_and_new_answers(cast, client):
    refunds = _category(cast.opera)
    _category(cast.opera, "empty", {"ru": "Пустая тема"})
    _article(cast.opera, "Возврат за отменённый концерт", category=refunds)
    _article(cast.opera, "Черновик", publish=False, category=refunds)
    _article(cast.tours, "Возврат тура")
    html = client.get("/portal/opera/kb/").content.decode()
    assert "Возвраты" in html
    assert "(1)" in html
    assert "Пустая тема" not in html
    assert "Возврат за отменённый концерт" in html
    assert "Черновик" not in html
    assert "Возврат тура" not in html


def test_a_topic_lists_its_public_answers_in_the_portal_s_language(cast, client):
    refunds = _category(cast.opera)
    article = _article(cast.opera, "Возврат билета", category=refunds)
    actions.add_translation(
        article,
        actor=actor_for(cast.opera.line1),
        language="en",
        title="Ticket refund",
        body="x",
        publish=True,
    )
    _article(cast.opera, "Скрипт для агентов", category=refunds, visibility=Visibility.INTERNAL)
    html = client.get("/portal/opera/kb/topics/refunds/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Refunds" in html
    assert "Ticket refund" in html
    assert "Скрипт для агентов" not in html
    assert client.get("/portal/opera/kb/topics/no-such/").status_code == 404
    assert client.get("/portal/opera-tours/kb/topics/refunds/").status_code == 404


def test_the_article_is_rendered_sanitized_with_its_files_and_read_also(cast, client):
    article = _article(
        cast.opera,
        body="Смотрите схему: ![схема](attachment:0)\n\n<script>alert(1)</script>\n\n[плохо](javascript:alert(1))",
        tags=["возврат"],
    )
    image = actions.add_article_attachment(
        article, actor=actor_for(cast.opera.line1), filename="map.png", content_type="image/png", data=PNG
    )
    text = article.translations.get()
    actions.update_translation(
        text,
        actor=actor_for(cast.opera.line1),
        title=text.title,
        body=text.body.replace("attachment:0", f"attachment:{image.pk}"),
    )
    chosen = _article(cast.opera, "Выбранная вручную")
    automatic = _article(cast.opera, "Тоже о возврате", tags=["возврат"])
    actions.set_related_articles(article, actor=actor_for(cast.opera.line1), related=[chosen])
    html = client.get(_url(article)).content.decode()
    file_url = f"/portal/opera/kb/{article.public_id}/files/{image.pk}/"
    assert f'<img src="{file_url}" alt="схема"' in html
    assert "<script>alert" not in html
    assert 'href="javascript' not in html
    assert html.index("Выбранная вручную") < html.index("Тоже о возврате")
    assert _url(automatic) in html
    response = client.get(file_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_internal_draft_archived_and_other_brand_articles_are_404(cast, client):
    internal = _article(cast.opera, "Для агентов", visibility=Visibility.INTERNAL)
    draft = _article(cast.opera, "Черновик", publish=False)
    archived = _article(cast.opera, "Старое")
    actions.archive_article(archived, actor=actor_for(cast.opera.line1))
    theirs = _article(cast.tours, "Статья туров")
    attachment = actions.add_article_attachment(
        internal, actor=actor_for(cast.opera.line1), filename="a.txt", content_type="text/plain", data=b"x"
    )
    for user in (None, cast.opera.customer_user, cast.opera.line1, cast.provider_admin, cast.outsider):
        client.logout()
        if user is not None:
            assert client.login(email=user.email, password=PASSWORD)
        for article in (internal, draft, archived):
            assert client.get(_url(article)).status_code == 404, (user, article)
            assert client.post(_url(article, "vote/"), {"helpful": "yes"}).status_code == 404
        assert client.get(_url(internal, f"files/{attachment.pk}/")).status_code == 404
        # Another brand's article through this brand's portal, by its number.
        assert client.get(f"/portal/opera/kb/{theirs.public_id + 100}/").status_code == 404
        html = client.get("/portal/opera/kb/search/", {"q": "Статья туров"}).content.decode()
        assert ">Статья туров</a>" not in html
    assert client.get(f"/portal/opera-tours/kb/{theirs.public_id}/").status_code == 200


def test_a_draft_language_of_a_published_article_is_not_shown(cast, client):
    article = _article(cast.opera, "Опубликовано")
    actions.add_translation(
        article, actor=actor_for(cast.opera.line1), language="en", title="Draft EN", body=""
    )
    html = client.get(_url(article), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Опубликовано" in html
    assert "Draft EN" not in html
    assert "available in" in html


def test_the_search_finds_public_answers_best_first_and_htmx_gets_the_results_only(cast, client):
    _article(cast.opera, "Как вернуть билет на концерт")
    _article(cast.opera, "Места для колясок")
    _article(cast.opera, "Возврат для агентов", visibility=Visibility.INTERNAL)
    html = client.get("/portal/opera/kb/search/", {"q": "вернуть"}).content.decode()
    assert "Как вернуть билет на концерт" in html
    assert "Места для колясок" not in html
    partial = client.get(
        "/portal/opera/kb/search/", {"q": "вернуть"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert partial.lstrip().startswith('<div id="kb-results"')
    assert "Как вернуть билет" in partial
    nothing = client.get("/portal/opera/kb/search/", {"q": "зззз"}).content.decode()
    assert "Ответов по этим словам нет" in nothing


def test_a_too_long_search_is_a_form_error(cast, client):
    response = client.get("/portal/opera/kb/search/", {"q": "x" * 500}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "errorlist" in response.content.decode()


def test_a_visitor_votes_once_per_session_and_may_change_the_vote(cast, client):
    article = _article(cast.opera)
    client.get(_url(article))
    response = client.post(
        _url(article, "vote/"), {"helpful": "no", "comment": "Нет про сроки"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert 'id="kb-vote"' in response.content.decode()
    client.post(_url(article, "vote/"), {"helpful": "yes"}, HTTP_HX_REQUEST="true")
    votes = list(article.votes.all())
    assert [(v.helpful, v.comment) for v in votes] == [(True, "")]
    # Another browser is another visitor.
    client.cookies.clear()
    client.post(_url(article, "vote/"), {"helpful": "no"})
    assert article.votes.count() == 2


def test_a_signed_in_customer_s_vote_is_theirs(cast, client):
    article = _article(cast.opera)
    assert client.login(email=cast.opera.customer_user.email, password=PASSWORD)
    assert client.post(_url(article, "vote/"), {"helpful": "yes"}).status_code == 200
    assert article.votes.get().customer_id == cast.opera.customer.pk


def test_a_vote_without_an_answer_or_with_a_too_long_comment_is_a_form_error(cast, client):
    article = _article(cast.opera)
    response = client.post(_url(article, "vote/"), {"comment": "x"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    response = client.post(_url(article, "vote/"), {"helpful": "maybe"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    response = client.post(_url(article, "vote/"), {"helpful": "yes", "comment": "x" * 3000})
    assert response.status_code == 422
    assert not article.votes.exists()


def test_opening_a_suggested_article_with_its_key_counts_it_as_opened(cast, client):
    article = _article(cast.opera)
    key = actions.record_suggestions(
        None, brand=cast.opera.brand, language="ru", query="вернуть", suggestions=[(article.pk, 1, 0.9)]
    )
    assert client.get(_url(article), {"d": "not-a-key"}).status_code == 200
    assert client.get(_url(article), {"d": str(key)}).status_code == 200
    from frontdesk.kb.models import SuggestionShown

    assert SuggestionShown.objects.get().opened_at is not None


@pytest.mark.parametrize("many", [False, True])
def test_the_lists_cost_the_same_queries_with_few_or_many_answers(cast, client, count_queries, many):
    refunds = _category(cast.opera)
    for i in range(30 if many else 2):
        _article(cast.opera, f"Возврат номер {i}", category=refunds)
    client.get("/portal/opera/kb/")
    counts = []
    for url, params in (
        ("/portal/opera/kb/", {}),
        ("/portal/opera/kb/topics/refunds/", {}),
        ("/portal/opera/kb/search/", {"q": "возврат"}),
    ):
        with count_queries() as queries:
            html = client.get(url, params).content.decode()
        assert "Возврат номер" in html
        counts.append(len(queries))
    assert max(counts) <= 8, counts
    with count_queries(counts[1]):
        client.get("/portal/opera/kb/topics/refunds/")


def test_the_pages_speak_the_portal_s_language(cast, client):
    brand = cast.opera.brand
    brand.languages = ["pl", "ru"]
    brand.save(update_fields=["languages"])
    article = actions.create_article(
        brand, actor=SYSTEM, language="pl", title="Zwrot biletu", body="Tekst", publish=True
    )
    html = client.get(_url(article)).content.decode()
    assert "Czy to było pomocne?" in html
    html = client.get(_url(article), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Zwrot biletu" in html
    assert "Это было полезно?" in html


def test_the_same_number_in_another_brand_s_portal_is_404(cast, client):
    theirs = _article(cast.tours, "Только для туров")
    assert theirs.public_id == 1  # numbers are per brand: the first article of each brand is 1
    assert client.get("/portal/opera/kb/1/").status_code == 404
    assert client.post("/portal/opera/kb/1/vote/", {"helpful": "yes"}).status_code == 404
    ours = _article(cast.opera, "Только для оперы")
    html = client.get("/portal/opera/kb/1/").content.decode()
    assert ours.public_id == 1
    assert "Только для оперы" in html
    assert "Только для туров" not in html


def test_on_the_brand_s_own_host_the_answers_link_to_the_root_of_it(cast, client, settings):
    brand = cast.opera.brand
    brand.portal_host = "help.opera.example"
    brand.save(update_fields=["portal_host"])
    settings.ALLOWED_HOSTS = ["help.opera.example", "testserver"]
    article = _article(cast.opera, "Возврат билета")
    html = client.get(f"/kb/{article.public_id}/", HTTP_HOST="help.opera.example").content.decode()
    assert "Возврат билета" in html
    assert f'action="/kb/{article.public_id}/vote/"' in html
    html = client.get("/kb/search/", {"q": "возврат"}, HTTP_HOST="help.opera.example").content.decode()
    assert f'href="/kb/{article.public_id}/"' in html


def test_an_unknown_brand_has_no_answers_and_a_brand_shows_only_its_own_topics(cast, client):
    for url in ("/portal/no-such/kb/", "/portal/no-such/kb/search/?q=x", "/portal/no-such/kb/1/"):
        assert client.get(url).status_code == 404
    _article(cast.tours, "Туры", category=_category(cast.tours, "tours", {"ru": "Темы туров"}))
    _article(cast.opera, "Опера", category=_category(cast.opera))
    html = client.get("/portal/opera/kb/").content.decode()
    assert "Темы туров" not in html
    assert "Возвраты" in html
    assert client.get("/portal/opera/kb/topics/tours/").status_code == 404


def test_numbers_beyond_any_id_are_404_not_errors(cast, client):
    article = _article(cast.opera)
    big = "9" * 30
    assert client.get(f"/portal/opera/kb/{big}/").status_code == 404
    assert client.get(_url(article, f"files/{big}/")).status_code == 404
    assert client.post(f"/portal/opera/kb/{big}/vote/", {"helpful": "yes"}).status_code == 404
