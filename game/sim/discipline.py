"""Pressure discipline: what a trained crew does at a door without being told.

Whoever on an order opens a pressure door (a bulkhead, a hatch, an airlock
door, or any door with different air on its two sides) owes closing it
behind them (`Person.closing`), unless someone else is about to come
through (then it is theirs to close) or the player said to leave it open
(`CrewState.held_open`). The debt is the person's, not their plan's, so a
plan made again from beside the door does not lose it. An airlock (two
doors with a small room between, found on the map or declared by the level)
is cycled: neither door is opened while the other stands open.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy import ndimage

from game.sim.atmosphere import air_at
from game.sim.navigation import T_CUT, T_FLOOR
from game.sim.tiles import Tile

if TYPE_CHECKING:
    from game.sim.doors import Door
    from game.sim.people import Person
    from game.sim.world import World

AIRLOCK_MAX_CELLS = 6  # floor between two doors that makes a room an airlock
PRESSURE_STEP = 0.02  # a relative difference across a door this big makes it a pressure door
PRESSURE_DOORS = (int(Tile.BULKHEAD), int(Tile.HATCH))


def airlock_partner(world: "World", door_id: int) -> int | None:
    """The other door of the airlock `door_id` belongs to, if it is one."""
    return airlocks(world).get(door_id)


def airlocks(world: "World") -> dict[int, int]:
    """Door id -> the other door of its airlock: declared ones, and small rooms
    with exactly two doors, read once off the map as built."""
    statics = world.crew.caches.statics
    got = statics.get("airlocks")
    if got is None:
        got = {}
        tiles = world.grid.tiles
        lab, _ = ndimage.label(np.isin(tiles, (T_FLOOR, T_CUT)))
        sizes = np.bincount(lab.ravel())
        by_room: dict[int, list[int]] = {}
        h, w = tiles.shape
        for d in world.doors:
            near = set()
            for nx, ny in ((d.x + 1, d.y), (d.x - 1, d.y), (d.x, d.y + 1), (d.x, d.y - 1)):
                if 0 <= nx < w and 0 <= ny < h and lab[ny, nx] > 0 and sizes[lab[ny, nx]] <= AIRLOCK_MAX_CELLS:
                    near.add(int(lab[ny, nx]))
            for room in sorted(near):
                by_room.setdefault(room, []).append(d.id)
        for doors in by_room.values():
            if len(doors) == 2:
                got[doors[0]], got[doors[1]] = doors[1], doors[0]
        for al in world.level.airlocks:
            a, b = (world.door_at.get(tuple(c)) for c in al.doors)
            if a is not None and b is not None:
                got[a], got[b] = b, a
        statics["airlocks"] = got
    return got


def pressure_door(world: "World", door: "Door") -> bool:
    """Does this door, shut now, hold back a difference in air (or is it a
    bulkhead, hatch or airlock door, which are always kept shut)?"""
    if int(door.kind) in PRESSURE_DOORS or airlock_partner(world, door.id) is not None:
        return True
    return _air_differs(world, _floor_beside(world, door.cell))


def declared_cycle_s(world: "World", door: "Door") -> float:
    """Seconds a declared airlock's `cycle_s` adds to opening `door` now: its
    pumps and interlock bring the chamber to the air beyond first, when that
    air differs. 0 for other doors, for air alike on both sides, and for an
    airlock without `cycle_s` (its door's equalising valve, in the gas model,
    is then the whole cycle)."""
    for al in world.level.airlocks:
        if al.cycle_s is not None and door.cell in (tuple(al.doors[0]), tuple(al.doors[1])):
            return al.cycle_s if _air_differs(world, _floor_beside(world, door.cell)) else 0.0
    return 0.0


def _floor_beside(world: "World", cell: tuple[int, int]) -> list[tuple[int, int]]:
    x, y = cell
    return [
        (nx, ny) for nx, ny in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1))
        if world.grid.in_bounds(nx, ny) and int(world.grid.tiles[ny, nx]) in (T_FLOOR, T_CUT)
    ]


def _air_differs(world: "World", sides: list[tuple[int, int]]) -> bool:
    """Do these cells hold air that differs by more than a pressure step?"""
    if len(sides) < 2:
        return False
    xs = np.array([c[0] for c in sides], dtype=np.intp)
    ys = np.array([c[1] for c in sides], dtype=np.intp)
    p_bar, _ = air_at(world, xs, ys)
    hi = float(p_bar.max())
    return hi > 0.0 and (hi - float(p_bar.min())) / hi > PRESSURE_STEP


def pressure_boundary(world: "World", cell: tuple[int, int]) -> bool:
    """Is the wall at `cell` one that holds air apart: a module wall, a wall
    between two modules, or one with different air on its two sides?"""
    x, y = cell
    if int(world.grid.tiles[y, x]) == int(Tile.MODULE_WALL):
        return True
    sides = _floor_beside(world, cell)
    return len({world.grid.module_at(*c) for c in sides}) > 1 or _air_differs(world, sides)


def owe_closing(world: "World", p: "Person", door: "Door") -> None:
    """`p` has just opened `door`: shut it behind them, unless told to leave it."""
    if p.order is not None and door.id not in world.crew.held_open:
        p.closing = (door.id, *p.cell)


def close_now(world: "World", p: "Person") -> int | None:
    """The door `p` should shut this moment (they have stepped off it, away
    from where they opened it from, and can still reach it), or None. A
    debt that can no longer be met (they walked off the other way) is dropped."""
    if not p.closing:
        return None
    door_id, fx, fy = p.closing
    d = world.doors[door_id]
    if p.cell == d.cell or p.cell == (fx, fy):
        return None
    p.closing = ()
    if not d.is_open or world.grid.tiles[d.y, d.x] == T_CUT or door_id in world.crew.held_open:
        return None
    if max(abs(p.cell[0] - d.x), abs(p.cell[1] - d.y)) > 1:
        return None
    return door_id


def hand_on(world: "World", p: "Person", door: "Door", q: "Person") -> None:
    """`p` leaves `door` open for `q`, who is coming through: the debt is `q`'s now."""
    if q.order is not None and door.id not in world.crew.held_open:
        q.closing = (door.id, *(q.cell if q.cell != door.cell else p.closing[1:] if p.closing else q.cell))


def other_end_open(world: "World", door: "Door") -> "Door | None":
    """The airlock's other door, if it stands open (and the player has not said to leave it)."""
    other = airlock_partner(world, door.id)
    if other is None:
        return None
    d = world.doors[other]
    if not d.is_open or world.grid.tiles[d.y, d.x] == T_CUT:
        return None
    if other in world.crew.held_open or door.id in world.crew.held_open:
        return None
    return d
