"""The language a customer writes in, from the text alone, among the languages a brand offers.

py3langid (a maintained fork of langid.py, BSD) ships its model inside the package; it is loaded once per process,
on first use (under a second), and classifies a mail's text in well under a millisecond.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

SUPPORTED = ("en", "ru", "pl")
# Below this probability the text is too short or too mixed to tell: the brand's default language is used.
MIN_CONFIDENCE = 0.9
MAX_CHARS = 2000

_lock = threading.Lock()
_identifiers: dict[tuple[str, ...], Any] = {}


def _identifier(languages: tuple[str, ...]) -> Any:
    with _lock:
        identifier = _identifiers.get(languages)
        if identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
            identifier.set_languages(list(languages))
            _identifiers[languages] = identifier
        return identifier


def guess_language(text: str, offered: Sequence[str]) -> str:
    """One of ``offered`` (of en, ru, pl) that ``text`` is written in, or "" when it cannot be told."""
    languages = tuple(sorted(lang for lang in set(offered) if lang in SUPPORTED))
    text = (text or "").strip()[:MAX_CHARS]
    if not languages or sum(ch.isalpha() for ch in text) < 3:
        return ""
    if len(languages) == 1:
        return languages[0]
    language, probability = _identifier(languages).classify(text)
    return str(language) if probability >= MIN_CONFIDENCE else ""
