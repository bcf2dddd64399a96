"""Live chat of the demo brands: on for every brand (its website and the local desk may embed it), and a couple
of ended chats whose transcripts are on their tickets."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings

from frontdesk.chat import actions as chat_actions
from frontdesk.chat.choices import Sender
from frontdesk.chat.models import ChatSettings
from frontdesk.chat.origins import normalize_origin
from frontdesk.demo.clock import SimulatedClock, simulated_time
from frontdesk.demo.people import BrandWorld
from frontdesk.users.actors import actor_for

GREETINGS = {
    "en": "Hello! How can we help you?",
    "ru": "Здравствуйте! Чем можем помочь?",
    "pl": "Dzień dobry! W czym możemy pomóc?",
}
# Two chats per language: (visitor's name, whether they leave the address of a known customer, page, turns);
# a turn is (who, text).
CHATS: dict[str, list[tuple[str, bool, str, list[tuple[str, str]]]]] = {
    "ru": [
        (
            "Марина",
            True,
            "/orders",
            [
                ("visitor", "Здравствуйте! Оплатила заказ час назад, а письма с билетами нет."),
                ("agent", "Добрый день! Сейчас проверю. Подскажите, пожалуйста, номер заказа?"),
                ("visitor", "Заказ 58213."),
                (
                    "agent",
                    "Оплата прошла, письмо задержалось. Отправила его повторно, проверьте почту и «Спам».",
                ),
                ("visitor", "Пришло, спасибо!"),
            ],
        ),
        (
            "Посетитель",
            False,
            "/faq",
            [
                ("visitor", "Можно ли вернуть билет, если мероприятие перенесли?"),
                (
                    "agent",
                    "Да, при переносе возврат полный. Оформить его можно в личном кабинете, раздел «Заказы».",
                ),
            ],
        ),
    ],
    "pl": [
        (
            "Ewa",
            True,
            "/panel",
            [
                ("visitor", "Dzień dobry, po migracji strona pokazuje błąd 502."),
                ("agent", "Dzień dobry! Sprawdzam serwer… Proces PHP nie wstał po restarcie, już działa."),
                ("visitor", "Działa, dziękuję!"),
            ],
        ),
        (
            "Gość",
            False,
            "/cennik",
            [
                ("visitor", "Czy mogę zmienić plan w trakcie okresu rozliczeniowego?"),
                ("agent", "Tak, różnica zostanie przeliczona proporcjonalnie na następnej fakturze."),
            ],
        ),
    ],
}
CHATS["en"] = [
    (
        "Visitor",
        False,
        "/help",
        [
            ("visitor", "Hello, can I change the date on my booking?"),
            ("agent", "Hello! Yes: open the booking in your account and choose another date."),
        ],
    )
]


def _origins(world: BrandWorld) -> list[str]:
    found = [
        normalize_origin(settings.SITE_URL),
        normalize_origin(f"https://{world.brand.portal_host}") if world.brand.portal_host else None,
        f"https://www.{world.spec.slug}.example",
    ]
    return [origin for origin in dict.fromkeys(found) if origin]


def create_chats(worlds: Sequence[BrandWorld], now: datetime) -> None:
    """Every brand's chat settings and its ended chats of yesterday (on a simulated clock: each turn a minute or
    two after the one before)."""
    clock = SimulatedClock(now - timedelta(hours=30), limit=now)
    with simulated_time(clock):
        for world in worlds:
            _create_chat(world, clock)


def _create_chat(world: BrandWorld, clock: SimulatedClock) -> None:
    brand = world.brand
    chat = ChatSettings.objects.create(
        brand=brand,
        is_enabled=True,
        allowed_origins=_origins(world),
        greetings={
            language: GREETINGS[language] for language in brand.languages or ["en"] if language in GREETINGS
        },
    )
    agent = world.agents[1][0]
    agent.refresh_from_db(fields=["access_version"])
    actor = actor_for(agent)
    language = brand.default_language if brand.default_language in CHATS else "en"
    for number, (name, known, page, turns) in enumerate(CHATS[language]):
        clock.move_to(clock() + timedelta(hours=2, minutes=17 * number))
        customer = world.customers[number] if known and world.customers else None
        email = customer.email if customer is not None else ""
        token = f"demo-{world.spec.slug}-{number}".ljust(24, "x")
        session = None
        for index, (who, text) in enumerate(turns):
            clock.move_to(clock() + timedelta(seconds=40 + 23 * index))
            client_id = f"{who}-{index}"
            if session is None:
                session = chat_actions.start_session(
                    chat,
                    token=token,
                    client_id=client_id,
                    text=text,
                    name=name,
                    email=email,
                    page=f"https://www.{world.spec.slug}.example{page}",
                    language=language,
                ).message.session
                session, _joined = chat_actions.accept_session(session, actor=actor)
            elif who == "visitor":
                chat_actions.post_visitor_message(session, client_id=client_id, text=text)
            else:
                chat_actions.post_agent_message(session, actor=actor, client_id=client_id, text=text)
        if session is not None:
            clock.move_to(clock() + timedelta(minutes=1))
            chat_actions.end_session(session, by=Sender.AGENT, actor=actor)
