"""Every change to the knowledge base: articles, translations, links, files, votes and deflection records.

Content changes write an ``ArticleVersion`` (who changed what); changes of settings write an ``ArticleEvent``.
Rows are locked article before translation. Who may do what is in ``kb.permissions``.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.brands.models import Brand
from frontdesk.core.errors import Conflict, InvalidInput, NotFound, require
from frontdesk.kb.choices import (
    ArticleEventKind,
    ArticleStatus,
    TranslationStatus,
    Visibility,
)
from frontdesk.kb.deflection import (
    Suggested,
    SuggestionItem,
    finish_deflection,
    offered_language,
    record_article_opened,
    record_suggestions,
)
from frontdesk.kb.models import (
    MAX_TITLE,
    Article,
    ArticleAttachment,
    ArticleCounter,
    ArticleEvent,
    ArticleRelation,
    ArticleTranslation,
    ArticleVersion,
    ArticleVote,
    Category,
)
from frontdesk.kb.permissions import can_edit_articles, can_publish_articles
from frontdesk.users.actors import Actor

MAX_BODY = 100_000
MAX_TAGS = 20
MAX_TAG = 50
MAX_RELATED = 10
MAX_COMMENT = 2000
_COUNTER_TABLE = ArticleCounter._meta.db_table
_UNSAFE_NAME = re.compile(r"[^\w.\- ()\[\]+,@]+", re.UNICODE)

# The deflection records are written in ``kb.deflection``; callers find them here with the other writes.
__all__ = [
    "Suggested",
    "SuggestionItem",
    "finish_deflection",
    "record_article_opened",
    "record_suggestions",
]


# ---------------------------------------------------------------------------------------------------- input


_language = offered_language


def _title(value: str) -> str:
    title = " ".join((value or "").split())
    if not title:
        raise InvalidInput(_("Give the article a title."), field="title")
    if len(title) > MAX_TITLE:
        raise InvalidInput(
            _("A title has at most %(limit)d characters.") % {"limit": MAX_TITLE}, field="title"
        )
    return title


def _body(value: str) -> str:
    body = (value or "").replace("\r\n", "\n").strip()
    if len(body) > MAX_BODY:
        raise InvalidInput(
            _("The text has at most %(limit)d characters.") % {"limit": MAX_BODY}, field="body"
        )
    return body


def _tags(values: Iterable[str]) -> list[str]:
    tags: list[str] = []
    for value in values or ():
        if not isinstance(value, str):
            raise InvalidInput(_("Tags are words."), field="tags")
        tag = " ".join(value.split()).lower()
        if len(tag) > MAX_TAG:
            raise InvalidInput(
                _("A tag has at most %(limit)d characters.") % {"limit": MAX_TAG}, field="tags"
            )
        if tag and tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise InvalidInput(_("At most %(limit)d tags.") % {"limit": MAX_TAGS}, field="tags")
    return tags


def _visibility(value: str) -> str:
    if value not in Visibility.values:
        raise InvalidInput(_("Choose public or internal."), field="visibility")
    return value


def _category(brand: Brand, category: Category | None) -> Category | None:
    if category is not None and category.brand_id != brand.pk:
        raise NotFound("category")
    return category


def _event(article: Article, kind: str, *, actor: Actor, language: str = "", **data: Any) -> None:
    ArticleEvent.objects.create(
        article=article,
        brand_id=article.brand_id,
        kind=kind,
        language=language,
        actor_id=actor.user_id,
        actor_label=actor.label[:200],
        data=data,
    )


def _require_editor(actor: Actor, brand_id: int) -> None:
    if not can_edit_articles(actor, brand_id):
        # Outsiders learn nothing about the brand's articles.
        raise NotFound("article")


def next_public_id(brand_id: int) -> int:
    """The next public id of a brand; the counter row stays locked until the calling transaction ends."""
    sql = (
        f"INSERT INTO {_COUNTER_TABLE} (brand_id, value) VALUES (%s, 1) "  # noqa: S608 - constant
        f"ON CONFLICT (brand_id) DO UPDATE SET value = {_COUNTER_TABLE}.value + 1 RETURNING value"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [brand_id])
        row = cursor.fetchone()
    return int(row[0])


def _lock_article(article: Article) -> Article:
    return Article.objects.select_for_update().select_related("brand").get(pk=article.pk)


def _write_version(translation: ArticleTranslation, *, actor: Actor, now: Any) -> ArticleVersion:
    return ArticleVersion.objects.create(
        translation=translation,
        brand_id=translation.brand_id,
        number=translation.version,
        title=translation.title,
        body=translation.body,
        tags=list(translation.tags),
        author_id=actor.user_id,
        author_label=actor.label[:200],
        created_at=now,
    )


# ------------------------------------------------------------------------------------------------- articles


@transaction.atomic
def create_article(
    brand: Brand,
    *,
    actor: Actor,
    language: str,
    title: str,
    body: str,
    tags: Sequence[str] = (),
    category: Category | None = None,
    visibility: str = Visibility.PUBLIC,
    publish: bool = False,
) -> Article:
    """A new article with its first translation (and version 1); a draft unless ``publish``."""
    _require_editor(actor, brand.pk)
    language = _language(brand, language)
    title, body, clean_tags = _title(title), _body(body), _tags(tags)
    visibility = _visibility(visibility)
    category = _category(brand, category)
    if publish:
        require(can_publish_articles(actor, brand.pk))
    now = timezone.now()
    article = Article.objects.create(
        brand=brand,
        public_id=next_public_id(brand.pk),
        category=category,
        visibility=visibility,
        status=ArticleStatus.PUBLISHED if publish else ArticleStatus.DRAFT,
        created_by_id=actor.user_id,
        created_at=now,
        updated_at=now,
        published_at=now if publish else None,
    )
    translation = ArticleTranslation.objects.create(
        article=article,
        brand=brand,
        language=language,
        title=title,
        body=body,
        tags=clean_tags,
        status=TranslationStatus.PUBLISHED if publish else TranslationStatus.DRAFT,
        version=1,
        updated_by_id=actor.user_id,
        updated_at=now,
    )
    _write_version(translation, actor=actor, now=now)
    _event(article, ArticleEventKind.CREATED, actor=actor, language=language, published=publish)
    return article


@transaction.atomic
def create_article_from_ticket_answer(
    brand: Brand, *, actor: Actor, title: str, body: str, language: str
) -> Article:
    """A draft public article from an agent's reply, for the agent to edit and publish."""
    article = create_article(brand, actor=actor, language=language, title=title, body=body)
    ArticleEvent.objects.filter(article=article, kind=ArticleEventKind.CREATED).update(
        data={"published": False, "from_ticket_answer": True}
    )
    return article


@transaction.atomic
def add_translation(
    article: Article,
    *,
    actor: Actor,
    language: str,
    title: str,
    body: str,
    tags: Sequence[str] = (),
    publish: bool = False,
) -> ArticleTranslation:
    _require_editor(actor, article.brand_id)
    article = _lock_article(article)
    language = _language(article.brand, language)
    title, body, clean_tags = _title(title), _body(body), _tags(tags)
    if publish:
        require(can_publish_articles(actor, article.brand_id))
    now = timezone.now()
    try:
        with transaction.atomic():
            translation = ArticleTranslation.objects.create(
                article=article,
                brand_id=article.brand_id,
                language=language,
                title=title,
                body=body,
                tags=clean_tags,
                status=TranslationStatus.PUBLISHED if publish else TranslationStatus.DRAFT,
                version=1,
                updated_by_id=actor.user_id,
                updated_at=now,
            )
    except IntegrityError:
        raise Conflict(_("The article already has this language."), field="language") from None
    _write_version(translation, actor=actor, now=now)
    Article.objects.filter(pk=article.pk).update(updated_at=now)
    _event(article, ArticleEventKind.TRANSLATED, actor=actor, language=language, published=publish)
    return translation


@transaction.atomic
def update_translation(
    translation: ArticleTranslation,
    *,
    actor: Actor,
    title: str,
    body: str,
    tags: Sequence[str] | None = None,
    base_version: int | None = None,
) -> ArticleTranslation:
    """Save new content of one language as the next version. ``base_version`` is the version the editor
    loaded; if someone saved since, ``Conflict`` (409). Saving identical content writes no version."""
    _require_editor(actor, translation.brand_id)
    _lock_article(translation.article)
    current = ArticleTranslation.objects.select_for_update().get(pk=translation.pk)
    if base_version is not None and base_version != current.version:
        raise Conflict(
            _("Someone saved this article since you opened it (version %(version)d). Reload it.")
            % {"version": current.version},
            field="base_version",
        )
    title, body = _title(title), _body(body)
    clean_tags = _tags(tags) if tags is not None else list(current.tags)
    if (title, body, clean_tags) == (current.title, current.body, list(current.tags)):
        return current
    now = timezone.now()
    current.title, current.body, current.tags = title, body, clean_tags
    current.version += 1
    current.updated_by_id = actor.user_id
    current.updated_at = now
    current.save(update_fields=["title", "body", "tags", "version", "updated_by", "updated_at"])
    _write_version(current, actor=actor, now=now)
    Article.objects.filter(pk=current.article_id).update(updated_at=now)
    return current


@transaction.atomic
def publish_article(article: Article, *, actor: Actor, languages: Sequence[str] | None = None) -> Article:
    """Publish the article and the given languages (all of its languages when none are given)."""
    _require_editor(actor, article.brand_id)
    require(can_publish_articles(actor, article.brand_id))
    article = _lock_article(article)
    translations = ArticleTranslation.objects.filter(article=article)
    if languages is not None:
        wanted = set(languages)
        known = set(translations.values_list("language", flat=True))
        if not wanted or not wanted <= known:
            raise InvalidInput(_("The article has no text in that language."), field="languages")
        translations = translations.filter(language__in=sorted(wanted))
    now = timezone.now()
    translations.exclude(status=TranslationStatus.PUBLISHED).update(status=TranslationStatus.PUBLISHED)
    article.status = ArticleStatus.PUBLISHED
    article.published_at = article.published_at or now
    article.updated_at = now
    article.save(update_fields=["status", "published_at", "updated_at"])
    _event(article, ArticleEventKind.PUBLISHED, actor=actor, languages=sorted(languages or []))
    return article


@transaction.atomic
def unpublish_article(article: Article, *, actor: Actor, language: str | None = None) -> Article:
    """Back to draft: one language, or (without ``language``) the whole article."""
    _require_editor(actor, article.brand_id)
    require(can_publish_articles(actor, article.brand_id))
    article = _lock_article(article)
    now = timezone.now()
    if language is not None:
        changed = ArticleTranslation.objects.filter(article=article, language=language).update(
            status=TranslationStatus.DRAFT
        )
        if not changed:
            raise InvalidInput(_("The article has no text in that language."), field="language")
    else:
        article.status = ArticleStatus.DRAFT
    article.updated_at = now
    article.save(update_fields=["status", "updated_at"])
    _event(article, ArticleEventKind.UNPUBLISHED, actor=actor, language=language or "")
    return article


@transaction.atomic
def archive_article(article: Article, *, actor: Actor) -> Article:
    _require_editor(actor, article.brand_id)
    require(can_publish_articles(actor, article.brand_id))
    article = _lock_article(article)
    article.status = ArticleStatus.ARCHIVED
    article.updated_at = timezone.now()
    article.save(update_fields=["status", "updated_at"])
    _event(article, ArticleEventKind.ARCHIVED, actor=actor)
    return article


@transaction.atomic
def set_visibility(article: Article, *, actor: Actor, visibility: str) -> Article:
    _require_editor(actor, article.brand_id)
    visibility = _visibility(visibility)
    article = _lock_article(article)
    if article.visibility != visibility:
        before = article.visibility
        article.visibility = visibility
        article.updated_at = timezone.now()
        article.save(update_fields=["visibility", "updated_at"])
        _event(article, ArticleEventKind.VISIBILITY_CHANGED, actor=actor, before=before, after=visibility)
    return article


@transaction.atomic
def set_category(article: Article, *, actor: Actor, category: Category | None) -> Article:
    _require_editor(actor, article.brand_id)
    article = _lock_article(article)
    category = _category(article.brand, category)
    new_id = category.pk if category else None
    if article.category_id != new_id:
        article.category = category
        article.updated_at = timezone.now()
        article.save(update_fields=["category", "updated_at"])
        _event(article, ArticleEventKind.CATEGORIZED, actor=actor, category=category.slug if category else "")
    return article


@transaction.atomic
def set_related_articles(article: Article, *, actor: Actor, related: Sequence[Article]) -> list[Article]:
    """Replace the hand-chosen "read also" list, in the order given (same brand, not itself, no repeats)."""
    _require_editor(actor, article.brand_id)
    article = _lock_article(article)
    chosen: list[Article] = []
    for other in related:
        if other.brand_id != article.brand_id:
            raise NotFound("article")
        if other.pk == article.pk:
            raise InvalidInput(_("An article cannot be related to itself."), field="related")
        if all(o.pk != other.pk for o in chosen):
            chosen.append(other)
    if len(chosen) > MAX_RELATED:
        raise InvalidInput(_("At most %(limit)d related articles.") % {"limit": MAX_RELATED}, field="related")
    ArticleRelation.objects.filter(article=article).delete()
    ArticleRelation.objects.bulk_create(
        ArticleRelation(article=article, related=other, brand_id=article.brand_id, position=i)
        for i, other in enumerate(chosen)
    )
    Article.objects.filter(pk=article.pk).update(updated_at=timezone.now())
    _event(article, ArticleEventKind.RELATED_CHANGED, actor=actor, related=[o.public_id for o in chosen])
    return chosen


def _safe_filename(name: str) -> str:
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_NAME.sub("_", name).strip(" .")
    return (name or "attachment")[:200]


@transaction.atomic
def add_article_attachment(
    article: Article, *, actor: Actor, filename: str, content_type: str, data: bytes
) -> ArticleAttachment:
    """Store a file (an image is shown inline by the pages); the file is written before its row."""
    _require_editor(actor, article.brand_id)
    limit = settings.FRONTDESK_MAX_ATTACHMENT_BYTES
    if not data:
        raise InvalidInput(_("The file is empty."), field="file")
    if len(data) > limit:
        raise InvalidInput(
            _("%(name)s is larger than %(limit)d bytes.") % {"name": filename, "limit": limit}, field="file"
        )
    name = _safe_filename(filename)
    kind = (content_type or "").split(";")[0].strip().lower()
    if not re.fullmatch(r"[a-z0-9.+-]+/[a-z0-9.+-]+", kind):
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    article = _lock_article(article)
    attachment = ArticleAttachment(
        article=article,
        brand_id=article.brand_id,
        file=ContentFile(data, name=name),
        filename=name,
        content_type=kind,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by_id=actor.user_id,
    )
    attachment.save(force_insert=True)
    _event(article, ArticleEventKind.ATTACHMENT_ADDED, actor=actor, filename=name)
    return attachment


# ----------------------------------------------------------------------------------------------- categories

_SLUG = re.compile(r"^[-a-z0-9_]{1,60}$")


def _names(brand: Brand, names: dict[str, str]) -> dict[str, str]:
    if not isinstance(names, dict):
        raise InvalidInput(_("Name the category in at least one language."), field="names")
    clean = {}
    for code, value in names.items():
        text = " ".join(str(value or "").split())
        if not text:
            continue
        _language(brand, code)
        if len(text) > MAX_TITLE:
            raise InvalidInput(
                _("A name has at most %(limit)d characters.") % {"limit": MAX_TITLE}, field="names"
            )
        clean[code] = text
    if not clean:
        raise InvalidInput(_("Name the category in at least one language."), field="names")
    return clean


@transaction.atomic
def create_category(
    brand: Brand, *, actor: Actor, slug: str, names: dict[str, str], position: int = 0
) -> Category:
    """A knowledge-base category of the brand; ``slug`` (lower-case letters, digits, dashes) is unique in it."""
    _require_editor(actor, brand.pk)
    slug = (slug or "").strip().lower()
    if not _SLUG.match(slug):
        raise InvalidInput(_("Use lower-case letters, digits and dashes."), field="slug")
    clean = _names(brand, names)
    try:
        with transaction.atomic():
            return Category.objects.create(brand=brand, slug=slug, names=clean, position=max(0, position))
    except IntegrityError:
        raise Conflict(_("The brand already has a category with this slug."), field="slug") from None


@transaction.atomic
def update_category(
    category: Category, *, actor: Actor, names: dict[str, str] | None = None, position: int | None = None
) -> Category:
    _require_editor(actor, category.brand_id)
    category = Category.objects.select_for_update().select_related("brand").get(pk=category.pk)
    fields = []
    if names is not None:
        category.names = _names(category.brand, names)
        fields.append("names")
    if position is not None:
        category.position = max(0, position)
        fields.append("position")
    if fields:
        category.save(update_fields=fields)
    return category


# ---------------------------------------------------------------------------------------------------- votes


@transaction.atomic
def vote_article(
    article: Article,
    *,
    actor: Actor,
    language: str,
    helpful: bool,
    comment: str = "",
    session_key: str = "",
) -> ArticleVote:
    """ "Was this helpful?" from a reader: a signed-in customer's vote is theirs, an anonymous one is the
    browser session's; voting again changes the earlier vote. The article must be one the actor may read."""
    from frontdesk.kb.queries import articles_visible_to

    if not articles_visible_to(actor, article.brand).filter(pk=article.pk).exists():
        raise NotFound("article")
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise InvalidInput(
            _("A comment has at most %(limit)d characters.") % {"limit": MAX_COMMENT}, field="comment"
        )
    language = _language(article.brand, language)
    customer_id = actor.customer_ids.get(article.brand_id)
    session_key = (session_key or "")[:64]
    if customer_id is None and not session_key:
        raise InvalidInput(_("Voting needs a session."), field="session_key")
    lookup: dict[str, Any] = (
        {"customer_id": customer_id}
        if customer_id
        else {"customer__isnull": True, "session_key": session_key}
    )
    values = {"language": language, "helpful": helpful, "comment": comment, "updated_at": timezone.now()}
    create = {"brand_id": article.brand_id, "session_key": session_key, **values}
    if customer_id:
        create["customer_id"] = customer_id
    vote, _created = ArticleVote.objects.update_or_create(
        article=article, **lookup, defaults=values, create_defaults=create
    )
    return vote
