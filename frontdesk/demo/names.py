"""Invented people: Russian names in Cyrillic, Polish names with their diacritics, English names; with
addresses on reserved ``.example`` domains and phone numbers in each country's format."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

RU_MALE = (
    "Александр",
    "Дмитрий",
    "Максим",
    "Сергей",
    "Андрей",
    "Алексей",
    "Артём",
    "Илья",
    "Кирилл",
    "Михаил",
    "Никита",
    "Матвей",
    "Роман",
    "Егор",
    "Иван",
    "Павел",
    "Владимир",
    "Константин",
    "Григорий",
    "Юрий",
)
RU_FEMALE = (
    "Анна",
    "Мария",
    "Елена",
    "Ольга",
    "Наталья",
    "Татьяна",
    "Ирина",
    "Екатерина",
    "Светлана",
    "Юлия",
    "Анастасия",
    "Дарья",
    "Ксения",
    "Полина",
    "Вера",
    "Людмила",
    "Алина",
    "Евгения",
    "Маргарита",
    "Софья",
)
# Masculine forms; feminine forms are derived.
RU_SURNAMES = (
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Соколов",
    "Лебедев",
    "Козлов",
    "Новиков",
    "Морозов",
    "Волков",
    "Соловьёв",
    "Васильев",
    "Зайцев",
    "Павлов",
    "Семёнов",
    "Голубев",
    "Виноградов",
    "Богданов",
    "Воробьёв",
    "Фёдоров",
    "Михайлов",
    "Тарасов",
    "Комаров",
    "Орлов",
    "Киселёв",
    "Макаров",
    "Андреев",
    "Ковалёв",
    "Ильин",
    "Гусев",
    "Титов",
    "Кудрявцев",
    "Баранов",
    "Куликов",
    "Степанов",
    "Сорокин",
    "Захаров",
    "Борисов",
    "Королёв",
    "Медведев",
    "Никитин",
    "Жуков",
    "Фролов",
    "Журавлёв",
    "Крылов",
    "Осипов",
    "Белоусов",
    "Дмитриев",
    "Вишневский",
    "Дубровский",
    "Одинцов",
    "Щербаков",
    "Калинин",
    "Афанасьев",
    "Третьяков",
    "Ершов",
)
PL_MALE = (
    "Łukasz",
    "Paweł",
    "Michał",
    "Krzysztof",
    "Piotr",
    "Tomasz",
    "Grzegorz",
    "Wojciech",
    "Jacek",
    "Maciej",
    "Przemysław",
    "Jarosław",
    "Bartłomiej",
    "Mikołaj",
    "Kamil",
    "Marek",
    "Jakub",
    "Rafał",
    "Andrzej",
    "Sławomir",
)
PL_FEMALE = (
    "Małgorzata",
    "Agnieszka",
    "Katarzyna",
    "Joanna",
    "Magdalena",
    "Elżbieta",
    "Dorota",
    "Jolanta",
    "Grażyna",
    "Bożena",
    "Zofia",
    "Anna",
    "Ewa",
    "Justyna",
    "Weronika",
    "Łucja",
    "Alicja",
    "Aleksandra",
    "Urszula",
    "Beata",
)
# Masculine forms; -ski/-cki/-dzki become -ska/-cka/-dzka for women, the others do not change.
PL_SURNAMES = (
    "Kowalski",
    "Wiśniewski",
    "Wójcik",
    "Kowalczyk",
    "Kamiński",
    "Lewandowski",
    "Zieliński",
    "Szymański",
    "Woźniak",
    "Dąbrowski",
    "Kozłowski",
    "Jankowski",
    "Mazur",
    "Kwiatkowski",
    "Krawczyk",
    "Kaczmarek",
    "Piotrowski",
    "Grabowski",
    "Zając",
    "Pawłowski",
    "Michalski",
    "Król",
    "Wieczorek",
    "Jabłoński",
    "Wróbel",
    "Majewski",
    "Olszewski",
    "Stępień",
    "Malinowski",
    "Dudek",
    "Nowicki",
    "Pawlak",
    "Górski",
    "Witkowski",
    "Sikora",
    "Rutkowski",
    "Ostrowski",
    "Tomaszewski",
    "Zalewski",
    "Wróblewski",
    "Bąk",
    "Sadowski",
    "Zawadzki",
    "Chmielewski",
    "Sokołowski",
    "Szczepański",
    "Sawicki",
    "Żak",
    "Łuczak",
    "Głowacki",
    "Śliwiński",
)
EN_MALE = (
    "James",
    "Oliver",
    "Thomas",
    "Daniel",
    "George",
    "Samuel",
    "Henry",
    "Lucas",
    "Noah",
    "Mark",
    "Peter",
)
EN_FEMALE = ("Emma", "Olivia", "Sophie", "Charlotte", "Grace", "Emily", "Hannah", "Laura", "Chloe", "Rachel")
EN_SURNAMES = (
    "Wilson",
    "Clarke",
    "Turner",
    "Hughes",
    "Walker",
    "Bennett",
    "Morgan",
    "Harris",
    "Fletcher",
    "Reid",
    "Campbell",
    "Brooks",
    "Foster",
    "Hayes",
    "Murray",
    "Palmer",
    "Ellis",
    "Shaw",
)

_CYRILLIC = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
}
_MAIL_DOMAINS = {
    "ru": ("pochta.example", "mail.example", "inbox.example", "list.example"),
    "pl": ("poczta.example", "skrzynka.example", "mail.example"),
    "en": ("example.com", "example.org", "mail.example"),
}


@dataclass(frozen=True)
class Person:
    name: str
    first: str
    email_local: str
    language: str


def ascii_name(text: str) -> str:
    """``Łukasz Wróbel`` → ``lukasz.wrobel``; ``Ольга Крылова`` → ``olga.krylova``."""
    out = []
    for char in text.lower():
        if char in _CYRILLIC:
            out.append(_CYRILLIC[char])
        elif char == "ł":
            out.append("l")
        elif char == " ":
            out.append(".")
        else:
            out.append(unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode())
    return "".join(out).strip(".")


def _ru_feminine(surname: str) -> str:
    if surname.endswith("ский"):
        return surname[:-4] + "ская"
    return surname + "а"


def _pl_feminine(surname: str) -> str:
    for ending in ("ski", "cki", "dzki"):
        if surname.endswith(ending):
            return surname[:-1] + "a"
    return surname


def make_person(rng: random.Random, people: str, language: str) -> Person:
    """A person from the ``people`` pool ("ru" or "pl"); English speakers get English names."""
    female = rng.random() < 0.55
    if language == "en":
        first = rng.choice(EN_FEMALE if female else EN_MALE)
        last = rng.choice(EN_SURNAMES)
    elif people == "ru":
        first = rng.choice(RU_FEMALE if female else RU_MALE)
        surname = rng.choice(RU_SURNAMES)
        last = _ru_feminine(surname) if female else surname
    else:
        first = rng.choice(PL_FEMALE if female else PL_MALE)
        surname = rng.choice(PL_SURNAMES)
        last = _pl_feminine(surname) if female else surname
    name = f"{first} {last}"
    return Person(name=name, first=first, email_local=ascii_name(name), language=language)


def mail_domain(rng: random.Random, people: str, language: str) -> str:
    return rng.choice(_MAIL_DOMAINS["en" if language == "en" else people])


def phone_number(rng: random.Random, people: str, language: str) -> str:
    """A mobile number as people write it: Russian ``+7 9xx``, Polish ``+48 5xx``, UK drama range for English."""
    if language == "en" and rng.random() < 0.6:
        return f"+44 7700 900{rng.randint(0, 999):03d}"
    if people == "ru":
        return (
            f"+7 9{rng.randint(10, 99)} {rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}"
        )
    return f"+48 {rng.choice('5678')}{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}"
