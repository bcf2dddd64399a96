"""django-helpdesk 2.6's mail importer on the same mix of mails as ``bench.mail_ingest``, for comparison.

    python -m bench.helpdesk_mail [--mails 1000] [--processes 1,2] [--time-limit 300] [--json]

From Python (``bench.mail_ingest`` can call it in the same run): ``run(mails=1000, processes=2) -> dict``.

django-helpdesk never enters the project's environment: it is installed once into its own virtualenv,
``bench/.helpdesk-venv`` (git-ignored, reused by later runs), with the minimal Django project of
``bench/helpdesk_project`` (the settings its documentation asks for, no teams, Django's dummy mail backend) and
a throwaway PostgreSQL database ``helpdesk_bench_<pid>`` on ``HELPDESK_BENCH_PG_URL`` (default
``postgres://postgres@127.0.0.1:5432``), migrated, with one queue, and dropped at the end of each run.

Each run:
  1. seeds: ``mails // 5`` (at most 200) new mails from the same generator become tickets through the importer
     (not timed), as ``bench.mail_ingest`` seeds 200 tickets before its run;
  2. the mix: ``bench.mail_ingest.generate`` with the same seed as its pipe path — 60% new plain mails, 20% new
     mails with a text and a PNG attachment, 20% replies to the seed tickets. A reply threads the way
     django-helpdesk threads them: the ticket's tag in the subject (``Re: [support-17] ...``); its
     ``In-Reply-To`` names the acknowledgement it answers, which django-helpdesk does not record;
  3. the mails are split over ``processes`` folders, one process each runs its folder through
     ``helpdesk.email.extract_email_metadata``, the per-message call of ``get_email`` (``process_queue``),
     reading each file as it reads a local mailbox directory. The processes start together (after Django's
     start-up) and only that loop is timed: from the first start to the last end;
  4. checked: every mail stored as a follow-up, tickets created by the new mails, replies on their ticket,
     attachments kept (names, sizes and SHA-256 of the stored files against the generated ones);
  5. the SQL statements of one mail of each kind (``CaptureQueriesContext``), Django counting none of
     ``BEGIN``/``COMMIT`` since django-helpdesk runs in autocommit.

Bounded: ``--time-limit`` seconds per processing phase (the loop stops there and the run is marked timed
out), and every subprocess has a timeout.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import email.utils
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import REPO_ROOT, drop_database, ensure_database, print_table

REQUIREMENTS = ["django-helpdesk==2.6.*", "psycopg[binary]>=3.1"]
VENV_DIR = REPO_ROOT / "bench" / ".helpdesk-venv"
DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432"
QUEUE_SLUG = "support"
QUEUE_ADDRESS = "support@helpdesk.bench.example"
SEED_TICKETS = 200
SETUP_TIMEOUT = 600.0


# --- The virtualenv and the driver -------------------------------------------------------------------------


def venv_python() -> Path:
    """The helpdesk virtualenv's Python, created and installed on first use (``pip`` from PyPI)."""
    python = VENV_DIR / "bin" / "python"
    marker = VENV_DIR / ".installed"
    wanted = "\n".join(REQUIREMENTS)
    if python.exists() and marker.exists() and marker.read_text() == wanted:
        return python
    print(f"Installing {', '.join(REQUIREMENTS)} into {VENV_DIR.relative_to(REPO_ROOT)} ...", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV_DIR)], check=True, timeout=300)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *REQUIREMENTS],
        check=True,
        timeout=SETUP_TIMEOUT,
    )
    marker.write_text(wanted)
    return python


class Driver:
    """Runs ``bench.helpdesk_project.driver`` commands with the virtualenv's Python against one database."""

    def __init__(self, python: Path, db_url: str, media_root: Path) -> None:
        parts = urlsplit(db_url)
        self.python = python
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "VIRTUAL_ENV", "PYTHON"))},
            "PYTHONPATH": str(REPO_ROOT),
            "DJANGO_SETTINGS_MODULE": "bench.helpdesk_project.settings",
            "HELPDESK_BENCH_DATABASE": parts.path.lstrip("/"),
            "HELPDESK_BENCH_PG_HOST": parts.hostname or "127.0.0.1",
            "HELPDESK_BENCH_PG_PORT": str(parts.port or 5432),
            "HELPDESK_BENCH_PG_USER": parts.username or "postgres",
            "HELPDESK_BENCH_PG_PASSWORD": parts.password or "",
            "HELPDESK_BENCH_MEDIA_ROOT": str(media_root),
        }

    def argv(self, command: str, *args: str) -> list[str]:
        return [str(self.python), "-m", "bench.helpdesk_project.driver", command, "--slug", QUEUE_SLUG, *args]

    def call(self, command: str, *args: str, timeout: float) -> dict[str, Any]:
        result = subprocess.run(
            self.argv(command, *args),
            cwd=REPO_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise SystemExit(
                f"django-helpdesk {command} failed ({result.returncode}):\n{result.stderr[-3000:]}"
            )
        return json.loads(result.stdout.strip().splitlines()[-1])

    def feed_together(self, folders: list[Path], time_limit: float) -> list[dict[str, Any]]:
        """One process per folder; all loops start once every process is ready."""
        procs = [
            subprocess.Popen(
                self.argv("feed", "--dir", str(folder), "--barrier", "--time-limit", str(time_limit)),
                cwd=REPO_ROOT,
                env=self.env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for folder in folders
        ]
        try:
            deadline = time.monotonic() + SETUP_TIMEOUT
            for proc in procs:
                assert proc.stdout is not None
                ready, _w, _x = select.select([proc.stdout], [], [], max(deadline - time.monotonic(), 0))
                line = proc.stdout.readline() if ready else ""
                if line.strip() != "ready":
                    proc.kill()
                    raise SystemExit(
                        f"django-helpdesk feed did not start: {line!r} {proc.stderr.read()[-3000:]}"
                    )
            for proc in procs:
                assert proc.stdin is not None
                proc.stdin.write("go\n")
                proc.stdin.flush()
            results = []
            for proc in procs:
                out, err = proc.communicate(timeout=time_limit + 120)
                if proc.returncode != 0:
                    raise SystemExit(f"django-helpdesk feed failed ({proc.returncode}):\n{err[-3000:]}")
                results.append(json.loads(out.strip().splitlines()[-1]))
            return results
        finally:
            for proc in procs:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait(timeout=10)


# --- Mails -------------------------------------------------------------------------------------------------


def write_mails(folder: Path, raws: list[bytes], names: list[str] | None = None) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, raw in enumerate(raws):
        path = folder / (names[i] if names else f"{i:05d}.eml")
        path.write_bytes(raw)
        paths.append(path)
    return paths


def seed_list(seed_mails: list[Any], tickets: dict[str, int | None]) -> list[tuple[int, str, str, str]]:
    """(ticket id, customer address, subject with django-helpdesk's tag, Message-ID of our acknowledgement)."""
    seeds = []
    for i, mail in enumerate(seed_mails):
        ticket_id = tickets.get(f"{i:05d}.eml")
        if ticket_id is None:
            continue
        parsed = email.message_from_bytes(mail.raw, policy=email.policy.default)
        address = email.utils.parseaddr(str(parsed["From"]))[1]
        subject = f"[{QUEUE_SLUG}-{ticket_id}] {parsed['Subject']}"
        seeds.append((ticket_id, address, subject, f"ack-{ticket_id}@helpdesk.bench.example"))
    if not seeds:
        raise SystemExit("django-helpdesk created no seed ticket")
    return seeds


def expected(mails: list[Any], seeds: list[tuple[int, str, str, str]]) -> dict[str, Any]:
    return {
        "seed_tickets": [s[0] for s in seeds],
        "mails": [
            {
                "message_id": m.message_id,
                "kind": m.kind,
                "attachments": [list(a) for a in m.attachments],
                "reply_to_ticket": m.reply_to_ticket,
            }
            for m in mails
        ],
    }


# --- The run -----------------------------------------------------------------------------------------------


def server_url() -> str:
    return os.environ.get("HELPDESK_BENCH_PG_URL") or DEFAULT_SERVER_URL


def run(mails: int = 1000, processes: int = 2, time_limit: float = 300.0) -> dict[str, Any]:
    """``mails`` generated mails through django-helpdesk's importer in ``processes`` processes; see the module."""
    from bench.mail_ingest import generate

    python = venv_python()
    parts = urlsplit(server_url())
    db_url = urlunsplit(parts._replace(path=f"/helpdesk_bench_{os.getpid()}"))
    ensure_database(db_url, reset=True)
    try:
        with tempfile.TemporaryDirectory(prefix="helpdesk-bench-") as tmp:
            work = Path(tmp)
            driver = Driver(python, db_url, work / "media")
            setup = driver.call(
                "setup",
                "--address",
                QUEUE_ADDRESS,
                "--mail-dir",
                str(work / "mailbox"),
                timeout=SETUP_TIMEOUT,
            )

            # 1. Seed tickets, created from earlier mails of the run (not timed).
            seeds_n = min(SEED_TICKETS, max(mails // 5, 1))
            seed_mails = [
                m
                for m in generate(seeds_n * 2, to=QUEUE_ADDRESS, seeds=[(0, "", "", "")], seed=3)
                if m.kind != "reply"
            ][:seeds_n]
            write_mails(work / "seeds", [m.raw for m in seed_mails])
            seeded = driver.call("feed", "--dir", str(work / "seeds"), timeout=SETUP_TIMEOUT)
            seeds = seed_list(seed_mails, seeded["tickets"])

            # 2–3. The mix, split over the processes, timed.
            mix = generate(mails, to=QUEUE_ADDRESS, seeds=seeds, seed=1)
            folders = [work / f"mailbox-{p}" for p in range(processes)]
            for p, folder in enumerate(folders):
                write_mails(
                    folder,
                    [m.raw for m in mix[p::processes]],
                    [f"{i:05d}.eml" for i in range(p, mails, processes)],
                )
            fed = driver.feed_together(folders, time_limit)

            # 4. What was kept.
            (work / "expected.json").write_text(json.dumps(expected(mix, seeds)))
            checked = driver.call("check", "--expect", str(work / "expected.json"), timeout=SETUP_TIMEOUT)

            # 5. Queries of one mail of each kind.
            samples = {m.kind: m for m in generate(20, to=QUEUE_ADDRESS, seeds=seeds, seed=99)}
            kinds = ["plain", "attachments", "reply"]
            write_mails(
                work / "queries",
                [samples[k].raw for k in kinds],
                [f"{i}-{k}.eml" for i, k in enumerate(kinds)],
            )
            counted = driver.call("queries", "--dir", str(work / "queries"), timeout=SETUP_TIMEOUT)
            queries = {name.split("-", 1)[1]: n for name, n in counted.items()}
    finally:
        drop_database(db_url)

    seconds = max(f["finished_at"] for f in fed) - min(f["started_at"] for f in fed)
    processed = sum(f["processed"] for f in fed)
    return {
        "importer": f"django-helpdesk {setup['version']}",
        "processes": processes,
        "mails": mails,
        "processed": processed,
        "failed": sum(f["failed"] for f in fed),
        "timed_out": any(f["timed_out"] for f in fed),
        "seconds": seconds,
        "rate": processed / seconds if seconds else 0.0,
        "seconds_per_process": [f["seconds"] for f in fed],
        # The importer's own CPU time (PostgreSQL's not included): less sensitive to other load than the rate.
        "cpu_ms_per_mail": sum(f["cpu_seconds"] for f in fed) / processed * 1000 if processed else 0.0,
        "seed_tickets": len(seeds),
        "queries": queries,
        "new_mails": checked["new_mails"],
        "tickets_created": checked["tickets_created"],
        "not_stored": checked["not_stored"],
        "replies": checked["replies"],
        "replies_threaded": checked["replies_threaded"],
        "attachments_sent": checked["attachments_sent"],
        "attachments_kept": checked["attachments_kept"],
        "attachments_extra": checked["attachments_extra"],
        "bytes_sent": checked["bytes_sent"],
        "bytes_kept": checked["bytes_kept"],
        "kept_by_type": checked["kept_by_type"],
        "log_records": sum(f["log_records"] for f in fed),
        "log_samples": [s for f in fed for s in f["log_samples"]][:5],
        "errors": [e for f in fed for e in f["errors"]][:5],
        "email_templates": setup["email_templates"],
    }


def table_rows(results: list[dict[str, Any]]) -> list[list[object]]:
    rows = []
    for r in results:
        q = r["queries"]
        rows.append(
            [
                r["importer"],
                r["processes"],
                r["processed"],
                f"{r['seconds']:.1f}",
                r["rate"],
                f"{r['cpu_ms_per_mail']:.1f}",
                f"{q.get('plain', '')} / {q.get('attachments', '')} / {q.get('reply', '')}",
                f"{r['attachments_kept']}/{r['attachments_sent']}",
                " ".join(f"{t} {k}/{n}" for t, (k, n) in sorted(r["kept_by_type"].items())),
                f"{r['tickets_created']}/{r['new_mails']}",
                f"{r['replies_threaded']}/{r['replies']}",
                r["failed"] + r["not_stored"],
            ]
        )
    return rows


HEADERS = [
    "importer",
    "processes",
    "mails",
    "seconds",
    "mails/s",
    "CPU ms/mail",
    "queries: new / with attachments / reply",
    "attachments kept",
    "by type",
    "tickets created",
    "replies threaded",
    "failed",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mails", type=int, default=1000)
    parser.add_argument("--processes", default="1,2", help="comma-separated process counts, one run each")
    parser.add_argument("--time-limit", type=float, default=300.0, help="seconds per processing phase")
    parser.add_argument("--json", action="store_true", help="also print the results as JSON")
    args = parser.parse_args(argv)
    # A terminated run still drops its database (the ``finally`` in ``run``).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    results = [run(args.mails, int(p), args.time_limit) for p in args.processes.split(",")]
    print(f"\n## django-helpdesk: {args.mails} mails (60% plain, 20% text + PNG attachments, 20% replies)\n")
    print_table(HEADERS, table_rows(results))
    failed = False
    for r in results:
        for line in r["errors"] + r["log_samples"]:
            print(f"{r['processes']} process(es): {line}")
        failed = failed or r["timed_out"] or r["processed"] == 0
        if r["timed_out"]:
            print(f"{r['processes']} process(es): stopped at the time limit ({args.time_limit:.0f} s)")
    if args.json:
        print(json.dumps(results, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
