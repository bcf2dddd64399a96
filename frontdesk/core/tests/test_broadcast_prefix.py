"""The broadcast layer (Redis publish/subscribe) is separated per Redis database, as everything else is."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from frontdesk.settings import broadcast_prefix


@pytest.mark.parametrize(
    ("url", "prefix"),
    [
        ("redis://127.0.0.1:6379/3", "frontdesk.3"),
        ("redis://127.0.0.1:6379", "frontdesk.0"),
        ("redis://127.0.0.1:6379/", "frontdesk.0"),
        ("redis://:secret@cache.internal:6380/0?db=5", "frontdesk.5"),
        ("rediss://cache.internal/12", "frontdesk.12"),
    ],
)
def test_each_redis_database_has_its_own_broadcast_prefix(url, prefix):
    assert broadcast_prefix(url) == prefix


def test_the_production_settings_give_the_broadcast_layer_the_databases_prefix(tmp_path):
    """Publish/subscribe channels ignore the database number: two help desks on databases 4 and 5 of one
    server would hear each other's chat queue news without the prefix."""
    code = (
        "import frontdesk.settings as s; layer = s.CHANNEL_LAYERS['broadcast'];"
        "print(layer['BACKEND'], layer['CONFIG']['prefix'])"
    )
    env = {
        **os.environ,
        "REDIS_URL": "redis://127.0.0.1:6379/4",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "FRONTDESK_DATA": str(tmp_path),
        "SECRET_KEY": "x" * 50,
    }
    out = subprocess.run(  # noqa: S603 - this interpreter, our own code
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["channels_redis.pubsub.RedisPubSubChannelLayer", "frontdesk.4"]
