"""Helpers of the chat socket tests: a visitor's socket from a website, reading until a frame of a type."""

from __future__ import annotations

from typing import Any

from frontdesk.desk.tests.sockets import Socket, open_socket

SITE = b"https://www.opera.example"
QUIET = 0.2  # seconds a socket that must get nothing listens for


async def visitor(brand: str = "opera", *, origin: bytes = SITE) -> tuple[Socket, bool, Any]:
    return await open_socket(f"/ws/chat/{brand}/", origin=origin)


async def hello(socket: Socket, **fields: Any) -> dict[str, Any]:
    await socket.send_json_to(
        {"type": "hello", "page": "https://www.opera.example/tickets", "language": "en", **fields}
    )
    welcome = await socket.receive_json_from()
    assert welcome["type"] == "welcome", welcome
    return welcome


async def until(socket: Socket, kind: str, limit: int = 20) -> dict[str, Any]:
    """The next frame of type ``kind``, skipping others (queue updates, typing)."""
    for _ in range(limit):
        frame = await socket.receive_json_from()
        if frame["type"] == kind:
            return frame
    raise AssertionError(f"no {kind} frame")


async def frames_until_quiet(socket: Socket) -> list[dict[str, Any]]:
    frames = []
    while not await socket.receive_nothing(QUIET):
        frames.append(await socket.receive_json_from())
    return frames
