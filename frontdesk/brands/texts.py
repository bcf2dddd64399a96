"""A brand's texts by language (mail senders, signatures): the one for a language, else the brand's default."""

from __future__ import annotations

from frontdesk.brands.models import Brand


def text_for_language(values: object, brand: Brand, language: str) -> str:
    """The brand's text for ``language`` in ``values`` (a mapping of language to text), else for its default
    language, else ""."""
    if not isinstance(values, dict):
        return ""
    for candidate in (language, brand.default_language):
        text = values.get(candidate)
        if isinstance(text, str) and text.strip():
            return text.strip()
    return ""


def signature_for(brand: Brand, language: str, *, author: str = "") -> str:
    """The brand's signature in ``language`` (``Brand.mail_signatures``); "" when it has none.

    ``{agent}`` in a signature is the replying agent's name; a line with ``{agent}`` is left out where there is
    no agent (acknowledgements)."""
    signature = text_for_language(brand.mail_signatures, brand, language)
    if not author:
        signature = "\n".join(line for line in signature.splitlines() if "{agent}" not in line)
    return signature.replace("{agent}", author).strip()
