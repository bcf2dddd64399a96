"""Forms of the desk's knowledge base: explicit fields, checked here, carried out by ``kb.actions``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from frontdesk.kb.choices import ArticleStatus, Visibility

MAX_TITLE = 200
MAX_BODY = 100_000
MAX_TAGS_TEXT = 1200
MAX_QUERY = 200
MAX_RELATED = 10


def _offer(form: forms.Form, name: str, choices: Sequence[tuple[str, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = list(choices)


def language_choices(codes: Sequence[str]) -> list[tuple[str, str]]:
    names = dict(settings.LANGUAGES)
    return [(code, str(names.get(code, code))) for code in codes]


class FilterForm(forms.Form):
    """The filters above the article list, in the query string so that a filtered list can be linked."""

    q = forms.CharField(label=_("Search"), required=False, max_length=MAX_QUERY)
    category = forms.ChoiceField(label=_("Category"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *ArticleStatus.choices]
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"), required=False, choices=[("", _("Any visibility")), *Visibility.choices]
    )

    def offer(self, categories: Sequence[tuple[str, str]], languages: Sequence[str]) -> None:
        _offer(self, "category", [("", _("Any category")), *categories])
        _offer(self, "language", [("", _("Any language")), *language_choices(languages)])


def _split_tags(text: str) -> list[str]:
    return [tag.strip() for tag in text.split(",") if tag.strip()]


class ArticleForm(forms.Form):
    """One language of an article: title, text and tags, with the article's category and visibility."""

    title = forms.CharField(
        label=_("Title"),
        max_length=MAX_TITLE,
        error_messages={"required": _("Give the article a title.")},
    )
    body = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=MAX_BODY,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("Paragraphs, # headings, - lists, **bold**, [links](https://…) and ![images](…)."),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=MAX_TAGS_TEXT,
        help_text=_("Separated by commas."),
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    visibility = forms.ChoiceField(
        label=_("Visibility"),
        choices=Visibility.choices,
        initial=Visibility.PUBLIC,
        widget=forms.RadioSelect,
        help_text=_("Internal articles are read by the brand's agents only."),
    )

    def offer(self, categories: Sequence[tuple[str, str]]) -> None:
        _offer(self, "category", [("", _("No category")), *categories])

    def clean_tags(self) -> list[str]:
        return _split_tags(self.cleaned_data.get("tags") or "")


class NewArticleForm(ArticleForm):
    language = forms.ChoiceField(label=_("Language"))

    field_order = ("language", "title", "body", "tags", "category", "visibility")

    def offer_languages(self, languages: Sequence[str]) -> None:
        _offer(self, "language", language_choices(languages))


class EditForm(ArticleForm):
    # The version of this language the editor loaded: a save over someone else's is refused.
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class TranslationForm(forms.Form):
    """Another language of the article: the languages of the brand it does not have yet."""

    language = forms.ChoiceField(label=_("Language"))
    title = ArticleForm.base_fields["title"]
    body = ArticleForm.base_fields["body"]
    tags = ArticleForm.base_fields["tags"]

    def offer_languages(self, languages: Sequence[str]) -> None:
        _offer(self, "language", language_choices(languages))

    def clean_tags(self) -> list[str]:
        return _split_tags(self.cleaned_data.get("tags") or "")


class PublishForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("publish", _("Publish")), ("unpublish", _("Unpublish")), ("archive", _("Archive"))]
    )
    # One language; empty for the whole article.
    language = forms.CharField(required=False, max_length=8)


class RelatedForm(forms.Form):
    """The hand-chosen "read also" articles, by their numbers, in order."""

    related = forms.CharField(
        label=_("Read also"),
        required=False,
        max_length=200,
        help_text=_("Numbers of other articles of the brand, separated by commas, e.g. 12, 7."),
    )

    def clean_related(self) -> list[int]:
        numbers: list[int] = []
        for piece in (self.cleaned_data.get("related") or "").replace(";", ",").split(","):
            piece = piece.strip().lstrip("#")
            if not piece:
                continue
            if not piece.isdigit() or not 0 < int(piece) < 2**31:
                raise forms.ValidationError(_("%(value)s is not an article number.") % {"value": piece[:20]})
            if int(piece) not in numbers:
                numbers.append(int(piece))
        if len(numbers) > MAX_RELATED:
            raise forms.ValidationError(_("At most %(limit)d related articles.") % {"limit": MAX_RELATED})
        return numbers


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File or image"), error_messages={"required": _("Choose a file to attach.")}
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = int(settings.FRONTDESK_MAX_ATTACHMENT_BYTES)
        if (upload.size or 0) > limit:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s, the most one file may be.")
                % {"limit": filesizeformat(limit)}
            )
        return upload


class FromAnswerForm(forms.Form):
    """A new draft article from an agent's reply, prefilled from it."""

    language = forms.ChoiceField(label=_("Language"))
    title = ArticleForm.base_fields["title"]
    body = forms.CharField(
        label=_("Text"),
        max_length=MAX_BODY,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        error_messages={"required": _("Write the article's text.")},
    )

    def offer_languages(self, languages: Sequence[str]) -> None:
        _offer(self, "language", language_choices(languages))
