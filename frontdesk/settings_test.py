"""Test settings: the production module with Huey immediate, mail in memory and a fast password hasher."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "frontdesk-tests-only-" + "x" * 40)
os.environ.setdefault("FRONTDESK_DATA", tempfile.mkdtemp(prefix="frontdesk-test-"))
os.environ.setdefault("FRONTDESK_SECURE", "false")

from frontdesk.settings import *  # noqa: E402, F403
from frontdesk.settings import HUEY  # noqa: E402

HUEY = {**HUEY, "immediate": True}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
