"""Russian and Polish catalogues translate every string, and the compiled catalogues are what Django loads."""

import gettext
import re
from pathlib import Path

import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "locale"
ENTRY = re.compile(
    r'^(?:msgctxt "(.*)"\n)?msgid "(.*)"\n((?:".*"\n)*)(?:msgid_plural .*\n(?:".*"\n)*)?((?:msgstr(?:\[\d\])? .*\n(?:".*"\n)*)+)',
    re.MULTILINE,
)


def _entries(language: str) -> list[tuple[str, str]]:
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    entries = []
    for match in ENTRY.finditer(text + "\n"):
        msgid = match.group(2) + "".join(line[1:-1] for line in match.group(3).splitlines())
        if msgid:
            # A message with a context is looked up as "context\x04message", as gettext stores it.
            key = f"{match.group(1)}\x04{msgid}" if match.group(1) is not None else msgid
            entries.append((key, match.group(4)))
    return entries


@pytest.mark.parametrize("language", ["ru", "pl"])
def test_every_string_has_a_translation(language):
    missing = [
        msgid
        for msgid, msgstr in _entries(language)
        if re.search(r'^msgstr(\[\d\])? ""\n(?!")', msgstr, re.MULTILINE)
    ]
    assert missing == [], f"untranslated in {language}: {missing}"


@pytest.mark.parametrize("language", ["ru", "pl"])
def test_the_compiled_catalogue_holds_every_translation(language):
    compiled = gettext.GNUTranslations((LOCALE / language / "LC_MESSAGES" / "django.mo").open("rb"))
    stale = []
    for msgid, msgstr in _entries(language):
        if msgstr.startswith("msgstr["):
            continue
        lines = msgstr.splitlines()
        translated = lines[0][len('msgstr "') : -1] + "".join(line[1:-1] for line in lines[1:])
        if compiled.gettext(msgid.replace('\\"', '"')) != translated.replace('\\"', '"'):
            stale.append(msgid)
    assert stale == [], f"run compilemessages: {stale}"


def test_status_names_are_shown_in_the_active_language():
    from frontdesk.tickets.choices import Status

    with translation.override("ru"):
        assert str(Status.PENDING_CUSTOMER.label) == "Ждёт ответа клиента"
    with translation.override("pl"):
        assert str(Status.SOLVED.label) == "Rozwiązane"
