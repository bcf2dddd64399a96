"""Parterre Tickets, a box office for concerts and theatres: its help articles in Russian and English."""

from __future__ import annotations

from frontdesk.demo.knowledge.spec import ArticleSpec, KnowledgeSpec, Text

PARTERRE = KnowledgeSpec(
    categories=(
        ("orders", {"ru": "Заказы и электронные билеты", "en": "Orders and e-tickets"}),
        ("refunds", {"ru": "Возвраты и обмен", "en": "Refunds and exchanges"}),
        ("payment", {"ru": "Оплата", "en": "Payment"}),
        ("visit", {"ru": "На мероприятии", "en": "At the event"}),
        ("account", {"ru": "Личный кабинет", "en": "Your account"}),
    ),
    articles=(
        ArticleSpec(
            key="e-tickets-missing",
            category="orders",
            related=("show-e-ticket", "charged-no-order"),
            texts={
                "ru": Text(
                    "Не пришли электронные билеты",
                    "Электронные билеты уходят на почту, указанную при покупке, в течение 15 минут после "
                    "оплаты.\n\n"
                    "Если письма нет:\n\n"
                    "1. Проверьте папки **«Спам»**, **«Промоакции»** и **«Рассылки»**.\n"
                    "2. Убедитесь, что в заказе нет опечатки в адресе: он виден в личном кабинете, в разделе "
                    "«Мои заказы».\n"
                    "3. Нажмите **«Отправить билеты ещё раз»** на странице заказа — письмо придёт повторно.\n"
                    "4. Билеты можно скачать прямо со страницы заказа в формате PDF.\n\n"
                    "Если заказа нет в кабинете, а деньги списаны, прочитайте статью о списании без заказа.",
                    ("электронные билеты", "почта", "письмо", "спам"),
                ),
                "en": Text(
                    "My e-tickets did not arrive",
                    "E-tickets are sent to the email address given at checkout within 15 minutes of "
                    "payment.\n\n"
                    "If you cannot find them:\n\n"
                    "1. Look in your **Spam**, **Promotions** and **Updates** folders.\n"
                    "2. Check the address for typos: it is shown in your account under *My orders*.\n"
                    "3. Press **Send tickets again** on the order page and we will resend the mail.\n"
                    "4. You can also download the tickets as a PDF straight from the order page.\n\n"
                    "If the order is not in your account but your card was charged, see the article about "
                    "a payment without an order.",
                    ("e-tickets", "email", "not received", "spam"),
                ),
            },
        ),
        ArticleSpec(
            key="show-e-ticket",
            category="visit",
            related=("e-tickets-missing",),
            texts={
                "ru": Text(
                    "Как пройти на мероприятие по электронному билету",
                    "Распечатывать билет не обязательно: контролёр сканирует QR-код с экрана телефона. "
                    "Прибавьте яркость экрана и откройте билет заранее — в зале часто плохо ловит связь.\n\n"
                    "- Каждый билет пускает одного человека; штрихкод действует один раз.\n"
                    "- Не публикуйте фото билета в соцсетях: по копии может пройти кто-то другой.\n"
                    "- Если билет именной, возьмите паспорт или другой документ с фотографией.\n\n"
                    "Вход открывается за час до начала, для больших концертов — за полтора.",
                    ("вход", "qr-код", "распечатать", "контроль"),
                ),
                "en": Text(
                    "How to get in with an e-ticket",
                    "You do not need to print your ticket: the usher scans the QR code from your phone "
                    "screen. Turn the brightness up and open the ticket before you reach the door — mobile "
                    "signal inside the venue is often weak.\n\n"
                    "- Each ticket admits one person and its barcode works once.\n"
                    "- Do not post a photo of your ticket online: anyone with a copy could use it first.\n"
                    "- For tickets issued in a name, bring a passport or another photo ID.\n\n"
                    "Doors open an hour before the start, an hour and a half for large concerts.",
                    ("entry", "qr code", "print", "doors"),
                ),
            },
        ),
        ArticleSpec(
            key="refund-cancelled",
            category="refunds",
            related=("refund-own-decision",),
            texts={
                "ru": Text(
                    "Возврат билетов на отменённое или перенесённое мероприятие",
                    "Если организатор **отменил** мероприятие, полная стоимость билетов, включая сервисный "
                    "сбор, возвращается автоматически на карту, которой вы платили, в течение 10 рабочих "
                    "дней после объявления отмены. Заявление писать не нужно.\n\n"
                    "Если мероприятие **перенесено**, билеты действуют на новую дату. Если новая дата вам не "
                    "подходит, оформите возврат через форму «Возврат» на портале до даты, которую назвал "
                    "организатор. Приложите:\n\n"
                    "- номер заказа;\n"
                    "- скан или фото паспорта покупателя (страница с фото);\n"
                    "- заявление по форме организатора, если он его требует — ссылка есть в письме о "
                    "переносе.\n\n"
                    "Деньги приходят на карту за 5–30 дней: срок зависит от банка.",
                    ("возврат", "отмена", "перенос", "деньги"),
                ),
                "en": Text(
                    "Refunds for a cancelled or postponed event",
                    "If the organiser **cancels** the event, the full price including the service fee goes "
                    "back to the card you paid with, automatically, within 10 working days of the "
                    "announcement. You do not need to ask.\n\n"
                    "If the event is **postponed**, your tickets are valid for the new date. If the new date "
                    "does not suit you, request a refund with the *Refund* form in the portal before the "
                    "deadline the organiser set. Attach:\n\n"
                    "- the order number;\n"
                    "- a scan or photo of the buyer's passport (photo page);\n"
                    "- the organiser's refund application, if they ask for one — the link is in the mail "
                    "about the new date.\n\n"
                    "The money reaches your card in 5–30 days, depending on your bank.",
                    ("refund", "cancelled", "postponed", "money back"),
                ),
            },
        ),
        ArticleSpec(
            key="refund-own-decision",
            category="refunds",
            related=("refund-cancelled",),
            texts={
                "ru": Text(
                    "Можно ли вернуть билет, если я передумал",
                    "Да, если до мероприятия осталось больше 10 дней: возвращается полная стоимость билета "
                    "без сервисного сбора. Если осталось от 5 до 10 дней — удерживается 50%, от 3 до 5 "
                    "дней — 70%. Меньше чем за 3 дня билет вернуть нельзя, таковы правила организаторов.\n\n"
                    "Оформите возврат через форму «Возврат» на портале и укажите номер заказа. Поменять "
                    "билет на другую дату или места нельзя — верните билет и купите новый.",
                    ("возврат", "сдать билет", "передумал", "сроки"),
                ),
                "en": Text(
                    "Can I return a ticket if I change my mind?",
                    "Yes, if the event is more than 10 days away: you get the ticket price back, without "
                    "the service fee. From 10 to 5 days before the event 50% is withheld, from 5 to 3 days "
                    "70%. Within 3 days of the event tickets cannot be returned; these are the organisers' "
                    "rules.\n\n"
                    "Use the *Refund* form in the portal and give your order number. Tickets cannot be "
                    "exchanged for another date or other seats — return them and buy new ones.",
                    ("refund", "return a ticket", "change of mind", "deadlines"),
                ),
            },
        ),
        ArticleSpec(
            key="payment-declined",
            category="payment",
            related=("charged-no-order",),
            texts={
                "ru": Text(
                    "Оплата не проходит, карта отклонена",
                    "Чаще всего платёж отклоняет банк, выпустивший карту. Что проверить:\n\n"
                    "1. Хватает ли денег и не превышен ли дневной лимит на покупки в интернете.\n"
                    "2. Включены ли на карте платежи в интернете (в приложении банка).\n"
                    "3. Правильно ли введён код из SMS (3-D Secure). Код действует 5 минут.\n"
                    "4. Попробуйте другую карту или оплату через СБП.\n\n"
                    "Места держатся за вами 15 минут, пока открыта страница оплаты. Если время вышло, "
                    "выберите места заново. Деньги за отклонённый платёж не списываются; если банк их "
                    "заблокировал, блокировка снимется сама за 1–3 дня.",
                    ("оплата", "карта", "отклонена", "3-d secure", "сбп"),
                ),
                "en": Text(
                    "My payment was declined",
                    "Most declines come from the bank that issued the card. Please check:\n\n"
                    "1. That there is enough money and your daily limit for online purchases is not "
                    "reached.\n"
                    "2. That online payments are switched on for the card (in your banking app).\n"
                    "3. That the SMS code (3-D Secure) was entered correctly; it is valid for 5 minutes.\n"
                    "4. Try another card.\n\n"
                    "Your seats are held for 15 minutes while the payment page is open; after that, choose "
                    "them again. A declined payment is not charged; if your bank put a hold on the money, "
                    "it is released by itself within 1–3 days.",
                    ("payment", "card declined", "3-d secure", "bank"),
                ),
            },
        ),
        ArticleSpec(
            key="charged-no-order",
            category="payment",
            related=("payment-declined", "e-tickets-missing"),
            texts={
                "ru": Text(
                    "Деньги списались, а заказа нет",
                    "Иногда банк подтверждает платёж позже, чем закрылась страница оплаты. В таком случае "
                    "заказ не создаётся, а сумма блокируется на карте.\n\n"
                    "- Подождите 30 минут и проверьте раздел «Мои заказы» и почту.\n"
                    "- Если заказа нет, блокировка снимется сама в течение 3 рабочих дней.\n"
                    "- Если деньги списались окончательно (есть операция в выписке, а не «в обработке»), "
                    "напишите нам: укажите дату, время и сумму платежа и последние 4 цифры карты.\n\n"
                    "Мы не видим полный номер карты и никогда его не спрашиваем.",
                    ("списание", "деньги", "нет заказа", "двойное списание"),
                ),
                "en": Text(
                    "I was charged but have no order",
                    "Sometimes the bank confirms a payment after the payment page has closed. The order is "
                    "then not created, and the amount is held on your card.\n\n"
                    "- Wait 30 minutes, then check *My orders* and your email.\n"
                    "- If there is still no order, the hold is released by itself within 3 working days.\n"
                    "- If the amount was actually taken (a completed transaction on your statement, not a "
                    "pending one), write to us with the date, time and amount of the payment and the last 4 "
                    "digits of the card.\n\n"
                    "We never see or ask for your full card number.",
                    ("charged", "no order", "double charge", "money"),
                ),
            },
        ),
        ArticleSpec(
            key="password",
            category="account",
            texts={
                "ru": Text(
                    "Не получается войти в личный кабинет",
                    "Войти можно по паролю или по одноразовой ссылке на почту — пароль для этого не нужен.\n\n"
                    "Чтобы задать новый пароль, нажмите **«Забыли пароль?»** на странице входа и введите "
                    "адрес почты. Ссылка действует 1 час. Если письмо не пришло, проверьте «Спам» и "
                    "убедитесь, что вводите тот же адрес, что при покупке.\n\n"
                    "Если вы покупали билеты без регистрации, кабинет создаётся автоматически: войдите по "
                    "ссылке на почту — все заказы уже будут там.",
                    ("пароль", "вход", "личный кабинет", "восстановление"),
                ),
                "en": Text(
                    "I cannot sign in to my account",
                    "You can sign in with your password or with a one-time link sent to your email — no "
                    "password needed.\n\n"
                    "To set a new password, press **Forgot password?** on the sign-in page and enter your "
                    "email address. The link is valid for one hour. If the mail does not come, check your "
                    "spam folder and make sure you use the address you bought the tickets with.\n\n"
                    "If you bought tickets without registering, an account was created for you: sign in "
                    "with the email link and your orders are already there.",
                    ("password", "sign in", "account", "reset"),
                ),
            },
        ),
        ArticleSpec(
            key="name-on-ticket",
            category="orders",
            texts={
                "ru": Text(
                    "Как переоформить именной билет на другого человека",
                    "На некоторые концерты и спектакли организатор продаёт именные билеты: на входе "
                    "сверяют фамилию с документом.\n\n"
                    "Переоформить билет можно один раз и не позднее чем за 48 часов до начала. Откройте "
                    "заказ, нажмите **«Изменить владельца»** и введите фамилию и имя так, как они написаны "
                    "в документе нового владельца. Новый билет придёт на почту покупателя, старый перестанет "
                    "действовать.",
                    ("именной билет", "переоформить", "фамилия", "паспорт"),
                ),
                "en": Text(
                    "Transferring a named ticket to someone else",
                    "For some concerts and plays the organiser sells tickets in the holder's name; the "
                    "name is checked against an ID at the door.\n\n"
                    "A ticket can be transferred once, at the latest 48 hours before the start. Open the "
                    "order, press **Change holder** and enter the first and last name exactly as in the new "
                    "holder's ID. The new ticket is sent to the buyer's email and the old one stops working.",
                    ("named ticket", "transfer", "holder", "id"),
                ),
            },
        ),
        ArticleSpec(
            key="internal-resend",
            category="orders",
            internal=True,
            texts={
                "ru": Text(
                    "Для агентов: повторная выдача билетов из системы организатора",
                    "Если кнопка «Отправить ещё раз» не помогла:\n\n"
                    "1. Найдите заказ в кабинете организатора по номеру и проверьте статус «Оплачен».\n"
                    "2. Проверьте журнал отправки: при статусе *bounced* попросите у клиента другой адрес.\n"
                    "3. Выгрузите PDF и приложите к ответу в заявке — не пересылайте билеты на адрес, "
                    "которого нет в заказе, без подтверждения личности (последние 4 цифры карты и сумма).\n"
                    "4. Если заказа нет у организатора — эскалация на линию 2 с журналом работ.",
                    ("агентам", "повторная отправка", "организатор"),
                ),
                "en": Text(
                    "For agents: reissuing tickets from the organiser's system",
                    "When *Send tickets again* did not help:\n\n"
                    "1. Find the order in the organiser's back office by number and check it is *Paid*.\n"
                    "2. Check the delivery log: if it says *bounced*, ask the customer for another address.\n"
                    "3. Export the PDF and attach it to your reply in the ticket — never send tickets to an "
                    "address that is not on the order without confirming identity (last 4 card digits and "
                    "the amount).\n"
                    "4. If the organiser has no such order, escalate to line 2 with a work log.",
                    ("agents", "reissue", "organiser"),
                ),
            },
        ),
    ),
)
