"""Writing articles: public ids, translations, versions with who changed what, publishing and links."""

from __future__ import annotations

import pytest

from frontdesk.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from frontdesk.kb import actions
from frontdesk.kb.choices import ArticleEventKind, ArticleStatus, TranslationStatus, Visibility
from frontdesk.kb.models import Article, ArticleEvent, ArticleRelation, ArticleVersion, Category
from frontdesk.users.actors import NOBODY, actor_for


def test_public_ids_count_up_per_brand_and_never_collide(cast, write_article):
    first, second = write_article(), write_article()
    other = write_article(cast.tours)

    assert (first.public_id, second.public_id, other.public_id) == (1, 2, 1)


def test_a_new_article_has_its_first_translation_and_version_one_naming_the_author(cast, write_article):
    article = write_article(tags=["E-Tickets", " e-tickets ", "Refund  policy"], publish=False)

    translation = article.translations.get()
    version = ArticleVersion.objects.get(translation=translation)
    assert (article.status, translation.status, translation.tags) == (
        ArticleStatus.DRAFT,
        TranslationStatus.DRAFT,
        ["e-tickets", "refund policy"],
    )
    assert (version.number, version.title, version.author_id, version.author_label) == (
        1,
        "How to get your e-tickets again",
        cast.opera.line1.pk,
        cast.opera.line1.name,
    )
    assert translation.brand_id == article.brand_id == cast.opera.brand.pk


def test_every_save_writes_a_version_and_bumps_the_times(cast, write_article):
    article = write_article()
    translation = article.translations.get()
    line2 = actor_for(cast.opera.line2)

    saved = actions.update_translation(
        translation, actor=line2, title="New title", body="New body", base_version=1
    )

    article.refresh_from_db()
    assert saved.version == 2
    assert list(saved.versions.values_list("number", "title", "author_label")) == [
        (2, "New title", cast.opera.line2.name),
        (1, "How to get your e-tickets again", cast.opera.line1.name),
    ]
    assert saved.updated_by_id == cast.opera.line2.pk
    assert article.updated_at >= saved.updated_at


def test_a_save_from_a_stale_version_is_refused(cast, write_article):
    translation = write_article().translations.get()
    agent = actor_for(cast.opera.line1)
    actions.update_translation(translation, actor=agent, title="One", body="x", base_version=1)

    with pytest.raises(Conflict):
        actions.update_translation(translation, actor=agent, title="Two", body="y", base_version=1)


def test_saving_identical_content_writes_no_version(cast, write_article):
    translation = write_article().translations.get()

    saved = actions.update_translation(
        translation, actor=actor_for(cast.opera.line1), title=translation.title, body=translation.body
    )

    assert saved.version == 1
    assert ArticleVersion.objects.filter(translation=translation).count() == 1


def test_agents_of_another_brand_customers_and_outsiders_cannot_write(cast, write_article):
    article = write_article()
    translation = article.translations.get()
    for actor in (
        actor_for(cast.tours.line1),
        actor_for(cast.opera.customer_user),
        actor_for(cast.outsider),
        NOBODY,
    ):
        with pytest.raises(NotFound):
            actions.create_article(cast.opera.brand, actor=actor, language="en", title="x", body="y")
        with pytest.raises(NotFound):
            actions.update_translation(translation, actor=actor, title="x", body="y")
        with pytest.raises(NotFound):
            actions.publish_article(article, actor=actor)
        with pytest.raises(NotFound):
            actions.set_visibility(article, actor=actor, visibility=Visibility.INTERNAL)


def test_bad_input_is_refused_with_the_field_named(cast):
    agent = actor_for(cast.opera.line1)
    brand = cast.opera.brand
    cases = [
        ({"language": "de", "title": "x", "body": "y"}, "language"),
        ({"language": "pl", "title": "x", "body": "y"}, "language"),  # the cast's brands speak ru and en
        ({"language": "en", "title": "  ", "body": "y"}, "title"),
        ({"language": "en", "title": "x" * 201, "body": "y"}, "title"),
        ({"language": "en", "title": "x", "body": "y", "tags": ["t" * 51]}, "tags"),
        ({"language": "en", "title": "x", "body": "y", "visibility": "secret"}, "visibility"),
    ]
    for kwargs, field in cases:
        with pytest.raises(InvalidInput) as refused:
            actions.create_article(brand, actor=agent, **kwargs)
        assert refused.value.field == field
    assert not Article.objects.exists()


def test_a_translation_is_added_once_per_language(cast, write_article):
    article = write_article()
    agent = actor_for(cast.opera.line1)

    ru = actions.add_translation(
        article, actor=agent, language="ru", title="Билеты", body="Текст", publish=True
    )

    assert (ru.language, ru.status, ru.brand_id, ru.versions.count()) == (
        "ru",
        "published",
        article.brand_id,
        1,
    )
    with pytest.raises(Conflict):
        actions.add_translation(article, actor=agent, language="ru", title="Снова", body="Текст")


def test_publishing_and_unpublishing_a_language_or_the_whole_article(cast, write_article):
    article = write_article(publish=False)
    agent = actor_for(cast.opera.line2)
    actions.add_translation(article, actor=agent, language="ru", title="Билеты", body="Текст")

    actions.publish_article(article, actor=agent, languages=["en"])
    statuses = dict(article.translations.values_list("language", "status"))
    assert statuses == {"en": "published", "ru": "draft"}
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    assert article.published_at is not None

    actions.unpublish_article(article, actor=agent, language="en")
    assert article.translations.get(language="en").status == TranslationStatus.DRAFT
    actions.unpublish_article(article, actor=agent)
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT
    with pytest.raises(InvalidInput):
        actions.publish_article(article, actor=agent, languages=["pl"])
    kinds = list(ArticleEvent.objects.filter(article=article).values_list("kind", "actor_label"))
    assert (ArticleEventKind.PUBLISHED, cast.opera.line2.name) in kinds
    assert [k for k, _l in kinds].count(ArticleEventKind.UNPUBLISHED) == 2


def test_visibility_and_archive_are_recorded(cast, write_article):
    article = write_article()
    agent = actor_for(cast.opera.line1)

    actions.set_visibility(article, actor=agent, visibility=Visibility.INTERNAL)
    actions.archive_article(article, actor=agent)

    article.refresh_from_db()
    assert (article.visibility, article.status) == (Visibility.INTERNAL, ArticleStatus.ARCHIVED)
    event = ArticleEvent.objects.get(article=article, kind=ArticleEventKind.VISIBILITY_CHANGED)
    assert event.data == {"before": "public", "after": "internal"}


def test_related_articles_are_replaced_in_order_within_one_brand(cast, write_article):
    a, b, c = write_article(), write_article(), write_article()
    foreign = write_article(cast.tours)
    agent = actor_for(cast.opera.line1)

    actions.set_related_articles(a, actor=agent, related=[c, b, c])
    assert list(ArticleRelation.objects.filter(article=a).values_list("related_id", flat=True)) == [
        c.pk,
        b.pk,
    ]
    actions.set_related_articles(a, actor=agent, related=[b])
    assert list(ArticleRelation.objects.filter(article=a).values_list("related_id", flat=True)) == [b.pk]

    with pytest.raises(NotFound):
        actions.set_related_articles(a, actor=agent, related=[foreign])
    with pytest.raises(InvalidInput):
        actions.set_related_articles(a, actor=agent, related=[a])


def test_a_category_of_another_brand_is_refused(cast):
    foreign = Category.objects.create(brand=cast.tours.brand, slug="tours", names={"en": "Tours"})

    with pytest.raises(NotFound):
        actions.create_article(
            cast.opera.brand,
            actor=actor_for(cast.opera.line1),
            language="en",
            title="x",
            body="y",
            category=foreign,
        )


def test_an_attachment_is_stored_with_its_checksum_and_a_safe_name(cast, write_article):
    article = write_article()

    attachment = actions.add_article_attachment(
        article,
        actor=actor_for(cast.opera.line1),
        filename="../../seat map.png",
        content_type="image/png",
        data=b"png!",
    )

    assert (attachment.filename, attachment.size, attachment.is_image, attachment.brand_id) == (
        "seat map.png",
        4,
        True,
        cast.opera.brand.pk,
    )
    assert attachment.file.read() == b"png!"
    with pytest.raises(InvalidInput):
        actions.add_article_attachment(
            article, actor=actor_for(cast.opera.line1), filename="e", content_type="", data=b""
        )
    with pytest.raises(NotFound):
        actions.add_article_attachment(
            article, actor=actor_for(cast.tours.line1), filename="x", content_type="", data=b"1"
        )


def test_an_article_from_a_ticket_answer_is_a_public_draft_marked_as_such(cast):
    article = actions.create_article_from_ticket_answer(
        cast.opera.brand,
        actor=actor_for(cast.opera.line2),
        title="Refund after a cancelled show",
        body="Refunds arrive within 14 days.",
        language="ru",
    )

    translation = article.translations.get()
    assert (article.status, article.visibility, translation.language) == ("draft", "public", "ru")
    assert ArticleEvent.objects.get(article=article).data["from_ticket_answer"] is True


def test_customers_may_not_publish(cast, write_article):
    article = write_article(publish=False)

    with pytest.raises((NotFound, PermissionDenied)):
        actions.publish_article(article, actor=actor_for(cast.opera.customer_user))
