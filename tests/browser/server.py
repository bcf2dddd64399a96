"""Start the real ``frontdesk`` command in a subprocess, for the command-line tests and the browser journeys.

The child gets a clean environment: none of the test settings, database or Redis variables of the pytest process
leak into it, so ``frontdesk run`` starts exactly as it does on a new machine.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

LEAKY_VARIABLES = (
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DEBUG",
)
STARTED_LINE = "Press Ctrl-C to stop."


def frontdesk_command() -> list[str]:
    """The installed console script next to this Python, or the module when it is not installed."""
    script = Path(sys.executable).with_name("frontdesk")
    return [str(script)] if script.exists() else [sys.executable, "-m", "frontdesk.cli"]


def clean_env(data: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in LEAKY_VARIABLES and not key.startswith(("FRONTDESK_", "PYTEST_", "EMAIL_"))
    }
    env.update(FRONTDESK_DATA=str(data), PYTHONUNBUFFERED="1", **extra)
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def frontdesk(
    *args: str, env: Mapping[str, str], timeout: float = 60, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run one ``frontdesk`` command to completion."""
    result = subprocess.run(
        [*frontdesk_command(), *args],
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and result.returncode != 0:
        pytest.fail(
            f"frontdesk {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
        )
    return result


@dataclass
class RunningFrontdesk:
    process: subprocess.Popen[str]
    url: str
    data: Path
    lines: list[str] = field(default_factory=list)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def get(self, path: str, *, headers: Mapping[str, str] | None = None) -> tuple[int, bytes]:
        request = urllib.request.Request(self.url + path.lstrip("/"), headers=dict(headers or {}))  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 (http to 127.0.0.1)
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def stop(self, sig: int = signal.SIGINT, timeout: float = 10) -> int:
        """Send a signal, wait for the exit, return the exit code (fails the test if it hangs)."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            pytest.fail(f"frontdesk did not stop within {timeout} s of signal {sig}:\n{self.output}")


@contextmanager
def running_frontdesk(
    data: Path,
    *,
    args: Sequence[str] = ("run", "--no-demo"),
    ready: str = STARTED_LINE,
    listen: bool = True,
    timeout: float = 120,
) -> Iterator[RunningFrontdesk]:
    """``frontdesk run`` (or another long-running command) on a free port; stopped with Ctrl-C at the end.

    ``ready`` is the output line that says it has started.
    """
    port = free_port()
    address = ["--host", "127.0.0.1", "--port", str(port)] if listen else []
    process = subprocess.Popen(
        [*frontdesk_command(), *args, *address],
        env=clean_env(data),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    server = RunningFrontdesk(process=process, url=f"http://127.0.0.1:{port}/", data=data)
    started = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            server.lines.append(line)
            if ready in line:
                started.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = time.monotonic() + timeout
    while not started.wait(0.1):
        if process.poll() is not None or time.monotonic() > deadline:
            server.stop(signal.SIGKILL)
            reader.join(2)
            pytest.fail(f"frontdesk {' '.join(args)} did not start:\n{server.output}")
    try:
        yield server
    finally:
        if process.poll() is None:
            server.stop()
        reader.join(2)


def shared_data_folder(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None], *, wait: bool = True
) -> Path | None:
    """A data folder built once per test run by ``build`` and shared by the parallel test processes (the first
    one to ask builds it under a lock, the others wait for it). Tests copy it with ``copy_data_folder``.

    With ``wait=False`` nothing waits: None when another process is building it."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder, above each process's own
    folder, done, failed = root / name, root / f"{name}.done", root / f"{name}.failed"
    with (root / f"{name}.lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return None
        if failed.exists():  # said in full where it was tried; the others need not try for a minute each
            pytest.fail(f"the {name} data folder could not be built:\n{failed.read_text()}")
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            try:
                build(folder)
            except BaseException as error:
                failed.write_text(str(error))
                raise
            done.touch()
    return folder


def copy_data_folder(template: Path, target: Path) -> Path:
    """A private copy of a data folder that no process has open (its SQLite files closed cleanly)."""
    return Path(shutil.copytree(template, target))


def build_migrated(data: Path) -> None:
    """A data folder as ``frontdesk migrate`` leaves it: the database and the secret key, no demo data."""
    frontdesk("migrate", "--verbosity", "0", env=clean_env(data), timeout=300)


def build_demo(data: Path) -> None:
    """A data folder after the first start of ``frontdesk run``: migrated, the demo data loaded, its logins
    remembered (printed again by every later start); stopped with Ctrl-C like an operator would."""
    with running_frontdesk(data, args=("run",), timeout=300) as desk:
        code = desk.stop(signal.SIGINT, timeout=30)
    if code != 0:
        pytest.fail(f"frontdesk run exited {code} after its first start:\n{desk.output}")
