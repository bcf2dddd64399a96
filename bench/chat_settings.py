"""The bench settings with the channel layer's Redis connections set for many sockets (``chat_load --layer tuned``).

Used only to measure a proposed change of ``frontdesk/settings.py`` beside the settings as they are. With
redis-py 8 a connection pool (one per server process in ``channels_redis``) refuses the 101st connection in use
at once (``MaxConnectionsError``) instead of waiting, and every read gives up after 5 s (``socket_timeout``),
the same time as ``channels_redis``'s blocking read of a process's messages (``BZPOPMIN`` for 5 s): a socket
whose process heard nothing for 5 s fails with ``TimeoutError`` and is closed (1011). Here the pool may hold
enough connections for the sockets a process carries, and reads wait longer than the blocking read.
"""

import os

from bench.settings import *
from bench.settings import CHANNEL_LAYERS

CHANNEL_LAYERS = {
    "default": {
        **CHANNEL_LAYERS["default"],
        "CONFIG": {
            **CHANNEL_LAYERS["default"]["CONFIG"],
            "hosts": [
                {
                    "address": os.environ["REDIS_URL"],
                    "max_connections": int(os.environ.get("BENCH_LAYER_CONNECTIONS", "1000")),
                    "socket_timeout": 15,
                }
            ],
        },
    }
}
