"""The level's scripted timeline: events fire when their time comes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from game.sim import debris
from game.sim.breaches import Breach
from game.sim.doors import DoorState
from game.sim.events import (
    BreachOpened,
    DebrisFell,
    DoorClosed,
    DoorDamaged,
    DoorJammed,
    DoorOpened,
    DoorSealed,
    DoorUnjammed,
    WallDamaged,
)
from game.sim.fire import start_sparks
from game.sim.level import EventDef
from game.sim.tiles import CUT_AREA_M2, Tile

if TYPE_CHECKING:
    from game.sim.world import World


# Timed door events: what the door becomes, and what the log says. A scripted
# opening is a door worked by its servo or by someone off-stage.
_DOOR_EVENTS = {
    "door_jam": ("jammed", DoorJammed),
    "door_open": ("open", DoorOpened),
    "door_close": ("closed", DoorClosed),
    "door_seal": ("sealed", DoorSealed),
}


def ordered_events(events: tuple[EventDef, ...]) -> list[EventDef]:
    """The timeline in firing order; ties keep the file's order."""
    return sorted(events, key=lambda e: e.at_s)


def fire_due(world: "World") -> None:
    """Fire every timeline event whose time has come, in order."""
    timeline = world.atmos.timeline
    while world.next_timeline < len(timeline) and timeline[world.next_timeline].at_s <= world.time_s + 1e-9:
        ev = timeline[world.next_timeline]
        world.next_timeline += 1
        if ev.chance < 1.0 and world.rng["events"].random() >= ev.chance:
            continue
        fire(world, ev)


def fire(world: "World", ev: EventDef) -> None:
    """Make one event happen now (from the timeline or an instructor)."""
    p = ev.params
    if ev.kind in ("breach", "secondary_breach"):  # a secondary impact is a breach that may not come (`chance`)
        x, y = p["at"]
        area_m2 = float(p["area_cm2"]) * 1e-4
        world.breaches.append(Breach(len(world.breaches), x, y, area_m2, float(p.get("cd", 0.6)), p.get("section", "")))
        debris.breach_opened(world, world.breaches[-1])
        if world.atmos.first_breach_s is None:
            world.atmos.first_breach_s = world.time_s
        world.topology_dirty = True
        world.emit(BreachOpened, x=x, y=y, area_cm2=float(p["area_cm2"]), section=p.get("section", ""))
    elif ev.kind in _DOOR_EVENTS:
        door_id = world.door_at.get(tuple(p["door"]))
        if door_id is None:
            return
        door = world.doors[door_id]
        state, event = _DOOR_EVENTS[ev.kind]
        if state in ("closed", "sealed") and door.is_open and debris.doorway_blocked(world, door.cell):
            return  # it cannot swing shut on the beam lying across it
        world.set_door_state(door, state)
        world.emit(event, door_id=door.id, door=door.label)
    elif ev.kind == "sparks":
        start_sparks(world, p)
    elif ev.kind == "debris_fall":
        debris.spawn_debris(world, p)
        if "region" in p:
            x0, y0, x1, y1 = p["region"]
            x, y = (x0 + x1) // 2, (y0 + y1) // 2
        else:
            x, y = p.get("at", (0, 0))
        world.emit(DebrisFell, debris=p["debris"], count=int(p.get("count", 1)), x=x, y=y)
    elif ev.kind == "wall_damaged":
        wall_damaged(world, *p["at"], float(p["area_cm2"]))
    elif ev.kind in ("door_damaged", "door_unjam"):
        door_id = world.door_at.get(tuple(p["door"]))
        if door_id is not None:
            door_hurt(world, world.doors[door_id], ev.kind, p)


def wall_damaged(world: "World", x: int, y: int, area_cm2: float) -> None:
    """Hole an interior wall. A hole as big as one cut to crawl through is one
    (people crawl it; gas passes it and any area beyond); a smaller one is a
    leak joining the air on its two sides."""
    area_m2 = area_cm2 * 1e-4
    passable = area_m2 >= CUT_AREA_M2
    if int(world.grid.tiles[y, x]) not in (Tile.WALL, Tile.MODULE_WALL):
        return  # already holed or cut through
    if passable:
        world.set_tile(x, y, Tile.CUT)
        area_m2 -= CUT_AREA_M2
    if area_m2 > 0:
        world.wall_holes.append((x, y, area_m2))
        world.topology_dirty = True
    world.emit(WallDamaged, x=x, y=y, area_cm2=area_cm2, passable=passable)


def door_hurt(world: "World", door, kind: str, p: dict) -> None:
    """A door damaged (its seal warped to leak more, perhaps jammed) or freed of a jam."""
    if kind == "door_unjam":
        if door.state is DoorState.JAMMED:
            world.set_door_state(door, "closed")
            world.emit(DoorUnjammed, door_id=door.id, door=door.label)
        return
    if "leak_cm2" in p:
        door.seal_leak_m2 = max(door.leak_area_m2, float(p["leak_cm2"]) * 1e-4)  # damage does not tighten a seal
        world.topology_dirty = True
    if bool(p.get("jam", False)) and door.state is not DoorState.JAMMED:
        world.set_door_state(door, "jammed")
    world.emit(DoorDamaged, door_id=door.id, door=door.label, leak_cm2=round(door.leak_area_m2 * 1e4, 3),
               jammed=door.state is DoorState.JAMMED)
