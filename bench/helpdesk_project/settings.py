"""Settings of the minimal django-helpdesk project (the installation its documentation describes).

Only ``bench.helpdesk_mail`` uses it, with django-helpdesk installed in its own virtualenv. The database and the
media folder come from the environment: ``HELPDESK_BENCH_DATABASE`` (a database name on
``HELPDESK_BENCH_PG_HOST``/``_PORT``/``_USER``) and ``HELPDESK_BENCH_MEDIA_ROOT``.
"""

import os

SECRET_KEY = "helpdesk-bench-only-secret-key-never-used-outside-the-benchmark-0123456789"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",  # required: the domain in the notification mails
    "django.contrib.humanize",  # required: elapsed times
    "helpdesk",
]
# Without pinax-teams (django-helpdesk's documented switch).
HELPDESK_TEAMS_MODE_ENABLED = False
SITE_ID = 1

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "bench.helpdesk_project.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("HELPDESK_BENCH_DATABASE", "helpdesk_bench"),
        "HOST": os.environ.get("HELPDESK_BENCH_PG_HOST", "127.0.0.1"),
        "PORT": os.environ.get("HELPDESK_BENCH_PG_PORT", "5432"),
        "USER": os.environ.get("HELPDESK_BENCH_PG_USER", "postgres"),
        "PASSWORD": os.environ.get("HELPDESK_BENCH_PG_PASSWORD", ""),
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

# The acknowledgements are rendered and handed to Django's dummy backend, as in Frontdesk's benchmark.
DEFAULT_FROM_EMAIL = "helpdesk@helpdesk.bench.example"
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
MEDIA_URL = "/media/"
MEDIA_ROOT = os.environ.get("HELPDESK_BENCH_MEDIA_ROOT", "/tmp/helpdesk-bench-media")  # noqa: S108
LOGIN_URL = "helpdesk:login"
