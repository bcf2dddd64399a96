"""Kompas Travel: an online travel agency (flights, hotels, tours, visas); customers write Russian or English."""

from __future__ import annotations

import random
from datetime import datetime

from frontdesk.demo.content.common import money, some_day
from frontdesk.demo.spec import BrandSpec, Escalation, OrganizationSpec, TicketTemplate

_PLACES = (
    ("Стамбул", "Istanbul"),
    ("Дубай", "Dubai"),
    ("Ереван", "Yerevan"),
    ("Тбилиси", "Tbilisi"),
    ("Рим", "Rome"),
    ("Барселону", "Barcelona"),
    ("Анталью", "Antalya"),
    ("Калининград", "Kaliningrad"),
    ("Сочи", "Sochi"),
)
_HOTELS = (
    "Azure Bay Resort",
    "Hotel Marina Vista",
    "Old Town Boutique Hotel",
    "Sunrise Garden Inn",
    "Grand Meridian",
)
_COUNTRIES = (("Италию", "Italy"), ("Испанию", "Spain"), ("Францию", "France"), ("Грецию", "Greece"))


def _facts(rng: random.Random, lang: str, created: datetime) -> dict[str, str]:
    i = 0 if lang == "ru" else 1
    return {
        "place": rng.choice(_PLACES)[i],
        "country": rng.choice(_COUNTRIES)[i],
        "hotel": rng.choice(_HOTELS),
        "date": some_day(rng, lang, created, before=0, after=50),
        "flight": f"{rng.choice(('KM', 'ZR', 'VQ'))} {rng.randint(100, 2999)}",
        "booking": f"KT-{rng.randint(100_000, 999_999)}",
        "order": f"KT-{rng.randint(100_000, 999_999)}",
        "amount": money(rng.choice((18_400, 32_900, 47_500, 86_200, 124_000, 212_700)), lang, "RUB"),
        "fee": money(rng.choice((1500, 2500, 3500)), lang, "RUB"),
        "nights": str(rng.randint(3, 12)),
        "count": str(rng.randint(2, 4)),
        "hours": str(rng.randint(3, 9)),
    }


_T = TicketTemplate
_E = Escalation

TEMPLATES = (
    _T(
        category="Изменение бронирования / Даты проживания",
        subject={"ru": "Изменить даты в отеле", "en": "Change hotel dates"},
        body={
            "ru": "Бронь {booking}, {hotel}, заезд {date} на {nights} ночей. Нужно сдвинуть заезд на два дня позже. Это возможно?",
            "en": "Booking {booking}, {hotel}, check-in {date} for {nights} nights. I need to move check-in two days later. Is that possible?",
        },
        answer={
            "ru": "Отель подтвердил новые даты по брони {booking}. Доплата {fee} за разницу в тарифе, ссылка на оплату в письме. Обновлённый ваучер придёт после оплаты.",
            "en": "The hotel has confirmed the new dates for booking {booking}. The rate difference is {fee}; the payment link is in the email. The updated voucher follows once paid.",
        },
        tags=("booking-change", "hotel"),
        escalation=_E(
            diagnosis="Тариф брони {booking} невозвратный, изменение дат только через отель.",
            steps="Проверил(а) условия тарифа, предупредил(а) клиента о возможной доплате.",
            request="Запросить у отеля изменение дат без штрафа.",
            line2_finding="Отель готов изменить даты с доплатой за разницу в тарифе.",
            third_party="отеля",
        ),
    ),
    _T(
        category="Изменение бронирования / Авиабилеты",
        subject={"ru": "Поменять дату вылета", "en": "Change my flight date"},
        body={
            "ru": "Летим в {place} рейсом {flight} {date}. Нужно перенести вылет на день раньше, бронь {booking}, {count} пассажира.",
            "en": "We fly to {place} on {flight} on {date}. We need to leave a day earlier; booking {booking}, {count} passengers.",
        },
        answer={
            "ru": "Перебронировали вылет на день раньше, тот же рейс {flight}. Сбор авиакомпании {fee} за пассажира. Новые маршрутные квитанции отправлены на почту.",
            "en": "We have moved you to the same flight {flight} a day earlier. The airline's change fee is {fee} per passenger. New itineraries have been emailed.",
        },
        tags=("booking-change", "flight"),
        question={
            "ru": "Подскажите, пожалуйста, подойдёт ли вечерний рейс, если на утренний не будет мест?",
            "en": "Would an evening flight work for you if the morning one is full?",
        },
        follow_up={"ru": "Да, вечерний тоже подойдёт.", "en": "Yes, the evening one is fine too."},
        escalation=_E(
            diagnosis="Обмен по брони {booking} в системе бронирования недоступен: тариф требует ручного пересчёта.",
            steps="Проверил(а) правила тарифа и наличие мест на нужную дату, места есть.",
            request="Выполнить обмен с пересчётом тарифа.",
            line2_finding="Обмен требует подтверждения авиакомпании, отправлен запрос.",
            third_party="авиакомпании",
        ),
    ),
    _T(
        category="Изменение бронирования / Данные пассажира",
        subject={"ru": "Ошибка в фамилии в билете", "en": "Misspelled surname on the ticket"},
        body={
            "ru": "В билете на {flight} {date} фамилия с ошибкой — одна буква не та. Вылет скоро, нас пустят на борт? Бронь {booking}.",
            "en": "The surname on my {flight} ticket for {date} is misspelled by one letter. The flight is soon — will I be allowed to board? Booking {booking}.",
        },
        answer={
            "ru": "Фамилия в бронировании {booking} исправлена, билет переоформлен без доплаты. Новая маршрутная квитанция у вас на почте.",
            "en": "The surname in booking {booking} has been corrected and the ticket reissued at no cost. The new itinerary is in your inbox.",
        },
        tags=("passenger-data", "flight"),
        priority="urgent",
        escalation=_E(
            diagnosis="Опечатка в фамилии в брони {booking}, вылет в ближайшие дни.",
            steps="Сверил(а) паспортные данные со скана, клиент подтвердил правильное написание.",
            request="Исправить фамилию в брони до вылета.",
            line2_finding="Исправление через наш интерфейс невозможно: билет уже выписан.",
            line3_request="Исправить фамилию через систему бронирования авиакомпании (ремарка + переоформление).",
            line3_finding="Фамилия исправлена, билет переоформлен без доплаты.",
        ),
    ),
    _T(
        category="Возвраты / Отмена туроператором",
        subject={"ru": "Тур отменён, верните деньги", "en": "Tour cancelled — refund please"},
        body={
            "ru": "Туроператор отменил наш тур в {place} на {date}. Заплатили {amount}, бронь {booking}. Когда вернут деньги?",
            "en": "The tour operator cancelled our tour to {place} on {date}. We paid {amount}, booking {booking}. When will we get our money back?",
        },
        answer={
            "ru": "Туроператор подтвердил аннуляцию. Возврат {amount} по брони {booking} отправлен, срок зачисления — до 10 рабочих дней.",
            "en": "The tour operator has confirmed the cancellation. The refund of {amount} for booking {booking} has been sent and will arrive within 10 working days.",
        },
        tags=("refund", "tour"),
        priority="high",
        escalation=_E(
            diagnosis="Тур по брони {booking} аннулирован туроператором, деньги у туроператора.",
            steps="Проверил(а) статус брони, отправил(а) клиенту подтверждение аннуляции.",
            request="Запросить возврат у туроператора.",
            line2_finding="Претензия направлена туроператору, срок ответа — 10 дней.",
            third_party="туроператора",
        ),
    ),
    _T(
        category="Возвраты / Добровольный отказ",
        subject={"ru": "Отмена брони отеля", "en": "Cancel my hotel booking"},
        body={
            "ru": "Планы изменились, хочу отменить бронь {booking} в {hotel}. Сколько вернёте?",
            "en": "Plans have changed and I want to cancel booking {booking} at {hotel}. How much will be refunded?",
        },
        answer={
            "ru": "Бронь {booking} отменена. По условиям тарифа штраф составил одну ночь, остальное вернётся на карту в течение 7 дней.",
            "en": "Booking {booking} is cancelled. Under the rate's terms the penalty is one night; the rest will be back on your card within 7 days.",
        },
        tags=("refund", "hotel"),
    ),
    _T(
        category="Визы и документы / Список документов",
        subject={"ru": "Какие документы нужны на визу?", "en": "Which documents do I need for the visa?"},
        body={
            "ru": "Едем в {country} {date}, у вас куплен тур. Какие документы собрать на шенгенскую визу? Я работаю, жена не работает.",
            "en": "We are going to {country} on {date}, the tour is booked with you. What documents do we need for a Schengen visa? I am employed, my wife is not.",
        },
        answer={
            "ru": "Список документов отправили в письме: паспорт, фото, справка с работы, выписка со счёта за 3 месяца, для супруги — спонсорское письмо и копия вашей справки. Подача — не позднее чем за 15 дней до вылета.",
            "en": "We have emailed the list: passport, photo, employment letter, 3 months of bank statements, and for your wife a sponsorship letter with a copy of your employment letter. Apply at least 15 days before departure.",
        },
        tags=("visa",),
    ),
    _T(
        category="Визы и документы / Подтверждение брони",
        subject={"ru": "Нужно подтверждение отеля для визы", "en": "Hotel confirmation needed for the visa"},
        body={
            "ru": "Для визового центра нужно подтверждение проживания на бланке отеля. Бронь {booking}, {hotel}.",
            "en": "The visa centre needs a hotel confirmation on the hotel's letterhead. Booking {booking}, {hotel}.",
        },
        answer={
            "ru": "Подтверждение от {hotel} на бланке отеля во вложении к письму. Оно подходит для визового центра.",
            "en": "The confirmation from {hotel} on its letterhead is attached to the email; it is accepted by the visa centre.",
        },
        tags=("visa", "hotel"),
        escalation=_E(
            diagnosis="Визовому центру нужен документ на бланке отеля, у нас только ваучер.",
            steps="Отправил(а) клиенту ваучер, визовый центр его не принял.",
            request="Запросить у отеля письмо-подтверждение.",
            line2_finding="Запрос отправлен в отель через партнёра.",
            third_party="отеля",
        ),
    ),
    _T(
        category="Визы и документы / Отказ в визе",
        subject={"ru": "Отказали в визе, что с туром?", "en": "Visa refused — what about the tour?"},
        body={
            "ru": "Мне отказали в визе в {country}. Тур {booking} на {date}. Вернут ли деньги? Страховку от невыезда оформляли.",
            "en": "My visa for {country} was refused. Tour {booking} on {date}. Will I get a refund? I bought cancellation insurance.",
        },
        answer={
            "ru": "Тур аннулирован. Фактические расходы туроператора покрывает страховка от невыезда: пакет документов для страховой отправили в письме. Остаток {amount} возвращён.",
            "en": "The tour is cancelled. The operator's actual costs are covered by your cancellation insurance; the documents for the insurer are in the email. The balance of {amount} has been refunded.",
        },
        tags=("visa", "refund", "insurance"),
        question={
            "ru": "Пришлите, пожалуйста, скан письма об отказе — он нужен для страховой.",
            "en": "Please send us a scan of the refusal letter; the insurer needs it.",
        },
        follow_up={
            "ru": "Отправила скан отдельным письмом.",
            "en": "I have sent the scan in a separate email.",
        },
    ),
    _T(
        category="Перелёт / Задержка рейса",
        subject={"ru": "Рейс задержали на {hours} часов", "en": "Flight delayed by {hours} hours"},
        body={
            "ru": "Рейс {flight} в {place} задержали на {hours} часов. Положена ли компенсация и кто её платит? Бронь {booking}.",
            "en": "Flight {flight} to {place} was delayed by {hours} hours. Am I entitled to compensation and who pays it? Booking {booking}.",
        },
        answer={
            "ru": "Компенсацию за задержку выплачивает авиакомпания. Мы подготовили заявление и справку о задержке — они во вложении, отправьте их в авиакомпанию через форму на её сайте.",
            "en": "Delay compensation is paid by the airline. We have prepared the claim form and a delay certificate, attached; send them to the airline through the form on its website.",
        },
        tags=("flight-delay",),
        escalation=_E(
            diagnosis="Задержка рейса {flight} подтверждена, клиент просит справку о задержке.",
            steps="Проверил(а) статус рейса, объяснил(а) порядок получения компенсации.",
            request="Запросить справку о задержке у авиакомпании.",
            line2_finding="Справка запрошена в представительстве авиакомпании.",
            third_party="авиакомпании",
        ),
    ),
    _T(
        category="Перелёт / Пропущенная стыковка",
        subject={
            "ru": "Опоздали на стыковку из-за задержки",
            "en": "Missed my connection because of a delay",
        },
        body={
            "ru": "Первый рейс задержали, мы не успели на стыковку {flight}. Сидим в аэропорту, что делать?!",
            "en": "Our first flight was delayed and we missed connection {flight}. We are stuck at the airport, what do we do?",
        },
        answer={
            "ru": "Вас пересадили на следующий рейс сегодня вечером, посадочные получите у стойки трансфера. Авиакомпания предоставит питание — талоны там же.",
            "en": "You have been rebooked onto the next flight this evening; get your boarding passes at the transfer desk. The airline provides meal vouchers there too.",
        },
        tags=("flight", "missed-connection"),
        priority="urgent",
    ),
    _T(
        category="Перелёт / Багаж",
        subject={"ru": "Не прилетел багаж", "en": "My luggage did not arrive"},
        body={
            "ru": "Прилетели в {place} рейсом {flight}, чемодан не прилетел. Акт в аэропорту составили. Чем можете помочь?",
            "en": "We landed in {place} on {flight} and my suitcase did not arrive. We filed a report at the airport. How can you help?",
        },
        answer={
            "ru": "Авиакомпания нашла чемодан: он прилетит следующим рейсом и будет доставлен в отель. Если понадобятся вещи первой необходимости, сохраняйте чеки — расходы компенсирует авиакомпания.",
            "en": "The airline has found your suitcase: it arrives on the next flight and will be delivered to your hotel. Keep receipts for essentials, the airline reimburses them.",
        },
        tags=("baggage", "flight"),
        escalation=_E(
            diagnosis="Багаж клиента не прибыл рейсом {flight}, акт о неприбытии составлен.",
            steps="Получил(а) номер акта, проверил(а) статус розыска на сайте авиакомпании — нет данных.",
            request="Связаться со службой розыска багажа авиакомпании.",
            line2_finding="Запрос в службу розыска отправлен, ждём ответа.",
            third_party="службы розыска багажа",
        ),
    ),
    _T(
        category="На отдыхе / Трансфер",
        subject={"ru": "Нас не встретили в аэропорту", "en": "Nobody met us at the airport"},
        body={
            "ru": "Прилетели в {place}, трансфер по брони {booking} не встретил, ждём уже 40 минут. Телефон водителя не отвечает.",
            "en": "We have landed in {place}; the transfer for booking {booking} is not here and we have waited 40 minutes. The driver does not answer.",
        },
        answer={
            "ru": "Дозвонились до принимающей стороны: водитель ждал у другого выхода, он уже идёт к вам. Приносим извинения — стоимость трансфера вернём.",
            "en": "We reached the local partner: the driver was waiting at another exit and is on his way to you. We apologise and will refund the transfer.",
        },
        tags=("transfer", "on-trip"),
        priority="urgent",
    ),
    _T(
        category="На отдыхе / Отель",
        subject={"ru": "Отель говорит, что мест нет", "en": "The hotel says it has no rooms"},
        body={
            "ru": "Приехали в {hotel}, на ресепшене говорят, что брони {booking} нет и мест нет. Мы с детьми!",
            "en": "We arrived at {hotel} and reception says there is no booking {booking} and no rooms. We have children with us!",
        },
        answer={
            "ru": "Отель допустил овербукинг. Мы разместили вас в соседнем отеле категории выше без доплаты, трансфер уже ждёт у входа.",
            "en": "The hotel overbooked. We have put you in a nearby hotel of a higher category at no extra cost; a transfer is waiting at the entrance.",
        },
        tags=("hotel", "overbooking", "on-trip"),
        priority="urgent",
        escalation=_E(
            diagnosis="Овербукинг в {hotel}, клиент с детьми на ресепшене.",
            steps="Позвонил(а) в отель: бронь есть в системе партнёра, но номеров нет.",
            request="Срочно найти замену и согласовать с партнёром.",
            line2_finding="Найден отель выше категорией рядом, партнёр оплачивает разницу.",
        ),
    ),
    _T(
        category="Изменение бронирования / Услуги",
        subject={"ru": "Добавить багаж в билет", "en": "Add checked baggage"},
        body={
            "ru": "Купили билет без багажа на {flight} {date}. Как добавить один чемодан 23 кг? Бронь {booking}.",
            "en": "We bought a ticket without baggage on {flight} on {date}. How can we add one 23 kg suitcase? Booking {booking}.",
        },
        answer={
            "ru": "Добавили багаж 23 кг к брони {booking}, стоимость {fee}. После оплаты по ссылке норма багажа появится в маршрутной квитанции.",
            "en": "We have added a 23 kg bag to booking {booking} for {fee}. Once paid through the link, the allowance will show on your itinerary.",
        },
        tags=("flight", "baggage"),
    ),
    _T(
        category="Визы и документы / Страховка",
        subject={"ru": "Не пришёл полис страховки", "en": "Insurance policy not received"},
        body={
            "ru": "В заказе {booking} была страховка, а полиса в письмах нет. Для визы нужен полис.",
            "en": "Booking {booking} included insurance but there is no policy in the emails. I need it for the visa.",
        },
        answer={
            "ru": "Полис по брони {booking} во вложении. Он соответствует требованиям консульства (покрытие от 30 000 €).",
            "en": "The policy for booking {booking} is attached. It meets the consulate's requirements (cover of at least €30,000).",
        },
        tags=("insurance", "visa"),
    ),
    _T(
        category="Оплата / Счета для компаний",
        subject={
            "ru": "Счёт и закрывающие документы для компании",
            "en": "Invoice and accounting documents for our company",
        },
        body={
            "ru": "Оплачивали командировку сотрудника по брони {booking} от компании. Нужны счёт-фактура и акт для бухгалтерии.",
            "en": "Our company paid for an employee's business trip, booking {booking}. Our accountants need the invoice and the certificate of services.",
        },
        answer={
            "ru": "Счёт-фактура и акт по брони {booking} отправлены на почту, оригиналы уйдут почтой в течение 5 дней.",
            "en": "The invoice and the certificate for booking {booking} have been emailed; originals follow by post within 5 days.",
        },
        tags=("invoice", "corporate"),
    ),
    _T(
        category="Корпоративные поездки",
        subject={"ru": "Группа на конференцию", "en": "Group travel to a conference"},
        body={
            "ru": "Нужно отправить {count} сотрудников в {place} на конференцию {date}: перелёт и отель на 3 ночи. Пришлите варианты.",
            "en": "We need to send {count} employees to {place} for a conference on {date}: flights and 3 nights of hotel. Please send options.",
        },
        answer={
            "ru": "Отправили три варианта с перелётом и проживанием; бронь держим до пятницы. Для подтверждения пришлите список участников с паспортными данными.",
            "en": "We have sent three options with flights and hotel; we hold them until Friday. To confirm, please send the list of travellers with passport details.",
        },
        tags=("corporate", "group"),
        question={
            "ru": "Уточните, пожалуйста, бюджет на человека и нужен ли отель рядом с площадкой конференции.",
            "en": "Could you tell us the budget per person and whether the hotel should be near the venue?",
        },
        follow_up={
            "ru": "До 60 000 ₽ на человека, отель желательно в пешей доступности.",
            "en": "Up to 60,000 RUB per person, hotel within walking distance if possible.",
        },
    ),
    _T(
        category="Перелёт / Дети",
        subject={"ru": "Перелёт с младенцем", "en": "Flying with an infant"},
        body={
            "ru": "Летим в {place} {date} с ребёнком 8 месяцев. Нужно ли место для младенца и можно ли заказать люльку?",
            "en": "We fly to {place} on {date} with an 8-month-old. Does the baby need a seat and can we request a bassinet?",
        },
        answer={
            "ru": "Младенец летит на руках, отдельное место не нужно. Люльку запросили у авиакомпании — подтверждение придёт за сутки до вылета.",
            "en": "The baby flies on your lap, no seat needed. We have requested a bassinet from the airline; confirmation comes a day before departure.",
        },
        tags=("flight", "children"),
    ),
    _T(
        category="Изменение бронирования / Ваучеры",
        subject={"ru": "Нет ваучера на отель", "en": "Hotel voucher missing"},
        body={
            "ru": "Вылетаем через три дня, а ваучера на {hotel} так и нет. Бронь {booking} оплачена.",
            "en": "We leave in three days and still have no voucher for {hotel}. Booking {booking} is paid.",
        },
        answer={
            "ru": "Ваучер по брони {booking} выписан и отправлен на почту. Бронь подтверждена отелем.",
            "en": "The voucher for booking {booking} has been issued and emailed. The hotel has confirmed the booking.",
        },
        tags=("voucher", "hotel"),
    ),
)

TRAVEL = BrandSpec(
    name="Kompas Travel",
    slug="kompas-travel",
    prefix="TRV",
    languages=("ru", "en"),
    time_zone="Europe/Moscow",
    color="#0b6e6e",
    working_language="ru",
    customer_languages={"ru": 0.75, "en": 0.25},
    people="ru",
    categories=(
        "Изменение бронирования / Даты проживания",
        "Изменение бронирования / Авиабилеты",
        "Изменение бронирования / Данные пассажира",
        "Изменение бронирования / Услуги",
        "Изменение бронирования / Ваучеры",
        "Возвраты / Отмена туроператором",
        "Возвраты / Добровольный отказ",
        "Визы и документы / Список документов",
        "Визы и документы / Подтверждение брони",
        "Визы и документы / Отказ в визе",
        "Визы и документы / Страховка",
        "Перелёт / Задержка рейса",
        "Перелёт / Пропущенная стыковка",
        "Перелёт / Багаж",
        "Перелёт / Дети",
        "На отдыхе / Трансфер",
        "На отдыхе / Отель",
        "Оплата / Счета для компаний",
        "Корпоративные поездки",
    ),
    team_names=("Компас: первая линия", "Компас: бронирование", "Компас: эксперты по перевозке"),
    organizations=(
        OrganizationSpec("АО «Промтехснаб»", "promtehsnab.example"),
        OrganizationSpec("ООО «Медиагруппа Восход»", "voshod-media.example"),
        OrganizationSpec("Фонд «Открытая наука»", "open-science-fund.example"),
    ),
    channel_weights={"email": 0.32, "web": 0.2, "phone": 0.18, "chat": 0.15, "social": 0.08, "api": 0.07},
    templates=TEMPLATES,
    facts=_facts,
    replies={
        "signoff": {
            "ru": "Хорошей поездки!\n{agent}, Kompas Travel",
            "en": "Have a good trip!\n{agent}, Kompas Travel",
        },
        "hold": {
            "ru": "Вернёмся к вашему вопросу ближе к дате поездки, когда партнёр откроет изменения. Бронь сохранена.",
            "en": "We will come back to this closer to the travel date, when our partner opens changes. Your booking is safe.",
        },
        "third_party": {
            "ru": "Запрос передан партнёру, ждём подтверждения. Как только ответят — сразу напишем.",
            "en": "We have passed the request to our partner and are waiting for confirmation; we will write as soon as they answer.",
        },
    },
    notes={
        "hold": (
            "Изменения по тарифу открываются за 14 дней до вылета, ставлю на паузу.",
            "Клиент просил вернуться после согласования отпуска.",
        ),
    },
)
