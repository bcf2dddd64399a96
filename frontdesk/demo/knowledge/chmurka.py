"""Chmurka Hosting, web hosting, domains and mail: its help articles in Polish and English."""

from __future__ import annotations

from frontdesk.demo.knowledge.spec import ArticleSpec, KnowledgeSpec, Text

CHMURKA = KnowledgeSpec(
    categories=(
        ("domains", {"pl": "Domeny", "en": "Domains"}),
        ("email", {"pl": "Poczta", "en": "Email"}),
        ("hosting", {"pl": "Hosting i strony", "en": "Hosting and websites"}),
        ("billing", {"pl": "Płatności i faktury", "en": "Billing and invoices"}),
    ),
    articles=(
        ArticleSpec(
            key="point-domain",
            category="domains",
            related=("transfer-domain", "ssl"),
            texts={
                "pl": Text(
                    "Jak podłączyć domenę do hostingu w Chmurce",
                    "Domena zarejestrowana u innego rejestratora zacznie działać z naszym hostingiem po "
                    "zmianie serwerów DNS w panelu rejestratora na:\n\n"
                    "- `ns1.chmurka.example`\n"
                    "- `ns2.chmurka.example`\n\n"
                    "Jeśli wolisz zostawić DNS u rejestratora, ustaw rekord **A** domeny na adres IP "
                    "serwera z zakładki *Hosting → Informacje*, a rekord **CNAME** dla `www` na nazwę "
                    "domeny.\n\n"
                    "Zmiany rozchodzą się po internecie do 24 godzin. W tym czasie strona może raz działać, "
                    "a raz nie — to normalne.",
                    ("domena", "dns", "serwery nazw", "rekord a"),
                ),
                "en": Text(
                    "Pointing your domain to Chmurka hosting",
                    "A domain registered elsewhere starts working with our hosting once you change its name "
                    "servers in the registrar's panel to:\n\n"
                    "- `ns1.chmurka.example`\n"
                    "- `ns2.chmurka.example`\n\n"
                    "If you would rather keep DNS at your registrar, set the domain's **A** record to the "
                    "server IP shown under *Hosting → Details* and a **CNAME** record for `www` to the "
                    "domain name.\n\n"
                    "Changes take up to 24 hours to spread across the internet; until then the site may "
                    "work one moment and not the next. That is normal.",
                    ("domain", "dns", "name servers", "a record"),
                ),
            },
        ),
        ArticleSpec(
            key="transfer-domain",
            category="domains",
            related=("point-domain",),
            texts={
                "pl": Text(
                    "Przeniesienie domeny do Chmurki (kod AuthInfo)",
                    "Do przeniesienia domeny potrzebny jest **kod AuthInfo** (kod transferu) od obecnego "
                    "rejestratora. Wpisz go w panelu w *Domeny → Przenieś domenę* i opłać transfer — "
                    "obejmuje on przedłużenie domeny o rok.\n\n"
                    "Transfer domen .pl trwa zwykle kilka godzin, domen .com i .eu do 5 dni. Domeny nie "
                    "można przenieść w ciągu 60 dni od rejestracji ani gdy wygasa za mniej niż 7 dni.",
                    ("transfer domeny", "authinfo", "kod transferu", "rejestrator"),
                ),
                "en": Text(
                    "Transferring a domain to Chmurka (AuthInfo code)",
                    "To transfer a domain you need its **AuthInfo code** (transfer code) from your current "
                    "registrar. Enter it in the panel under *Domains → Transfer a domain* and pay for the "
                    "transfer, which includes a one-year renewal.\n\n"
                    ".pl domains usually move within a few hours, .com and .eu within 5 days. A domain "
                    "cannot be transferred within 60 days of registration or when it expires in less than "
                    "7 days.",
                    ("domain transfer", "authinfo", "transfer code", "registrar"),
                ),
            },
        ),
        ArticleSpec(
            key="mail-client",
            category="email",
            related=("mail-spam",),
            texts={
                "pl": Text(
                    "Konfiguracja poczty w Outlooku, Thunderbirdzie i telefonie",
                    "Użyj tych ustawień w dowolnym programie pocztowym:\n\n"
                    "| | Serwer | Port | Szyfrowanie |\n"
                    "|---|---|---|---|\n"
                    "| Odbiór (IMAP) | `mail.chmurka.example` | 993 | SSL/TLS |\n"
                    "| Wysyłka (SMTP) | `mail.chmurka.example` | 465 | SSL/TLS |\n\n"
                    "Login to **pełny adres e-mail**, hasło — hasło skrzynki ustawione w panelu. Serwer "
                    "wysyłki wymaga logowania tym samym loginem i hasłem. Jeśli program odrzuca hasło, "
                    "ustaw je ponownie w *Poczta → Skrzynki*.",
                    ("poczta", "outlook", "imap", "smtp", "konfiguracja"),
                ),
                "en": Text(
                    "Setting up email in Outlook, Thunderbird or on your phone",
                    "Use these settings in any mail program:\n\n"
                    "| | Server | Port | Encryption |\n"
                    "|---|---|---|---|\n"
                    "| Incoming (IMAP) | `mail.chmurka.example` | 993 | SSL/TLS |\n"
                    "| Outgoing (SMTP) | `mail.chmurka.example` | 465 | SSL/TLS |\n\n"
                    "The user name is your **full email address**, the password is the mailbox password "
                    "set in the panel. The outgoing server needs the same login. If your program rejects "
                    "the password, set it again under *Email → Mailboxes*.",
                    ("email", "outlook", "imap", "smtp", "settings"),
                ),
            },
        ),
        ArticleSpec(
            key="mail-spam",
            category="email",
            related=("mail-client", "point-domain"),
            texts={
                "pl": Text(
                    "Moje wiadomości trafiają do spamu u odbiorców",
                    "Skrzynki odbiorców ufają poczcie z domeny, która ma poprawne rekordy **SPF**, "
                    "**DKIM** i **DMARC**. Jeśli DNS domeny jest w Chmurce, włącz je jednym kliknięciem w "
                    "*Poczta → Uwierzytelnianie*. Przy DNS u innego dostawcy skopiuj stamtąd trzy rekordy "
                    "TXT, które pokazuje panel.\n\n"
                    "Unikaj też wysyłki setek wiadomości naraz ze zwykłej skrzynki — do newsletterów służy "
                    "osobna usługa. Sprawdź, czy Twój adres IP nie jest na czarnej liście: wynik pokazuje "
                    "panel w tej samej zakładce.",
                    ("spam", "spf", "dkim", "dmarc", "dostarczalność"),
                ),
                "en": Text(
                    "My emails land in recipients' spam",
                    "Recipients' mailboxes trust mail from a domain with correct **SPF**, **DKIM** and "
                    "**DMARC** records. If the domain's DNS is at Chmurka, switch them on with one click "
                    "under *Email → Authentication*. With DNS elsewhere, copy the three TXT records the "
                    "panel shows into your DNS provider.\n\n"
                    "Also avoid sending hundreds of messages at once from an ordinary mailbox — use a "
                    "newsletter service for that. The same tab shows whether your IP address is on a "
                    "blocklist.",
                    ("spam", "spf", "dkim", "dmarc", "deliverability"),
                ),
            },
        ),
        ArticleSpec(
            key="error-500",
            category="hosting",
            related=("backups",),
            texts={
                "pl": Text(
                    "Strona pokazuje błąd 500 lub białą stronę",
                    "Błąd 500 oznacza, że skrypt strony zakończył się błędem. Najczęstsze przyczyny:\n\n"
                    "1. Aktualizacja wtyczki lub motywu WordPressa — wyłącz ostatnio zmienioną wtyczkę, "
                    "zmieniając nazwę jej katalogu w `wp-content/plugins`.\n"
                    "2. Zła wersja PHP — zmień ją w *Hosting → PHP* na tę, której wymaga strona.\n"
                    "3. Błąd w pliku `.htaccess` — zmień jego nazwę i sprawdź, czy strona wróciła.\n\n"
                    "Dokładny komunikat błędu znajdziesz w *Hosting → Logi → error.log*. Gdy nic nie "
                    "pomaga, przywróć stronę z kopii zapasowej z dnia, gdy działała.",
                    ("błąd 500", "biała strona", "wordpress", "php", "strona nie działa"),
                ),
                "en": Text(
                    "My website shows a 500 error or a blank page",
                    "A 500 error means the site's script failed. The usual causes:\n\n"
                    "1. A WordPress plugin or theme update — disable the most recently changed plugin by "
                    "renaming its folder in `wp-content/plugins`.\n"
                    "2. The wrong PHP version — change it under *Hosting → PHP* to the one your site "
                    "needs.\n"
                    "3. A mistake in `.htaccess` — rename the file and see whether the site comes back.\n\n"
                    "The exact error message is in *Hosting → Logs → error.log*. If nothing helps, restore "
                    "the site from a backup of a day when it worked.",
                    ("500 error", "blank page", "wordpress", "php", "site down"),
                ),
            },
        ),
        ArticleSpec(
            key="ssl",
            category="hosting",
            texts={
                "pl": Text(
                    "Darmowy certyfikat SSL (https) dla strony",
                    "Każda domena podłączona do hostingu dostaje bezpłatny certyfikat Let's Encrypt. Włącz "
                    "go w *Hosting → SSL* — wystawienie trwa kilka minut, a odnawianie co 90 dni dzieje się "
                    "samo.\n\n"
                    "Certyfikat można wystawić dopiero wtedy, gdy domena wskazuje już na nasz serwer. Po "
                    "włączeniu zaznacz **Przekierowanie na https**, aby odwiedzający zawsze trafiali na "
                    "bezpieczną wersję strony.",
                    ("ssl", "https", "certyfikat", "let's encrypt"),
                ),
                "en": Text(
                    "Free SSL certificate (https) for your site",
                    "Every domain on our hosting gets a free Let's Encrypt certificate. Switch it on under "
                    "*Hosting → SSL*; issuing takes a few minutes and the renewal every 90 days is "
                    "automatic.\n\n"
                    "The certificate can only be issued once the domain points to our server. After "
                    "enabling it, tick **Redirect to https** so that visitors always reach the secure "
                    "version of your site.",
                    ("ssl", "https", "certificate", "let's encrypt"),
                ),
            },
        ),
        ArticleSpec(
            key="invoices",
            category="billing",
            texts={
                "pl": Text(
                    "Faktury, dane do faktury i zawieszenie usługi za brak płatności",
                    "Faktury VAT znajdziesz w *Płatności → Faktury*; wysyłamy je też e-mailem po każdej "
                    "płatności. Dane firmy i NIP zmienisz w *Konto → Dane do faktury* — zmiana dotyczy "
                    "kolejnych faktur, wystawionej faktury nie korygujemy po upływie 7 dni.\n\n"
                    "O końcu okresu przypominamy 30, 14 i 3 dni wcześniej. Nieopłacona usługa jest "
                    "zawieszana 7 dni po terminie, a dane usuwane po kolejnych 30 dniach. Po opłaceniu "
                    "usługa wraca w ciągu kilku minut.",
                    ("faktura", "nip", "płatność", "zawieszenie", "przedłużenie"),
                ),
                "en": Text(
                    "Invoices, billing details and suspension for non-payment",
                    "VAT invoices are under *Billing → Invoices*, and we email each one after payment. "
                    "Change the company name and tax number under *Account → Billing details*; the change "
                    "applies to future invoices, and an issued invoice is not corrected after 7 days.\n\n"
                    "We remind you 30, 14 and 3 days before a term ends. An unpaid service is suspended 7 "
                    "days after the due date and its data deleted 30 days later. Once paid, the service "
                    "comes back within minutes.",
                    ("invoice", "vat", "payment", "suspended", "renewal"),
                ),
            },
        ),
        ArticleSpec(
            key="backups",
            category="hosting",
            related=("error-500",),
            texts={
                "pl": Text(
                    "Kopie zapasowe i przywracanie plików oraz bazy danych",
                    "Kopię plików i baz danych robimy codziennie w nocy i przechowujemy przez 14 dni. W "
                    "*Hosting → Kopie zapasowe* wybierz dzień i przywróć całą stronę, pojedynczy katalog "
                    "albo samą bazę danych.\n\n"
                    "Przywrócenie nadpisuje obecne pliki — jeśli chcesz je zachować, najpierw pobierz "
                    "bieżącą kopię przyciskiem **Pobierz**.",
                    ("kopia zapasowa", "backup", "przywracanie", "baza danych"),
                ),
                "en": Text(
                    "Backups and restoring files and databases",
                    "Files and databases are backed up every night and kept for 14 days. Under *Hosting → "
                    "Backups* pick a day and restore the whole site, a single folder or just the "
                    "database.\n\n"
                    "Restoring overwrites the current files — to keep them, download a current copy with "
                    "**Download** first.",
                    ("backup", "restore", "database", "files"),
                ),
            },
        ),
        ArticleSpec(
            key="internal-mailbox-restore",
            category="email",
            internal=True,
            texts={
                "pl": Text(
                    "Dla agentów: przywracanie skrzynki pocztowej z kopii (linia 2)",
                    "Klient nie może sam przywrócić poczty z panelu. Linia 2: w konsoli serwera pocztowego "
                    "użyj narzędzia przywracania dla skrzynki i dnia z kopii, zawsze do osobnego katalogu "
                    "*Przywrócone*, nigdy na istniejące foldery. Przed przywróceniem potwierdź, że "
                    "zgłaszający jest administratorem domeny (kontakt techniczny w danych domeny).",
                    ("agenci", "poczta", "przywracanie", "linia 2"),
                ),
                "en": Text(
                    "For agents: restoring a mailbox from backup (line 2)",
                    "Customers cannot restore mail from the panel themselves. Line 2: in the mail server "
                    "console use the restore tool for the mailbox and the backup day, always into a "
                    "separate *Restored* folder, never over the existing folders. Before restoring, confirm "
                    "that the requester administers the domain (the technical contact on the domain).",
                    ("agents", "email", "restore", "line 2"),
                ),
            },
        ),
    ),
)
