"""Parterre Tickets: a theatre, concert and museum box office; customers write in Russian or English."""

from __future__ import annotations

import random
from datetime import datetime

from frontdesk.demo.content.common import money, some_day
from frontdesk.demo.spec import BrandSpec, Escalation, OrganizationSpec, TicketTemplate

_EVENTS = (
    ("«Лебединое озеро»", "Swan Lake"),
    ("«Евгений Онегин»", "Eugene Onegin"),
    ("«Щелкунчик»", "The Nutcracker"),
    ("«Вишнёвый сад»", "The Cherry Orchard"),
    ("«Ревизор»", "The Government Inspector"),
    ("«Жизель»", "Giselle"),
    ("«Травиата»", "La Traviata"),
    ("«Чайка»", "The Seagull"),
    ("концерт «Времена года»", "The Four Seasons concert"),
)
_VENUES = (
    ("Историческая сцена", "the Historic Stage"),
    ("Новая сцена", "the New Stage"),
    ("Малый зал филармонии", "the Philharmonic Small Hall"),
    ("Камерный театр на Садовой", "the Chamber Theatre on Sadovaya"),
)
_MUSEUMS = (
    ("Музей городской истории", "the City History Museum"),
    ("галерея «Арка»", "the Arka Gallery"),
    ("Дом-музей композитора", "the Composer's House Museum"),
    ("Музей железной дороги", "the Railway Museum"),
)
_EXHIBITIONS = (
    ("выставку «Свет и тень»", "the Light and Shadow exhibition"),
    ("выставку «Город в открытках»", "the City in Postcards exhibition"),
    ("экспозицию «Паровозы XIX века»", "the 19th Century Locomotives display"),
)
_SECTIONS = (
    ("партер", "stalls"),
    ("амфитеатр", "amphitheatre"),
    ("бельэтаж", "dress circle"),
    ("балкон", "balcony"),
)


def _facts(rng: random.Random, lang: str, created: datetime) -> dict[str, str]:
    i = 0 if lang == "ru" else 1
    row, seat = rng.randint(2, 18), rng.randint(3, 28)
    section = rng.choice(_SECTIONS)[i]
    seats = (
        f"{section}, ряд {row}, места {seat} и {seat + 1}"
        if lang == "ru"
        else f"{section}, row {row}, seats {seat} and {seat + 1}"
    )
    return {
        "event": rng.choice(_EVENTS)[i],
        "venue": rng.choice(_VENUES)[i],
        "museum": rng.choice(_MUSEUMS)[i],
        "exhibition": rng.choice(_EXHIBITIONS)[i],
        "date": some_day(rng, lang, created, after=40),
        "time": rng.choice(("12:00", "18:00", "19:00", "19:30")),
        "order": f"PT-{rng.randint(1_000_000, 9_999_999)}",
        "amount": money(rng.choice((1800, 2400, 3200, 4500, 6800, 9600, 12400)), lang, "RUB"),
        "seats": seats,
        "card": str(rng.randint(1000, 9999)),
        "count": str(rng.randint(2, 5)),
        "promo": rng.choice(("OSEN25", "TEATR10", "MUSEUM2", "PREMIERA")),
        "certificate": f"GC-{rng.randint(10_000_000, 99_999_999)}",
    }


_T = TicketTemplate
_E = Escalation

TEMPLATES = (
    _T(
        category="Возвраты / Отмена мероприятия",
        subject={"ru": "Возврат за отменённый спектакль {event}", "en": "Refund for the cancelled {event}"},
        body={
            "ru": "Спектакль {event} {date} отменили, пришло письмо от театра. Как вернуть деньги за заказ {order}? Сумма {amount}.",
            "en": "The {date} performance of {event} was cancelled, the theatre emailed me. How do I get my money back for order {order}? It was {amount}.",
        },
        answer={
            "ru": "Возврат по заказу {order} оформлен в полном объёме, {amount}. Деньги поступят на карту в течение 5–10 рабочих дней, в зависимости от банка.",
            "en": "The refund for order {order} has been issued in full, {amount}. It will reach your card within 5–10 working days depending on your bank.",
        },
        tags=("refund", "cancelled-event"),
        priority="high",
        escalation=_E(
            diagnosis="Мероприятие отменено организатором, в системе продаж заказ {order} оплачен, возврат автоматически не запустился.",
            steps="Проверил(а) статус заказа и рассылку театра. Клиенту отправлено подтверждение, что заявка принята.",
            request="Запустить ручной возврат по отменённому мероприятию.",
            line2_finding="Возврат требует подтверждения театра: мероприятие помечено как перенесённое, а не отменённое.",
            line3_request="Исправить статус мероприятия в системе продаж и запустить массовый возврат.",
            line3_finding="Статус мероприятия исправлен, массовый возврат по 214 заказам запущен, {order} в их числе.",
            third_party="театра (подтверждение отмены)",
        ),
    ),
    _T(
        category="Возвраты / Перенос мероприятия",
        subject={
            "ru": "Перенесли концерт, новая дата не подходит",
            "en": "Concert moved, the new date does not work for me",
        },
        body={
            "ru": "Купила билеты на {event}, а его перенесли на {date}. Мы в этот день уезжаем. Можно вернуть билеты? Заказ {order}.",
            "en": "I bought tickets for {event} and it has been moved to {date}. We are away that day. Can I return the tickets? Order {order}.",
        },
        answer={
            "ru": "При переносе мероприятия возврат возможен в полном объёме. Мы оформили возврат по заказу {order}, {amount} вернутся на карту в течение 10 дней.",
            "en": "When an event is moved you are entitled to a full refund. We have refunded order {order}; {amount} will be back on your card within 10 days.",
        },
        tags=("refund", "rescheduled"),
        question={
            "ru": "Уточните, пожалуйста: вы хотите вернуть все билеты из заказа или только часть?",
            "en": "Could you confirm whether you want to return all tickets in the order or only some of them?",
        },
        follow_up={"ru": "Все билеты, пожалуйста.", "en": "All of them, please."},
    ),
    _T(
        category="Возвраты / Возврат по желанию покупателя",
        subject={"ru": "Хочу сдать билеты", "en": "I would like to return my tickets"},
        body={
            "ru": "Не получается пойти на {event} {date}, заболел ребёнок. Можно ли сдать билеты по заказу {order}?",
            "en": "We cannot make it to {event} on {date}, my child is ill. Can I return the tickets from order {order}?",
        },
        answer={
            "ru": "Сдать билеты можно не позднее чем за 3 дня до мероприятия. Возврат по заказу {order} оформлен, сервисный сбор не возвращается. Выздоравливайте!",
            "en": "Tickets can be returned up to 3 days before the event. Order {order} has been refunded; the service fee is not refundable. We hope your child gets well soon!",
        },
        tags=("refund",),
    ),
    _T(
        category="Электронные билеты / Билет не пришёл",
        subject={"ru": "Не пришли электронные билеты", "en": "E-tickets not received"},
        body={
            "ru": "Оплатил заказ {order} на {event}, деньги списались, а билетов на почте нет. Спам проверил.",
            "en": "I paid for order {order} for {event}, the money was taken but there are no tickets in my inbox. I checked spam.",
        },
        answer={
            "ru": "Билеты по заказу {order} отправлены повторно. Также их можно скачать в личном кабинете, раздел «Мои заказы».",
            "en": "We have sent the tickets for order {order} again. You can also download them from your account, under My orders.",
        },
        tags=("e-ticket",),
        question={
            "ru": "Проверьте, пожалуйста, адрес почты в заказе — возможно, в нём опечатка. Пришлите адрес, на который ждёте билеты.",
            "en": "Please check the email address on the order, there may be a typo. Send us the address where you expect the tickets.",
        },
        follow_up={
            "ru": "Да, ошибся в одной букве. Правильный адрес — этот, с которого пишу.",
            "en": "Yes, one letter was wrong. The right address is the one I am writing from.",
        },
        escalation=_E(
            diagnosis="Письмо с билетами по {order} не доставлено: почтовый сервис клиента вернул отказ.",
            steps="Проверил(а) адрес в заказе, попросил(а) проверить спам. Повторная отправка из карточки заказа не помогла.",
            request="Проверить журнал доставки и отправить билеты вручную.",
            line2_finding="Домен клиента временно отклонял письма с нашего адреса. Отправили билеты с резервного адреса, доставка подтверждена.",
        ),
    ),
    _T(
        category="Электронные билеты / Билет не пришёл",
        subject={
            "ru": "Оплата прошла, а заказ «в обработке»",
            "en": "Paid, but the order is still 'processing'",
        },
        body={
            "ru": "Вчера оплатила {count} билета на {event}, с карты *{card} списано {amount}, а заказ {order} до сих пор в обработке. Билетов нет.",
            "en": "Yesterday I paid for {count} tickets to {event}, {amount} was charged to card *{card}, but order {order} is still processing. No tickets.",
        },
        answer={
            "ru": "Оплата по заказу {order} подтверждена, билеты выпущены и отправлены вам на почту. Приносим извинения за задержку.",
            "en": "The payment for order {order} is confirmed; the tickets have been issued and emailed to you. We apologise for the delay.",
        },
        tags=("e-ticket", "payment"),
        priority="high",
        escalation=_E(
            diagnosis="Платёж по {order} есть в банке, но заказ не перешёл в статус «оплачен».",
            steps="Сверил(а) сумму и время платежа, клиенту отправлено подтверждение, что деньги на месте.",
            request="Проверить, почему не пришло уведомление от платёжного шлюза.",
            line2_finding="Уведомление шлюза не дошло: таймаут на нашей стороне. Требуется ручная привязка платежа.",
            line3_request="Привязать платёж к заказу вручную и проверить очередь уведомлений шлюза.",
            line3_finding="Платёж привязан, заказ выпущен. В очереди нашлось ещё 6 таких заказов — исправлены.",
        ),
    ),
    _T(
        category="Электронные билеты / Не открывается QR-код",
        subject={"ru": "QR-код не сканируется на входе", "en": "The QR code does not scan at the entrance"},
        body={
            "ru": "Сегодня в {time} {event}, пробовали пройти — контролёр говорит, что билет недействителен. Заказ {order}. Что делать?!",
            "en": "{event} starts at {time} today; at the entrance they said my ticket is invalid. Order {order}. What should I do?",
        },
        answer={
            "ru": "Мы перевыпустили билеты по заказу {order} и предупредили администратора площадки. Покажите новый QR-код на входе, вас пропустят.",
            "en": "We have reissued the tickets for order {order} and warned the venue manager. Show the new QR code at the entrance and you will be let in.",
        },
        tags=("e-ticket", "urgent-entry"),
        priority="urgent",
        escalation=_E(
            diagnosis="Билет по {order} помечен как использованный, хотя клиент не проходил.",
            steps="Проверил(а) заказ: статус «погашен» в {time}. Клиент у входа, ждёт.",
            request="Срочно перевыпустить билеты и связаться с площадкой.",
            line2_finding="Билет был погашен ошибочно при тестовом сканировании на площадке. Перевыпущен, администратор предупреждён.",
        ),
    ),
    _T(
        category="Оплата / Платёж отклонён",
        subject={"ru": "Не проходит оплата картой", "en": "Card payment declined"},
        body={
            "ru": "Третий раз пытаюсь оплатить билеты на {event}, пишет «платёж отклонён». Карта рабочая, в магазинах проходит.",
            "en": "This is my third attempt to pay for {event} tickets and it says 'payment declined'. The card works fine in shops.",
        },
        answer={
            "ru": "Отказ пришёл от банка на этапе 3-D Secure. Попробуйте, пожалуйста, ещё раз и дождитесь SMS с кодом, либо оплатите через СБП. Места для вас мы придержали до конца дня.",
            "en": "The decline came from your bank at the 3-D Secure step. Please try again and wait for the SMS code, or pay by bank transfer. We are holding the seats for you until the end of the day.",
        },
        tags=("payment",),
        question={
            "ru": "Подскажите, пожалуйста, последние 4 цифры карты и примерное время попытки оплаты.",
            "en": "Could you tell us the last 4 digits of the card and roughly when you tried to pay?",
        },
        follow_up={
            "ru": "Карта *{card}, пробовал около 21:00.",
            "en": "Card ending {card}, I tried around 9 pm.",
        },
    ),
    _T(
        category="Оплата / Двойное списание",
        subject={"ru": "Деньги списали дважды", "en": "I was charged twice"},
        body={
            "ru": "За заказ {order} с карты *{card} два раза списали {amount}. Верните, пожалуйста, лишнее.",
            "en": "For order {order} my card *{card} was charged {amount} twice. Please refund the extra charge.",
        },
        answer={
            "ru": "Второй платёж был автоматически отменён банком-эквайером. Средства вернутся на карту *{card} в течение 3–7 рабочих дней.",
            "en": "The second payment has been reversed by the acquiring bank. The money will be back on card *{card} within 3–7 working days.",
        },
        tags=("payment", "double-charge"),
        priority="high",
        escalation=_E(
            diagnosis="В системе один оплаченный заказ {order}, в выписке клиента два списания.",
            steps="Запросил(а) скриншот выписки, сверил(а) суммы и время платежей.",
            request="Найти второй платёж в шлюзе и инициировать отмену.",
            line2_finding="Второй платёж — повторная авторизация после таймаута. Нужна отмена через банк-эквайер.",
            line3_request="Отправить запрос на отмену в банк-эквайер.",
            line3_finding="Банк подтвердил отмену второго платежа.",
            third_party="банка-эквайера",
        ),
    ),
    _T(
        category="Места / Замена мест",
        subject={"ru": "Можно поменять места?", "en": "Can I change my seats?"},
        body={
            "ru": "У меня {seats} на {event} {date}. Хотел бы пересесть ближе к сцене, готов доплатить.",
            "en": "I have {seats} for {event} on {date}. I would like to move closer to the stage and am happy to pay the difference.",
        },
        answer={
            "ru": "Обмен оформлен: новые места в партере, доплата по ссылке из письма. После оплаты старые билеты аннулируются, новые придут на почту.",
            "en": "The exchange is done: your new seats are in the stalls, pay the difference through the link in the email. Once paid, the old tickets are cancelled and the new ones emailed.",
        },
        tags=("seat-change",),
    ),
    _T(
        category="Места / Доступная среда",
        subject={"ru": "Места для зрителя на коляске", "en": "Wheelchair space"},
        body={
            "ru": "Хочу пойти с мамой на {event} {date}, она на коляске. Есть ли места и как их купить? Нужен ли сопровождающий билет?",
            "en": "I want to take my mother to {event} on {date}; she uses a wheelchair. Are there spaces and how can I book them? Is there a companion ticket?",
        },
        answer={
            "ru": "На {venue} есть два места для колясок в партере. Мы забронировали место и билет для сопровождающего по льготной цене; ссылка на оплату в письме. Вход — через боковой подъезд с пандусом.",
            "en": "{venue} has two wheelchair spaces in the stalls. We have reserved one with a companion ticket at the reduced price; the payment link is in the email. The step-free entrance is at the side door.",
        },
        tags=("accessibility",),
        question={
            "ru": "Подскажите, пожалуйста, нужен ли подъёмник или достаточно пандуса?",
            "en": "Could you tell us whether a lift is needed or a ramp is enough?",
        },
        follow_up={"ru": "Пандуса достаточно, спасибо.", "en": "A ramp is enough, thank you."},
    ),
    _T(
        category="Музеи / Входные билеты",
        subject={"ru": "Перенести время посещения музея", "en": "Change my museum time slot"},
        body={
            "ru": "Купили билеты в {museum} на {date}, сеанс {time}. Можно перенести на более позднее время в тот же день?",
            "en": "We bought tickets to {museum} for {date}, {time} slot. Can we move to a later slot on the same day?",
        },
        answer={
            "ru": "Перенесли ваш визит в {museum} на 15:00 того же дня. Старые билеты действуют — новые печатать не нужно.",
            "en": "We have moved your visit to {museum} to 3 pm on the same day. Your tickets stay valid, no need to print new ones.",
        },
        tags=("museum",),
    ),
    _T(
        category="Музеи / Входные билеты",
        subject={"ru": "Льготный билет для студента", "en": "Student discount ticket"},
        body={
            "ru": "Я студентка, хочу купить льготный билет на {exhibition}, но на сайте нет такой категории.",
            "en": "I am a student and want a discounted ticket to {exhibition}, but there is no such option on the site.",
        },
        answer={
            "ru": "Льготные билеты продаются только в кассе музея при предъявлении студенческого билета. Онлайн доступен полный тариф; по средам вход для студентов бесплатный.",
            "en": "Discounted tickets are sold only at the museum desk on showing a student card. Online only the full fare is available; students get in free on Wednesdays.",
        },
        tags=("museum", "discount"),
    ),
    _T(
        category="Музеи / Экскурсии",
        subject={"ru": "Экскурсия для группы", "en": "Guided tour for a group"},
        body={
            "ru": "Нас будет {count} взрослых и 10 школьников, хотим экскурсию по {exhibition} {date}. Как забронировать?",
            "en": "There will be {count} adults and 10 pupils; we want a guided tour of {exhibition} on {date}. How do we book it?",
        },
        answer={
            "ru": "Забронировали групповую экскурсию на {date} в 11:00. Счёт для оплаты отправлен на почту; оплатить нужно за 3 дня до визита.",
            "en": "We have booked a group tour on {date} at 11 am. The invoice has been emailed; please pay at least 3 days before the visit.",
        },
        tags=("museum", "group"),
        escalation=_E(
            diagnosis="Групповая экскурсия на {date}: в системе нет свободных экскурсоводов на это время.",
            steps="Проверил(а) расписание в системе продаж, предложил(а) клиенту другое время — клиент настаивает.",
            request="Согласовать с музеем дополнительного экскурсовода.",
            line2_finding="Запрос отправлен в экскурсионный отдел музея.",
            third_party="экскурсионного отдела музея",
        ),
    ),
    _T(
        category="Аккаунт / Восстановление пароля",
        subject={"ru": "Не приходит письмо для сброса пароля", "en": "Password reset email does not arrive"},
        body={
            "ru": "Не могу войти в личный кабинет, нажимаю «Забыли пароль», письмо не приходит уже час.",
            "en": "I cannot sign in; I clicked 'Forgot password' and the email has not arrived for an hour.",
        },
        answer={
            "ru": "Отправили ссылку для сброса пароля ещё раз, она действует 24 часа. Если письма нет во «Входящих», проверьте папку «Промоакции».",
            "en": "We have sent the reset link again; it is valid for 24 hours. If it is not in your inbox, please check the Promotions folder.",
        },
        tags=("account", "password"),
    ),
    _T(
        category="Аккаунт / Изменение данных",
        subject={"ru": "Сменить почту в личном кабинете", "en": "Change the email on my account"},
        body={
            "ru": "Старая почта больше не работает, как поменять адрес в аккаунте? Там все мои заказы.",
            "en": "My old email no longer works. How can I change the address on my account? All my orders are there.",
        },
        answer={
            "ru": "Адрес в аккаунте изменён, все заказы сохранены. Подтвердите новый адрес по ссылке из письма.",
            "en": "The address on your account has been changed and all orders are kept. Please confirm it with the link we emailed you.",
        },
        tags=("account",),
        question={
            "ru": "Для безопасности назовите, пожалуйста, номер одного из ваших последних заказов.",
            "en": "For security, please tell us the number of one of your recent orders.",
        },
        follow_up={"ru": "Последний был {order}.", "en": "The last one was {order}."},
    ),
    _T(
        category="Подарочные сертификаты",
        subject={
            "ru": "Сертификат не принимается при оплате",
            "en": "Gift certificate not accepted at checkout",
        },
        body={
            "ru": "Ввожу номер сертификата {certificate}, пишет «недействителен». Подарили на день рождения, срок ещё не истёк.",
            "en": "I enter certificate {certificate} and it says 'invalid'. It was a birthday present and has not expired.",
        },
        answer={
            "ru": "Сертификат {certificate} был не активирован при покупке. Мы его активировали — можно использовать.",
            "en": "Certificate {certificate} had not been activated when it was bought. We have activated it, you can use it now.",
        },
        tags=("gift-certificate",),
        escalation=_E(
            diagnosis="Сертификат {certificate} есть в базе, статус «не активирован».",
            steps="Проверил(а) покупку сертификата: оплачен. Активировать из интерфейса первой линии нельзя.",
            request="Активировать сертификат.",
            line2_finding="Сертификат активирован, причина — сбой при оплате в день покупки.",
        ),
    ),
    _T(
        category="Групповые заявки",
        subject={"ru": "Билеты для класса", "en": "Tickets for a school class"},
        body={
            "ru": "Хотим вывести класс (25 человек) на {event} {date}. Нужен счёт на школу и места рядом.",
            "en": "We want to bring a class of 25 to {event} on {date}. We need an invoice for the school and seats together.",
        },
        answer={
            "ru": "Забронировали 25 мест в амфитеатре одним блоком. Счёт на организацию отправлен, бронь действует 5 рабочих дней.",
            "en": "We have reserved 25 seats together in the amphitheatre. The invoice has been sent; the booking holds for 5 working days.",
        },
        tags=("group", "invoice"),
        question={
            "ru": "Пришлите, пожалуйста, реквизиты школы для счёта.",
            "en": "Please send us the school's billing details for the invoice.",
        },
        follow_up={
            "ru": "Реквизиты во вложении к письму бухгалтерии, дублирую сюда: ИНН 7701234567.",
            "en": "Billing details: tax id 7701234567, same address as before.",
        },
    ),
    _T(
        category="Электронные билеты / Именной билет",
        subject={
            "ru": "Переоформить билет на другого человека",
            "en": "Put my ticket in another person's name",
        },
        body={
            "ru": "Билет на {event} именной, а пойдёт моя сестра. Можно переоформить? Заказ {order}.",
            "en": "My ticket for {event} is in my name but my sister will go instead. Can it be reissued? Order {order}.",
        },
        answer={
            "ru": "Билет переоформлен, новый отправлен на почту. Сестре нужно взять с собой паспорт.",
            "en": "The ticket has been reissued and emailed to you. Your sister will need to bring her passport.",
        },
        tags=("e-ticket", "personal-ticket"),
        question={
            "ru": "Напишите, пожалуйста, ФИО нового зрителя так, как в паспорте.",
            "en": "Please send us the new attendee's full name as in their passport.",
        },
        follow_up={"ru": "Воронина Ирина Сергеевна.", "en": "Irina Voronina."},
    ),
    _T(
        category="Электронные билеты / Билет не пришёл",
        subject={"ru": "Удалила письмо с билетами", "en": "I deleted the email with my tickets"},
        body={
            "ru": "Случайно удалила письмо с билетами на {event}. Можно прислать ещё раз? Заказ {order}.",
            "en": "I accidentally deleted the email with my {event} tickets. Can you send it again? Order {order}.",
        },
        answer={
            "ru": "Отправили билеты по заказу {order} повторно. Их также можно показать с телефона — распечатывать не обязательно.",
            "en": "We have resent the tickets for order {order}. You can also show them on your phone, no need to print.",
        },
        tags=("e-ticket",),
    ),
    _T(
        category="Вопросы о мероприятиях",
        subject={"ru": "С какого возраста можно ребёнку?", "en": "Minimum age for children"},
        body={
            "ru": "Хотим пойти на {event} с сыном, ему 6 лет. Пустят? Нужен ли ему отдельный билет?",
            "en": "We would like to see {event} with our son, who is 6. Will he be admitted, and does he need his own ticket?",
        },
        answer={
            "ru": "На {event} допускаются дети с 6 лет, каждому зрителю нужен отдельный билет, в том числе ребёнку.",
            "en": "Children from 6 are admitted to {event}; every attendee, including children, needs their own ticket.",
        },
        tags=("event-info",),
    ),
    _T(
        category="Вопросы о мероприятиях",
        subject={"ru": "Во сколько открывают вход?", "en": "When do the doors open?"},
        body={
            "ru": "Спектакль {event} {date} в {time}. Во сколько откроют двери и есть ли гардероб?",
            "en": "{event} is on {date} at {time}. When do the doors open, and is there a cloakroom?",
        },
        answer={
            "ru": "Вход открывается за час до начала, гардероб работает. После третьего звонка вход в зал только в антракте.",
            "en": "Doors open an hour before the start and the cloakroom is open. After the third bell latecomers are seated at the interval.",
        },
        tags=("event-info",),
    ),
    _T(
        category="Оплата / Промокод",
        subject={"ru": "Промокод не работает", "en": "Promo code does not work"},
        body={
            "ru": "Получила промокод {promo} в рассылке, но при оформлении заказа скидка не применяется.",
            "en": "I got the promo code {promo} in your newsletter but the discount is not applied at checkout.",
        },
        answer={
            "ru": "Промокод {promo} действует только на спектакли Новой сцены. Мы применили скидку к вашему заказу вручную в виде исключения.",
            "en": "Code {promo} is valid only for New Stage performances. As an exception we applied the discount to your order by hand.",
        },
        tags=("promo",),
    ),
)

BOX_OFFICE = BrandSpec(
    name="Parterre Tickets",
    slug="parterre-tickets",
    prefix="BOX",
    languages=("ru", "en"),
    time_zone="Europe/Moscow",
    color="#8c1c2c",
    working_language="ru",
    customer_languages={"ru": 0.82, "en": 0.18},
    people="ru",
    categories=(
        "Возвраты / Отмена мероприятия",
        "Возвраты / Перенос мероприятия",
        "Возвраты / Возврат по желанию покупателя",
        "Электронные билеты / Билет не пришёл",
        "Электронные билеты / Не открывается QR-код",
        "Электронные билеты / Именной билет",
        "Оплата / Платёж отклонён",
        "Оплата / Двойное списание",
        "Оплата / Промокод",
        "Места / Замена мест",
        "Места / Доступная среда",
        "Музеи / Входные билеты",
        "Музеи / Экскурсии",
        "Аккаунт / Восстановление пароля",
        "Аккаунт / Изменение данных",
        "Подарочные сертификаты",
        "Групповые заявки",
        "Вопросы о мероприятиях",
    ),
    team_names=("Партер: первая линия", "Партер: вторая линия", "Партер: платформа продаж"),
    organizations=(
        OrganizationSpec("Гимназия № 1530", "gym1530.example"),
        OrganizationSpec("ООО «Северный ветер»", "severveter.example"),
        OrganizationSpec("Клуб любителей оперы «Бельканто»", "belcanto-club.example"),
    ),
    channel_weights={"email": 0.3, "web": 0.24, "phone": 0.16, "chat": 0.15, "social": 0.1, "api": 0.05},
    templates=TEMPLATES,
    facts=_facts,
    replies={
        "signoff": {
            "ru": "С уважением,\n{agent}, служба поддержки Parterre Tickets",
            "en": "Kind regards,\n{agent}, Parterre Tickets support",
        },
        "hold": {
            "ru": "Театр пока не объявил новую дату. Как только расписание появится, мы сразу напишем и предложим варианты.",
            "en": "The theatre has not announced the new date yet. As soon as it does, we will write to you with the options.",
        },
        "third_party": {
            "ru": "Мы направили запрос организатору и ждём ответа. Обычно это занимает 1–3 рабочих дня.",
            "en": "We have passed your request to the organiser and are waiting for their answer; it usually takes 1–3 working days.",
        },
    },
    notes={
        "hold": (
            "Ставлю на паузу до объявления новой даты мероприятия.",
            "Клиент просил вернуться к вопросу после праздников.",
        ),
    },
    plain_customer=("Наталья Воронцова", "n.vorontsova@pochta.example", "ru"),
)
