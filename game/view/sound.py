"""Which sound plays when: the world's events and state turned into audio calls.

Reads new events (door servos, seals, alarms) and the state each frame (the
hiss follows the total leak rate through every breach; the lance runs while
anyone cuts). Loops fall silent while the game is paused. `game.audio` does
the playing, and is silent on a machine without sound.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from game.sim import events as ev
from game.sim.tiles import Tile

if TYPE_CHECKING:
    from game.audio import Audio
    from game.sim.world import World

KLAXON_S = 6.0  # real seconds the alarm sounds after a breach
PRY_EVERY_S = 1.6  # a crowbar at work groans this often
HISS_FULL_KG_S = 2.5  # a leak this strong is full volume
MAX_ONESHOTS_PER_FRAME = 3


def hiss_level(flow_kg_s: float) -> float:
    """Loudness of the leak, 0..1: square-root, so a small leak is still heard."""
    if flow_kg_s <= 1e-4:
        return 0.0
    return min(1.0, math.sqrt(flow_kg_s / HISS_FULL_KG_S)) * 0.9 + 0.1


def leak_flow_kg_s(world: "World") -> float:
    return float(world.atmos.breach_flow_kg_s.sum())


class SoundDirector:
    def __init__(self, audio: "Audio", world: "World") -> None:
        self.audio = audio
        self._seen = len(world.events)  # what happened before we arrived is not replayed
        self.klaxon_left_s = 0.0
        self.pry_in_s = 0.0
        self.levels: dict[str, float] = {}  # what each loop was last asked for (tests read it)

    def _oneshots(self, world: "World") -> None:
        played = 0
        for e in world.events[self._seen:]:
            name = None
            if isinstance(e, ev.BreachOpened):
                self.klaxon_left_s = KLAXON_S
            elif isinstance(e, (ev.DoorOpened, ev.DoorClosed)):
                door = world.doors[e.door_id] if 0 <= e.door_id < len(world.doors) else None
                name = "door_servo" if door is None or door.kind == Tile.DOOR else "bulkhead_servo"
            elif isinstance(e, (ev.DoorSealed, ev.DoorUnsealed)):
                name = "seal_clunk"
            elif isinstance(e, ev.PersonStateChanged) and e.state in ("unconscious", "dead"):
                name = "alert"
                if e.state == "dead":
                    self.klaxon_left_s = max(self.klaxon_left_s, 2.4)
            elif isinstance(e, ev.O2ReserveExhausted):
                name = "alert"
            elif e.kind == "DoorPried":
                name = "door_servo"
            if name and played < MAX_ONESHOTS_PER_FRAME:
                self.audio.play(name)
                played += 1
        self._seen = len(world.events)

    def update(self, world: "World", real_dt: float, paused: bool, cutting: bool = False, prying: bool = False) -> None:
        self._oneshots(world)
        self.klaxon_left_s = max(0.0, self.klaxon_left_s - real_dt)
        if prying and not paused:
            self.pry_in_s -= real_dt
            if self.pry_in_s <= 0.0:
                self.audio.play("pry")
                self.pry_in_s = PRY_EVERY_S
        else:
            self.pry_in_s = 0.0
        want = {
            "klaxon": 1.0 if self.klaxon_left_s > 0 and not paused else 0.0,
            "hiss": 0.0 if paused else hiss_level(leak_flow_kg_s(world)),
            "lance": 0.8 if cutting and not paused else 0.0,
        }
        for name, level in want.items():
            if abs(self.levels.get(name, 0.0) - level) > 0.02 or (level == 0.0) != (self.levels.get(name, 0.0) == 0.0):
                self.audio.loop(name, level)
                self.levels[name] = level

    def stop(self) -> None:
        for name in list(self.levels):
            self.audio.stop_loop(name)
            self.levels[name] = 0.0
