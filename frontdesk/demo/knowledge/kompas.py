"""Kompas Travel, a tour operator: its help articles in Russian and English."""

from __future__ import annotations

from frontdesk.demo.knowledge.spec import ArticleSpec, KnowledgeSpec, Text

KOMPAS = KnowledgeSpec(
    categories=(
        ("booking", {"ru": "Бронирование", "en": "Booking"}),
        ("documents", {"ru": "Документы и визы", "en": "Documents and visas"}),
        ("payment", {"ru": "Оплата и возвраты", "en": "Payment and refunds"}),
        ("trip", {"ru": "В поездке", "en": "During the trip"}),
    ),
    articles=(
        ArticleSpec(
            key="travel-documents",
            category="booking",
            related=("change-booking", "visa"),
            texts={
                "ru": Text(
                    "Когда и где я получу документы на поездку",
                    "Ваучер на отель, маршрутные квитанции на перелёт и страховой полис приходят на почту "
                    "за 3–5 дней до вылета, после полной оплаты тура. Они же появляются в личном кабинете в "
                    "разделе «Мои поездки».\n\n"
                    "Распечатывать ваучер не обязательно: в отеле достаточно показать его с телефона и "
                    "назвать фамилию. Если до вылета осталось меньше 3 дней, а документов нет, напишите "
                    "нам — укажите номер брони.",
                    ("документы", "ваучер", "билеты на самолёт", "страховка"),
                ),
                "en": Text(
                    "When and where do I get my travel documents?",
                    "The hotel voucher, flight e-tickets and insurance policy are emailed 3–5 days before "
                    "departure, once the tour is paid in full. They also appear in your account under *My "
                    "trips*.\n\n"
                    "You do not have to print the voucher: showing it on your phone and giving your name at "
                    "the hotel is enough. If you leave in less than 3 days and have no documents yet, write "
                    "to us with your booking number.",
                    ("documents", "voucher", "flight tickets", "insurance"),
                ),
            },
        ),
        ArticleSpec(
            key="change-booking",
            category="booking",
            related=("cancel-tour",),
            texts={
                "ru": Text(
                    "Как изменить даты поездки или данные туристов",
                    "Исправить опечатку в фамилии или номере паспорта можно бесплатно до выписки "
                    "авиабилетов — обычно за 7 дней до вылета. Пришлите фото страницы паспорта через форму "
                    "«Изменение брони».\n\n"
                    "Перенос дат, смена отеля или замена туриста — это аннуляция и новая бронь: стоимость "
                    "зависит от правил отеля и авиакомпании. Мы сначала назовём сумму и только после вашего "
                    "согласия внесём изменения.",
                    ("изменить бронь", "перенос дат", "опечатка", "паспорт"),
                ),
                "en": Text(
                    "Changing travel dates or traveller details",
                    "A typo in a name or passport number is corrected free of charge until the flight "
                    "tickets are issued, usually 7 days before departure. Send a photo of the passport page "
                    "with the *Change a booking* form.\n\n"
                    "New dates, another hotel or a different traveller mean cancelling and booking again; "
                    "the cost depends on the hotel's and the airline's rules. We tell you the amount first "
                    "and change nothing until you agree.",
                    ("change booking", "new dates", "typo", "passport"),
                ),
            },
        ),
        ArticleSpec(
            key="cancel-tour",
            category="payment",
            related=("change-booking", "insurance-claim"),
            texts={
                "ru": Text(
                    "Отмена тура: сколько денег вернётся",
                    "При отмене тура мы возвращаем всё, кроме фактических расходов: штрафов отеля и "
                    "авиакомпании, которые уже нельзя вернуть. Чем ближе дата вылета, тем они больше; для "
                    "невозвратных тарифов авиабилеты не возвращаются совсем.\n\n"
                    "Чтобы отменить тур, отправьте заявку «Возврат» с номером брони. Мы пришлём расчёт "
                    "удержаний в течение 3 рабочих дней, деньги вернутся на карту за 10 рабочих дней после "
                    "вашего подтверждения.\n\n"
                    "Если тур отменяется по болезни, часть расходов может покрыть страховка от невыезда.",
                    ("отмена тура", "возврат", "штраф", "аннуляция"),
                ),
                "en": Text(
                    "Cancelling a tour: how much is refunded",
                    "When you cancel a tour we refund everything except the costs actually incurred: hotel "
                    "and airline penalties that can no longer be recovered. The closer the departure, the "
                    "higher they are; non-refundable air fares are not returned at all.\n\n"
                    "To cancel, send a *Refund* request with your booking number. We send you the "
                    "breakdown within 3 working days, and the money reaches your card within 10 working "
                    "days of your confirmation.\n\n"
                    "If you cancel because of illness, trip-cancellation insurance may cover part of the "
                    "costs.",
                    ("cancel tour", "refund", "penalty", "cancellation"),
                ),
            },
        ),
        ArticleSpec(
            key="visa",
            category="documents",
            related=("travel-documents",),
            texts={
                "ru": Text(
                    "Нужна ли виза и помогаете ли вы её оформить",
                    "На странице каждого тура указано, нужна ли виза гражданам РФ. Для стран с визой мы "
                    "готовим подтверждение брони отеля и страховку для консульства; анкету и запись на "
                    "подачу вы оформляете сами.\n\n"
                    "Загранпаспорт должен действовать ещё **6 месяцев** после возвращения. Отказ в визе не "
                    "освобождает от расходов по туру, поэтому бронируйте невозвратные туры после получения "
                    "визы.",
                    ("виза", "консульство", "загранпаспорт"),
                ),
                "en": Text(
                    "Do I need a visa, and do you help with it?",
                    "Each tour page says whether a visa is required for your citizenship. For visa "
                    "countries we prepare the hotel booking confirmation and the insurance certificate the "
                    "consulate asks for; you fill in the application and book the appointment yourself.\n\n"
                    "Your passport must be valid for **6 months** after your return. A refused visa does "
                    "not cancel the tour costs, so book non-refundable tours once you have the visa.",
                    ("visa", "consulate", "passport"),
                ),
            },
        ),
        ArticleSpec(
            key="insurance-claim",
            category="trip",
            related=("flight-delay",),
            texts={
                "ru": Text(
                    "Заболел в поездке: как воспользоваться страховкой",
                    "Сначала позвоните в сервисную компанию страховщика — номер указан в полисе. Она "
                    "направит вас в клинику, с которой работает, и оплатит лечение напрямую.\n\n"
                    "Если вы обратились к врачу сами, сохраните все чеки, выписки и заключения. После "
                    "возвращения подайте заявление страховщику в течение 30 дней. Мы поможем связаться со "
                    "страховой, если она не отвечает.",
                    ("страховка", "болезнь", "врач", "полис"),
                ),
                "en": Text(
                    "I fell ill during the trip: using the insurance",
                    "First call the insurer's assistance company — the number is on your policy. They send "
                    "you to a partner clinic and pay for the treatment directly.\n\n"
                    "If you saw a doctor on your own, keep every receipt, report and prescription and file "
                    "a claim with the insurer within 30 days of your return. We help you reach the insurer "
                    "if they do not answer.",
                    ("insurance", "illness", "doctor", "policy"),
                ),
            },
        ),
        ArticleSpec(
            key="flight-delay",
            category="trip",
            texts={
                "ru": Text(
                    "Рейс задержали или отменили",
                    "При задержке рейса авиакомпания обязана обеспечить напитки через 2 часа ожидания, "
                    "горячее питание через 4 часа и гостиницу при ночной задержке больше 6 часов. Трансфер "
                    "и отель по прилёту мы перенесём сами — просто сообщите нам номер брони.\n\n"
                    "Если рейс отменили, мы предложим ближайший рейс или вернём стоимость перелёта. "
                    "Сохраняйте посадочные талоны и чеки: они нужны для компенсации.",
                    ("задержка рейса", "отмена рейса", "авиакомпания", "трансфер"),
                ),
                "en": Text(
                    "My flight is delayed or cancelled",
                    "On a delay the airline must give you drinks after 2 hours of waiting, a hot meal after "
                    "4 hours and a hotel for an overnight delay of more than 6 hours. We rebook your "
                    "transfer and hotel at the destination ourselves — just send us your booking number.\n\n"
                    "If the flight is cancelled, we offer the next available flight or refund the air "
                    "fare. Keep your boarding passes and receipts: they are needed for compensation.",
                    ("flight delay", "cancelled flight", "airline", "transfer"),
                ),
            },
        ),
        ArticleSpec(
            key="instalments",
            category="payment",
            texts={
                "ru": Text(
                    "Можно ли оплатить тур частями",
                    "Да. При бронировании за 30 дней и раньше достаточно внести 30% стоимости, остальное — "
                    "не позднее чем за 14 дней до вылета. Напоминание об оплате придёт на почту за 3 дня до "
                    "срока.\n\n"
                    "Компании могут оплатить тур по счёту: укажите реквизиты в форме бронирования, счёт "
                    "придёт на почту в течение рабочего дня.",
                    ("оплата частями", "предоплата", "счёт", "рассрочка"),
                ),
                "en": Text(
                    "Can I pay for a tour in instalments?",
                    "Yes. When you book 30 days or more ahead, a 30% deposit is enough and the rest is due "
                    "14 days before departure. A reminder is emailed 3 days before the due date.\n\n"
                    "Companies can pay by invoice: enter the company details in the booking form and the "
                    "invoice arrives by email within a working day.",
                    ("instalments", "deposit", "invoice", "pay later"),
                ),
            },
        ),
        ArticleSpec(
            key="internal-night",
            category="trip",
            internal=True,
            texts={
                "ru": Text(
                    "Для агентов: ночные ЧП туристов и связь с отелями-партнёрами",
                    "Ночью (с 22:00 до 08:00 по Москве) звонки о ЧП в поездке принимает дежурный линии 2. "
                    "Заселение не подтверждено, турист на улице — звоните в отель напрямую по номеру из "
                    "карточки партнёра, затем оформите журнал работ и эскалацию. Компенсации сверх 100 евро "
                    "согласует руководитель смены.",
                    ("агентам", "дежурство", "отель", "эскалация"),
                ),
                "en": Text(
                    "For agents: night-time emergencies and partner hotel contacts",
                    "At night (22:00–08:00 Moscow time) emergency calls from travellers go to the line-2 "
                    "duty agent. Check-in not confirmed, traveller on the street: call the hotel directly "
                    "using the number on the partner card, then write the work log and escalate. "
                    "Compensation above 100 euros needs the shift lead's approval.",
                    ("agents", "night duty", "hotel", "escalation"),
                ),
            },
        ),
    ),
)
