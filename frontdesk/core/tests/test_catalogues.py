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


_SOURCES = (".py", ".html", ".txt", ".js")


def _untranslated_after_extraction(po: Path) -> list[str]:
    """Entries of a catalogue merged with the strings of the code that have no translation: empty, or fuzzy
    for a new text (a fuzzy entry whose old text is the same, only its format flag changed, counts as done)."""
    missing = []
    for block in po.read_text(encoding="utf-8").split("\n\n")[1:]:
        entry = re.search(r'^(?:msgctxt "(.*)"\n)?msgid "(.*)"', block, re.MULTILINE)
        if entry is None:
            continue
        previous = re.search(r'^#\| msgid "(.*)"', block, re.MULTILINE)
        fuzzy = "#, fuzzy" in block and (previous is None or previous.group(1) != entry.group(2))
        empty = re.search(r'^msgstr(\[\d\])? ""$(?!\n")', block, re.MULTILINE) is not None
        if fuzzy or empty:
            missing.append(f"{entry.group(1) + ': ' if entry.group(1) else ''}{entry.group(2)}")
    return missing


def test_every_string_of_the_code_is_in_the_catalogues(tmp_path, monkeypatch):
    """Extract the strings of a copy of the code (as makemessages would) and merge them into copies of the
    catalogues: nothing the code says may be left without a Russian or Polish translation."""
    import shutil

    from django.core.management import call_command

    from frontdesk.testing.corpus import missing

    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        missing("GNU gettext (xgettext, msgmerge) is not installed (apt-get install gettext)")
    package = LOCALE.parent
    copy = tmp_path / "frontdesk"
    for path in package.rglob("*"):
        relative = path.relative_to(package)
        parts = set(relative.parts)
        if (
            path.is_file()
            and path.suffix in _SOURCES
            and not parts & {"tests", "migrations", "vendor", "__pycache__", "locale"}
        ):
            target = copy / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    shutil.copytree(LOCALE, copy / "locale")
    monkeypatch.chdir(copy)

    call_command("makemessages", locale=["ru", "pl"], no_obsolete=True, verbosity=0)

    for language in ("ru", "pl"):
        untranslated = _untranslated_after_extraction(
            copy / "locale" / language / "LC_MESSAGES" / "django.po"
        )
        assert untranslated == [], f"strings of the code without a {language} translation: {untranslated}"
