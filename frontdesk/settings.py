"""Frontdesk settings: one module, configured only by the environment.

Without ``DATABASE_URL`` Frontdesk runs embedded: SQLite in WAL mode, Huey on SQLite and files in the data
folder (``FRONTDESK_DATA``, default ``./frontdesk-data``). ``DATABASE_URL`` and ``REDIS_URL`` switch to
PostgreSQL and Redis for production, where several web and worker processes share them.
"""

from __future__ import annotations

import secrets
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import dj_database_url
from django.utils.translation import gettext_lazy as _
from environs import Env

env = Env()
env.read_env(override=False)

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = env.path("FRONTDESK_DATA", Path("frontdesk-data")).resolve()
DATABASE_URL = env.str("DATABASE_URL", "")
REDIS_URL = env.str("REDIS_URL", "")
EMBEDDED = not DATABASE_URL

DEBUG = env.bool("DEBUG", False)


def _secret_key() -> str:
    """The key from the environment; embedded only, one generated once and kept in the data folder."""
    key = env.str("SECRET_KEY", "")
    if key:
        return key
    if not EMBEDDED:
        raise SystemExit("SECRET_KEY must be set when DATABASE_URL is set (production).")
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env.str("FRONTDESK_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "frontdesk.users.apps.FrontdeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "huey.contrib.djhuey",
    "channels",
    "ninja",  # serves the API docs (Swagger UI) from our static files, not a CDN
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "frontdesk.core",
    "frontdesk.brands",
    "frontdesk.users",
    "frontdesk.kb",
    "frontdesk.sla",
    "frontdesk.tickets",
    "frontdesk.mail",
    "frontdesk.reports",
    "frontdesk.webhooks",
    "frontdesk.chat",
    "frontdesk.connectors",
    "frontdesk.automation",
    "frontdesk.notifications",
    "frontdesk.api",
    "frontdesk.desk",
    "frontdesk.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A brand's portal at the root of its own host name.
    "frontdesk.portal.middleware.PortalHostMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "frontdesk.core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "frontdesk.urls"
ASGI_APPLICATION = "frontdesk.asgi.application"
WSGI_APPLICATION = "frontdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "frontdesk.portal.site.context",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------
if EMBEDDED:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES: dict[str, dict[str, Any]] = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env.str("FRONTDESK_SQLITE", str(DATA_DIR / "frontdesk.sqlite3")),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000; "
                    "PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
else:
    _database = dj_database_url.parse(DATABASE_URL)
    _options: dict[str, Any] = dict(_database.get("OPTIONS") or {})
    # Frontdesk's hot rows live in memory or on SSDs; with the default random_page_cost (4, for spinning
    # disks) PostgreSQL walks the primary key backwards through a million tickets instead of using the
    # (brand, status, id) index of a queue.
    _options.setdefault("options", f"-c random_page_cost={env.float('DB_RANDOM_PAGE_COST', 1.1)}")
    if env.bool("DB_POOL", True):
        # Under the ASGI server each request may run on another thread, so per-thread persistent connections
        # pile up; a pool per process hands connections out and takes them back instead.
        _options["pool"] = {"min_size": 1, "max_size": env.int("DB_POOL_MAX_SIZE", 10), "timeout": 10}
        _database["CONN_MAX_AGE"] = 0
    else:
        _database["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", 0)
        _database["CONN_HEALTH_CHECKS"] = True
    DATABASES = {"default": {**_database, "OPTIONS": _options}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, background work, live updates -------------------------------------------------------------------


def broadcast_prefix(redis_url: str) -> str:
    """The broadcast layer's channel prefix for a Redis URL: one per database (``/N`` or ``?db=N``)."""
    parts = urlsplit(redis_url)
    database = parse_qs(parts.query).get("db", [parts.path.strip("/") or "0"])[0]
    return f"frontdesk.{database}"


if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # One pool per process: Django would open a connection per request under ASGI (core/cache.py).
            "OPTIONS": {"pool_class": "frontdesk.core.cache.SharedConnectionPool"},
        }
    }
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "frontdesk",
        "url": REDIS_URL,
        "immediate": False,
        "utc": True,
        "consumer": {"workers": env.int("WORKER_THREADS", 4), "worker_type": "thread"},
    }
    # The list-based layer (group membership kept in Redis, so a socket hears its group from the moment it
    # joins), with its connections set for many sockets: redis-py 8 gives up a read after socket_timeout, which
    # must outlast the layer's 5 s blocking read or every idle socket is closed after 5 s; a process's pool
    # must allow more than 100 connections; a process's inbox must hold more than 100 messages
    # (bench/README.md, the chat load test).
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "max_connections": 1000, "socket_timeout": 15}],
                "capacity": 5000,
            },
        },
        # News that many sockets of a process hear alike (a brand's chat queue): one PUBLISH per message, which
        # each process hears once and hands to its sockets, instead of one message per socket in the layer above.
        # Publish/subscribe channels are the whole Redis server's, whatever its database: the prefix keeps
        # help desks on other databases of one server (staging beside production) from hearing each other.
        "broadcast": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": 15}],
                "prefix": broadcast_prefix(REDIS_URL),
            },
        },
    }
else:
    # PostgreSQL without Redis keeps the task queue in the data folder.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "frontdesk",
        "filename": str(DATA_DIR / "tasks.sqlite3"),
        # The queue is only a doorbell: work lives in database rows and a sweeper re-queues lost rings, so a
        # task need not wait for the disk (4 ms each with fsync, 0.2 ms without).
        "fsync": False,
        "immediate": False,
        "utc": True,
        # An idle consumer looks at its local queue at least once a second (Huey's default backs off to 10 s,
        # so a mail of the embedded help desk could wait that long).
        "consumer": {"workers": 2, "worker_type": "thread", "max_delay": 1.0},
    }
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer"},
        "broadcast": {"BACKEND": "channels.layers.InMemoryChannelLayer"},
    }

# A worker dispatches up to this many waiting ticket events at once.
FRONTDESK_EVENT_BATCH_SIZE = env.int("FRONTDESK_EVENT_BATCH_SIZE", 50)
# Seconds an agent's queue counts are reused before they are counted again (0: every page counts).
FRONTDESK_QUEUE_COUNT_SECONDS = env.float("FRONTDESK_QUEUE_COUNT_SECONDS", 15.0)
# Threads per process for the chat sockets' database work; 0: the one thread of Django's thread-sensitive
# calls. More threads keep the interpreter lock from the sockets' event loop: with 3 or 6 the load test's p99
# was 6-9 s, with 0 under 0.2 s (bench/README.md, the chat load test).
FRONTDESK_CHAT_DB_THREADS = env.int("FRONTDESK_CHAT_DB_THREADS", 0)
# Dotted path of the function that suggests "read also" articles by text (empty: the built-in ranking).
FRONTDESK_KB_SIMILAR = env.str("FRONTDESK_KB_SIMILAR", "")
# Consumers of ticket events (dotted paths), run after commit by the worker: notifications, automation, pushes.
FRONTDESK_EVENT_CONSUMERS: list[str] = env.list(
    "FRONTDESK_EVENT_CONSUMERS",
    [
        "frontdesk.tickets.sla.apply_service_levels_for_event",
        "frontdesk.automation.consumers.run_triggers",
        "frontdesk.tickets.assignment.auto_assign_for_event",
        "frontdesk.mail.consumers.send_ticket_mail",
        "frontdesk.notifications.consumers.notify_agents",
        "frontdesk.webhooks.consumers.queue_webhooks",
        "frontdesk.connectors.consumers.send_social_replies",
        "frontdesk.desk.live.push_ticket_event",
        "frontdesk.reports.consumers.update_ticket_facts",
    ],
)

# Outgoing HTTP (webhooks) never reaches private, loopback or link-local addresses, unless listed here: "true"
# for all, or host names, addresses and networks separated by commas (e.g. "hooks.internal,10.1.0.0/16").
_allow_private: list[str] = env.list("FRONTDESK_HTTP_ALLOW_PRIVATE", [])
FRONTDESK_HTTP_ALLOW_PRIVATE: bool | list[str] = (
    True if [item.lower() for item in _allow_private] == ["true"] else _allow_private
)
# Webhook endpoints may use plain http:// (for a receiver on the same machine or network; never over the Internet).
FRONTDESK_WEBHOOKS_ALLOW_HTTP = env.bool("FRONTDESK_WEBHOOKS_ALLOW_HTTP", False)
# Days a finished webhook delivery (delivered or given up) stays in the delivery log (0: kept for ever).
FRONTDESK_WEBHOOK_LOG_DAYS = env.int("FRONTDESK_WEBHOOK_LOG_DAYS", 30)

# --- Files ------------------------------------------------------------------------------------------------
MEDIA_ROOT = env.path("MEDIA_ROOT", DATA_DIR / "files")
MEDIA_URL = "/media/"
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", DATA_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]  # the layout's own files; apps keep theirs in <app>/static
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Under ASGI, Django reads WhiteNoise's (small, static) files through a thread and says so on every request.
warnings.filterwarnings("ignore", message="StreamingHttpResponse must consume synchronous iterators")
FRONTDESK_MAX_ATTACHMENT_BYTES = env.int("FRONTDESK_MAX_ATTACHMENT_BYTES", 25 * 1024 * 1024)
FRONTDESK_MAX_BODY_CHARS = env.int("FRONTDESK_MAX_BODY_CHARS", 200_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = FRONTDESK_MAX_ATTACHMENT_BYTES + 1024 * 1024

# --- Auth ---------------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# allauth's mail from a brand's portal in the brand's name and sender, linking back into that portal.
ACCOUNT_ADAPTER = "frontdesk.portal.accounts.PortalAccountAdapter"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not EMBEDDED else "http"
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "/accounts/login/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# --- Mail -------------------------------------------------------------------------------------------------
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if env.str("EMAIL_HOST", "")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", "localhost")
EMAIL_PORT = env.int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "frontdesk@localhost")
# How long an API token's look-up (its user and access) is cached: only with a cache that every process
# shares (Redis), so that revoking a token takes effect everywhere at once.
FRONTDESK_TOKEN_CACHE_SECONDS = env.int("FRONTDESK_TOKEN_CACHE_SECONDS", 60 if REDIS_URL else 0)
# How long a process answers a token it has just looked up from its own memory: a revocation reaches the
# other processes within this time (at once in the process that revoked).
FRONTDESK_TOKEN_MEMORY_SECONDS = env.float("FRONTDESK_TOKEN_MEMORY_SECONDS", 2.0)
# PostgreSQL keeps the hottest statements (a new ticket's insert) prepared per connection; turn off behind a
# connection pooler that cannot keep them (PgBouncer before 1.21, or without max_prepared_statements).
FRONTDESK_PREPARED_STATEMENTS = env.bool("FRONTDESK_PREPARED_STATEMENTS", True)
# Inbound mail larger than this is quarantined (kept, not parsed).
FRONTDESK_MAIL_MAX_BYTES = env.int("FRONTDESK_MAIL_MAX_BYTES", 25 * 1024 * 1024)
# Days without automatic mail to an address after a permanent bounce.
FRONTDESK_MAIL_SUPPRESSION_DAYS = env.int("FRONTDESK_MAIL_SUPPRESSION_DAYS", 30)
# At most this many acknowledgements per sender and brand in an hour.
FRONTDESK_MAIL_ACKS_PER_HOUR = env.int("FRONTDESK_MAIL_ACKS_PER_HOUR", 5)
# Automatic mail (auto-submitted, bulk) from one sender beyond this many an hour is ignored as a loop; and automatic
# mail to one customer address (acknowledgements, status news, reminders, rating requests, trigger replies) beyond
# this many an hour is not sent.
FRONTDESK_MAIL_AUTOMATIC_PER_HOUR = env.int("FRONTDESK_MAIL_AUTOMATIC_PER_HOUR", 30)
# Outbound mail is retried with backoff for this long before it is marked failed.
FRONTDESK_MAIL_RETRY_HOURS = env.int("FRONTDESK_MAIL_RETRY_HOURS", 24)
# A worker takes up to this many stored mails (and ticket events, and queued outgoing mails) at once: one query
# per kind of look-up for the batch instead of one per mail.
FRONTDESK_MAIL_BATCH_SIZE = env.int("FRONTDESK_MAIL_BATCH_SIZE", 50)
# A PEM file of CA certificates trusted besides the system's, for IMAP servers and OAuth2 token endpoints
# with certificates from a private CA.
FRONTDESK_MAIL_CA_FILE = env.str("FRONTDESK_MAIL_CA_FILE", "")
SERVER_EMAIL = env.str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# --- Languages and time -----------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian")), ("pl", _("Polish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env.str("TIME_ZONE", "UTC")

# --- Security (production values whenever Frontdesk is not embedded) ------------------------------------------
SECURE = env.bool("FRONTDESK_SECURE", not EMBEDDED)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", SECURE)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 31536000 if SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_PROXY", True) else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "huey": {"level": "WARNING"},
        # aiosmtpd logs every SMTP command at INFO.
        "mail.log": {"level": "WARNING"},
    },
}

NINJA_PAGINATION_MAX_LIMIT = 100

# --- Connectors (social networks and messengers; docs/connectors.md) -------------------------------------------
FRONTDESK_TELEGRAM_API_URL = env.str("FRONTDESK_TELEGRAM_API_URL", "https://api.telegram.org")
FRONTDESK_VK_API_URL = env.str("FRONTDESK_VK_API_URL", "https://api.vk.com")
# Days processed raw payloads of the connectors are kept (0: for ever).
FRONTDESK_CONNECTOR_LOG_DAYS = env.int("FRONTDESK_CONNECTOR_LOG_DAYS", 30)
