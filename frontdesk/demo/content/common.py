"""Phrases every brand uses: greetings, a customer's reminder, a reopened request, dates in words."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from frontdesk.demo.spec import Texts

GREETING: Texts = {
    "ru": ("Здравствуйте, {first}!", "Добрый день, {first}!", "{first}, здравствуйте!"),
    "en": ("Hello {first},", "Dear {first},", "Hi {first},"),
    "pl": ("Dzień dobry,", "Witam serdecznie,", "Szanowni Państwo,"),
}

CUSTOMER_SIGN: Texts = {
    "ru": ("Спасибо.", "Заранее благодарю.", "С уважением,", "Жду ответа."),
    "en": ("Thanks.", "Thank you in advance.", "Kind regards,", "Looking forward to your reply."),
    "pl": ("Dziękuję.", "Z góry dziękuję.", "Pozdrawiam,", "Czekam na odpowiedź."),
}

ACKNOWLEDGE: Texts = {
    "ru": (
        "Спасибо за обращение. Мы уже разбираемся и вернёмся с ответом в ближайшее время.",
        "Получили ваш запрос, проверяем детали. Напишем, как только будет результат.",
    ),
    "en": (
        "Thank you for getting in touch. We are looking into it and will come back to you shortly.",
        "We have received your request and are checking the details. We will write as soon as we know more.",
    ),
    "pl": (
        "Dziękujemy za zgłoszenie. Już się tym zajmujemy i wkrótce wrócimy z odpowiedzią.",
        "Otrzymaliśmy zgłoszenie i sprawdzamy szczegóły. Odezwiemy się, gdy tylko będziemy coś wiedzieć.",
    ),
}

NUDGE: Texts = {
    "ru": (
        "Есть ли новости по моему обращению?",
        "Подскажите, пожалуйста, когда ждать ответа?",
        "Напоминаю о своём вопросе.",
    ),
    "en": (
        "Any news on my request?",
        "Could you tell me when to expect an answer?",
        "Just following up on this.",
    ),
    "pl": (
        "Czy są jakieś nowe informacje w mojej sprawie?",
        "Kiedy mogę spodziewać się odpowiedzi?",
        "Przypominam o zgłoszeniu.",
    ),
}

REOPEN: Texts = {
    "ru": (
        "К сожалению, проблема не решена — всё повторилось.",
        "Спасибо, но это не помогло. Можете проверить ещё раз?",
    ),
    "en": (
        "Unfortunately the problem is not solved, it happened again.",
        "Thanks, but that did not help. Could you check once more?",
    ),
    "pl": (
        "Niestety problem nie został rozwiązany, wystąpił ponownie.",
        "Dziękuję, ale to nie pomogło. Czy mogą Państwo sprawdzić jeszcze raz?",
    ),
}

REOPEN_ANSWER: Texts = {
    "ru": "Проверили ещё раз и нашли причину: настройка у нас применилась не полностью. Исправили — пожалуйста, проверьте.",
    "en": "We checked again and found the cause: the change had not been fully applied on our side. It is fixed now, please check.",
    "pl": "Sprawdziliśmy ponownie i znaleźliśmy przyczynę: zmiana nie została u nas w pełni wprowadzona. Poprawiliśmy, prosimy sprawdzić.",
}

GENERIC_QUESTION: Texts = {
    "ru": "Чтобы разобраться, пришлите, пожалуйста, номер заказа и адрес почты, указанный при оформлении.",
    "en": "To look into this, please send us the order number and the email address used when ordering.",
    "pl": "Aby to sprawdzić, prosimy o numer zamówienia i adres e-mail podany przy zamówieniu.",
}

GENERIC_FOLLOW_UP: Texts = {
    "ru": "Номер заказа {order}, почта та же, с которой пишу.",
    "en": "The order number is {order}, same email as this one.",
    "pl": "Numer zamówienia {order}, adres ten sam, z którego piszę.",
}

CALL_INTRO: Texts = {
    "ru": "Входящий звонок. Со слов клиента:",
    "en": "Inbound call. The customer said:",
    "pl": "Połączenie przychodzące. Klient przekazał:",
}

CALL_BACK: Texts = {
    "ru": "Перезвонили клиенту и сообщили:",
    "en": "Called the customer back and told them:",
    "pl": "Oddzwoniliśmy do klienta i przekazaliśmy:",
}

# Internal notes any line-1 agent may write, by working language.
TRIAGE_NOTES: dict[str, tuple[str, ...]] = {
    "ru": (
        "Проверил(а) историю клиента: повторное обращение по той же теме.",
        "Клиент вежливый, но торопится — прошу не затягивать.",
        "Похожий случай был на прошлой неделе, решение в базе знаний.",
        "Передаю коллеге, у меня заканчивается смена.",
        "Уточнил(а) данные в системе, расхождений не вижу.",
    ),
    "pl": (
        "Sprawdziłem/am historię klienta: kolejne zgłoszenie w tej samej sprawie.",
        "Klient uprzejmy, ale mu się spieszy, proszę nie przeciągać.",
        "Podobny przypadek był w zeszłym tygodniu, rozwiązanie jest w bazie wiedzy.",
        "Przekazuję koledze, kończę zmianę.",
        "Sprawdziłem/am dane w systemie, nie widzę rozbieżności.",
    ),
}

RESUMED_NOTES: dict[str, tuple[str, ...]] = {
    "ru": ("Ответ получен, продолжаем работу.", "Третья сторона подтвердила, возвращаю в работу."),
    "pl": ("Otrzymaliśmy odpowiedź, wracamy do pracy.", "Strona trzecia potwierdziła, wracam do zgłoszenia."),
}

# What agents write in work logs and notes, by working language.
WORKLOG: dict[str, dict[str, str]] = {
    "ru": {
        "line2_steps": "Воспроизвёл(а) проблему, проверил(а) журналы и настройки; правами второй линии не исправить.",
        "fixed_steps": "Исправлено и проверено на нашей стороне.",
        "hand_back": "Сообщить клиенту результат и решить обращение.",
        "progress": "Промежуточный результат: {finding}",
        "wait": "Ждём ответа от {who}.",
        "wait_generic": "Ждём ответа от партнёра, запрос отправлен.",
        "duplicate": "Дубль обращения: клиент уже получил ответ в другом тикете. Закрываю.",
        "priority": "Клиент пишет, что вопрос срочный, — повышаю приоритет.",
    },
    "pl": {
        "line2_steps": "Odtworzyłem/am problem, sprawdziłem/am logi i konfigurację; uprawnienia drugiej linii nie wystarczają.",
        "fixed_steps": "Naprawione i sprawdzone po naszej stronie.",
        "hand_back": "Przekazać klientowi wynik i rozwiązać zgłoszenie.",
        "progress": "Wynik częściowy: {finding}",
        "wait": "Czekamy na odpowiedź od {who}.",
        "wait_generic": "Czekamy na odpowiedź partnera, zapytanie wysłane.",
        "duplicate": "Duplikat: klient dostał już odpowiedź w innym zgłoszeniu. Zamykam.",
        "priority": "Klient pisze, że sprawa jest pilna, podnoszę priorytet.",
    },
}

MONTHS = {
    "ru": (
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "pl": (
        "stycznia",
        "lutego",
        "marca",
        "kwietnia",
        "maja",
        "czerwca",
        "lipca",
        "sierpnia",
        "września",
        "października",
        "listopada",
        "grudnia",
    ),
}


def day_in_words(moment: datetime, lang: str) -> str:
    return f"{moment.day} {MONTHS.get(lang, MONTHS['en'])[moment.month - 1]}"


def some_day(rng: random.Random, lang: str, around: datetime, *, before: int = 0, after: int = 30) -> str:
    """A day near ``around`` (a ticket's creation), in words of ``lang``."""
    return day_in_words(around + timedelta(days=rng.randint(-before, after)), lang)


def money(amount: int, lang: str, currency: str) -> str:
    """``4 500 ₽`` or ``123,00 zł`` style amounts."""
    grouped = f"{amount:,}".replace(",", "\u00a0")
    if currency == "PLN":
        return f"{grouped},00 zł"
    if currency == "EUR":
        return f"€{amount}" if lang == "en" else f"{grouped} €"
    return f"{grouped} ₽" if lang != "en" else f"{grouped} RUB"
