"""Production settings plus the bench-only bare view; used only by the benchmarks' own server.

Everything comes from ``frontdesk.settings`` as a deployment would configure it (``DATABASE_URL``,
``REDIS_URL``, ``SECRET_KEY``, ``ALLOWED_HOSTS``). Two changes only: the URLconf adds the bare baseline view,
and the benchmark's Redis keys (cache, task queue) get their own names so that a shared Redis is not mixed up.
"""

from frontdesk.settings import *
from frontdesk.settings import CACHES, HUEY

ROOT_URLCONF = "bench.bare_urls"
HUEY = {**HUEY, "name": "frontdesk-bench"}
CACHES = {"default": {**CACHES["default"], "KEY_PREFIX": "frontdesk-bench"}}
