"""Instructor injects: the level's planned inject timeline, turned into commands
on schedule, and what the instructor console needs to know about them.

Planned injects fire as the same commands the instructor's console sends, so
a replay holds every inject, planned or live, with its tick.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from game.sim.commands import (
    INJECT_COMMANDS,
    Command,
    InjectBreach,
    InjectDebris,
    InjectDoorJam,
    InjectEquipmentFailure,
    InjectWorsen,
)
from game.sim.events import ExerciseFrozen
from game.sim.level import InjectDef

if TYPE_CHECKING:
    from game.sim.world import World


def inject_command(world: World, inj: InjectDef) -> Command | None:
    """The command a planned inject stands for (None if it names nothing in this world)."""
    p = inj.params
    if inj.kind == "breach":
        return InjectBreach(cell=tuple(p["at"]), area_cm2=float(p["area_cm2"]))
    if inj.kind == "debris_fall":
        return InjectDebris(cell=tuple(p["at"]), debris=p["debris"], count=int(p.get("count", 3)))
    if inj.kind == "door_jam":
        door_id = world.door_at.get(tuple(p["door"]))
        return None if door_id is None else InjectDoorJam(door_id=door_id)
    person = world.person_by_name(p.get("person", ""))
    if person is None:
        return None
    if inj.kind == "equipment_failure":
        return InjectEquipmentFailure(person_id=person.id, item=p["item"])
    if inj.kind == "worsen":
        return InjectWorsen(
            person_id=person.id, spo2_drop=float(p.get("spo2_drop", 0.15)), injury_s=float(p.get("injury_s", 0.0))
        )
    return None


def describe_inject(inj: InjectDef) -> str:
    p = inj.params
    what = {
        "breach": lambda: f"breach {p.get('area_cm2', 0):g} cm2 at {p['at'][0]},{p['at'][1]}",
        "debris_fall": lambda: f"{p.get('count', 3)} x {p['debris'].replace('_', ' ')} at {p['at'][0]},{p['at'][1]}",
        "door_jam": lambda: f"door at {p['door'][0]},{p['door'][1]} jams",
        "equipment_failure": lambda: f"{p['person']}'s {p['item']} fails",
        "worsen": lambda: f"{p['person']} gets worse",
    }.get(inj.kind, lambda: inj.kind)()
    return inj.note or what


@dataclass
class PlannedInjects:
    """The level's inject timeline: each fires once at its time, unless skipped or fired early."""

    injects: list[InjectDef]
    state: list[str] = field(default_factory=list)  # "pending", "fired", "skipped"

    @classmethod
    def for_world(cls, world: World) -> PlannedInjects:
        order = sorted(world.level.injects, key=lambda i: i.at_s)
        return cls(order, ["pending"] * len(order))

    def due(self, world: World) -> list[Command]:
        """Submit every pending inject whose time has come; returns the commands sent."""
        sent = []
        for i, inj in enumerate(self.injects):
            if self.state[i] == "pending" and inj.at_s <= world.time_s + 1e-9:
                sent += self.fire(world, i)
        return sent

    def fire(self, world: World, i: int) -> list[Command]:
        if self.state[i] != "pending":
            return []
        self.state[i] = "fired"
        cmd = inject_command(world, self.injects[i])
        return [world.submit(cmd)] if cmd is not None else []

    def skip(self, i: int) -> None:
        if self.state[i] == "pending":
            self.state[i] = "skipped"

    def next_pending(self) -> int | None:
        return next((i for i, s in enumerate(self.state) if s == "pending"), None)


def is_frozen(world: World) -> bool:
    """Whether the instructor has frozen the exercise (the last freeze event says so)."""
    for ev in reversed(world.events):
        if isinstance(ev, ExerciseFrozen):
            return ev.frozen
    return False


def is_inject(cmd: Command) -> bool:
    return isinstance(cmd, INJECT_COMMANDS)
