"""Canned answers and a macro per demo brand, in the brand's languages, so the composer has something to find."""

from __future__ import annotations

from dataclasses import dataclass

from frontdesk.demo.people import BrandWorld
from frontdesk.tickets.canned import create_canned_answer
from frontdesk.tickets.choices import Status
from frontdesk.tickets.macros import create_macro
from frontdesk.users.actors import SYSTEM


@dataclass(frozen=True)
class MacroSpec:
    name: str
    # The key of the canned answer (title in the brand's first language) the macro inserts.
    answer: str
    category: str
    tags: tuple[str, ...]
    status: str = Status.PENDING_CUSTOMER


# Per brand slug: (language, title, body) and the macro.
ANSWERS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "parterre-tickets": (
        (
            "ru",
            "Билеты отправлены повторно",
            (
                "Здравствуйте, {customer_first_name}!\n\nМы повторно отправили электронные билеты по заявке "
                "{ticket_number} на вашу почту. Если письма нет во «Входящих», загляните, пожалуйста, в папку "
                "«Спам».\n\nС уважением,\n{agent_name}, {brand_name}"
            ),
        ),
        (
            "en",
            "E-tickets sent again",
            (
                "Hello {customer_first_name},\n\nWe have sent your e-tickets for request {ticket_number} again. "
                "If the mail is not in your inbox, please look in the spam folder.\n\nKind regards,\n"
                "{agent_name}, {brand_name}"
            ),
        ),
        (
            "ru",
            "Уточните номер заказа",
            (
                "Здравствуйте, {customer_first_name}!\n\nЧтобы помочь, нам нужен номер заказа и адрес почты, "
                "указанный при покупке. Ответьте, пожалуйста, на это письмо.\n\n{agent_name}, {brand_name}"
            ),
        ),
        (
            "en",
            "Please send the order number",
            (
                "Hello {customer_first_name},\n\nTo help you we need the order number and the email address used "
                "for the purchase. Please reply to this message.\n\n{agent_name}, {brand_name}"
            ),
        ),
    ),
    "kompas-travel": (
        (
            "ru",
            "Запрос документов для визы",
            (
                "Здравствуйте, {customer_first_name}!\n\nДля оформления визы по заявке {ticket_number} пришлите, "
                "пожалуйста, скан загранпаспорта и фотографию 3,5×4,5 см.\n\n{agent_name}, {brand_name}"
            ),
        ),
        (
            "en",
            "Documents needed for the visa",
            (
                "Hello {customer_first_name},\n\nFor the visa of request {ticket_number} please send a scan of your "
                "passport and a 35×45 mm photo.\n\n{agent_name}, {brand_name}"
            ),
        ),
        (
            "ru",
            "Бронирование подтверждено",
            (
                "Здравствуйте, {customer_first_name}!\n\nВаше бронирование подтверждено, ваучеры придут отдельным "
                "письмом. Номер обращения: {ticket_number}.\n\n{agent_name}, {brand_name}"
            ),
        ),
    ),
    "chmurka-hosting": (
        (
            "pl",
            "Propagacja DNS",
            (
                "Dzień dobry, {customer_first_name}!\n\nZmiany rekordów DNS dla zgłoszenia {ticket_number} są już "
                "zapisane. Propagacja trwa do 24 godzin; prosimy o informację, jeśli po tym czasie problem nadal "
                "występuje.\n\nPozdrawiamy,\n{agent_name}, {brand_name}"
            ),
        ),
        (
            "en",
            "DNS propagation",
            (
                "Hello {customer_first_name},\n\nThe DNS changes for request {ticket_number} are saved. They take up "
                "to 24 hours to spread; please tell us if the problem is still there after that.\n\n"
                "{agent_name}, {brand_name}"
            ),
        ),
        (
            "pl",
            "Prośba o dane do faktury",
            (
                "Dzień dobry, {customer_first_name}!\n\nAby wystawić fakturę, prosimy o NIP i pełny adres firmy.\n\n"
                "{agent_name}, {brand_name}"
            ),
        ),
    ),
}

MACROS: dict[str, MacroSpec] = {
    "parterre-tickets": MacroSpec(
        "Билеты отправлены, ждём клиента",
        "Билеты отправлены повторно",
        "Электронные билеты / Билет не пришёл",
        ("resent",),
    ),
    "kompas-travel": MacroSpec(
        "Запросить документы",
        "Запрос документов для визы",
        "Визы и документы / Список документов",
        ("documents",),
    ),
    "chmurka-hosting": MacroSpec("DNS: czekamy na propagację", "Propagacja DNS", "DNS / Rekordy", ("dns",)),
}


def create_canned_content(world: BrandWorld) -> None:
    """The brand's canned answers and its macro."""
    slug = world.brand.slug
    answers = {
        title: create_canned_answer(world.brand, actor=SYSTEM, title=title, body=body, language=language)
        for language, title, body in ANSWERS.get(slug, ())
    }
    spec = MACROS.get(slug)
    if spec is None:
        return
    create_macro(
        world.brand.pk,
        actor=SYSTEM,
        name=spec.name,
        status=spec.status,
        category=world.categories.get(spec.category),
        add_tags=spec.tags,
        canned_answer=answers.get(spec.answer),
    )
