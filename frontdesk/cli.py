"""The ``frontdesk`` command.

``frontdesk run`` is the embedded help desk: one process with the web server and a background worker, SQLite and
files in a data folder. ``serve`` and ``worker`` are the production processes (any number of each, configured by
the environment). ``demo`` and ``token create`` are ours; every other word is a Django management command
(``migrate``, ``createsuperuser``, ``check --deploy``, ``openapi``, ...).

The embedded worker runs as threads inside the web process rather than as a child process: one process is
simpler to stop and to reason about, the tasks only wait on the database, and SQLite in WAL mode lets the web
server and the worker threads share the file. Huey's consumer installs signal handlers in ``start()``; ours
skips that, so Ctrl-C and SIGTERM reach uvicorn, which shuts the web server down gracefully, after which the
worker threads are stopped and joined.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

SETTINGS_MODULE = "frontdesk.settings"
DEFAULT_DATA = "frontdesk-data"
STATE_FILE = "frontdesk-run.json"
WORKER_STOP_SECONDS = 5.0

USAGE = """\
usage: frontdesk <command> [options]

The help desk:
  run       run Frontdesk on this machine: data folder, database, demo data, web server and worker
  serve     production web server (ASGI, several worker processes, behind a TLS proxy)
  worker    production background worker
  demo      load the demo data (brands, agents, customers, tickets)
  token     create API tokens: frontdesk token create EMAIL [--name NAME]

Every other command is a Django management command, for example:
  migrate, createsuperuser, check --deploy, openapi, collectstatic, shell

`frontdesk <command> --help` describes a command; `frontdesk help` lists all management commands.
"""


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    if not args or args[0] in {"-h", "--help"}:
        print(USAGE, end="")
        return 0
    command, rest = args[0], args[1:]
    ours = {"run": run, "serve": serve, "worker": worker, "demo": demo, "token": token}
    try:
        if command in ours:
            return ours[command](rest)
        return django_command(args)
    except KeyboardInterrupt:
        # Ctrl-C before the server was up (during migrate or the demo data): stop without a traceback.
        print("Interrupted.", file=sys.stderr)
        return 130


def django_command(args: Sequence[str]) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["frontdesk", *args])
    return 0


# --- frontdesk run ------------------------------------------------------------------------------------------


def _run_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="frontdesk run",
        description="Run Frontdesk on this machine: SQLite and files in a data folder, web server and worker "
        "in one process. Stop it with Ctrl-C.",
    )
    parser.add_argument(
        "--data",
        help=f"data folder (default: $FRONTDESK_DATA or ./{DEFAULT_DATA})",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    parser.add_argument("--no-demo", action="store_true", help="do not load demo data on the first start")
    return parser


def run(argv: Sequence[str]) -> int:
    args = _run_parser().parse_args(argv)
    data = Path(args.data or os.environ.get("FRONTDESK_DATA") or DEFAULT_DATA).expanduser().resolve()
    data.mkdir(parents=True, exist_ok=True)
    os.environ["FRONTDESK_DATA"] = str(data)
    url = f"http://{_url_host(args.host)}:{args.port}/"
    os.environ.setdefault("FRONTDESK_URL", url.rstrip("/"))
    if "ALLOWED_HOSTS" not in os.environ:
        os.environ["ALLOWED_HOSTS"] = ",".join(_allowed_hosts(args.host))

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # Static files are served from the package through WhiteNoise's finders; an empty collected folder
    # keeps WhiteNoise from warning about it.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    _check_sqlite_wal()
    logins = _first_start(data, load_demo_data=not args.no_demo)
    consumer = _start_worker_threads()

    def banner() -> None:
        _print_banner(url, data, logins)

    try:
        _serve_embedded(args.host, args.port, on_started=banner)
    finally:
        consumer.stop(graceful=True)
    print("Frontdesk stopped.", flush=True)
    return 0


def _url_host(host: str) -> str:
    if host in {"0.0.0.0", "::", ""}:  # noqa: S104 (only shown, never bound here)
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def _allowed_hosts(host: str) -> list[str]:
    hosts = ["127.0.0.1", "localhost", "[::1]"]
    if host in {"0.0.0.0", "::", ""}:  # noqa: S104
        # Reachable from the network: accept this machine's names; set ALLOWED_HOSTS for anything else.
        hosts += [socket.gethostname(), socket.getfqdn()]
    elif host not in hosts:
        hosts.append(f"[{host}]" if ":" in host else host)
    return list(dict.fromkeys(hosts))


def _check_sqlite_wal() -> None:
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
    if str(mode).lower() != "wal":
        raise SystemExit(f"SQLite is in {mode} journal mode, not WAL; is the data folder on a network drive?")


def _first_start(data: Path, *, load_demo_data: bool) -> list[tuple[str, str, str]]:
    """Demo data on the first start only; its logins are remembered in the data folder to show them again."""
    state_path = data / STATE_FILE
    if state_path.exists():
        state = json.loads(state_path.read_text())
        return [
            (str(role), str(email), str(password)) for role, email, password in state.get("demo_logins", [])
        ]
    logins: list[tuple[str, str, str]] = []
    if load_demo_data:
        try:
            from frontdesk.demo import load_demo
        except ImportError as error:
            print(f"Demo data is not available in this version ({error}); starting without it.", flush=True)
            return []
        print("Loading demo data (first start only)...", flush=True)
        logins = [(str(role), str(email), str(password)) for role, email, password in load_demo()]
    state_path.write_text(json.dumps({"demo_logins": logins}, ensure_ascii=False, indent=2))
    state_path.chmod(0o600)
    return logins


def _start_worker_threads() -> Any:
    """Huey's consumer as threads of this process, without its signal handlers (uvicorn owns the signals)."""
    from django.conf import settings
    from django.utils.module_loading import autodiscover_modules
    from huey.consumer import Consumer
    from huey.consumer_options import ConsumerConfig
    from huey.contrib.djhuey import HUEY

    class EmbeddedConsumer(Consumer):  # type: ignore[misc]
        def _set_signal_handlers(self) -> None:
            pass

    autodiscover_modules("tasks")
    huey_settings: dict[str, Any] = settings.HUEY
    options: dict[str, Any] = {**huey_settings.get("consumer", {}), "worker_type": "thread"}
    options.setdefault("shutdown_timeout", WORKER_STOP_SECONDS)
    config = ConsumerConfig(**options)
    config.validate()
    consumer = EmbeddedConsumer(HUEY, **config.values)
    consumer.start()
    return consumer


def _serve_embedded(host: str, port: int, *, on_started: Any) -> None:
    import uvicorn

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if self.started:
                on_started()

    config = uvicorn.Config(
        "frontdesk.asgi:application",
        host=host,
        port=port,
        lifespan="off",
        access_log=False,
        log_level="warning",
        server_header=False,
    )
    # uvicorn catches SIGINT/SIGTERM while serving and, once shut down, raises them again for the previous
    # handlers: these make that a quiet return instead of a KeyboardInterrupt or a kill.
    previous = {sig: signal.signal(sig, _note_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        Server(config).run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _note_signal(signum: int, frame: object) -> None:
    """Stop requested after the server already stopped: nothing left to interrupt."""


def _print_banner(url: str, data: Path, logins: Sequence[tuple[str, str, str]]) -> None:
    lines = ["", f"Frontdesk is running at {url}", f"Data folder: {data}"]
    if logins:
        lines.append("Demo logins (role, email, password):")
        width = max(len(role) for role, _email, _password in logins)
        lines += [f"  {role:<{width}}  {email}  {password}" for role, email, password in logins]
    else:
        lines.append("Create a login with: frontdesk createsuperuser")
    lines += [f"API documentation: {url}api/v1/docs", "Press Ctrl-C to stop.", ""]
    print("\n".join(lines), flush=True)


# --- production processes -----------------------------------------------------------------------------------


def serve(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="frontdesk serve",
        description="Production web server (uvicorn). Run it behind a TLS proxy that sets X-Forwarded-Proto.",
    )
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"), help="default: 127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")), help="default: 8000")
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WEB_CONCURRENCY", "0")) or os.cpu_count() or 1,
        help="web server processes (default: $WEB_CONCURRENCY or the number of CPUs)",
    )
    parser.add_argument(
        "--forwarded-allow-ips",
        default=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
        help="proxies whose X-Forwarded-* headers are trusted (default: $FORWARDED_ALLOW_IPS or localhost)",
    )
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")

    import django

    # Fail here, once, on a bad configuration rather than in every worker process.
    django.setup()
    import uvicorn

    uvicorn.run(
        "frontdesk.asgi:application",
        host=args.host,
        port=args.port,
        workers=args.workers,
        lifespan="off",
        proxy_headers=True,
        forwarded_allow_ips=args.forwarded_allow_ips,
        server_header=False,
        log_level=os.environ.get("LOG_LEVEL", "info").lower(),
        timeout_graceful_shutdown=30,
        # Websocket frames are small JSON (chat, live updates): compressing each cost more CPU than it saved
        # (bench/README.md, the chat load test).
        ws_per_message_deflate=False,
    )
    return 0


def worker(argv: Sequence[str]) -> int:
    """The Huey consumer (Django's ``run_huey``); options such as ``--workers`` pass through."""
    return django_command(["run_huey", *argv])


# --- demo data and tokens -----------------------------------------------------------------------------------


def demo(argv: Sequence[str]) -> int:
    argparse.ArgumentParser(
        prog="frontdesk demo", description="Load the demo data; running it again changes nothing."
    ).parse_args(argv)
    import django

    django.setup()
    try:
        from frontdesk.demo import load_demo
    except ImportError as error:
        print(f"Demo data is not available in this version ({error}).", file=sys.stderr)
        return 1
    logins = load_demo()
    print("Demo data loaded. Logins (role, email, password):")
    for role, email, password in logins:
        print(f"  {role}  {email}  {password}")
    return 0


def token(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="frontdesk token", description="API tokens.")
    sub = parser.add_subparsers(dest="action", required=True)
    create = sub.add_parser(
        "create", help="print a new API token for a user", description="Print a new API token for a user."
    )
    create.add_argument("email", help="the user's email address")
    create.add_argument("--name", default="", help="what the token is for, e.g. 'CRM sync'")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from frontdesk.users.actions import create_api_token

    user = get_user_model().objects.filter(email__iexact=args.email.strip()).first()
    if user is None:
        print(f"frontdesk token create: no user with the email address {args.email!r}.", file=sys.stderr)
        return 1
    if not user.is_active:
        print(f"frontdesk token create: the user {args.email!r} is deactivated.", file=sys.stderr)
        return 1
    _token, raw = create_api_token(user, name=args.name)
    print(raw)
    return 0


if __name__ == "__main__":
    sys.exit(main())
