"""What every benchmark shares: the environment of a production set-up, the server, the load and the table.

Every load test here talks only to 127.0.0.1 and is bounded twice: by a number of requests and by a time limit.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/frontdesk_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
HOST = "127.0.0.1"
BENCH_SECRET_KEY = "bench-only-secret-key-never-used-outside-benchmarks-0123456789abcdef"  # noqa: S105 - loopback benchmarks only
# The bench-only table the bare baseline view writes to and reads from.
BARE_TABLE = "bench_bare_row"
STATIC_ROOT = Path(tempfile.gettempdir()) / "frontdesk-bench-static"


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def bench_redis_url() -> str:
    """``BENCH_REDIS_URL``, else the server of ``REDIS_URL`` with a database of its own (13).

    Test suites clear their Redis database; a cached actor vanishing mid-run would add queries at random.
    """
    if os.environ.get("BENCH_REDIS_URL"):
        return os.environ["BENCH_REDIS_URL"]
    parts = urlsplit(os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL)
    return urlunsplit(parts._replace(path="/13"))


def production_env(db_url: str | None = None) -> dict[str, str]:
    """The environment of a production deployment (PostgreSQL, Redis), plain HTTP on the loopback."""
    env = {
        "DATABASE_URL": db_url or database_url(),
        "REDIS_URL": bench_redis_url(),
        "SECRET_KEY": os.environ.get("SECRET_KEY") or BENCH_SECRET_KEY,
        "ALLOWED_HOSTS": f"{HOST},localhost,testserver",
        # No TLS on the loopback: without this the production settings redirect every request to https.
        "FRONTDESK_SECURE": "false",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "LOG_LEVEL": "WARNING",
        # Under ASGI every request runs in a thread of its own, so persistent connections are never reused and
        # pile up until PostgreSQL refuses more ("too many clients" at 16 clients with the default of 60 s).
        # Django's advice for ASGI: no persistent connections (or a pool, which needs psycopg_pool).
        "DB_CONN_MAX_AGE": os.environ.get("DB_CONN_MAX_AGE", "0"),
        # An empty collected-static folder, so that WhiteNoise does not warn in every server process.
        "STATIC_ROOT": str(STATIC_ROOT),
    }
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
    return env


def setup_django(db_url: str | None = None) -> None:
    """Configure Django in this process with the bench settings (production settings plus the bare view)."""
    # A terminated benchmark still runs its ``finally`` blocks: the server it started stops with it.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    os.environ.update(production_env(db_url))
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    import django

    django.setup()


def _with_dbname(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def ensure_database(url: str, *, reset: bool = False) -> bool:
    """Create the database of ``url`` if it is missing (drop it first with ``reset``). True if created."""
    import psycopg
    from psycopg import sql

    name = database_name(url)
    if not name:
        raise SystemExit(f"No database name in {url!r}.")
    if reset and "bench" not in name and "smoke" not in name:
        raise SystemExit(f"Refusing to drop {name!r}: only databases named *bench* or *smoke* are reset.")
    with psycopg.connect(_with_dbname(url, "postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
        if exists and reset:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = False
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return True
    return False


def drop_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = database_name(url)
    if "bench" not in name and "smoke" not in name:
        raise SystemExit(f"Refusing to drop {name!r}.")
    with psycopg.connect(_with_dbname(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def ensure_bare_table() -> None:
    """The one table the bare baseline view touches; created here, never by migrations."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {BARE_TABLE} ("
            "id bigserial PRIMARY KEY, subject varchar(300) NOT NULL, body text NOT NULL, "
            "created_at timestamptz NOT NULL)"
        )
        cursor.execute(f"SELECT count(*) FROM {BARE_TABLE}")
        if cursor.fetchone()[0] == 0:
            cursor.execute(
                f"INSERT INTO {BARE_TABLE} (subject, body, created_at) "
                "SELECT 'Seed row ' || g, 'A row for the bare read baseline.', now() FROM generate_series(1, 1000) g"
            )


# --- The server -------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@contextmanager
def production_server(*, workers: int = 2, db_url: str | None = None) -> Iterator[int]:
    """``frontdesk serve`` (uvicorn, ``workers`` processes) with the bench settings on 127.0.0.1; yields the port.

    The same command, ASGI application and middleware as a deployment; the bench settings only add the bare
    baseline view to the URLconf and keep the bench's Redis keys apart.
    """
    port = free_port()
    env = {**os.environ, **production_env(db_url), "PYTHONPATH": str(REPO_ROOT)}
    cmd = [sys.executable, "-m", "frontdesk.cli", "serve", "--host", HOST, "--port", str(port)]
    cmd += ["--workers", str(workers)]
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, start_new_session=True)
    try:
        _wait_until_up(port, proc)
        yield port
    finally:
        # The server's own process group, started above: its workers go with it.
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def _wait_until_up(port: int, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"The server exited with code {proc.returncode} before answering.")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/bench/bare/1")
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"The server on port {port} did not answer within {timeout:.0f} s.")


# --- Load ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Sample:
    """Latencies (seconds) of the successful requests of one batch, its wall time and what went wrong."""

    latencies: list[float] = field(default_factory=list)
    wall: float = 0.0
    errors: list[str] = field(default_factory=list)

    def extend(self, other: Sample) -> None:
        self.latencies.extend(other.latencies)
        self.wall += other.wall
        self.errors.extend(other.errors)


def run_load(
    port: int,
    make_request: Callable[[int], Request],
    *,
    clients: int,
    requests: int,
    time_limit: float,
    expect: Sequence[int] = (200, 201),
    client_headers: Sequence[dict[str, str]] = (),
) -> Sample:
    """``clients`` threads, each on its own keep-alive connection, send ``requests`` requests in all.

    Stops at the count or the time limit, whichever comes first. With ``client_headers``, client ``k`` adds
    ``client_headers[k % len(client_headers)]`` to each of its requests (its own session cookie, say).
    """
    lock = threading.Lock()
    counter = iter(range(requests))
    sample = Sample()
    deadline = time.monotonic() + time_limit

    def client(k: int) -> None:
        own = client_headers[k % len(client_headers)] if client_headers else {}
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        local: list[float] = []
        errors: list[str] = []
        try:
            while time.monotonic() < deadline:
                with lock:
                    i = next(counter, None)
                if i is None:
                    break
                req = make_request(i)
                headers = {**req.headers, **own} if own else req.headers
                started = time.perf_counter()
                try:
                    conn.request(req.method, req.path, body=req.body, headers=headers)
                    resp = conn.getresponse()
                    payload = resp.read()
                except (OSError, http.client.HTTPException) as exc:
                    errors.append(f"{req.method} {req.path}: {exc!r}")
                    conn.close()
                    conn = http.client.HTTPConnection(HOST, port, timeout=30)
                    continue
                elapsed = time.perf_counter() - started
                if resp.status in expect:
                    local.append(elapsed)
                else:
                    errors.append(f"{req.method} {req.path}: {resp.status} {payload[:300]!r}")
        finally:
            conn.close()
            with lock:
                sample.latencies.extend(local)
                sample.errors.extend(errors)

    threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(time_limit + 60)
    sample.wall = time.perf_counter() - started
    return sample


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (``p`` in 0..100) of unsorted ``values``."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def get_json(port: int, path: str, headers: dict[str, str]) -> tuple[int, object]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        raw = resp.read()
    finally:
        conn.close()
    try:
        return resp.status, json.loads(raw)
    except ValueError:
        return resp.status, raw.decode(errors="replace")


def load_arguments(doc: str, *, rounds: int, requests: int, clients: str) -> argparse.ArgumentParser:
    """The options every load benchmark takes: --smoke, --clients, --rounds, --requests, --time-limit, --workers."""
    parser = argparse.ArgumentParser(description=doc.split("\n", 1)[0])
    parser.add_argument("--smoke", action="store_true", help="a few requests only, for CI")
    parser.add_argument(
        "--clients", default=clients, help=f"client counts, comma-separated (default {clients})"
    )
    parser.add_argument("--rounds", type=int, default=rounds, help="alternating batches per target")
    parser.add_argument("--requests", type=int, default=requests, help="requests per batch")
    parser.add_argument("--time-limit", type=float, default=30.0, help="seconds per batch at most")
    parser.add_argument("--workers", type=int, default=2, help="server processes (default 2, one per core)")
    return parser


# --- Output ----------------------------------------------------------------------------------------------------


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A Markdown table, so that the output pastes into README.md as it is."""
    cells = [[str(h) for h in headers], *[[_fmt(c) for c in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        # Labels (the first column) to the left, numbers to the right.
        padded = [
            c.ljust(w) if i == 0 or n == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("| " + " | ".join(padded) + " |")
        if n == 0:
            lines.append(
                "|:" + "-" * (widths[0] + 1) + "|" + "|".join("-" * (w + 1) + ":" for w in widths[1:]) + "|"
            )
    print("\n".join(lines), flush=True)


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 100 else f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def ms(seconds: float) -> float:
    return seconds * 1000


# --- The generated desk -----------------------------------------------------------------------------------------


def bench_agent_token() -> tuple[Any, Any, str]:
    """The generated line-1 agent (serving two brands), a new API token of theirs and its raw key."""
    from bench.world import BENCH_AGENT_EMAIL
    from frontdesk.users.actions import create_api_token
    from frontdesk.users.models import User

    agent = User.objects.filter(email=BENCH_AGENT_EMAIL).first()
    if agent is None:
        raise SystemExit(f"{database_url()} has no generated data: run `python -m bench.generate` first.")
    token, raw = create_api_token(agent, name="bench")
    return agent, token, raw


def revoke(agent: Any, token: Any) -> None:
    from frontdesk.users.actions import revoke_api_token
    from frontdesk.users.actors import actor_for

    revoke_api_token(token, actor=actor_for(agent))
