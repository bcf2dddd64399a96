"""A small IMAP4rev1 server on 127.0.0.1 for tests: enough of the protocol for ``imaplib`` and our IMAP source.

It speaks CAPABILITY, LOGIN, STATUS, SELECT (with UIDVALIDITY), UID SEARCH/FETCH/STORE/MOVE/COPY, EXPUNGE, NOOP,
IDLE/DONE and LOGOUT over real sockets, one thread per connection, so a client that dies mid-command leaves the
server as a real one would be left.

With a server ``ssl.SSLContext`` it speaks implicit TLS, or with ``starttls=True`` offers STARTTLS and refuses to
sign in before it (as Microsoft 365 and Google do on port 143 and 993). With ``access_token`` set it offers
AUTHENTICATE XOAUTH2 and accepts only that token, answering any other with the provider's error challenge.
"""

from __future__ import annotations

import base64
import json
import re
import socketserver
import ssl
import sys
import threading
from dataclasses import dataclass, field
from typing import Any, Self

_TOKEN = re.compile(rb'"((?:[^"\\]|\\.)*)"|(\([^)]*\))|(\S+)')


@dataclass
class Stored:
    uid: int
    raw: bytes
    flags: set[str] = field(default_factory=set)


class Folder:
    def __init__(self, uidvalidity: int) -> None:
        self.uidvalidity = uidvalidity
        self.next_uid = 1
        self.messages: list[Stored] = []


class ImapState:
    """The server's mail, shared by every connection; ``append`` wakes clients waiting in IDLE."""

    def __init__(
        self,
        *,
        user: str = "frontdesk",
        password: str = "secret",  # noqa: S107 - a test server
        idle: bool = True,
        access_token: str | None = None,
    ) -> None:
        self.user = user
        self.password = password
        self.idle = idle
        # XOAUTH2 is offered when set; only this token signs in (a token endpoint may replace it).
        self.access_token = access_token
        self.folders: dict[str, Folder] = {"INBOX": Folder(uidvalidity=1234)}
        self.changed = threading.Condition()
        self.commands: list[str] = []
        # Every bearer token offered with XOAUTH2, accepted or not, and every failed TLS handshake.
        self.xoauth2_tokens: list[str] = []
        self.tls_failures: list[str] = []

    def append(self, raw: bytes, folder: str = "INBOX") -> int:
        with self.changed:
            box = self.folders.setdefault(folder, Folder(uidvalidity=1234))
            uid = box.next_uid
            box.next_uid += 1
            box.messages.append(Stored(uid, raw))
            self.changed.notify_all()
            return uid

    def flags(self, folder: str = "INBOX") -> dict[int, set[str]]:
        with self.changed:
            return {m.uid: set(m.flags) for m in self.folders[folder].messages}


def _tokens(line: bytes) -> list[str]:
    found: list[str] = []
    for quoted, group, atom in _TOKEN.findall(line):
        if quoted:
            found.append(re.sub(rb"\\(.)", rb"\1", quoted).decode())
        else:
            found.append((group or atom).decode())
    return found


def _uid_set(spec: str, uids: list[int]) -> set[int]:
    """An IMAP UID set (``1,3:5,7:*``) over the existing UIDs; ``n:*`` always includes the highest UID."""
    wanted: set[int] = set()
    highest = max(uids, default=0)
    for part in spec.split(","):
        low_text, _colon, high_text = part.partition(":")
        low = highest if low_text == "*" else int(low_text)
        high = low if not _colon else (highest if high_text == "*" else int(high_text))
        low, high = min(low, high), max(low, high)
        wanted.update(u for u in uids if low <= u <= high)
    return wanted


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def setup(self) -> None:
        self.tls_active = False
        if self.server.tls is not None and not self.server.starttls:
            self.request = self.server.tls.wrap_socket(self.request, server_side=True)
            self.tls_active = True
        super().setup()

    def start_tls(self) -> None:
        assert self.server.tls is not None
        self.request = self.connection = self.server.tls.wrap_socket(self.connection, server_side=True)
        self.rfile = self.connection.makefile("rb", self.rbufsize)
        self.wfile = socketserver._SocketWriter(self.connection)  # type: ignore[attr-defined]
        self.tls_active = True

    @property
    def needs_tls(self) -> bool:
        return self.server.starttls and not self.tls_active

    def send(self, line: str | bytes) -> None:
        data = line.encode() if isinstance(line, str) else line
        self.wfile.write(data + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        state = self.server.state
        self.selected: str | None = None
        self.send("* OK fake IMAP4rev1 ready")
        while True:
            try:
                line = self.rfile.readline()
            except OSError:
                return
            if not line:
                return
            words = _tokens(line.rstrip(b"\r\n"))
            if len(words) < 2:
                self.send("* BAD empty command")
                continue
            tag, command, args = words[0], words[1].upper(), words[2:]
            with state.changed:
                state.commands.append(f"UID {args[0].upper()}" if command == "UID" and args else command)
            try:
                if not self.dispatch(state, tag, command, args):
                    return
            except (ValueError, IndexError, KeyError) as error:
                self.send(f"{tag} BAD {error}")

    def dispatch(self, state: ImapState, tag: str, command: str, args: list[str]) -> bool:
        if command == "CAPABILITY":
            extra = " IDLE" if state.idle else ""
            if self.needs_tls:
                extra += " STARTTLS LOGINDISABLED"
            if state.access_token is not None:
                extra += " AUTH=XOAUTH2"
            self.send(f"* CAPABILITY IMAP4rev1 UIDPLUS MOVE{extra}")
        elif command == "STARTTLS":
            if not self.needs_tls:
                self.send(f"{tag} BAD STARTTLS not available")
                return True
            self.send(f"{tag} OK begin TLS negotiation now")
            self.start_tls()
            return True
        elif command in ("LOGIN", "AUTHENTICATE") and self.needs_tls:
            self.send(f"{tag} NO [PRIVACYREQUIRED] use STARTTLS first")
            return True
        elif command == "AUTHENTICATE":
            return self.authenticate(state, tag, args)
        elif command == "LOGIN":
            if args[:2] != [state.user, state.password]:
                self.send(f"{tag} NO [AUTHENTICATIONFAILED] invalid credentials")
                return True
        elif command == "LOGOUT":
            self.send("* BYE logging out")
            self.send(f"{tag} OK LOGOUT completed")
            return False
        elif command == "NOOP":
            pass
        elif command == "STATUS":
            box = state.folders[args[0]]
            with state.changed:
                self.send(
                    f'* STATUS "{args[0]}" (UIDVALIDITY {box.uidvalidity} UIDNEXT {box.next_uid} '
                    f"MESSAGES {len(box.messages)})"
                )
        elif command in ("SELECT", "EXAMINE"):
            box = state.folders.get(args[0])
            if box is None:
                self.send(f"{tag} NO no such folder")
                return True
            self.selected = args[0]
            with state.changed:
                self.send(f"* {len(box.messages)} EXISTS")
                self.send("* 0 RECENT")
                self.send(f"* OK [UIDVALIDITY {box.uidvalidity}] UIDs valid")
                self.send(f"* OK [UIDNEXT {box.next_uid}] next UID")
            self.send(f"{tag} OK [READ-WRITE] {command} completed")
            return True
        elif command == "UID":
            self.uid_command(state, tag, args[0].upper(), args[1:])
        elif command == "EXPUNGE":
            box = state.folders[self.selected or ""]
            with state.changed:
                kept = [m for m in box.messages if "\\Deleted" not in m.flags]
                for position in reversed([n for n, m in enumerate(box.messages, 1) if m not in kept]):
                    self.send(f"* {position} EXPUNGE")
                box.messages = kept
        elif command == "IDLE":
            return self.idle(state, tag)
        else:
            self.send(f"{tag} BAD unknown command {command}")
            return True
        self.send(f"{tag} OK {command} completed")
        return True

    def authenticate(self, state: ImapState, tag: str, args: list[str]) -> bool:
        if args[0].upper() != "XOAUTH2" or state.access_token is None:
            self.send(f"{tag} NO unsupported authentication mechanism")
            return True
        if len(args) > 1:  # SASL-IR
            response = args[1].encode()
        else:
            self.send("+ ")
            response = self.rfile.readline().strip()
        fields = dict(
            part.split("=", 1) for part in base64.b64decode(response).decode().split("\x01") if "=" in part
        )
        token = fields.get("auth", "").removeprefix("Bearer ")
        with state.changed:
            state.xoauth2_tokens.append(token)
        if fields.get("user") == state.user and token == state.access_token:
            self.send(f"{tag} OK AUTHENTICATE completed")
            return True
        # As Google and Microsoft do: the error as a challenge, then NO once the client answers it.
        error = {"status": "401", "schemes": "Bearer", "scope": "https://mail.google.com/"}
        self.send("+ " + base64.b64encode(json.dumps(error).encode()).decode())
        self.rfile.readline()
        self.send(f"{tag} NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)")
        return True

    def uid_command(self, state: ImapState, tag: str, command: str, args: list[str]) -> None:
        box = state.folders[self.selected or ""]
        with state.changed:
            messages = list(box.messages)
        uids = [m.uid for m in messages]
        if command == "SEARCH":
            spec = args[args.index("UID") + 1] if "UID" in args else "1:*"
            found = sorted(_uid_set(spec, uids))
            keywords = {a.upper() for a in args}
            if "UNSEEN" in keywords:
                found = [m.uid for m in messages if m.uid in found and "\\Seen" not in m.flags]
            self.send("* SEARCH" + "".join(f" {u}" for u in found))
            return
        chosen = _uid_set(args[0], uids)
        for position, message in enumerate(messages, 1):
            if message.uid not in chosen:
                continue
            if command == "FETCH":
                head = f"* {position} FETCH (UID {message.uid} BODY[] {{{len(message.raw)}}}".encode()
                self.wfile.write(head + b"\r\n" + message.raw + b")\r\n")
                self.wfile.flush()
            elif command == "STORE":
                names = set(args[2].strip("()").split())
                with state.changed:
                    if args[1].startswith("+"):
                        message.flags |= names
                    elif args[1].startswith("-"):
                        message.flags -= names
                    else:
                        message.flags = names
                self.send(f"* {position} FETCH (UID {message.uid} FLAGS ({' '.join(sorted(message.flags))}))")
            elif command in ("COPY", "MOVE"):
                state.append(message.raw, args[1])
                if command == "MOVE":
                    with state.changed:
                        box.messages = [m for m in box.messages if m.uid != message.uid]
            else:
                raise ValueError(f"unknown UID command {command}")

    def idle(self, state: ImapState, tag: str) -> bool:
        box = state.folders[self.selected or ""]
        self.send("+ idling")
        with state.changed:
            known = len(box.messages)
        done = threading.Event()

        def wait_for_done() -> None:
            self.rfile.readline()
            done.set()
            with state.changed:
                state.changed.notify_all()

        reader = threading.Thread(target=wait_for_done, daemon=True)
        reader.start()
        while not done.is_set():
            with state.changed:
                state.changed.wait(timeout=0.5)
                count = len(box.messages)
            if count != known:
                known = count
                try:
                    self.send(f"* {count} EXISTS")
                except OSError:
                    return False
        reader.join()
        try:
            self.send(f"{tag} OK IDLE terminated")
        except OSError:
            return False
        return True


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    state: ImapState
    tls: ssl.SSLContext | None = None
    starttls = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, ssl.SSLError | ConnectionError):
            # A client that refuses the certificate ends the handshake: what a real server logs and forgets.
            with self.state.changed:
                self.state.tls_failures.append(str(error))
            return
        super().handle_error(request, client_address)


class FakeImapServer:
    """``with FakeImapServer() as server:`` → a server on ``server.port`` with ``server.state``.

    ``tls``: a server-side ``ssl.SSLContext`` for implicit TLS, or, with ``starttls=True``, for STARTTLS.
    """

    def __init__(self, *, tls: ssl.SSLContext | None = None, starttls: bool = False, **options: Any) -> None:
        self.state = ImapState(**options)
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.state = self.state
        self.server.tls = tls
        self.server.starttls = starttls and tls is not None
        self.port: int = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
