"""What crosses the network, and how anything that arrives is checked before use.

Every message is one JSON object in one websocket text frame, with its kind
in "t". Only commands (in their replay form, `Command.to_dict`) and comms
lines travel, never state: each is stamped for a tick a few ticks ahead
(`Lockstep` in game.net.lockstep). A message that is not text, not JSON, not
an object, of an unknown kind or with a field of the wrong shape raises
`ProtocolError`; a command is read with the replay reader's own checks
(`read_command`), so nothing but a validated command ever reaches a world.

Peer to host: join, cmd, say, ready (with state hashes), done.
Host to peer: welcome, lobby, start, frames, refused, desync, end.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from game.sim.commands import Command
from game.training.exercise import MAX_TEXT
from game.training.replay import ReplayError, read_command

PROTOCOL = "breach-protocol-lockstep/1"
MAX_PEER_MESSAGE_BYTES = 16 * 1024  # a command or a comms line is well under 1 KiB; more is hostile
MAX_HOST_MESSAGE_BYTES = 64 * 1024 * 1024  # a welcome carries the level and the command log so far
HASH_EVERY_TICKS = 20  # peers compare state hashes every 2 simulated seconds (a hash costs about a tick)
DEFAULT_DELAY_TICKS = 4  # input delay: a command given at tick t runs at t + 4 (400 ms): covers 200 ms round trips with a tick to spare
MAX_AHEAD_TICKS = 600  # a command may be stamped at most a simulated minute ahead
MAX_HASHES = 64  # state hashes in one ready message


class ProtocolError(ValueError):
    """A message that breaks the protocol; the text says how, for the host's log."""


def encode(kind: str, **fields: Any) -> str:
    return json.dumps({"t": kind, **fields}, separators=(",", ":"))


def decode(raw: Any, limit: int = MAX_PEER_MESSAGE_BYTES) -> dict[str, Any]:
    """One message as an object with a kind; raises ProtocolError."""
    if not isinstance(raw, str):
        raise ProtocolError("a binary frame (messages are JSON text)")
    if len(raw) > limit:
        raise ProtocolError(f"a message of {len(raw)} bytes (at most {limit})")
    try:
        msg = json.loads(raw)
    except (json.JSONDecodeError, RecursionError):
        raise ProtocolError("not JSON") from None
    if not isinstance(msg, dict) or not isinstance(msg.get("t"), str):
        raise ProtocolError("not a message object with a kind")
    return msg


def _int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def need_int(msg: dict[str, Any], key: str, low: int = 0, high: int = 2**31) -> int:
    v = msg.get(key)
    if not _int(v) or not low <= v <= high:
        raise ProtocolError(f"'{key}' is not a whole number from {low} to {high}")
    return v


def need_text(msg: dict[str, Any], key: str, limit: int) -> str:
    v = msg.get(key)
    if not isinstance(v, str) or not v.strip() or len(v) > limit or not v.isprintable():
        raise ProtocolError(f"'{key}' is not a line of printable text up to {limit} characters")
    return v


def command(data: Any) -> Command:
    """A command as a replay's are read; raises ProtocolError with the reader's reason."""
    try:
        return read_command(data, "command")
    except ReplayError as exc:
        raise ProtocolError(str(exc).replace("the replay file is corrupted: ", "")) from None


def hashes(msg: dict[str, Any]) -> list[tuple[int, str]]:
    raw = msg.get("hashes", [])
    if not isinstance(raw, list) or len(raw) > MAX_HASHES:
        raise ProtocolError("'hashes' is not a short list")
    out = []
    for h in raw:
        if not (isinstance(h, list) and len(h) == 2 and _int(h[0]) and h[0] >= 0 and isinstance(h[1], str)
                and len(h[1]) <= 64):
            raise ProtocolError("a state hash is not [tick, text]")
        out.append((h[0], h[1]))
    return out


@dataclass(frozen=True)
class Item:
    """A command or a comms line from a seat, for one tick: what a frame carries."""

    tick: int
    seat: str
    command: Command | None = None
    text: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"tick": self.tick, "seat": self.seat}
        if self.command is not None:
            d["cmd"] = self.command.stamped(self.tick).to_dict()
        else:
            d["say"] = self.text
        return d


def item(data: Any) -> Item:
    """An item of a frames or welcome message, checked like everything else that arrives."""
    if not isinstance(data, dict):
        raise ProtocolError("a frame item is not an object")
    tick = need_int(data, "tick")
    seat = need_text(data, "seat", 64)
    if "cmd" in data:
        return Item(tick, seat, command=command(data["cmd"]))
    return Item(tick, seat, text=need_text(data, "say", MAX_TEXT))


class RateLimit:
    """A token bucket: `rate` messages a second on average, bursts up to `burst`."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self.at = time.monotonic()

    def allow(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False
