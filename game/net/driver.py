"""A seat's side of an exercise: what the host says moves its world, and its orders go out.

The same `Driver` runs under the window (one `pump` per frame, paced to the
clock) and headless (pumped as fast as frames close). It reads the host's
messages from a `Link`, keeps the world (`Follower`) moving through closed
frames, gives the seat's orders (typed, clicked or from a script) stamped
`delay` ticks ahead, and reports its state hashes and, at the end, its last.
A peer that (re)joins a running exercise gets the level, seed and every
command so far, and catches up by running the simulation forward.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, Callable

from game.levelio.load import parse_level
from game.net import protocol as P
from game.net.link import Link
from game.net.lockstep import Follower
from game.net.seats import Seat, seat_by_name
from game.sim.commands import Command
from game.sim.world import TICK_S, state_hash


class Phase(Enum):
    CONNECTING = "connecting"
    LOBBY = "lobby"
    RUNNING = "running"
    ENDED = "ended"
    FAILED = "failed"  # refused, diverged or cut off: `error` says which


class ScriptError(ValueError):
    """A script file that cannot be used; the message says why."""


@dataclass(frozen=True)
class ScriptLine:
    at_tick: int
    command: Command | None = None
    say: str | None = None


def load_script(path: str | Path) -> list[ScriptLine]:
    """A seat's scripted orders: a JSON list of {"at_s": S, "command": {...}} or {"at_s": S, "say": "..."}."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ScriptError(f"{path}: cannot read the script: {exc}") from None
    if not isinstance(data, list):
        raise ScriptError(f"{path}: a script is a JSON list of orders")
    out = []
    for n, line in enumerate(data, 1):
        at = line.get("at_s") if isinstance(line, dict) else None
        if not isinstance(at, (int, float)) or isinstance(at, bool) or not 0 <= at < 6 * 3600:
            raise ScriptError(f"{path}: line {n} has no 'at_s' in seconds")
        tick = round(at / TICK_S)
        try:
            if "say" in line:
                out.append(ScriptLine(tick, say=P.need_text(line, "say", P.MAX_TEXT)))
            else:
                out.append(ScriptLine(tick, command=P.command({**line.get("command", {}), "tick": 0})))
        except (P.ProtocolError, TypeError) as exc:
            raise ScriptError(f"{path}: line {n}: {exc}") from None
    return sorted(out, key=lambda s: s.at_tick)


@dataclass
class Driver:
    link: Link
    until_tick: int | None = None
    script: list[ScriptLine] = field(default_factory=list)
    level_path: str = ""
    phase: Phase = Phase.CONNECTING
    seat: Seat | None = None
    seat_name: str = ""
    follower: Follower | None = None
    lobby: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    end: dict[str, Any] | None = None
    notices: list[str] = field(default_factory=list)  # what the host refused of ours
    catch_up_s: float | None = None  # how long a (re)join took to reach the running exercise
    wall_s: float | None = None  # real time from the start (or the rejoin) to the end
    on_change: Callable[[], None] = lambda: None
    _promised: int = -1
    _done_sent: bool = False
    _rejoin_at: float | None = None
    _rejoin_through: int = -1
    _live: bool = False

    # --------------------------------------------------------------- input
    def pump(self, max_ticks: int = 1 << 30, paced_ticks: int | None = None,
             around_step: Callable[[bool], None] | None = None) -> int:
        """Read what arrived, then run closed frames (at most `max_ticks`; `paced_ticks` when the
        clock allows fewer); returns the ticks run. `around_step(before)` is called either side of each."""
        for raw in self.link.drain():
            self._handle(raw)
        f = self.follower
        if self.phase is not Phase.RUNNING or f is None:
            return 0
        end = self._end_tick()
        budget = max_ticks if paced_ticks is None or not self._live else min(max_ticks, paced_ticks)
        n = 0
        while n < budget and f.can_step() and f.world.tick < end:
            self._give_due()
            if around_step is not None:
                around_step(True)
            f.step()
            if around_step is not None:
                around_step(False)
            n += 1
        if not self._live and f.world.tick + f.delay > f.closed_through:
            self._live = True
            if self._rejoin_at is not None:
                self.catch_up_s = time.perf_counter() - self._rejoin_at
            self.script = [s for s in self.script if s.at_tick >= f.world.tick]
        self._give_due()
        self._report()
        if f.world.tick >= end and not self._done_sent:
            self._done_sent = True
            self.link.send(P.encode("done", tick=f.world.tick, hash=state_hash(f.world)))
        return n

    def give(self, cmd: Command) -> bool:
        """Send one of the seat's orders, stamped for `delay` ticks ahead; False if it cannot go now."""
        f = self.follower
        if f is None or self.phase is not Phase.RUNNING or not self._live:
            return False
        self.link.send(P.encode("cmd", cmd=cmd.stamped(f.stamp()).to_dict()))
        return True

    def say(self, text: str) -> bool:
        f = self.follower
        if f is None or self.phase is not Phase.RUNNING or not self._live:
            return False
        self.link.send(P.encode("say", tick=f.stamp(), say=text[: P.MAX_TEXT]))
        return True

    @property
    def live(self) -> bool:
        """Caught up with the running exercise, so the seat's orders can go out."""
        return self._live

    def _end_tick(self) -> int:
        return self.until_tick if self.until_tick is not None else 1 << 62

    def _give_due(self) -> None:
        if not self._live:
            return
        t = self.follower.world.tick
        while self.script and self.script[0].at_tick <= t:
            line = self.script.pop(0)
            if line.command is not None:
                self.give(line.command)
            else:
                self.say(line.say or "")

    def _report(self) -> None:
        f = self.follower
        through = f.promised_through() if self._live else -1
        digests = f.take_hashes()
        while digests or through > self._promised:
            chunk, digests = digests[: P.MAX_HASHES], digests[P.MAX_HASHES:]
            self.link.send(P.encode("ready", through=through, hashes=[list(h) for h in chunk]))
            self._promised = max(self._promised, through)

    # ----------------------------------------------------------- messages
    def _handle(self, raw: str | None) -> None:
        if raw is None:
            if self.phase not in (Phase.ENDED, Phase.FAILED):
                self._fail(self.link.closed_reason or "the connection to the host is lost")
            return
        try:
            msg = P.decode(raw, P.MAX_HOST_MESSAGE_BYTES)
            getattr(self, f"_on_{msg['t']}", self._on_unknown)(msg)
        except (P.ProtocolError, KeyError, TypeError, ValueError) as exc:
            self.notices.append(f"the host sent something this game cannot use: {exc}")
        self.on_change()

    def _on_unknown(self, msg: dict[str, Any]) -> None:
        raise P.ProtocolError(f"unknown message kind {msg['t']!r:.30}")

    def _on_welcome(self, msg: dict[str, Any]) -> None:
        if msg.get("protocol") != P.PROTOCOL:
            self._fail(f"the host speaks {msg.get('protocol')!r}, this game {P.PROTOCOL}")
            return
        level, problems, _ = parse_level(msg["level_toml"], "the host's level")
        if level is None or problems:
            self._fail(f"the host's level cannot be read: {problems[0] if problems else 'unreadable'}")
            return
        seats = [Seat.from_dict(s) for s in msg["seats"]]
        self.seat_name = str(msg["seat"])
        self.seat = seat_by_name(seats, self.seat_name)
        f = Follower(level, P.need_int(msg, "seed", 0, 2**63), seats, P.need_int(msg, "delay", 1, 100),
                     self.level_path, P.need_int(msg, "hash_every", 1, 10_000))
        host_until = P.need_int(msg, "until_tick", 0, 2**40)
        self.until_tick = host_until if self.until_tick is None else min(self.until_tick, host_until)
        through = P.need_int(msg, "through", -1, 2**40)
        f.receive(through, [P.item(i) for i in msg.get("items", [])])
        self.follower = f
        if msg.get("started"):
            self.phase = Phase.RUNNING
            self._rejoin_at = time.perf_counter()
            self._rejoin_through = through
        else:
            self.phase = Phase.LOBBY
            self._live = True

    def _on_lobby(self, msg: dict[str, Any]) -> None:
        self.lobby = list(msg.get("seats", []))

    def _on_start(self, msg: dict[str, Any]) -> None:
        if self.phase is Phase.LOBBY:
            self.phase = Phase.RUNNING

    def _on_frames(self, msg: dict[str, Any]) -> None:
        if self.follower is not None:
            self.follower.receive(P.need_int(msg, "through", -1, 2**40), [P.item(i) for i in msg.get("items", [])])

    def _on_refused(self, msg: dict[str, Any]) -> None:
        self.notices.append(str(msg.get("why", ""))[:200])

    def _on_desync(self, msg: dict[str, Any]) -> None:
        self._fail(str(msg.get("message", "the peers' worlds diverged")))

    def _on_end(self, msg: dict[str, Any]) -> None:
        self.end = msg
        self.phase = Phase.ENDED

    def _fail(self, why: str) -> None:
        self.error = why
        self.phase = Phase.FAILED

    # ------------------------------------------------------------- results
    @property
    def finished(self) -> bool:
        return self.phase in (Phase.ENDED, Phase.FAILED)

    def summary(self) -> dict[str, Any]:
        """The one JSON object a headless peer prints at the end."""
        f = self.follower
        out: dict[str, Any] = {"seat": self.seat_name, "tick": f.world.tick if f else 0,
                               "state_hash": state_hash(f.world) if f else ""}
        if self.end is not None:
            out["agree"] = bool(self.end.get("agree"))
        if self.error:
            out["error"] = self.error
        if self.catch_up_s is not None and self._rejoin_through >= 0:
            out["rejoined_at_tick"] = self._rejoin_through + 1
            out["catch_up_s"] = round(self.catch_up_s, 3)
        if f is not None:
            out["commands"] = len(f.record.command_seats)
            out["messages"] = len(f.record.messages)
            out["refused"] = len(f.record.refused)
        out["notices"] = len(self.notices)
        if self.wall_s is not None:
            out["wall_s"] = round(self.wall_s, 3)
        return out


def run_headless(driver: Driver, timeout_s: float, pace: float | None = None) -> None:
    """Pump until the exercise ends (or `timeout_s` of wall time), as fast as frames close,
    or at `pace` simulated seconds per real second."""
    start = time.perf_counter()
    clock: tuple[float, int] | None = None  # (wall time, tick) when the world first ran
    while not driver.finished and time.perf_counter() - start < timeout_s:
        paced = None
        f = driver.follower
        if f is not None and driver.phase is Phase.RUNNING:
            clock = clock or (time.perf_counter(), f.world.tick)
        if pace is not None and clock is not None:
            due = clock[1] + int((time.perf_counter() - clock[0]) * pace / TICK_S)
            paced = max(0, due - f.world.tick)
        ran = driver.pump(max_ticks=50, paced_ticks=paced)
        if not ran:
            driver.link.wait(0.002 if paced == 0 else 0.05)
    if not driver.finished:
        driver._fail(f"no end after {timeout_s:.0f} s")
    if clock is not None:
        driver.wall_s = time.perf_counter() - clock[0]
