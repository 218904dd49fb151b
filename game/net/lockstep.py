"""Lockstep without the network: the host's schedule of frames, and each peer's world.

OpenRA's model: only commands travel. A peer at tick t stamps what its seat
gives for t + delay and promises it has nothing more up to there (`ready`).
The host closes frame T once every peer present has promised T, and sends
what frame T holds; every peer applies frame T's commands at tick T, so all
worlds run the same simulation. Every few ticks peers report state hashes,
and the host compares them with its own world's: the first difference stops
the exercise at that tick.

`Schedule` is the host's side, `Follower` a peer's world; neither does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from game.net.protocol import HASH_EVERY_TICKS, MAX_AHEAD_TICKS, Item, ProtocolError
from game.net.seats import Seat, refusal
from game.sim.level import Level
from game.sim.world import TICK_S, create_world, state_hash, step
from game.training.exercise import ExerciseRecord, Message
from game.training.replay import Replay
from game.training.session import Session

REFERENCE = "host"  # the host's own world: every other peer's hashes are checked against it


@dataclass(frozen=True)
class Divergence:
    tick: int
    peer: str
    expected: str
    got: str

    def message(self) -> str:
        return (f"DIVERGES at tick {self.tick} ({self.tick * TICK_S:.1f} s simulated): {self.peer} has state "
                f"{self.got}, the host {self.expected}")


class Schedule:
    """Which frames are closed, what they hold, and whose hashes agree (the host's bookkeeping)."""

    def __init__(self, delay_ticks: int, until_tick: int) -> None:
        self.delay = delay_ticks
        self.until_tick = until_tick
        self.issued_through = -1  # frames 0..issued_through are closed and sent
        self.pending: dict[int, list[Item]] = {}
        self.log: list[Item] = []  # everything issued, in order: what a peer that rejoins replays
        self.ready: dict[str, int] = {}  # peer -> the last tick it has given everything for
        self.joining: set[str] = set()  # rejoining peers still catching up: they hold nothing back
        self.reference: dict[int, str] = {}
        self.unchecked: dict[int, dict[str, str]] = {}  # hashes that came before the host's own

    def join(self, peer: str) -> None:
        """A peer at the start holds frames back at once; one that rejoins a running exercise
        only once it has caught up (its first promise past the frames already sent)."""
        if self.issued_through < 0:
            self.ready[peer] = -1
        else:
            self.joining.add(peer)

    def leave(self, peer: str) -> None:
        self.ready.pop(peer, None)
        self.joining.discard(peer)

    def add(self, item: Item) -> None:
        """Queue a seat's command or message for its tick; raises ProtocolError when that cannot be."""
        if item.tick <= self.issued_through:
            raise ProtocolError(f"stamped for tick {item.tick}, already past (frames are closed to {self.issued_through})")
        if item.tick > self.issued_through + MAX_AHEAD_TICKS:
            raise ProtocolError(f"stamped for tick {item.tick}, more than {MAX_AHEAD_TICKS} ticks ahead")
        self.pending.setdefault(item.tick, []).append(item)

    def promise(self, peer: str, through: int) -> None:
        if peer in self.joining and through >= self.issued_through:
            self.joining.discard(peer)
            self.ready[peer] = through
        elif peer in self.ready:
            self.ready[peer] = max(self.ready[peer], through)

    def close(self) -> tuple[int, list[Item]] | None:
        """Close every frame all peers have promised (never past the end); what to send, or None."""
        if not self.ready:
            return None
        through = min(min(self.ready.values()), self.until_tick - 1)
        if through <= self.issued_through:
            return None
        items: list[Item] = []
        for t in range(self.issued_through + 1, through + 1):
            items += self.pending.pop(t, [])
        self.issued_through = through
        self.log += items
        return through, items

    def check(self, peer: str, tick: int, digest: str) -> Divergence | None:
        """Compare a peer's state hash with the host's at `tick` (kept until the host gets there)."""
        if peer == REFERENCE:
            self.reference[tick] = digest
            for other, got in self.unchecked.pop(tick, {}).items():
                if got != digest:
                    return Divergence(tick, other, digest, got)
            return None
        expected = self.reference.get(tick)
        if expected is None:
            self.unchecked.setdefault(tick, {})[peer] = digest
            return None
        return None if expected == digest else Divergence(tick, peer, expected, digest)


class Follower:
    """One peer's world: it moves a tick only when that tick's frame has closed.

    Each frame's commands are checked against the seat that gave them, the same
    way on every peer; those a seat may not give are refused and written down.
    The run is recorded as an ordinary replay with the exercise record beside it.
    """

    def __init__(self, level: Level, seed: int, seats: Iterable[Seat], delay_ticks: int,
                 level_path: str = "", hash_every: int = HASH_EVERY_TICKS) -> None:
        self.world = create_world(level, seed)
        self.session = Session(self.world, level_path, record=True, recorded_by="network exercise")
        self.seats = {s.name: s for s in seats}
        self.delay = delay_ticks
        self.hash_every = hash_every
        self.closed_through = -1
        self.frames: dict[int, list[Item]] = {}
        self.record = ExerciseRecord(seats=[{**s.to_dict(), "label": s.label(level)} for s in self.seats.values()])
        self.hashes: list[tuple[int, str]] = []  # taken since last reported

    def receive(self, through: int, items: Iterable[Item]) -> None:
        """Frames up to `through` are closed and hold `items`."""
        for it in items:
            if it.tick >= self.world.tick:
                self.frames.setdefault(it.tick, []).append(it)
        self.closed_through = max(self.closed_through, through)

    def can_step(self) -> bool:
        return self.world.tick <= self.closed_through

    def step(self) -> None:
        w = self.world
        for it in self.frames.pop(w.tick, ()):
            seat = self.seats.get(it.seat)
            if it.command is None:
                self.record.messages.append(Message(w.tick, it.seat, it.text or ""))
                continue
            why = refusal(seat, it.command) if seat is not None else f"there is no seat {it.seat!r}"
            if why is None:
                w.submit(it.command)
                self.record.command_seats.append(it.seat)
            else:
                self.record.refused.append({"tick": w.tick, "seat": it.seat, "command": it.command.to_dict(), "why": why})
        step(w)
        self.session.observe()
        if w.tick % self.hash_every == 0:
            kept = self.session.recorder.hashes if self.session.recorder is not None else []
            self.hashes.append(kept[-1] if kept and kept[-1][0] == w.tick else (w.tick, state_hash(w)))

    def advance(self, max_ticks: int, until_tick: int) -> int:
        """Step through closed frames, at most `max_ticks`, never past `until_tick`; ticks run."""
        n = 0
        while n < max_ticks and self.can_step() and self.world.tick < until_tick:
            self.step()
            n += 1
        return n

    def stamp(self) -> int:
        """The tick a command given now runs at."""
        return self.world.tick + self.delay

    def promised_through(self) -> int:
        """Everything this seat gives from now is stamped later than this."""
        return self.stamp() - 1

    def take_hashes(self) -> list[tuple[int, str]]:
        out, self.hashes = self.hashes, []
        return out

    def replay(self) -> Replay:
        rep = self.session.replay()
        assert rep is not None  # a follower always records
        rep.exercise = self.record
        return rep
