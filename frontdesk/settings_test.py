"""Test settings: the production module with Huey immediate, mail in memory and a fast password hasher."""

import os
import tempfile
import uuid
from typing import Any

os.environ.setdefault("SECRET_KEY", "frontdesk-tests-only-" + "x" * 40)
os.environ.setdefault("FRONTDESK_DATA", tempfile.mkdtemp(prefix="frontdesk-test-"))
os.environ.setdefault("FRONTDESK_SECURE", "false")

from frontdesk.settings import *
from frontdesk.settings import CACHES, CHANNEL_LAYERS, HUEY

HUEY = {**HUEY, "immediate": True}
# Parallel test processes (pytest-xdist) may share one Redis while their databases reuse the same ids.
_run = uuid.uuid4().hex[:12]
CACHES = {"default": {**CACHES["default"], "KEY_PREFIX": f"test-{_run}"}}
# Their sockets' groups ("desk.brand.1") would hear each other's pushes on one Redis: a prefix per process.
_layers: dict[str, dict[str, Any]] = dict(CHANNEL_LAYERS)
CHANNEL_LAYERS = {
    alias: {**layer, "CONFIG": {**layer["CONFIG"], "prefix": f"test-{_run}"}}
    if "channels_redis" in layer["BACKEND"]
    else layer
    for alias, layer in _layers.items()
}
# One test process is one server: the token cache is exercised on SQLite too.
FRONTDESK_TOKEN_CACHE_SECONDS = 60
# Queue counts are counted afresh on every page (tests that reuse them turn this on).
FRONTDESK_QUEUE_COUNT_SECONDS = 0
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
