"""The request types each demo brand's portal form offers, in ru, en and pl, with their fields and documents."""

from __future__ import annotations

from typing import Any

from frontdesk.demo.people import BrandWorld
from frontdesk.tickets.choices import FieldKind, Priority
from frontdesk.tickets.request_types import create_request_type
from frontdesk.users.actors import SYSTEM


def _labels(en: str, ru: str, pl: str) -> dict[str, str]:
    return {"en": en, "ru": ru, "pl": pl}


ORDER_NUMBER = {
    "key": "order_number",
    "labels": _labels("Order or booking number", "Номер заказа или брони", "Numer zamówienia lub rezerwacji"),
    "kind": FieldKind.TEXT,
    "required": True,
}
EVENT_DATE = {
    "key": "event_date",
    "labels": _labels(
        "Date of the event or trip", "Дата мероприятия или поездки", "Data wydarzenia lub podróży"
    ),
    "kind": FieldKind.DATE,
    "required": True,
}
AMOUNT = {
    "key": "amount",
    "labels": _labels("Amount paid", "Оплаченная сумма", "Zapłacona kwota"),
    "kind": FieldKind.NUMBER,
    "required": False,
}
REASON = {
    "key": "reason",
    "labels": _labels("Reason", "Причина", "Powód"),
    "kind": FieldKind.CHOICE,
    "required": True,
    "choices": [
        {"value": "cancelled", "labels": _labels("Cancelled", "Отменено", "Odwołane")},
        {"value": "moved", "labels": _labels("Moved to another date", "Перенесено", "Przeniesione")},
        {"value": "own_wish", "labels": _labels("My own decision", "По моему желанию", "Moja decyzja")},
    ],
}
CONFIRMATION = {
    "key": "organizer_confirmation",
    "labels": _labels(
        "Organizer's confirmation (cancellation or move notice)",
        "Подтверждение организатора (об отмене или переносе)",
        "Potwierdzenie organizatora (odwołanie lub przeniesienie)",
    ),
    "required": True,
}
RECEIPT = {
    "key": "receipt",
    "labels": _labels("Receipt", "Чек", "Paragon"),
    "required": False,
}
CARD_LAST_DIGITS = {
    "key": "card_last_digits",
    "labels": _labels("Last 4 digits of the card", "Последние 4 цифры карты", "Ostatnie 4 cyfry karty"),
    "kind": FieldKind.TEXT,
    "required": False,
}
ACCOUNT_EMAIL = {
    "key": "account_email",
    "labels": _labels("Email of the account", "Почта учётной записи", "E-mail konta"),
    "kind": FieldKind.TEXT,
    "required": True,
}


TRIP_DATE = EVENT_DATE | {
    "key": "trip_date",
    "labels": _labels("Date of the trip", "Дата поездки", "Data podróży"),
}
EVENT_DATE = EVENT_DATE | {"labels": _labels("Date of the event", "Дата мероприятия", "Data wydarzenia")}
DOMAIN = {
    "key": "domain",
    "labels": _labels("Domain or service", "Домен или услуга", "Domena lub usługa"),
    "kind": FieldKind.TEXT,
    "required": True,
}
OPERATOR_NOTICE = CONFIRMATION | {
    "key": "operator_notice",
    "labels": _labels(
        "Tour operator's or airline's notice of the cancellation",
        "Уведомление туроператора или авиакомпании об отмене",
        "Zawiadomienie touroperatora lub linii lotniczej o odwołaniu",
    ),
}


def _travel(types: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The travel agency's form: trips instead of events, booking documents instead of e-tickets."""
    refund, _e_ticket, *rest = types
    refund = refund | {
        "instructions": _labels(
            "Refunds for a trip the tour operator or airline cancelled need their notice. Attach it, and the "
            "receipt if you have it; we answer within two working days.",
            "Для возврата за поездку, отменённую туроператором или авиакомпанией, нужно их уведомление. "
            "Приложите его и, если есть, чек; ответим в течение двух рабочих дней.",
            "Zwrot za podróż odwołaną przez touroperatora lub linię lotniczą wymaga ich zawiadomienia. Dołącz je "
            "i, jeśli masz, paragon; odpowiemy w ciągu dwóch dni roboczych.",
        ),
        "fields": [ORDER_NUMBER, TRIP_DATE, AMOUNT, REASON],
        "documents": [OPERATOR_NOTICE, RECEIPT],
    }
    documents = {
        "slug": "documents-not-received",
        "names": _labels(
            "Booking documents not received",
            "Не пришли документы по брони",
            "Nie dotarły dokumenty rezerwacji",
        ),
        "instructions": _labels(
            "Vouchers and tickets come by mail up to three days before departure. Give the booking number.",
            "Ваучеры и билеты приходят на почту не позже чем за три дня до вылета. Укажите номер брони.",
            "Vouchery i bilety przychodzą e-mailem najpóźniej trzy dni przed wyjazdem. Podaj numer rezerwacji.",
        ),
        "category": _e_ticket["category"],
        "fields": [ORDER_NUMBER, TRIP_DATE],
        "documents": [],
    }
    return [refund, documents, *rest]


def _hosting(types: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The hosting company's form: a service that does not work instead of tickets; refunds of payments."""
    refund, _e_ticket, payment, *rest = types
    outage = {
        "slug": "service-not-working",
        "names": _labels(
            "Site or mail not working", "Не работает сайт или почта", "Nie działa strona lub poczta"
        ),
        "instructions": _labels(
            "Check the status page first. Tell us the domain and what you see (an error message helps).",
            "Сначала проверьте страницу статуса. Укажите домен и что вы видите (текст ошибки поможет).",
            "Najpierw sprawdź stronę statusu. Podaj domenę i co widzisz (komunikat błędu pomoże).",
        ),
        "priority": Priority.HIGH,
        "fields": [DOMAIN],
        "documents": [],
    }
    refund = refund | {
        "instructions": _labels(
            "Unused months of a plan are refunded within 14 days of a cancellation. Attach the invoice.",
            "Неиспользованные месяцы тарифа возвращаются в течение 14 дней после отказа. Приложите счёт.",
            "Niewykorzystane miesiące planu zwracamy w ciągu 14 dni od rezygnacji. Dołącz fakturę.",
        ),
        "fields": [
            ORDER_NUMBER | {"labels": _labels("Invoice number", "Номер счёта", "Numer faktury")},
            AMOUNT,
        ],
        "documents": [RECEIPT | {"labels": _labels("Invoice", "Счёт", "Faktura"), "required": True}],
    }
    return [outage, payment, refund, *rest]


def _types(refund_category: str, ticket_category: str, payment_category: str) -> list[dict[str, Any]]:
    return [
        {
            "slug": "refund",
            "names": _labels("Refund", "Возврат", "Zwrot"),
            "instructions": _labels(
                "Refunds for cancelled or moved events need the organizer's confirmation. Attach it, and the "
                "receipt if you have it; we answer within two working days.",
                "Для возврата за отменённое или перенесённое мероприятие нужно подтверждение организатора. "
                "Приложите его и, если есть, чек; ответим в течение двух рабочих дней.",
                "Zwrot za odwołane lub przeniesione wydarzenie wymaga potwierdzenia organizatora. Dołącz je i, "
                "jeśli masz, paragon; odpowiemy w ciągu dwóch dni roboczych.",
            ),
            "priority": Priority.HIGH,
            "category": refund_category,
            "fields": [ORDER_NUMBER, EVENT_DATE, AMOUNT, REASON],
            "documents": [CONFIRMATION, RECEIPT],
        },
        {
            "slug": "e-ticket-not-received",
            "names": _labels("E-ticket not received", "Не пришёл электронный билет", "Nie dotarł e-bilet"),
            "instructions": _labels(
                "Look in the spam folder first. Give the order number and we send the tickets again.",
                "Сначала проверьте папку «Спам». Укажите номер заказа, и мы отправим билеты повторно.",
                "Najpierw sprawdź folder spam. Podaj numer zamówienia, a wyślemy bilety ponownie.",
            ),
            "category": ticket_category,
            "fields": [ORDER_NUMBER],
            "documents": [],
        },
        {
            "slug": "payment-declined",
            "names": _labels("Payment declined", "Платёж отклонён", "Płatność odrzucona"),
            "instructions": _labels(
                "Tell us when you paid and the last digits of the card; never send the full card number.",
                "Сообщите, когда вы платили, и последние цифры карты; никогда не присылайте полный номер.",
                "Podaj, kiedy płaciłeś, i ostatnie cyfry karty; nigdy nie wysyłaj pełnego numeru.",
            ),
            "category": payment_category,
            "fields": [ORDER_NUMBER | {"required": False}, AMOUNT, CARD_LAST_DIGITS],
            "documents": [RECEIPT],
        },
        {
            "slug": "password-recovery",
            "names": _labels("Password recovery", "Восстановление пароля", "Odzyskiwanie hasła"),
            "instructions": _labels(
                "Try “Forgot password” on the sign-in page first. If no mail arrives, tell us the account's email.",
                "Сначала попробуйте «Забыли пароль» на странице входа. Если письмо не приходит, укажите почту учётной записи.",
                "Najpierw spróbuj „Nie pamiętam hasła” na stronie logowania. Jeśli e-mail nie dochodzi, podaj adres konta.",
            ),
            "fields": [ACCOUNT_EMAIL],
            "documents": [],
        },
        {
            "slug": "other",
            "names": _labels("Other question", "Другой вопрос", "Inne pytanie"),
            "instructions": {},
            "fields": [],
            "documents": [],
        },
    ]


# Per brand slug: the categories refunds, delivery and payments go to.
CATEGORIES = {
    "parterre-tickets": (
        "Возвраты / Отмена мероприятия",
        "Электронные билеты / Билет не пришёл",
        "Оплата / Платёж отклонён",
    ),
    "kompas-travel": ("Возвраты / Отмена туроператором", "Изменение бронирования / Ваучеры", ""),
    "chmurka-hosting": ("Płatności / Zwroty", "", "Płatności / Wpłaty"),
}


def create_request_types(world: BrandWorld) -> None:
    refunds, tickets, payments = CATEGORIES.get(world.spec.slug, ("", "", ""))
    types = _types(refunds, tickets, payments)
    if world.spec.slug.endswith("travel"):
        types = _travel(types)
    elif world.spec.slug.endswith("hosting"):
        types = _hosting(types)
    for position, spec in enumerate(types):
        category = world.categories.get(spec.pop("category", "") or "")
        create_request_type(world.brand, actor=SYSTEM, position=position, category=category, **spec)
