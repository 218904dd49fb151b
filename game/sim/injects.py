"""Instructor injects: how each one changes the world, or why it cannot.

Dispatched from `orders.apply_command`; kept in a file of its own so the
crew's orders and the instructor's injects can change independently.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from game.sim import commands as C
from game.sim.events import CommandRejected, ConditionWorsened, EquipmentFailed, ExerciseFrozen
from game.sim.level import DEBRIS_KINDS, EventDef
from game.sim.limits import MAX_BREACH_CM2, MAX_DEBRIS_PER_FALL, MAX_WORSEN_INJURY_S, MAX_WORSEN_SPO2_DROP
from game.sim.physiology import DEAD, INJURY_GRADE_S
from game.sim.tiles import GAS_PASSABLE, IS_DOOR, Tile
from game.sim.timeline import fire

if TYPE_CHECKING:
    from game.sim.world import World

SEARCH_M = 3  # a breach "at the cursor" lands on hull this close to it


def _reject(world: "World", cmd: C.Command, reason: str) -> None:
    world.emit(CommandRejected, command=cmd.name, reason=reason)


def breach_cell(world: "World", x: int, y: int) -> tuple[int, int] | None:
    """The hull cell nearest (x, y) that has air behind it; ties go to the upper row, then the left."""
    tiles = world.grid.tiles
    h, w = tiles.shape
    best = None
    for yy in range(max(0, y - SEARCH_M), min(h, y + SEARCH_M + 1)):
        for xx in range(max(0, x - SEARCH_M), min(w, x + SEARCH_M + 1)):
            if tiles[yy, xx] != Tile.HULL:
                continue
            behind = any(
                0 <= xx + dx < w
                and 0 <= yy + dy < h
                and (GAS_PASSABLE[tiles[yy + dy, xx + dx]] or IS_DOOR[tiles[yy + dy, xx + dx]])
                for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1))
            )
            if behind:
                key = ((xx - x) ** 2 + (yy - y) ** 2, yy, xx)
                best = min(best, key) if best else key
    return (best[2], best[1]) if best else None


def apply_inject(world: "World", cmd: C.Command) -> None:
    """Carry out an instructor inject at the current tick boundary."""
    if isinstance(cmd, C.FreezeExercise):
        world.emit(ExerciseFrozen, frozen=bool(cmd.on))
        return None
    if isinstance(cmd, C.InjectBreach):
        area = float(cmd.area_cm2)
        if not 0.0 < area <= MAX_BREACH_CM2:
            return _reject(world, cmd, f"a breach must be between 0 and {MAX_BREACH_CM2:g} cm2")
        at = breach_cell(world, int(cmd.cell[0]), int(cmd.cell[1]))
        if at is None:
            return _reject(world, cmd, f"there is no hull with air behind it near {cmd.cell[0]},{cmd.cell[1]}")
        section = next(
            (
                s.name
                for s in world.level.hull_sections
                if s.rect[0] <= at[0] <= s.rect[2] and s.rect[1] <= at[1] <= s.rect[3]
            ),
            "",
        )
        fire(world, EventDef(world.time_s, "breach", {"at": at, "area_cm2": area, "cd": 0.6, "section": section}))
        return None
    if isinstance(cmd, C.InjectDebris):
        x, y = int(cmd.cell[0]), int(cmd.cell[1])
        if cmd.debris not in DEBRIS_KINDS:
            return _reject(world, cmd, f"unknown debris '{cmd.debris}'")
        if not 1 <= int(cmd.count) <= MAX_DEBRIS_PER_FALL:
            return _reject(world, cmd, f"debris comes down 1 to {MAX_DEBRIS_PER_FALL} pieces at a time")
        if not world.grid.in_bounds(x, y) or world.compartments.index_at(x, y) < 0:
            return _reject(world, cmd, f"no room at {x},{y} for debris to fall in")
        fire(
            world, EventDef(world.time_s, "debris_fall", {"debris": cmd.debris, "at": (x, y), "count": int(cmd.count)})
        )
        return None
    if isinstance(cmd, C.InjectDoorJam):
        if not 0 <= cmd.door_id < len(world.doors):
            return _reject(world, cmd, f"there is no door {cmd.door_id}")
        door = world.doors[cmd.door_id]
        if door.state == "jammed":
            return _reject(world, cmd, f"{door.label} is already jammed")
        fire(world, EventDef(world.time_s, "door_jam", {"door": door.cell}))
        return None
    if isinstance(cmd, (C.InjectEquipmentFailure, C.InjectWorsen)):
        if not 0 <= cmd.person_id < len(world.people):
            return _reject(world, cmd, f"there is no person {cmd.person_id}")
        person = world.people[cmd.person_id]
        if isinstance(cmd, C.InjectEquipmentFailure):
            if cmd.item not in person.equipment:
                return _reject(world, cmd, f"{person.name} has no {cmd.item}")
            person.equipment.remove(cmd.item)
            if cmd.item == "respirator" and "respirator" not in person.equipment:
                person.respirator_on = False
            world.emit(EquipmentFailed, person_id=person.id, person=person.name, item=cmd.item)
            return None
        drop, injury_s = float(cmd.spo2_drop), float(cmd.injury_s)
        if not (0.0 <= drop <= MAX_WORSEN_SPO2_DROP and 0.0 <= injury_s <= MAX_WORSEN_INJURY_S):
            return _reject(
                world, cmd,
                f"worsen by a saturation drop of 0 to {MAX_WORSEN_SPO2_DROP:g} and 0 to {MAX_WORSEN_INJURY_S:g} s of injury",
            )
        b = world.bodies
        if int(b.state[person.id]) == DEAD:
            return _reject(world, cmd, f"{person.name} is dead")
        b.spo2[person.id] = max(0.2, float(b.spo2[person.id]) - drop)
        b.injury_dose_s[person.id] += injury_s
        grade = int(np.searchsorted(INJURY_GRADE_S, b.injury_dose_s[person.id], side="right"))
        b.injury[person.id] = max(int(b.injury[person.id]), grade)
        world.emit(ConditionWorsened, person_id=person.id, person=person.name, spo2=round(float(b.spo2[person.id]), 4))
        return None
    return _reject(world, cmd, "not understood")
