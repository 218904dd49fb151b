"""The level's scripted timeline: events fire when their time comes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from game.sim import debris
from game.sim.breaches import Breach
from game.sim.fire import start_sparks
from game.sim.events import BreachOpened, DebrisFell, DoorClosed, DoorJammed, DoorOpened, DoorSealed
from game.sim.level import EventDef

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
    if ev.kind == "breach":
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
