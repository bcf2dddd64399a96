"""Knowledge-base tables: articles, their translations and versions, votes and suggestion records.

Every table carries the brand (non-null, compared by key). Foreign keys point down to brands and users only;
the number of a ticket a deflection ended in is copied as text, since kb sits below tickets.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontdesk.brands.models import Brand
from frontdesk.kb.choices import (
    ArticleEventKind,
    ArticleStatus,
    DeflectionOutcome,
    TranslationStatus,
    Visibility,
)
from frontdesk.users.models import Customer, User

LANGUAGE_CHOICES = [("en", "English"), ("ru", "Русский"), ("pl", "Polski")]
MAX_TITLE = 200


class ArticleCounter(models.Model):
    """The last public id given out in a brand, advanced by one upsert statement (see ``kb.numbering``)."""

    brand = models.OneToOneField(Brand, on_delete=models.CASCADE, primary_key=True, related_name="+")
    value = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.brand_id}: {self.value}"


class Category(models.Model):
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+", verbose_name=_("brand"))
    slug = models.SlugField(_("slug"), max_length=60)
    # {"en": "Refunds", "ru": "Возвраты"}; a missing language falls back like translations do.
    names = models.JSONField(_("names by language"), default=dict)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["brand_id", "position", "id"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [models.UniqueConstraint(fields=["brand", "slug"], name="kb_category_brand_slug")]

    def __str__(self) -> str:
        return self.name_in("en")

    def name_in(self, language: str, fallbacks: tuple[str, ...] | list[str] = ()) -> str:
        names = self.names if isinstance(self.names, dict) else {}
        for code in (language, *fallbacks):
            if names.get(code):
                return str(names[code])
        return next((str(v) for v in names.values() if v), self.slug)


class Article(models.Model):
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+", verbose_name=_("brand"))
    # The short number in the portal's URL (/portal/<brand>/kb/<public_id>/); never reused within a brand.
    public_id = models.PositiveIntegerField(_("public id"))
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
        verbose_name=_("category"),
    )
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("author")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["brand_id", "public_id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.UniqueConstraint(fields=["brand", "public_id"], name="kb_article_brand_public_id"),
        ]
        indexes = [models.Index(fields=["brand", "status", "visibility"], name="kb_article_brand_status")]

    def __str__(self) -> str:
        return f"#{self.public_id}"


class ArticleTranslation(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="translations")
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+", db_index=False)
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES)
    title = models.CharField(_("title"), max_length=MAX_TITLE)
    # Markdown-lite as the editor writes it; shown only through ``kb.render.render_body`` (sanitized).
    body = models.TextField(_("body"), blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=TranslationStatus.choices, default=TranslationStatus.DRAFT
    )
    # The number of the latest version; an editor sends the one it loaded and a stale one is refused.
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["article_id", "language"]
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            models.UniqueConstraint(fields=["article", "language"], name="kb_translation_article_language"),
        ]
        indexes = [
            models.Index(fields=["brand", "language", "status"], name="kb_translation_brand_lang"),
        ]

    def __str__(self) -> str:
        return self.title


class ArticleVersion(models.Model):
    """A translation as one save left it: who changed what, kept when the author's account is gone."""

    translation = models.ForeignKey(ArticleTranslation, on_delete=models.CASCADE, related_name="versions")
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+", db_index=False)
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=MAX_TITLE)
    body = models.TextField(_("body"), blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    author = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    author_label = models.CharField(_("author"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["translation_id", "-number"]
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        constraints = [
            models.UniqueConstraint(fields=["translation", "number"], name="kb_version_translation_number"),
        ]

    def __str__(self) -> str:
        return f"v{self.number}"


class ArticleRelation(models.Model):
    """A hand-chosen "read also" link between two articles of one brand."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="relations")
    related = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+", db_index=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["article_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "related"], name="kb_relation_unique"),
            models.CheckConstraint(condition=~Q(article=F("related")), name="kb_relation_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} → {self.related_id}"


class ArticleAttachment(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attachments")
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+", db_index=False)
    file = models.FileField(upload_to="kb/%Y/%m/", max_length=300)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=150)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["article_id", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename

    @property
    def is_image(self) -> bool:
        return self.content_type in {"image/png", "image/jpeg", "image/gif", "image/webp"}


class ArticleVote(models.Model):
    """ "Was this helpful?": one per customer, or per browser session when anonymous; voting again updates it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="votes")
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+", db_index=False)
    language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES)
    helpful = models.BooleanField()
    comment = models.TextField(blank=True)
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    session_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["article_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "customer"],
                condition=Q(customer__isnull=False),
                name="kb_vote_article_customer",
            ),
            models.UniqueConstraint(
                fields=["article", "session_key"],
                condition=Q(customer__isnull=True) & ~Q(session_key=""),
                name="kb_vote_article_session",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article_id}: {'+' if self.helpful else '-'}"


class ArticleEvent(models.Model):
    """History of an article's settings (publishing, visibility, links); content changes are versions."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="events")
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+", db_index=False)
    kind = models.CharField(max_length=24, choices=ArticleEventKind.choices)
    language = models.CharField(max_length=8, blank=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["article_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.kind}"


class Deflection(models.Model):
    """One new-request form being filled in: what was suggested, what was opened and how it ended."""

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+", db_index=False)
    language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES)
    # Given to the browser; it sends it back with each query, each opened article and the outcome.
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    last_query = models.TextField(blank=True)
    queries = models.PositiveIntegerField(default=0)
    # Whether any suggestion shown was above the display threshold.
    had_confident = models.BooleanField(default=False)
    outcome = models.CharField(
        max_length=16, choices=DeflectionOutcome.choices, default=DeflectionOutcome.OPEN
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    # The ticket the request became (a copy: kb does not point up at tickets).
    ticket_number = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("new-request form with suggestions")
        verbose_name_plural = _("new-request forms with suggestions")
        indexes = [
            models.Index(fields=["brand", "outcome", "started_at"], name="kb_deflection_brand_outcome"),
        ]

    def __str__(self) -> str:
        return str(self.key)


class SuggestionShown(models.Model):
    """An article a deflection showed (once per article: its best rank and score), and when it was opened."""

    deflection = models.ForeignKey(Deflection, on_delete=models.CASCADE, related_name="suggestions")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+", db_index=False)
    rank = models.PositiveIntegerField()
    score = models.FloatField()
    confident = models.BooleanField(default=True)
    shown_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["deflection_id", "rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["deflection", "article"], name="kb_shown_deflection_article"),
        ]
        indexes = [models.Index(fields=["article", "shown_at"], name="kb_shown_article")]

    def __str__(self) -> str:
        return f"{self.deflection_id}: {self.article_id}@{self.rank}"
