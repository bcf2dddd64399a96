"""Social networks of the demo brands: a monitoring service posting to the inbound webhook (mentions and
comments of the last two weeks, classified as they arrive; the negative ones become tickets), and a Telegram
bot, switched off until the brand admin enters a real token, with one private conversation that is a ticket."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from frontdesk.connectors.base import Author, PrivateMessage, PublicItem
from frontdesk.connectors.choices import ConnectorKind, ItemKind
from frontdesk.connectors.intake import take_private_message, take_public_item
from frontdesk.connectors.models import Connector
from frontdesk.connectors.service_level import ensure_social_service_level
from frontdesk.demo.people import BrandWorld

# (hours ago, kind, author, text) per brand.
MENTIONS: dict[str, list[tuple[int, str, str, str]]] = {
    "parterre-tickets": [
        (3, "mention", "Анна Л.", "Спасибо Партеру, отличный сервис, билеты пришли сразу, очень удобно!"),
        (20, "comment", "Сергей", "Ужасно: деньги списали, а билетов нет, поддержка молчит уже второй день."),
        (30, "mention", "Мария", "Кто-нибудь брал билеты на «Тоску» через Партер? Какие места лучше?"),
        (52, "comment", "Олег П.", "Прекрасный концерт, спасибо за удобную покупку и быстрый возврат!"),
        (75, "comment", "Ирина", "Отвратительно, сайт падает при оплате, потеряла время и нервы."),
        (120, "mention", "Дмитрий", "Во сколько открывается касса в субботу?"),
        (200, "mention", "Елена", "Отличный сервис, всё понятно и быстро, рекомендую."),
        (300, "comment", "Павел", "Подскажите, можно ли поменять дату в билете?"),
    ],
    "kompas-travel": [
        (5, "mention", "Наталья", "Спасибо Компасу за прекрасный отпуск, всё было отлично организовано!"),
        (26, "comment", "Игорь", "Ужасный трансфер, водитель не приехал, ждали два часа в аэропорту."),
        (40, "mention", "Ксения", "Кто летал с Компасом в Турцию в ноябре? Как отель?"),
        (90, "comment", "Виктор", "Отличная поездка, спасибо гиду, всё было замечательно."),
        (150, "comment", "Алла", "Плохой сервис, на звонки не отвечают, деньги не вернули."),
        (260, "mention", "Роман", "Есть ли туры на майские праздники?"),
    ],
    "chmurka-hosting": [
        (4, "mention", "Tomasz", "Dziękuję Chmurce, świetny hosting i szybka pomoc, polecam!"),
        (18, "comment", "Kasia", "Fatalnie, serwer leży od rana, a support nie odpowiada."),
        (44, "mention", "Piotr", "Czy Chmurka ma serwery w Warszawie?"),
        (100, "comment", "Agnieszka", "Super szybka migracja, wszystko działa, dzięki!"),
        (180, "comment", "Marek", "Okropna obsługa, faktura błędna trzeci miesiąc z rzędu."),
        (280, "mention", "Ola", "Jaki plan wybrać dla małego sklepu?"),
    ],
}
# A private Telegram conversation per brand: (name, user id, text).
CHATS = {
    "parterre-tickets": (
        "Иван Петров",
        "482913377",
        "Здравствуйте! Не пришли билеты на «Тоску», заказ 4471.",
    ),
    "kompas-travel": ("Ольга Смирнова", "391002871", "Добрый день, можно ли перенести вылет на день позже?"),
    "chmurka-hosting": ("Jan Kowalski", "600211345", "Dzień dobry, jak zmienić serwery DNS dla domeny?"),
}


def create_connectors(world: BrandWorld) -> None:
    brand, slug = world.brand, world.spec.slug
    ensure_social_service_level(brand)
    monitor = Connector.objects.create(brand=brand, kind=ConnectorKind.WEBHOOK, name="Brand monitoring")
    bot = Connector.objects.create(
        brand=brand, kind=ConnectorKind.TELEGRAM, name="Telegram", is_enabled=False
    )
    now = timezone.now()
    for number, (hours, kind, author, text) in enumerate(MENTIONS.get(slug, [])):
        take_public_item(
            monitor,
            PublicItem(
                external_id=f"demo-{number}",
                kind=ItemKind(kind),
                author=Author(f"demo-author-{number}", author),
                text=text,
                posted_at=now - timedelta(hours=hours),
                url=f"https://social.example/{slug}/{number}",
            ),
        )
    if slug in CHATS:
        name, user_id, text = CHATS[slug]
        take_private_message(
            bot,
            PrivateMessage(user_id, "1", Author(user_id, name), text, now - timedelta(hours=2)),
            language=world.spec.working_language,
        )
