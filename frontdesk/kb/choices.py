"""Enums of the knowledge base."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ArticleStatus(models.TextChoices):
    # Being written; only agents of the brand see it.
    DRAFT = "draft", _("Draft")
    # Shown to whoever its visibility allows.
    PUBLISHED = "published", _("Published")
    # Withdrawn: kept with its history, shown to no customer and suggested to no one.
    ARCHIVED = "archived", _("Archived")


class Visibility(models.TextChoices):
    # Customers and anonymous visitors of the brand's portal may read it once published.
    PUBLIC = "public", _("Public")
    # Only agents of the brand read it (in the desk).
    INTERNAL = "internal", _("Internal")


class TranslationStatus(models.TextChoices):
    # This language is not ready; customers get another language or nothing.
    DRAFT = "draft", _("Draft")
    # This language is shown when the article itself is published.
    PUBLISHED = "published", _("Published")


class DeflectionOutcome(models.TextChoices):
    # The customer is still typing or has just left; nothing decided yet.
    OPEN = "open", _("Open")
    # The request was filed anyway.
    SUBMITTED = "submitted", _("Submitted")
    # The customer gave up the request (after reading suggestions, or without).
    ABANDONED = "abandoned", _("Abandoned")


class ArticleEventKind(models.TextChoices):
    # The article was written, with its first translation.
    CREATED = "created", _("Created")
    # A translation's title, body or tags changed (a version was written).
    EDITED = "edited", _("Edited")
    # A new language was added.
    TRANSLATED = "translated", _("Translation added")
    # The article or some of its languages went live.
    PUBLISHED = "published", _("Published")
    # The article or one language went back to draft.
    UNPUBLISHED = "unpublished", _("Unpublished")
    # The article was withdrawn.
    ARCHIVED = "archived", _("Archived")
    # Public or internal changed.
    VISIBILITY_CHANGED = "visibility_changed", _("Visibility changed")
    # The category changed.
    CATEGORIZED = "categorized", _("Category changed")
    # The hand-chosen "read also" list changed.
    RELATED_CHANGED = "related_changed", _("Related articles changed")
    # A file or image was attached.
    ATTACHMENT_ADDED = "attachment_added", _("Attachment added")
