"""Knowledge-base suggestions while a customer types, at 10,000 articles in one brand (ru, en, pl).

    python -m bench.kb_suggest [--smoke] [--articles 10000] [--clients 1,4] [--rounds 3] [--requests 300]

Creates the bench-only brand ``bench-kb`` (languages ru, en, pl) in the bench database if it is missing and
fills it up to ``--articles`` published public articles, a third per language, of generated help-desk text
(titles from an object and a problem, bodies of 10-16 sentences, 150-260 words, tags). Then:

1. in this process: the time to build one language's index (the first query after a change pays it), and the
   latency of ``kb.suggest.suggest_articles`` on warm indexes;
2. over HTTP, when the route exists: ``GET /api/v1/kb/suggest?brand=…&language=…&q=…`` against
   ``frontdesk serve`` (production settings, PostgreSQL) in alternating batches beside the bare view that reads
   one row by primary key. Each server process builds its indexes during the warm-up.

The queries are what a customer has typed at each pause: the first words of a request, with a word cut off
half-way, typos (a letter dropped or two swapped), Polish without diacritics, Russian in Latin letters.
Target: p95 at most 100 ms at one client.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    Request,
    Sample,
    ensure_bare_table,
    load_arguments,
    ms,
    percentile,
    print_table,
    production_server,
    run_load,
    setup_django,
)

BRAND = "bench-kb"
LANGUAGES = ("ru", "en", "pl")
TARGET_P95_MS = 100.0
BARE = "bare view (1 SELECT by id)"
ROUTE = "/api/v1/kb/suggest"

# --- Generated articles -----------------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


WORDS: dict[str, dict[str, list[str]]] = {
    "en": {
        "objects": _words(
            "e-ticket order refund invoice password account booking flight hotel-room suitcase season-pass "
            "gift-voucher domain mailbox certificate backup database payment-card seat delivery parcel subscription "
            "promo-code receipt boarding-pass visa transfer insurance excursion cabin loyalty-card wallet "
            "phone-number newsletter wishlist review website server invoice-address tax-number"
        ),
        "problems": _words(
            "did-not-arrive was-charged-twice cannot-be-changed needs-a-refund was-cancelled is-blocked "
            "has-expired cannot-be-found shows-an-error must-be-renewed was-sent-twice is-too-expensive "
            "was-declined is-missing-a-page is-in-the-wrong-name is-delayed was-moved does-not-open"
        ),
        "qualifiers": ["", "after payment", "on the mobile app", "for a group", "abroad"],
        "sentences": [
            "If your {o} {p}, open My account and choose {o2} in the menu.",
            "Most requests about a {o} are solved within {n} minutes by the steps below.",
            "Check the spam folder first: the message about your {o} comes from our support address.",
            "We return the money for a {o} to the card you paid with within {d} working days.",
            "A {o} bought at the box office cannot be changed online; bring it to any of our desks.",
            "Write down the number of your {o} before you call us, it saves time.",
            "Press Send again next to the {o} and wait {n} minutes before trying once more.",
            "When the {o2} is shown in red, the payment has not reached us yet.",
            "The fee for changing a {o} is {n} per cent of its price, at least {d} euros.",
            "Your bank may hold the amount for up to {d} days after a failed payment for the {o}.",
            "Only the person who made the {o} can ask to cancel it, with the e-mail it was made with.",
            "If nothing helps, reply to the confirmation of your {o} and attach a screenshot.",
            "Children under {n} travel free but still need their own {o}.",
            "The {o} stays valid after a second one is sent: the code does not change.",
            "You can download the {o} as a PDF and show it from your phone at the entrance.",
            "A {o2} that was cancelled by the organiser is refunded in full, including the service fee.",
        ],
    },
    "ru": {
        "objects": _words(
            "билет заказ возврат счёт пароль аккаунт бронь рейс номер-в-отеле чемодан абонемент "
            "сертификат домен почтовый-ящик ssl-сертификат резервная-копия база-данных банковская-карта место "
            "доставка посылка подписка промокод чек посадочный-талон виза трансфер страховка экскурсия каюта "
            "карта-лояльности кошелёк телефон рассылка отзыв сайт сервер"
        ),
        "problems": _words(
            "не-пришёл списали-дважды нельзя-изменить нужен-возврат отменили заблокирован истёк "
            "не-найден выдаёт-ошибку нужно-продлить пришёл-дважды слишком-дорого отклонили оформлен-не-на-то-имя "
            "задерживается перенесли не-открывается"
        ),
        "qualifiers": ["", "после оплаты", "в мобильном приложении", "для группы", "за границей"],
        "sentences": [
            "Если {o} {p}, откройте личный кабинет и выберите раздел «{o2}».",
            "Большинство вопросов про {o} решаются за {n} минут по шагам ниже.",
            "Сначала проверьте папку «Спам»: письмо про {o} приходит с адреса поддержки.",
            "Деньги за {o} возвращаются на карту, которой вы платили, в течение {d} рабочих дней.",
            "Если {o} куплен в кассе, изменить его на сайте нельзя: обратитесь в любую кассу.",
            "Перед звонком запишите номер — {o} найдём быстрее.",
            "Нажмите «Отправить повторно» рядом с {o2} и подождите {n} минут.",
            "Если {o2} отмечен красным, оплата до нас ещё не дошла.",
            "Сбор за изменение составляет {n} процентов стоимости, но не меньше {d} евро.",
            "Банк может удерживать сумму до {d} дней после неудачной оплаты.",
            "Отменить {o} может только тот, кто его оформил, с той же электронной почты.",
            "Если ничего не помогло, ответьте на письмо с подтверждением и приложите снимок экрана.",
            "Дети до {n} лет бесплатно, но им всё равно нужен свой {o}.",
            "После повторной отправки {o} остаётся действительным: код не меняется.",
            "Можно скачать {o} в PDF и показать его с экрана телефона на входе.",
            "Если {o2} отменил организатор, мы вернём всю сумму вместе с сервисным сбором.",
        ],
    },
    "pl": {
        "objects": _words(
            "bilet zamówienie zwrot faktura hasło konto rezerwacja lot pokój-hotelowy walizka karnet "
            "voucher domena skrzynka-pocztowa certyfikat kopia-zapasowa baza-danych karta-płatnicza miejsce "
            "dostawa paczka subskrypcja kod-rabatowy paragon karta-pokładowa wiza transfer ubezpieczenie wycieczka "
            "kabina karta-lojalnościowa portfel telefon newsletter opinia strona serwer"
        ),
        "problems": _words(
            "nie-dotarł pobrano-dwa-razy nie-można-zmienić potrzebny-zwrot odwołano zablokowane "
            "wygasło nie-można-znaleźć pokazuje-błąd trzeba-przedłużyć przyszło-dwa-razy jest-za-drogie "
            "odrzucono na-złe-nazwisko opóźnione przeniesiono nie-otwiera-się"
        ),
        "qualifiers": ["", "po płatności", "w aplikacji mobilnej", "dla grupy", "za granicą"],
        "sentences": [
            "Jeśli {o} {p}, otwórz Moje konto i wybierz w menu pozycję {o2}.",
            "Większość spraw dotyczących tematu {o} załatwiamy w {n} minut według kroków poniżej.",
            "Najpierw sprawdź folder Spam: wiadomość w sprawie {o} przychodzi z adresu pomocy.",
            "Pieniądze za {o} zwracamy na kartę, którą zapłacono, w ciągu {d} dni roboczych.",
            "Jeśli {o} kupiono w kasie, nie zmienisz go w serwisie; przyjdź do dowolnej kasy.",
            "Zanim zadzwonisz, zapisz numer, którego dotyczy {o}, to oszczędza czas.",
            "Kliknij Wyślij ponownie przy pozycji {o2} i poczekaj {n} minut.",
            "Gdy {o2} jest oznaczone na czerwono, płatność jeszcze do nas nie dotarła.",
            "Opłata za zmianę wynosi {n} procent ceny, co najmniej {d} złotych.",
            "Bank może blokować kwotę do {d} dni po nieudanej płatności.",
            "Anulować {o} może tylko osoba, która go złożyła, z tego samego adresu e-mail.",
            "Jeśli nic nie pomaga, odpowiedz na potwierdzenie i dołącz zrzut ekranu.",
            "Dzieci do {n} lat podróżują bezpłatnie, ale potrzebują własnego dokumentu: {o}.",
            "Po ponownym wysłaniu {o} pozostaje ważny: kod się nie zmienia.",
            "Możesz pobrać {o} jako PDF i pokazać go przy wejściu na ekranie telefonu.",
            "Jeśli {o2} odwołał organizator, zwracamy całą kwotę razem z opłatą serwisową.",
        ],
    },
}


def _phrase(token: str) -> str:
    return token.replace("-", " ")


def generate_article(language: str, n: int, rng: random.Random) -> tuple[str, str, list[str]]:
    """Title, body and tags of the ``n``-th generated article in ``language``."""
    words = WORDS[language]
    objects, problems, qualifiers = words["objects"], words["problems"], words["qualifiers"]
    obj = objects[n % len(objects)]
    problem = problems[(n // len(objects)) % len(problems)]
    qualifier = qualifiers[(n // (len(objects) * len(problems))) % len(qualifiers)]
    title = f"{_phrase(obj).capitalize()} {_phrase(problem)} {qualifier}".strip()
    sentences = []
    for _ in range(rng.randint(10, 16)):
        template = rng.choice(words["sentences"])
        sentences.append(
            template.format(
                o=_phrase(obj if rng.random() < 0.6 else rng.choice(objects)),
                o2=_phrase(rng.choice(objects)),
                p=_phrase(problem if rng.random() < 0.7 else rng.choice(problems)),
                n=rng.randint(2, 60),
                d=rng.randint(3, 30),
            )
        )
    paragraphs = [" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4)]
    tags = [_phrase(obj), _phrase(problem), _phrase(rng.choice(objects))]
    return title, "\n\n".join(paragraphs), tags


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 2)
    if rng.random() < 0.5:
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def customer_queries(language: str, count: int, seed: int = 7) -> list[str]:
    """What customers have typed at a pause: request openings, cut mid-word, with typos and folding."""
    from frontdesk.kb.ranking import fold

    rng = random.Random(f"{seed}-{language}")
    words = WORDS[language]
    openings = {
        "en": ["hi, my", "hello, the", "why", "help!!", "i paid and my", "urgent:"],
        "ru": ["здравствуйте, мой", "помогите,", "почему", "срочно!", "я оплатила, а", "добрый день,"],
        "pl": ["dzień dobry, mój", "pomocy,", "dlaczego", "pilne!", "zapłaciłam i", "witam,"],
    }[language]
    queries = []
    for _ in range(count):
        text = " ".join(
            [
                rng.choice(openings),
                _phrase(rng.choice(words["objects"])),
                _phrase(rng.choice(words["problems"])),
                rng.choice(["", "again", "since yesterday", "what do I do", "2 tickets", "order 48213"]),
            ]
        ).split()
        text = [_typo(w, rng) if rng.random() < 0.25 else w for w in text]
        cut = rng.randint(2, len(text))  # typed so far
        partial = text[:cut]
        if rng.random() < 0.5 and len(partial[-1]) > 3:  # paused mid-word
            partial[-1] = partial[-1][: rng.randint(2, len(partial[-1]) - 1)]
        query = " ".join(partial)
        if language in ("pl", "ru") and rng.random() < 0.3:
            query = fold(query)  # no Polish diacritics, Russian in Latin letters
        queries.append(query)
    return queries


# --- The bench brand and its articles ---------------------------------------------------------------------------


def bench_brand() -> Any:
    from frontdesk.brands.actions import create_brand
    from frontdesk.brands.models import Brand

    brand = Brand.objects.filter(slug=BRAND).first()
    if brand is None:
        brand = create_brand(
            name="Bench Knowledge Base",
            slug=BRAND,
            ticket_prefix="BKB",
            languages=list(LANGUAGES),
            sender_addresses=[f"support@{BRAND}.example"],
            time_zone="Europe/Warsaw",
        )
    return brand


def fill_articles(brand: Any, total: int) -> int:
    """Published public articles up to ``total`` (a third per language), in batches; returns the count."""
    from django.db import transaction
    from django.utils import timezone

    from frontdesk.kb.choices import ArticleStatus, TranslationStatus, Visibility
    from frontdesk.kb.models import Article, ArticleCounter, ArticleTranslation

    have = Article.objects.filter(brand=brand).count()
    rng = random.Random(f"kb-{have}")
    batch = 1000
    while have < total:
        size = min(batch, total - have)
        now = timezone.now()
        with transaction.atomic():
            counter, _ = ArticleCounter.objects.select_for_update().get_or_create(brand=brand)
            start = counter.value
            articles = Article.objects.bulk_create(
                [
                    Article(
                        brand=brand,
                        public_id=start + i + 1,
                        visibility=Visibility.PUBLIC,
                        status=ArticleStatus.PUBLISHED,
                        created_at=now,
                        updated_at=now,
                        published_at=now,
                    )
                    for i in range(size)
                ]
            )
            counter.value = start + size
            counter.save(update_fields=["value"])
            texts = []
            for i, article in enumerate(articles):
                n = have + i
                language = LANGUAGES[n % len(LANGUAGES)]
                title, body, tags = generate_article(language, n // len(LANGUAGES), rng)
                texts.append(
                    ArticleTranslation(
                        article=article,
                        brand=brand,
                        language=language,
                        title=title[:200],
                        body=body,
                        tags=tags,
                        status=TranslationStatus.PUBLISHED,
                        updated_at=now,
                    )
                )
            ArticleTranslation.objects.bulk_create(texts)
        have += size
        print(f"  {have:,} articles", flush=True)
    from django.db import connection

    with connection.cursor() as cursor:  # fresh statistics for the stamp's count and max after a bulk load
        cursor.execute("ANALYZE kb_article, kb_articletranslation")
    return have


# --- In this process ------------------------------------------------------------------------------------------


def measure_in_process(brand: Any, queries: dict[str, list[str]], repeat: int) -> list[list[object]]:
    from frontdesk.kb import suggest

    rows: list[list[object]] = []
    for language in LANGUAGES:
        suggest.forget_indexes()
        started = time.perf_counter()
        suggest.suggest_articles(brand_id=brand.pk, language=language, text="warm")
        build = time.perf_counter() - started
        latencies = []
        confident = 0
        for _ in range(repeat):
            for q in queries[language]:
                started = time.perf_counter()
                found = suggest.suggest_articles(brand_id=brand.pk, language=language, text=q, limit=5)
                latencies.append(time.perf_counter() - started)
                confident += bool(found) and found[0].confident
        size = suggest.cached_indexes()
        rows.append(
            [
                f"suggest_articles, {language}",
                sum(size.values()),
                ms(build),
                len(latencies),
                ms(statistics.median(latencies)),
                ms(percentile(latencies, 95)),
                ms(percentile(latencies, 99)),
                f"{confident / len(latencies):.0%}",
            ]
        )
    return rows


# --- Over HTTP --------------------------------------------------------------------------------------------------


def route_exists() -> bool:
    from django.urls import Resolver404, resolve

    try:
        match = resolve(ROUTE)
    except Resolver404:
        return False
    # The API answers unknown operations through its own catch-all: ask the schema instead.
    from frontdesk.api.api import api

    paths = api.get_openapi_schema().get("paths", {})
    return match is not None and any(p.endswith("/kb/suggest") for p in paths)


def suggest_paths(queries: dict[str, list[str]]) -> list[str]:
    mixed = [
        f"{ROUTE}?" + urlencode({"brand": BRAND, "language": lang, "q": queries[lang][i], "limit": 5})
        for i in range(min(len(q) for q in queries.values()))
        for lang in LANGUAGES
    ]
    return mixed


def measure_http(
    paths: list[str], clients: list[int], rounds: int, requests: int, time_limit: float, workers: int
) -> tuple[dict[tuple[str, int], Sample], list[str]]:
    targets = {BARE: [f"/bench/bare/{1 + i % 1000}" for i in range(1000)], "GET /api/v1/kb/suggest": paths}
    samples: dict[tuple[str, int], Sample] = {}
    errors: list[str] = []
    with production_server(workers=workers) as port:
        for target_paths in targets.values():  # warm each process: every language's index
            warm = run_load(
                port,
                lambda i, p=target_paths: Request("GET", p[i % len(p)]),
                clients=workers * 2,
                requests=max(30, workers * 12),
                time_limit=120,
            )
            errors += warm.errors
        for n in clients:
            for r in range(rounds):
                order = list(targets.items()) if r % 2 == 0 else list(targets.items())[::-1]
                for label, target_paths in order:
                    sample = run_load(
                        port,
                        lambda i, p=target_paths: Request("GET", p[i % len(p)]),
                        clients=n,
                        requests=max(requests, n),
                        time_limit=time_limit,
                    )
                    samples.setdefault((label, n), Sample()).extend(sample)
                    errors += sample.errors
    return samples, errors


def print_http(samples: dict[tuple[str, int], Sample], clients: list[int]) -> None:
    rows = []
    for n in clients:
        bare = samples[(BARE, n)]
        bare_rate = len(bare.latencies) / bare.wall if bare.wall else float("nan")
        for (label, k), s in samples.items():
            if k != n:
                continue
            p95 = ms(percentile(s.latencies, 95))
            rate = len(s.latencies) / s.wall if s.wall else float("nan")
            rows.append(
                [
                    label,
                    n,
                    len(s.latencies),
                    len(s.errors),
                    rate,
                    ms(percentile(s.latencies, 50)),
                    p95,
                    ms(percentile(s.latencies, 99)),
                    f"{rate / bare_rate:.0%}" if label != BARE else "100%",
                    "" if label == BARE or n > 1 else ("yes" if p95 <= TARGET_P95_MS else "NO"),
                ]
            )
    print_table(
        [
            "request",
            "clients",
            "requests",
            "errors",
            "req/s",
            "median ms",
            "p95 ms",
            "p99 ms",
            "rate vs bare",
            "p95 ≤ 100 ms (1 client)",
        ],
        rows,
    )


# --- Main -------------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = load_arguments(__doc__, rounds=3, requests=300, clients="1,4")
    parser.add_argument("--articles", type=int, default=10_000, help="articles in the bench brand")
    args = parser.parse_args(argv)
    if args.smoke:
        args.articles, args.clients, args.rounds, args.requests, args.time_limit = 300, "1,2", 1, 20, 20.0
    try:
        clients = [int(c) for c in args.clients.split(",")]
    except ValueError:
        parser.error("--clients: numbers separated by commas")
    if any(not 1 <= c <= 64 for c in clients) or not 3 <= args.articles <= 100_000 or args.rounds < 1:
        parser.error("1 to 64 clients, 3 to 100,000 articles, at least one round")

    print(f"Load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    setup_django()
    ensure_bare_table()
    brand = bench_brand()
    count = fill_articles(brand, args.articles)
    queries = {lang: customer_queries(lang, 60 if args.smoke else 200) for lang in LANGUAGES}
    print(f"\nSuggestions in {BRAND}: {count:,} published articles, ~{count // 3:,} per language\n")
    print("Example queries:", *(f"  {lang}: {queries[lang][:3]}" for lang in LANGUAGES), sep="\n")
    print()
    print_table(
        [
            "in this process",
            "articles indexed",
            "index build ms",
            "queries",
            "median ms",
            "p95 ms",
            "p99 ms",
            "top one confident",
        ],
        measure_in_process(brand, queries, 1 if args.smoke else 3),
    )
    errors: list[str] = []
    if route_exists():
        print(f"\nOver HTTP (frontdesk serve --workers {args.workers}), alternating batches:\n")
        samples, errors = measure_http(
            suggest_paths(queries), clients, args.rounds, args.requests, args.time_limit, args.workers
        )
        print_http(samples, clients)
    else:
        print(f"\n{ROUTE} is not routed in this checkout: measured in this process only.")
    print(f"\nLoad average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if errors:
        print(f"\n{len(errors)} failed requests, e.g.:", *errors[:5], sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
