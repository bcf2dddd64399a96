"""The bench settings with another channel layer configuration (``chat_load --layer tuned|pubsub``).

Used only to measure proposed changes of ``frontdesk/settings.py`` beside the settings as they are
(``--layer product``). ``BENCH_LAYER`` chooses:

* ``tuned``: the same ``channels_redis`` layer (``RedisChannelLayer``) with its Redis connections set for
  many sockets. With redis-py 8 a connection pool (one per server process) refuses the 101st connection in
  use at once (``MaxConnectionsError``) instead of waiting, and every read gives up after 5 s
  (``socket_timeout``), as long as ``channels_redis``'s blocking read of a process's messages (``BZPOPMIN``,
  5 s): a process that heard nothing for 5 s closes a socket with ``TimeoutError`` (1011). And all the sockets
  of a process share one Redis inbox whose ``capacity`` (100 by default) drops further messages silently.
  Here: 1,000 connections, reads wait 15 s, an inbox holds 5,000 messages.
* ``pubsub``: ``channels_redis``'s ``RedisPubSubChannelLayer``: each process subscribes to its sockets'
  channels and groups, a ``group_send`` is one ``PUBLISH``, and nothing is polled per message.
"""

import os

from bench.settings import *
from bench.settings import CHANNEL_LAYERS

_host = {"address": os.environ["REDIS_URL"], "max_connections": 1000, "socket_timeout": 15}

if os.environ.get("BENCH_LAYER") == "pubsub":
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer", "CONFIG": {"hosts": [_host]}}
    }
else:
    CHANNEL_LAYERS = {
        "default": {
            **CHANNEL_LAYERS["default"],
            "CONFIG": {**CHANNEL_LAYERS["default"]["CONFIG"], "hosts": [_host], "capacity": 5000},
        }
    }
