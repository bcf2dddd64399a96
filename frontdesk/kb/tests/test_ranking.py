"""The article ranking on its own: folding, transliteration, stems, typos, and the order it gives."""

from __future__ import annotations

from frontdesk.kb.ranking import CONFIDENT, Document, Index, char_grams, fold, stems, to_cyrillic


def _index() -> Index:
    return Index(
        [
            Document(
                "ticket-mail",
                "ru",
                "Электронный билет не пришёл на почту",
                "Проверьте папку «Спам».",
                ["письмо"],
            ),
            Document(
                "refund",
                "ru",
                "Возврат денег за отменённое мероприятие",
                "Деньги вернутся на карту.",
                ["возврат"],
            ),
            Document(
                "quota", "pl", "Skrzynka pocztowa jest pełna", "Usuń stare wiadomości z serwera.", ["poczta"]
            ),
            Document(
                "invoice", "pl", "Płatność za fakturę", "Fakturę opłacisz przelewem lub kartą.", ["faktura"]
            ),
            Document(
                "bags",
                "en",
                "Adding a checked bag",
                "Add luggage to your booking before the flight.",
                ["baggage"],
            ),
            Document(
                "dns", "en", "How DNS changes spread", "Name server changes take up to 48 hours.", ["domain"]
            ),
        ]
    )


def _top(query: str, language: str) -> object:
    hits = _index().rank(query, language=language, limit=3)
    return hits[0].id if hits else None


def test_folding_drops_polish_diacritics_and_reads_yo_as_ye() -> None:
    assert fold("Zażółć GĘŚLĄ jaźń") == "zazolc gesla jazn"
    assert fold("пришёл") == fold("пришел") == "prishel"


def test_cyrillic_is_transliterated_and_short_i_survives_folding() -> None:
    assert fold("Чайник, щётка, объём") == "chaynik, schetka, obem"


def test_a_russian_word_typed_in_latin_letters_reads_back_into_cyrillic() -> None:
    assert to_cyrillic("pochtu") == "почту"
    assert to_cyrillic("prishel") == "пришел"


def test_stems_meet_across_inflection_in_russian_and_polish() -> None:
    assert stems("билетов", "ru") == stems("билеты", "ru")
    assert stems("bilet", "ru") == stems("билет", "ru")
    assert stems("faktury", "pl") == stems("fakturę", "pl")


def test_character_grams_are_taken_inside_words_only() -> None:
    grams = char_grams("ab cd")
    assert " ab" in grams
    assert "b c" not in grams


def test_a_russian_query_in_latin_letters_finds_the_russian_article() -> None:
    assert _top("ne prishel bilet na pochtu", "ru") == "ticket-mail"


def test_a_polish_query_without_diacritics_and_inflected_finds_the_article() -> None:
    assert _top("skrzynka pelna, nie moge odebrac wiadomosci", "pl") == "quota"
    assert _top("jak zaplacic fakture", "pl") == "invoice"


def test_a_typo_still_finds_the_article() -> None:
    assert _top("adding a chekced bagage", "en") == "bags"
    assert _top("вазврат денег", "ru") == "refund"


def test_scores_are_ordered_and_unrelated_text_is_not_confident() -> None:
    hits = _index().rank("qwerty zxcvb", language="en", limit=5)
    assert all(not hit.confident for hit in hits)
    hits = _index().rank("How long do DNS changes take to spread", language="en", limit=5)
    assert hits[0].id == "dns"
    assert hits[0].confident
    assert hits[0].score >= CONFIDENT
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)


def test_an_empty_index_and_an_empty_query_give_nothing() -> None:
    assert Index([]).rank("anything", language="en") == []
    assert _index().rank("   ", language="en") == []
    assert _index().rank("dns", language="en", limit=0) == []


def test_limit_cuts_the_list() -> None:
    assert len(_index().rank("the a flight money bilet", language="en", limit=2)) <= 2


def test_a_word_once_in_the_title_outweighs_it_twice_in_the_body() -> None:
    index = Index(
        [
            Document(
                "body", "en", "Opening hours", "Wheelchair users: wheelchair access is at the side entrance."
            ),
            Document(
                "title", "en", "Wheelchair access", "Ask at the box office on arrival, or call the staff."
            ),
        ]
    )
    assert [hit.id for hit in index.rank("wheelchair", language="en")] == ["title", "body"]
