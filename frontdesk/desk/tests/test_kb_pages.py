"""The desk's knowledge base: the list with filters and search, an article with internal and draft ones, the
editor, languages, publishing, related articles, files, history with a diff, and who may see what."""

from __future__ import annotations

import pytest

from frontdesk.kb import actions
from frontdesk.kb.choices import Visibility
from frontdesk.kb.queries import articles_visible_to
from frontdesk.kb.suggest import forget_indexes
from frontdesk.testing.cast import PASSWORD
from frontdesk.users.actors import NOBODY, actor_for

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture(autouse=True)
def _fresh_search_indexes():
    """The ranked search keeps its indexes per process; every test starts without them."""
    forget_indexes()
    yield
    forget_indexes()


def _sign_in(client, user):
    client.logout()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def _article(bc, *, title="How to get your e-tickets again", body="Open **My orders**.", language="en", **kw):
    return actions.create_article(
        bc.brand, actor=actor_for(bc.line1), language=language, title=title, body=body, **kw
    )


def _url(article, part=""):
    return f"/desk/kb/{article.brand.slug}/{article.public_id}/{part}"


def test_the_list_shows_the_brand_s_articles_with_drafts_and_internal_ones(cast, client):
    _article(cast.opera, title="Refund rules", publish=True)
    _article(cast.opera, title="Draft about seats")
    _article(cast.opera, title="Internal script", visibility=Visibility.INTERNAL, publish=True)
    _article(cast.tours, title="Tours only article", publish=True)
    html = _sign_in(client, cast.opera.line1).get("/desk/kb/").content.decode()
    assert "Refund rules" in html
    assert "Draft about seats" in html
    assert "Internal script" in html
    assert "Tours only article" not in html


def test_the_list_filters_by_status_visibility_and_language(cast, client):
    _article(cast.opera, title="Published one", publish=True)
    _article(cast.opera, title="Draft one")
    _article(cast.opera, title="Внутренняя", language="ru", visibility=Visibility.INTERNAL)
    _sign_in(client, cast.opera.line1)
    html = client.get("/desk/kb/", {"status": "published"}).content.decode()
    assert "Published one" in html
    assert "Draft one" not in html
    html = client.get("/desk/kb/", {"visibility": "internal"}, HTTP_HX_REQUEST="true").content.decode()
    assert html.lstrip().startswith('<div id="kb-rows"')
    assert "Внутренняя" in html
    assert "Published one" not in html
    html = client.get("/desk/kb/", {"language": "ru"}).content.decode()
    assert "Внутренняя" in html
    assert "Draft one" not in html


def test_the_list_finds_articles_by_words_of_their_title(cast, client):
    _article(cast.opera, title="Refund for a cancelled concert", publish=True)
    _article(cast.opera, title="Seats for wheelchairs", publish=True)
    html = _sign_in(client, cast.opera.line1).get("/desk/kb/", {"q": "refund"}).content.decode()
    assert "Refund for a cancelled concert" in html
    assert "Seats for wheelchairs" not in html


def test_a_bad_filter_is_a_form_error_not_a_500(cast, client):
    response = _sign_in(client, cast.opera.line1).get("/desk/kb/", {"status": "nonsense"})
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()


def test_the_other_brand_the_customer_and_the_outsider_get_404(cast, client):
    article = _article(cast.opera, title="Opera secret", publish=True, visibility=Visibility.INTERNAL)
    public = _article(cast.opera, title="Opera public", publish=True)
    urls = [_url(article), _url(article, "edit/"), _url(article, "history/"), _url(article, "translate/")]
    for user in (cast.tours.line1, cast.tours.admin, cast.outsider, cast.opera.customer_user):
        _sign_in(client, user)
        for url in [*urls, _url(public)]:
            assert client.get(url).status_code == 404, (user, url)
        for part in ("publish/", "related/", "attachments/"):
            assert client.post(_url(public, part), {"action": "unpublish"}).status_code == 404
        assert client.get("/desk/kb/", {"brand": "opera"}).status_code == 404
        assert client.get("/desk/kb/opera/new/").status_code == 404
    assert "Opera" not in _sign_in(client, cast.tours.line1).get("/desk/kb/").content.decode().replace(
        "Opera Tours", ""
    )
    client.logout()
    assert client.get(_url(article)).status_code == 302


def test_the_article_page_shows_an_internal_draft_to_agents_of_the_brand(cast, client):
    article = _article(cast.opera, title="Call script", body="Say **hello**.", visibility=Visibility.INTERNAL)
    html = _sign_in(client, cast.opera.line2).get(_url(article)).content.decode()
    assert "Call script" in html
    assert "<strong>hello</strong>" in html
    assert "Internal: agents only" in html


def test_an_agent_writes_edits_and_publishes_an_article(cast, client):
    _sign_in(client, cast.opera.line1)
    response = client.post(
        "/desk/kb/opera/new/",
        {"language": "ru", "title": "Как вернуть билет", "body": "Откройте заказ.", "tags": "возврат, билеты",
         "visibility": "public", "category": ""},
    )  # fmt: skip
    assert response.status_code == 302
    article = articles_visible_to(actor_for(cast.opera.line1), cast.opera.brand).get()
    assert response["Location"] == f"/desk/kb/opera/{article.public_id}/?lang=ru"
    assert article.status == "draft"
    assert not articles_visible_to(NOBODY, cast.opera.brand).exists()

    edit = client.get(_url(article, "edit/"), {"lang": "ru"})
    assert 'name="base_version" value="1"' in edit.content.decode()
    response = client.post(
        _url(article, "edit/") + "?lang=ru",
        {"title": "Как вернуть билет", "body": "Откройте заказ и нажмите «Вернуть».", "tags": "возврат",
         "visibility": "public", "category": "", "base_version": "1"},
    )  # fmt: skip
    assert response.status_code == 302
    assert client.post(_url(article, "publish/"), {"action": "publish", "language": "ru"}).status_code == 302
    public = articles_visible_to(NOBODY, cast.opera.brand).get()
    text = public.translations.get()
    assert (text.body, text.tags, text.version) == ("Откройте заказ и нажмите «Вернуть».", ["возврат"], 2)


def test_a_save_over_a_newer_version_is_refused_with_409(cast, client):
    article = _article(cast.opera)
    text = article.translations.get()
    actions.update_translation(text, actor=actor_for(cast.opera.line2), title="Changed by line 2", body="x")
    response = _sign_in(client, cast.opera.line1).post(
        _url(article, "edit/") + "?lang=en",
        {
            "title": "Mine",
            "body": "y",
            "tags": "",
            "visibility": "public",
            "category": "",
            "base_version": "1",
        },
    )
    assert response.status_code == 409
    assert "Someone saved this article since you opened it" in response.content.decode()
    assert article.translations.get().title == "Changed by line 2"


def test_the_editor_refuses_a_blank_title_with_a_form_error(cast, client):
    article = _article(cast.opera)
    response = _sign_in(client, cast.opera.line1).post(
        _url(article, "edit/") + "?lang=en",
        {"title": "  ", "body": "y", "tags": "", "visibility": "public", "base_version": "1"},
    )
    assert response.status_code == 422
    assert "Give the article a title." in response.content.decode()
    response = client.post(
        "/desk/kb/opera/new/", {"language": "de", "title": "T", "body": "", "visibility": "public"}
    )
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()


def test_an_agent_adds_another_language_of_the_brand(cast, client):
    article = _article(cast.opera)
    _sign_in(client, cast.opera.line1)
    page = client.get(_url(article, "translate/"), {"from": "en"}).content.decode()
    assert 'value="ru"' in page
    assert "How to get your e-tickets again" in page  # prefilled from the English text
    response = client.post(
        _url(article, "translate/"), {"language": "ru", "title": "Как получить билеты", "body": "Текст"}
    )
    assert response.status_code == 302
    assert sorted(article.translations.values_list("language", flat=True)) == ["en", "ru"]
    # A language the brand does not offer (or one the article has) is a form error.
    response = client.post(_url(article, "translate/"), {"language": "pl", "title": "x", "body": "y"})
    assert response.status_code == 422


def test_related_articles_are_chosen_by_number_and_a_foreign_number_is_a_form_error(cast, client):
    article = _article(cast.opera, title="Main", publish=True)
    other = _article(cast.opera, title="Other one", publish=True)
    foreign = _article(cast.tours, title="Foreign", publish=True)
    _sign_in(client, cast.opera.line1)
    assert client.post(_url(article, "related/"), {"related": f"#{other.public_id}"}).status_code == 302
    html = client.get(_url(article)).content.decode()
    assert "Other one" in html
    assert "chosen" in html
    number = foreign.public_id + 100
    response = client.post(_url(article, "related/"), {"related": f"{other.public_id}, {number}"})
    assert response.status_code == 422
    assert f"#{number}: No such article." in response.content.decode()
    response = client.post(_url(article, "related/"), {"related": "abc"})
    assert response.status_code == 422


def test_files_and_images_are_attached_and_served_to_agents_of_the_brand_only(cast, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    article = _article(cast.opera)
    _sign_in(client, cast.opera.line1)
    upload = SimpleUploadedFile("seat-map.png", PNG, content_type="image/png")
    assert client.post(_url(article, "attachments/"), {"file": upload}).status_code == 302
    attachment = article.attachments.get()
    url = _url(article, f"attachments/{attachment.pk}/")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "seat-map.png" in client.get(_url(article)).content.decode()
    assert client.post(_url(article, "attachments/"), {}).status_code == 422
    _sign_in(client, cast.tours.line1)
    assert client.get(url).status_code == 404


def test_the_history_names_who_changed_what_with_a_diff(cast, client):
    article = _article(cast.opera, body="First line\nSecond line")
    text = article.translations.get()
    actions.update_translation(
        text, actor=actor_for(cast.opera.line2), title=text.title, body="First line\nChanged line"
    )
    html = _sign_in(client, cast.opera.line1).get(_url(article, "history/"), {"lang": "en"}).content.decode()
    assert "Line2 Opera Box Office" in html
    assert '<span class="kb-diff-del">- Second line</span>' in html
    assert '<span class="kb-diff-add">+ Changed line</span>' in html
    assert client.get(_url(article, "history/"), {"lang": "en", "a": "x", "b": "99"}).status_code == 200


def test_votes_and_comments_are_summed_up_on_the_article_page(cast, client):
    article = _article(cast.opera, publish=True)
    actions.vote_article(article, actor=NOBODY, language="en", helpful=True, session_key="a")
    actions.vote_article(
        article, actor=NOBODY, language="en", helpful=False, comment="Nothing about refunds", session_key="b"
    )
    html = _sign_in(client, cast.opera.line1).get(_url(article)).content.decode()
    assert "1 reader found it helpful" in html
    assert "Nothing about refunds" in html


@pytest.mark.parametrize("many", [False, True])
def test_the_list_costs_the_same_queries_with_few_or_many_articles(cast, client, count_queries, many):
    for i in range(30 if many else 2):
        _article(cast.opera, title=f"Article {i}", publish=bool(i % 2))
    _sign_in(client, cast.opera.line1)
    client.get("/desk/kb/")
    with count_queries() as queries:
        html = client.get("/desk/kb/").content.decode()
    assert html.count("<tr>") == (31 if many else 3)
    few_or_many = len(queries)
    assert few_or_many <= 10, queries
    with count_queries(few_or_many):
        client.get("/desk/kb/", {"status": "published"})


def test_the_pages_speak_the_agent_s_language(cast, client):
    article = _article(cast.opera)
    user = cast.opera.line1
    user.language = "ru"
    user.save(update_fields=["language"])
    assert "База знаний" in _sign_in(client, user).get("/desk/kb/").content.decode()
    user.language = "pl"
    user.save(update_fields=["language"])
    assert "Baza wiedzy" in client.get(_url(article)).content.decode()


def test_an_image_of_the_article_is_shown_in_its_text_by_reference(cast, client):
    article = _article(cast.opera, body="Plan: ![plan](attachment:0)")
    image = actions.add_article_attachment(
        article, actor=actor_for(cast.opera.line1), filename="plan.png", content_type="image/png", data=PNG
    )
    text = article.translations.get()
    body = f"Plan: ![plan](attachment:{image.pk}) and ![other](attachment:999999)"
    actions.update_translation(text, actor=actor_for(cast.opera.line1), title=text.title, body=body)
    html = _sign_in(client, cast.opera.line1).get(_url(article)).content.decode()
    assert f'<img src="{_url(article, f"attachments/{image.pk}/")}" alt="plan"' in html
    assert '<img src="#" alt="other"' in html
    assert f"![plan.png](attachment:{image.pk})" in html


def test_the_search_ranks_published_articles_despite_a_typo_and_finds_drafts_by_title(cast, client):
    _article(cast.opera, title="Возврат билетов за отменённый концерт", language="ru", publish=True)
    _article(cast.opera, title="Возврат: черновик правил", language="ru")
    _article(cast.opera, title="Места для колясок", language="ru", publish=True)
    _sign_in(client, cast.opera.line1)
    html = client.get("/desk/kb/", {"q": "вазврат билетов"}).content.decode()
    assert "Возврат билетов за отменённый концерт" in html
    html = client.get("/desk/kb/", {"q": "возврат"}).content.decode()
    assert html.index("отменённый концерт") < html.index("черновик правил")
    assert "колясок" not in html


def test_one_language_is_unpublished_and_a_bad_publishing_request_is_refused(cast, client):
    article = _article(cast.opera, publish=True)
    actions.add_translation(
        article, actor=actor_for(cast.opera.line1), language="ru", title="Билеты", body="", publish=True
    )
    _sign_in(client, cast.opera.line1)
    html = client.get(_url(article), {"lang": "ru"}).content.decode()
    assert "Unpublish (" in html
    response = client.post(_url(article, "publish/"), {"action": "unpublish", "language": "ru"})
    assert response.status_code == 302
    assert dict(article.translations.values_list("language", "status")) == {"en": "published", "ru": "draft"}
    assert client.post(_url(article, "publish/"), {"action": "explode"}).status_code == 422
    response = client.post(_url(article, "publish/"), {"action": "publish", "language": "pl"})
    assert response.status_code == 422
    assert "The article has no text in that language." in response.content.decode()


def test_the_article_page_costs_a_bounded_number_of_queries(cast, client, count_queries):
    article = _article(cast.opera, publish=True, tags=["e-tickets"])
    others = [_article(cast.opera, title=f"Other {i}", publish=True, tags=["e-tickets"]) for i in range(6)]
    actions.set_related_articles(article, actor=actor_for(cast.opera.line1), related=others[:3])
    for key in "abc":
        actions.vote_article(article, actor=NOBODY, language="en", helpful=True, comment=key, session_key=key)
    _sign_in(client, cast.opera.line1)
    client.get(_url(article))
    with count_queries() as queries:
        html = client.get(_url(article)).content.decode()
    assert "Other 5" in html
    assert len(queries) <= 16, len(queries)


@pytest.mark.parametrize("many", [False, True])
def test_a_search_costs_the_same_queries_with_few_or_many_hits(cast, client, count_queries, many):
    for i in range(30 if many else 2):
        _article(cast.opera, title=f"Refund rules {i}", publish=True)
    _sign_in(client, cast.opera.line1)
    client.get("/desk/kb/", {"q": "refund"})
    with count_queries() as queries:
        html = client.get("/desk/kb/", {"q": "refund"}, HTTP_HX_REQUEST="true").content.decode()
    assert html.count("<tr>") == (31 if many else 3)
    assert len(queries) <= 10, queries
    with count_queries(len(queries)):
        client.get("/desk/kb/", {"q": "rules"}, HTTP_HX_REQUEST="true")


def test_the_list_filters_by_category_and_the_editor_files_an_article_under_one(cast, client):
    from frontdesk.kb.models import Category

    refunds = Category.objects.create(brand=cast.opera.brand, slug="refunds", names={"en": "Refunds"})
    Category.objects.create(brand=cast.tours.brand, slug="tours-only", names={"en": "Tours only"})
    _article(cast.opera, title="In refunds", category=refunds)
    loose = _article(cast.opera, title="Without a category")
    _sign_in(client, cast.opera.line1)
    html = client.get("/desk/kb/", {"category": "refunds"}).content.decode()
    assert "In refunds" in html
    assert "Without a category" not in html
    assert "Tours only" not in html
    response = client.post(
        _url(loose, "edit/") + "?lang=en",
        {"title": "Without a category", "body": "", "visibility": "internal", "category": "refunds",
         "base_version": "1"},
    )  # fmt: skip
    assert response.status_code == 302
    loose.refresh_from_db()
    assert (loose.category_id, loose.visibility) == (refunds.pk, "internal")
    # Another brand's category is not among the choices.
    response = client.post(
        _url(loose, "edit/") + "?lang=en",
        {"title": "x", "body": "", "visibility": "public", "category": "tours-only", "base_version": "1"},
    )
    assert response.status_code == 422


def test_writing_into_another_brand_s_knowledge_base_is_404(cast, client):
    article = _article(cast.opera, publish=True)
    attachment = actions.add_article_attachment(
        article, actor=actor_for(cast.opera.line1), filename="a.png", content_type="image/png", data=PNG
    )
    form = {"language": "ru", "title": "Чужая", "body": "", "visibility": "public"}
    for user in (cast.tours.line1, cast.outsider, cast.opera.customer_user):
        _sign_in(client, user)
        assert client.post("/desk/kb/opera/new/", form).status_code == 404
        assert client.post(_url(article, "translate/"), form).status_code == 404
        assert client.get(_url(article, f"attachments/{attachment.pk}/")).status_code == 404
    assert articles_visible_to(actor_for(cast.opera.line1), cast.opera.brand).count() == 1
    assert article.translations.count() == 1
