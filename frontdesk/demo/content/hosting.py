"""Chmurka Hosting: a Polish hosting company (domains, DNS, mail, SSL, billing); customers write Polish or English."""

from __future__ import annotations

import random
from datetime import datetime

from frontdesk.demo.content.common import money, some_day
from frontdesk.demo.spec import BrandSpec, Escalation, OrganizationSpec, TicketTemplate

_DOMAINS = (
    "piekarnia-pod-debem.pl",
    "auto-serwis-lukasz.pl",
    "gabinet-zdrowie.com.pl",
    "kwiaciarnia-roza.pl",
    "biuro-rachunkowe-nowak.pl",
    "szkola-jezykow-lingwa.pl",
    "pensjonat-pod-tatrami.pl",
    "sklep-wedkarski.eu",
    "stolarnia-debowa.pl",
)
_PLANS = ("Start", "Biznes", "Biznes Plus", "VPS Pro")


def _facts(rng: random.Random, lang: str, created: datetime) -> dict[str, str]:
    domain = rng.choice(_DOMAINS)
    return {
        "domain": domain,
        "mailbox": f"{rng.choice(('biuro', 'kontakt', 'sklep', 'recepcja', 'faktury'))}@{domain}",
        "server": f"s{rng.randint(10, 48)}.chmurka-hosting.example",
        "ip": f"203.0.113.{rng.randint(10, 250)}",
        "invoice": f"FV/{created.year}/{created.month:02d}/{rng.randint(100, 4999):04d}",
        "amount": money(rng.choice((49, 119, 249, 399, 1188)), lang, "PLN"),
        "plan": rng.choice(_PLANS),
        "date": some_day(rng, lang, created, before=5, after=20),
        "order": f"HS-{rng.randint(10_000, 99_999)}",
        "php": rng.choice(("7.4", "8.0", "8.1")),
        "quota": rng.choice(("2", "5", "10")),
    }


_T = TicketTemplate
_E = Escalation

TEMPLATES = (
    _T(
        category="Domeny / Odnowienie",
        subject={"pl": "Strona nie działa — domena wygasła?", "en": "Website down — did the domain expire?"},
        body={
            "pl": "Od rana nie działa strona {domain}, przeglądarka pokazuje stronę parkingową. Czy domena wygasła? Faktura była opłacona.",
            "en": "Since this morning {domain} is down and the browser shows a parking page. Has the domain expired? The invoice was paid.",
        },
        answer={
            "pl": "Płatność za odnowienie {domain} została zaksięgowana z opóźnieniem. Domena jest odnowiona na kolejny rok, strona wróci w ciągu godziny (propagacja DNS).",
            "en": "The renewal payment for {domain} was posted late. The domain is renewed for another year; the site will be back within an hour (DNS propagation).",
        },
        tags=("domain", "renewal", "outage"),
        priority="urgent",
        escalation=_E(
            diagnosis="Domena {domain} w stanie 'expired' u rejestru, płatność w naszym systemie jest.",
            steps="Sprawdziłem/am fakturę {invoice} (opłacona) i status domeny w panelu rejestratora.",
            request="Ręcznie odnowić domenę u rejestru.",
            line2_finding="Odnowienie nie przeszło automatycznie z powodu błędu API rejestru. Zlecone ręcznie.",
            third_party="rejestru domen",
        ),
    ),
    _T(
        category="Domeny / Transfer",
        subject={"pl": "Przeniesienie domeny do Chmurki", "en": "Transferring my domain to you"},
        body={
            "pl": "Chcę przenieść domenę {domain} od obecnego rejestratora. Mam kod AuthInfo. Co dalej?",
            "en": "I want to transfer {domain} from my current registrar. I have the AuthInfo code. What next?",
        },
        answer={
            "pl": "Transfer {domain} został zlecony. Rejestr potrzebuje do 5 dni; strona i poczta będą działać bez przerwy.",
            "en": "The transfer of {domain} has been submitted. The registry takes up to 5 days; your site and mail keep working throughout.",
        },
        tags=("domain", "transfer"),
        question={
            "pl": "Prosimy o przesłanie kodu AuthInfo oraz potwierdzenie, że domena nie jest zablokowana u obecnego rejestratora.",
            "en": "Please send the AuthInfo code and confirm that the domain is unlocked at the current registrar.",
        },
        follow_up={
            "pl": "Kod przesłałem w osobnej wiadomości, blokada zdjęta.",
            "en": "I sent the code separately and the lock is off.",
        },
    ),
    _T(
        category="Domeny / Dane abonenta",
        subject={"pl": "Zmiana abonenta domeny", "en": "Change of domain holder"},
        body={
            "pl": "Firma zmieniła formę prawną, trzeba zmienić abonenta domeny {domain} na spółkę. Jak to zrobić?",
            "en": "Our company changed its legal form; the holder of {domain} must change to the new company. How do we do it?",
        },
        answer={
            "pl": "Zmiana abonenta została wprowadzona po otrzymaniu podpisanego oświadczenia. Nowe dane są już widoczne w WHOIS.",
            "en": "The holder change has been made after we received the signed declaration. The new details now show in WHOIS.",
        },
        tags=("domain",),
    ),
    _T(
        category="DNS / Rekordy",
        subject={"pl": "Zmiana rekordu A nie działa", "en": "A record change not working"},
        body={
            "pl": "Wczoraj zmieniłem rekord A dla {domain} na {ip}, a strona dalej pokazuje stary serwer.",
            "en": "Yesterday I changed the A record of {domain} to {ip}, but the site still shows the old server.",
        },
        answer={
            "pl": "Rekord był zmieniony w strefie, która nie jest aktywna (domena korzysta z naszych serwerów nazw w innej strefie). Poprawiliśmy właściwą strefę — zmiana widoczna w ciągu 1–2 godzin.",
            "en": "The record was changed in a zone that is not active (the domain uses our name servers with another zone). We fixed the right zone; it shows within 1–2 hours.",
        },
        tags=("dns",),
    ),
    _T(
        category="DNS / Rekordy",
        subject={"pl": "Konfiguracja MX pod pocztę zewnętrzną", "en": "MX setup for external mail"},
        body={
            "pl": "Przenosimy pocztę {domain} do zewnętrznego dostawcy. Proszę o ustawienie rekordów MX zgodnie z instrukcją.",
            "en": "We are moving the mail for {domain} to an external provider. Please set the MX records as in their instructions.",
        },
        answer={
            "pl": "Rekordy MX i rekord weryfikacyjny TXT ustawione. Poczta na naszych serwerach dla {domain} zostanie zachowana jeszcze 30 dni.",
            "en": "The MX records and the TXT verification record are set. Mail kept on our servers for {domain} stays for another 30 days.",
        },
        tags=("dns", "mail"),
        question={
            "pl": "Prosimy o przesłanie listy rekordów od nowego dostawcy (MX i TXT).",
            "en": "Please send us the list of records from the new provider (MX and TXT).",
        },
        follow_up={"pl": "Lista rekordów w załączniku.", "en": "The record list is attached."},
    ),
    _T(
        category="Poczta / Dostarczalność",
        subject={"pl": "Nasze maile trafiają do spamu", "en": "Our emails end up in spam"},
        body={
            "pl": "Klienci piszą, że wiadomości z {mailbox} lądują w spamie. Czy mamy poprawnie ustawione SPF i DKIM?",
            "en": "Customers say messages from {mailbox} land in spam. Are SPF and DKIM set up correctly?",
        },
        answer={
            "pl": "Dodaliśmy rekord DKIM i poprawiliśmy SPF (brakowało serwera wysyłkowego sklepu). Dodatkowo ustawiliśmy DMARC w trybie monitorowania.",
            "en": "We added a DKIM record and fixed SPF (your shop's sending server was missing). We also set DMARC to monitoring mode.",
        },
        tags=("mail", "dns", "deliverability"),
    ),
    _T(
        category="Poczta / Wysyłka",
        subject={"pl": "Błąd 550 przy wysyłaniu poczty", "en": "Error 550 when sending mail"},
        body={
            "pl": "Od wczoraj nie możemy wysłać maili z {mailbox}, przychodzi zwrotka '550 5.7.1 Message rejected'. Dotyczy to kilku odbiorców.",
            "en": "Since yesterday we cannot send from {mailbox}; we get a bounce '550 5.7.1 Message rejected'. It affects several recipients.",
        },
        answer={
            "pl": "Adres IP serwera pocztowego trafił na listę blokad po tym, jak inny klient wysłał spam. Konto zostało zablokowane, IP usunięte z listy — wysyłka działa normalnie.",
            "en": "The mail server's IP was blacklisted after another customer sent spam. That account is blocked and the IP delisted; sending works normally again.",
        },
        tags=("mail", "blacklist"),
        priority="high",
        escalation=_E(
            diagnosis="Zwrotki 550 od kilku dużych dostawców dla wysyłki z {server}.",
            steps="Sprawdziłem/am konfigurację konta klienta — poprawna. Wysyłka testowa z innego serwera przechodzi.",
            request="Sprawdzić reputację IP serwera {server}.",
            line2_finding="IP {ip} jest na liście blokad. Na serwerze konto wysyłające spam.",
            line3_request="Zablokować konto spamera i złożyć wniosek o usunięcie IP z listy.",
            line3_finding="Konto zablokowane, IP usunięte z listy po weryfikacji.",
            third_party="operatora listy blokad",
        ),
    ),
    _T(
        category="Poczta / Skrzynki",
        subject={"pl": "Skrzynka pełna", "en": "Mailbox full"},
        body={
            "pl": "Skrzynka {mailbox} nie przyjmuje nowych wiadomości, komunikat o przekroczonym limicie. Czy można zwiększyć pojemność?",
            "en": "Mailbox {mailbox} no longer accepts messages, it says the quota is exceeded. Can it be enlarged?",
        },
        answer={
            "pl": "Zwiększyliśmy limit skrzynki do {quota} GB w ramach pakietu {plan}. Polecamy też archiwizację starszych wiadomości.",
            "en": "We raised the mailbox quota to {quota} GB within your {plan} plan. We also suggest archiving older messages.",
        },
        tags=("mail", "quota"),
    ),
    _T(
        category="Poczta / Skrzynki",
        subject={"pl": "Konfiguracja poczty w Outlooku", "en": "Setting up mail in Outlook"},
        body={
            "pl": "Nowa pracownica nie może skonfigurować {mailbox} w Outlooku, wyskakuje błąd logowania.",
            "en": "A new employee cannot set up {mailbox} in Outlook; it shows a login error.",
        },
        answer={
            "pl": "Serwer IMAP to {server}, port 993 (SSL), SMTP port 465, login to pełny adres e-mail. Zresetowaliśmy też hasło — nowe wysłaliśmy SMS-em na numer administratora.",
            "en": "The IMAP server is {server}, port 993 (SSL), SMTP port 465, and the login is the full email address. We also reset the password and texted it to the admin's number.",
        },
        tags=("mail", "setup"),
    ),
    _T(
        category="Płatności / Faktury",
        subject={"pl": "Błędny NIP na fakturze", "en": "Wrong tax ID on the invoice"},
        body={
            "pl": "Na fakturze {invoice} jest błędny NIP. Proszę o korektę, księgowość nie może jej zaksięgować.",
            "en": "Invoice {invoice} shows the wrong tax ID. Please correct it, our accountants cannot book it.",
        },
        answer={
            "pl": "Wystawiliśmy fakturę korygującą do {invoice} z poprawnym NIP-em. Jest dostępna w panelu klienta w zakładce Płatności.",
            "en": "We issued a corrective invoice for {invoice} with the right tax ID. It is available in the customer panel under Payments.",
        },
        tags=("billing", "invoice"),
        question={
            "pl": "Prosimy o podanie poprawnego NIP-u i pełnej nazwy firmy.",
            "en": "Please send the correct tax ID and the full company name.",
        },
        follow_up={"pl": "NIP 527-123-45-67, nazwa bez zmian.", "en": "Tax ID PL5271234567, name unchanged."},
    ),
    _T(
        category="Płatności / Wpłaty",
        subject={"pl": "Usługa zawieszona mimo wpłaty", "en": "Service suspended although paid"},
        body={
            "pl": "Zapłaciliśmy przelewem {amount} za fakturę {invoice} trzy dni temu, a dziś hosting {domain} jest zawieszony.",
            "en": "We paid {amount} for invoice {invoice} by bank transfer three days ago, and today the hosting for {domain} is suspended.",
        },
        answer={
            "pl": "Przelew wpłynął z błędnym tytułem i nie został automatycznie przypisany. Przypisaliśmy go ręcznie, usługa działa.",
            "en": "The transfer arrived with the wrong reference and was not matched automatically. We matched it by hand and the service is back.",
        },
        tags=("billing", "suspension"),
        priority="high",
    ),
    _T(
        category="Płatności / Zwroty",
        subject={"pl": "Zwrot za niewykorzystany okres", "en": "Refund for the unused period"},
        body={
            "pl": "Rezygnujemy z pakietu {plan} dla {domain}. Czy możemy otrzymać zwrot za pozostałe miesiące?",
            "en": "We are cancelling the {plan} plan for {domain}. Can we get a refund for the remaining months?",
        },
        answer={
            "pl": "Zgodnie z regulaminem zwracamy kwotę za pełne niewykorzystane miesiące. Zwrot {amount} zlecony na konto, z którego przyszła płatność.",
            "en": "Under our terms we refund full unused months. A refund of {amount} has been sent to the account the payment came from.",
        },
        tags=("billing", "refund"),
    ),
    _T(
        category="Awarie / Strona nie działa",
        subject={"pl": "Błąd 503 na stronie", "en": "Error 503 on the website"},
        body={
            "pl": "Strona {domain} od godziny zwraca błąd 503. Sklep nie działa, tracimy zamówienia!",
            "en": "{domain} has returned error 503 for an hour. Our shop is down and we are losing orders!",
        },
        answer={
            "pl": "Awaria dysku na serwerze {server} została usunięta, strona działa. Przepraszamy — w ramach rekompensaty przedłużamy pakiet o miesiąc.",
            "en": "The disk failure on {server} has been fixed and the site is up. We apologise; as compensation we extend your plan by a month.",
        },
        tags=("outage",),
        priority="urgent",
        escalation=_E(
            diagnosis="503 dla wszystkich stron na {server}, monitoring pokazuje wysokie I/O.",
            steps="Sprawdziłem/am status serwera w panelu, zrestartowałem/am PHP-FPM — bez efektu.",
            request="Zdiagnozować serwer {server}.",
            line2_finding="Macierz dyskowa w trybie degradacji, jeden dysk uszkodzony.",
            line3_request="Wymiana dysku i odbudowa macierzy; przeniesienie ruchu na zapas.",
            line3_finding="Dysk wymieniony, macierz odbudowana, ruch wrócił na {server}.",
        ),
    ),
    _T(
        category="Awarie / Wydajność",
        subject={"pl": "Strona bardzo wolno się ładuje", "en": "The site loads very slowly"},
        body={
            "pl": "Od kilku dni {domain} ładuje się 10–15 sekund. Nic nie zmienialiśmy.",
            "en": "For a few days {domain} has taken 10–15 seconds to load. We did not change anything.",
        },
        answer={
            "pl": "Przyczyną był bot indeksujący, który generował setki zapytań na minutę. Zablokowaliśmy go i włączyliśmy cache — czas ładowania spadł poniżej sekundy.",
            "en": "A crawler bot was sending hundreds of requests a minute. We blocked it and enabled caching; load time is now under a second.",
        },
        tags=("performance",),
        escalation=_E(
            diagnosis="Czas odpowiedzi {domain} 10+ s, inne strony na {server} działają normalnie.",
            steps="Sprawdziłem/am logi dostępu — bardzo dużo zapytań z jednej puli adresów.",
            request="Przeanalizować ruch i zablokować bota.",
            line2_finding="Bot zablokowany na poziomie WAF, włączony cache strony.",
        ),
    ),
    _T(
        category="Awarie / Baza danych",
        subject={"pl": "Błąd połączenia z bazą danych", "en": "Error establishing a database connection"},
        body={
            "pl": "Na stronie {domain} pojawia się 'Błąd połączenia z bazą danych'. Czasem działa, czasem nie.",
            "en": "{domain} shows 'Error establishing a database connection'. Sometimes it works, sometimes not.",
        },
        answer={
            "pl": "Limit połączeń do bazy dla pakietu {plan} był przekraczany przez wtyczkę statystyk. Wyłączyliśmy ją po konsultacji z Państwem — błąd nie występuje.",
            "en": "The database connection limit of the {plan} plan was exceeded by a statistics plugin. We disabled it after checking with you; the error is gone.",
        },
        tags=("outage", "database"),
        question={
            "pl": "Czy możemy tymczasowo wyłączyć wtyczki, aby znaleźć przyczynę?",
            "en": "May we temporarily disable plugins to find the cause?",
        },
        follow_up={
            "pl": "Tak, zgoda, byle nie w godzinach 9–12.",
            "en": "Yes, go ahead, just not between 9 and 12.",
        },
    ),
    _T(
        category="SSL / Let's Encrypt",
        subject={"pl": "Certyfikat SSL wygasł", "en": "SSL certificate expired"},
        body={
            "pl": "Przeglądarka ostrzega, że połączenie z {domain} nie jest bezpieczne — certyfikat wygasł. Myślałem, że odnawia się sam.",
            "en": "Browsers warn that the connection to {domain} is not secure, the certificate expired. I thought it renewed itself.",
        },
        answer={
            "pl": "Automatyczne odnowienie nie przeszło, bo rekord CAA blokował wystawcę. Poprawiliśmy CAA i wystawiliśmy nowy certyfikat — ważny 90 dni, dalej odnawia się automatycznie.",
            "en": "Automatic renewal failed because a CAA record blocked the issuer. We fixed the CAA record and issued a new certificate, valid for 90 days and renewing automatically.",
        },
        tags=("ssl",),
        priority="high",
        escalation=_E(
            diagnosis="Certyfikat dla {domain} wygasł, automat odnawiania zgłasza błąd walidacji.",
            steps="Sprawdziłem/am rekordy DNS domeny i próbowałem/am ponownego wystawienia z panelu — błąd.",
            request="Zdiagnozować błąd wystawienia certyfikatu.",
            line2_finding="Rekord CAA wskazuje innego wystawcę. Poprawiony, certyfikat wystawiony.",
        ),
    ),
    _T(
        category="SSL / Certyfikaty komercyjne",
        subject={"pl": "Instalacja certyfikatu OV", "en": "Installing an OV certificate"},
        body={
            "pl": "Kupiliśmy certyfikat OV dla {domain} u zewnętrznego wystawcy. Prosimy o instalację na hostingu, pliki w załączniku.",
            "en": "We bought an OV certificate for {domain} from an external CA. Please install it on our hosting; files attached.",
        },
        answer={
            "pl": "Certyfikat OV zainstalowany razem z łańcuchem pośrednim. Test SSL daje ocenę A.",
            "en": "The OV certificate is installed together with the intermediate chain. An SSL test gives grade A.",
        },
        tags=("ssl",),
        question={
            "pl": "W przesłanych plikach brakuje klucza prywatnego. Czy CSR był generowany u nas, czy po Państwa stronie?",
            "en": "The private key is missing from the files. Was the CSR generated by us or on your side?",
        },
        follow_up={"pl": "CSR generowaliśmy w Państwa panelu.", "en": "We generated the CSR in your panel."},
    ),
    _T(
        category="SSL / Mieszana zawartość",
        subject={
            "pl": "Kłódka nie pojawia się po przejściu na HTTPS",
            "en": "No padlock after switching to HTTPS",
        },
        body={
            "pl": "Włączyliśmy HTTPS dla {domain}, ale przeglądarka nie pokazuje kłódki, tylko ostrzeżenie o mieszanej zawartości.",
            "en": "We enabled HTTPS for {domain} but the browser shows a mixed content warning instead of the padlock.",
        },
        answer={
            "pl": "Na stronie było kilka obrazków ładowanych po HTTP. Podmieniliśmy adresy w bazie i włączyliśmy przekierowanie 301 na HTTPS — kłódka jest.",
            "en": "Some images were loaded over HTTP. We replaced the addresses in the database and turned on a 301 redirect to HTTPS; the padlock is there now.",
        },
        tags=("ssl", "website"),
    ),
    _T(
        category="Hosting / Konfiguracja",
        subject={"pl": "Zmiana wersji PHP", "en": "Changing the PHP version"},
        body={
            "pl": "Wtyczka sklepu wymaga PHP 8.2, a mamy {php}. Czy możemy zmienić wersję dla {domain}?",
            "en": "Our shop plugin needs PHP 8.2 and we have {php}. Can we change the version for {domain}?",
        },
        answer={
            "pl": "Wersję PHP dla {domain} można zmienić samodzielnie w panelu (Strony → PHP). Zmieniliśmy ją na 8.2 i sprawdziliśmy, że sklep działa.",
            "en": "You can change the PHP version for {domain} yourself in the panel (Sites → PHP). We switched it to 8.2 and checked that the shop works.",
        },
        tags=("php",),
    ),
    _T(
        category="Hosting / Kopie zapasowe",
        subject={"pl": "Przywrócenie usuniętych plików", "en": "Restore deleted files"},
        body={
            "pl": "Pracownik przez pomyłkę usunął katalog z obrazkami na {domain}. Czy można przywrócić kopię z {date}?",
            "en": "An employee deleted the images folder on {domain} by mistake. Can you restore the backup from {date}?",
        },
        answer={
            "pl": "Katalog został przywrócony z kopii z {date}. Pliki dodane po tej dacie trzeba wgrać ponownie.",
            "en": "The folder has been restored from the {date} backup. Files added after that date need to be uploaded again.",
        },
        tags=("backup",),
        escalation=_E(
            diagnosis="Klient potrzebuje przywrócenia katalogu z kopii, w panelu brak tej kopii (starsza niż 7 dni).",
            steps="Sprawdziłem/am dostępne kopie w panelu klienta — najstarsza sprzed 7 dni.",
            request="Przywrócić katalog z kopii archiwalnej.",
            line2_finding="Kopia archiwalna na serwerze backupowym, potrzebne przywrócenie przez administratora.",
            line3_request="Przywrócić katalog z archiwum taśmowego/obiektowego.",
            line3_finding="Katalog przywrócony z archiwum, uprawnienia poprawione.",
        ),
    ),
    _T(
        category="Bezpieczeństwo / Infekcja",
        subject={
            "pl": "Strona przekierowuje na podejrzane witryny",
            "en": "The site redirects to suspicious pages",
        },
        body={
            "pl": "Klienci zgłaszają, że {domain} czasem przekierowuje na strony z reklamami. Obawiamy się włamania.",
            "en": "Customers report that {domain} sometimes redirects to ad pages. We are afraid it has been hacked.",
        },
        answer={
            "pl": "Znaleźliśmy złośliwy kod w nieaktualnej wtyczce. Pliki oczyściliśmy, wtyczkę usunęliśmy, hasła FTP i do panelu zostały zmienione. Prosimy o aktualizację CMS.",
            "en": "We found malicious code in an outdated plugin. The files are cleaned, the plugin removed, and the FTP and panel passwords changed. Please update your CMS.",
        },
        tags=("security", "malware"),
        priority="high",
        escalation=_E(
            diagnosis="Skaner wykrył zmodyfikowane pliki PHP na koncie {domain}.",
            steps="Zablokowałem/am tymczasowo FTP, poinformowałem/am klienta, wykonałem/am kopię stanu konta.",
            request="Oczyścić konto i wskazać źródło infekcji.",
            line2_finding="Źródło: nieaktualna wtyczka formularzy. Pliki oczyszczone.",
        ),
    ),
)

HOSTING = BrandSpec(
    name="Chmurka Hosting",
    slug="chmurka-hosting",
    prefix="HST",
    languages=("pl", "en"),
    time_zone="Europe/Warsaw",
    color="#1f5fbf",
    working_language="pl",
    customer_languages={"pl": 0.85, "en": 0.15},
    people="pl",
    categories=(
        "Domeny / Odnowienie",
        "Domeny / Transfer",
        "Domeny / Dane abonenta",
        "DNS / Rekordy",
        "Poczta / Dostarczalność",
        "Poczta / Wysyłka",
        "Poczta / Skrzynki",
        "Płatności / Faktury",
        "Płatności / Wpłaty",
        "Płatności / Zwroty",
        "Awarie / Strona nie działa",
        "Awarie / Wydajność",
        "Awarie / Baza danych",
        "SSL / Let's Encrypt",
        "SSL / Certyfikaty komercyjne",
        "SSL / Mieszana zawartość",
        "Hosting / Konfiguracja",
        "Hosting / Kopie zapasowe",
        "Bezpieczeństwo / Infekcja",
    ),
    team_names=("Chmurka: pierwsza linia", "Chmurka: administratorzy", "Chmurka: infrastruktura"),
    organizations=(
        OrganizationSpec(
            "Piekarnia Pod Dębem sp. z o.o.",
            "piekarnia-pod-debem.example",
            manager=("Grzegorz Wiśniewski", "grzegorz.wisniewski@piekarnia-pod-debem.example", "pl"),
        ),
        OrganizationSpec("Biuro Rachunkowe Nowak i Wspólnicy", "nowak-rachunkowe.example"),
        OrganizationSpec("Fundacja Zielony Ogród", "zielony-ogrod.example"),
        OrganizationSpec("Szkoła Językowa Lingwa", "lingwa.example"),
    ),
    channel_weights={"email": 0.35, "web": 0.22, "phone": 0.1, "chat": 0.12, "social": 0.05, "api": 0.16},
    templates=TEMPLATES,
    facts=_facts,
    replies={
        "signoff": {
            "pl": "Pozdrawiamy,\n{agent}, Zespół Wsparcia Chmurka Hosting",
            "en": "Best regards,\n{agent}, Chmurka Hosting Support",
        },
        "hold": {
            "pl": "Zgodnie z ustaleniami wrócimy do tematu w zaplanowanym oknie serwisowym. Do tego czasu zgłoszenie jest wstrzymane.",
            "en": "As agreed, we will come back to this in the planned maintenance window. Until then the request is on hold.",
        },
        "third_party": {
            "pl": "Przekazaliśmy sprawę do zewnętrznego operatora i czekamy na odpowiedź. Odezwiemy się, gdy tylko ją otrzymamy.",
            "en": "We have passed the matter to the external operator and are waiting for their answer; we will write as soon as we have it.",
        },
    },
    notes={
        "hold": (
            "Wstrzymuję do okna serwisowego w sobotę w nocy.",
            "Klient prosi o kontakt po migracji strony przez jego agencję.",
        ),
    },
)
