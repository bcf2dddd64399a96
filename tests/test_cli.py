"""The ``frontdesk`` command, run for real in subprocesses, as a new user or an operator would run it."""

from __future__ import annotations

import json
import secrets
import signal
import sqlite3
import stat
import time
from pathlib import Path

from tests.browser.server import clean_env, frontdesk, running_frontdesk

PRODUCTION = {
    "DATABASE_URL": "postgres://frontdesk:secret@db.example.internal:5432/frontdesk",
    "REDIS_URL": "redis://cache.example.internal:6379/0",
    "ALLOWED_HOSTS": "desk.example.com",
    "EMAIL_HOST": "smtp.example.com",
}


def _journal_mode(database: Path) -> str:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        return str(connection.execute("PRAGMA journal_mode").fetchone()[0])


def _queue_a_task_and_wait_until_consumed(data: Path) -> str:
    """Another process queues a task; the worker threads inside ``frontdesk run`` must take it."""
    script = (
        "import time\n"
        "from huey.contrib.djhuey import HUEY\n"
        "from frontdesk.tickets.tasks import dispatch_ticket_event\n"
        "dispatch_ticket_event(999999)\n"
        "deadline = time.monotonic() + 20\n"
        "while HUEY.pending_count() and time.monotonic() < deadline:\n"
        "    time.sleep(0.1)\n"
        "print('consumed' if not HUEY.pending_count() else 'still queued')\n"
    )
    return frontdesk("shell", "--no-imports", "-c", script, env=clean_env(data)).stdout.strip()


def test_run_serves_the_desk_the_api_and_its_worker_from_a_new_data_folder_and_stops_on_ctrl_c(
    tmp_path: Path,
) -> None:
    data = tmp_path / "desk-data"
    with running_frontdesk(data) as desk:
        assert f"Frontdesk is running at {desk.url}" in desk.output
        status, body = desk.get("/")
        assert status == 200
        assert b"Frontdesk" in body
        status, body = desk.get("/api/v1/openapi.json")
        assert status == 200
        assert json.loads(body)["info"]["title"] == "Frontdesk API"
        status, _css = desk.get("/static/frontdesk/frontdesk.css")
        assert status == 200
        assert _journal_mode(data / "frontdesk.sqlite3") == "wal"
        key = (data / "secret_key").read_text()
        assert len(key) >= 50
        assert stat.S_IMODE((data / "secret_key").stat().st_mode) == 0o600
        assert _queue_a_task_and_wait_until_consumed(data) == "consumed"
        assert desk.stop(signal.SIGINT, timeout=10) == 0
    assert "Traceback" not in desk.output
    assert "Frontdesk stopped." in desk.output


def test_run_keeps_its_secret_key_on_restart_and_stops_on_sigterm(migrated_data: Path) -> None:
    data = migrated_data
    with running_frontdesk(data) as first:
        assert first.stop(signal.SIGINT) == 0
    key = (data / "secret_key").read_text()
    with running_frontdesk(data) as second:
        assert second.get("/")[0] == 200
        assert second.stop(signal.SIGTERM, timeout=10) == 0
    assert (data / "secret_key").read_text() == key
    assert "Traceback" not in second.output


def test_token_create_prints_a_token_that_signs_the_user_in_to_the_api(migrated_data: Path) -> None:
    data = migrated_data
    env = clean_env(data, DJANGO_SUPERUSER_PASSWORD="a-long-admin-password-1")
    frontdesk("createsuperuser", "--noinput", "--email", "ops@example.com", "--name", "Ops", env=env)

    result = frontdesk("token", "create", "OPS@example.com", "--name", "CRM sync", env=env)

    raw = result.stdout.strip()
    assert len(raw.splitlines()) == 1
    with running_frontdesk(data) as desk:
        status, body = desk.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
        assert status == 200, body
        assert json.loads(body)["email"] == "ops@example.com"
        assert desk.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}x"})[0] == 401


def test_token_create_for_an_unknown_email_exits_1_and_says_why(migrated_data: Path) -> None:
    env = clean_env(migrated_data)

    result = frontdesk("token", "create", "nobody@example.com", env=env, check=False)

    assert result.returncode == 1
    assert result.stdout == ""
    assert "no user with the email address 'nobody@example.com'" in result.stderr


def test_check_deploy_with_production_settings_gives_no_warnings(tmp_path: Path) -> None:
    env = clean_env(tmp_path / "unused", SECRET_KEY=secrets.token_urlsafe(64), **PRODUCTION)

    result = frontdesk("check", "--deploy", "--fail-level", "WARNING", env=env, check=False)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_postgresql_without_redis_keeps_the_task_queue_in_a_new_data_folder(tmp_path: Path) -> None:
    # No database connection is needed for the checks; the queue's SQLite file must find its folder.
    env = clean_env(tmp_path / "new-data", SECRET_KEY="x" * 64, DATABASE_URL=PRODUCTION["DATABASE_URL"])

    result = frontdesk("check", env=env, check=False)

    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "new-data" / "tasks.sqlite3").exists()


def test_production_without_a_secret_key_refuses_to_start(tmp_path: Path) -> None:
    env = clean_env(tmp_path / "unused", **PRODUCTION)

    result = frontdesk("check", env=env, check=False)

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    assert not (tmp_path / "unused" / "secret_key").exists()


def test_serve_answers_with_several_worker_processes_and_stops_on_ctrl_c(migrated_data: Path) -> None:
    data = migrated_data
    with running_frontdesk(data, args=("serve", "--workers", "2"), ready="Started server process") as web:
        status, deadline = 0, time.monotonic() + 30
        while not status and time.monotonic() < deadline:  # the second worker may still be starting
            try:
                status = web.get("/")[0]
            except OSError:
                time.sleep(0.2)
        assert status == 200
        while web.output.count("Started server process") < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert web.output.count("Started server process") == 2
        assert web.stop(signal.SIGINT, timeout=15) == 0


def test_worker_starts_the_task_consumer_and_stops_on_ctrl_c(migrated_data: Path) -> None:
    data = migrated_data
    with running_frontdesk(data, args=("worker",), ready="Huey consumer started", listen=False) as worker:
        time.sleep(1)  # the consumer logs its start just before it installs its signal handlers
        assert worker.stop(signal.SIGINT, timeout=15) == 0
    assert "Traceback" not in worker.output


def test_help_lists_the_help_desk_commands() -> None:
    result = frontdesk("--help", env=clean_env(Path("unused")))

    for command in ("run", "serve", "worker", "demo", "token", "check --deploy"):
        assert command in result.stdout
