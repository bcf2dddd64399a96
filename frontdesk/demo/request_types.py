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
    for position, spec in enumerate(_types(refunds, tickets, payments)):
        category = world.categories.get(spec.pop("category", "") or "")
        create_request_type(world.brand, actor=SYSTEM, position=position, category=category, **spec)
