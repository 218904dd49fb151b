"""Walking: people moving along their routes, and who stands where.

A `Walk` moves a person cell by cell along a route the planner made, at
their pace (suit, casualty in hand, hypoxia), crawling through cut holes and
wading through light debris; it stops with a reason if the way shuts in
front of it (a door closed, a beam fell), so the plan is made again.
Evacuees step on their own (game.sim.evacuation) and never share a cell;
responders on a job squeeze past.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from game.sim.action_base import DONE, RUNNING, Action, Failed, Result, can_act, place_name
from game.sim.events import PersonArrived
from game.sim.people import CRAWL_FACTOR, Evac
from game.sim.physiology import speed_factor
from game.sim.tiles import Tile

if TYPE_CHECKING:
    from game.sim.doors import Door
    from game.sim.people import Person
    from game.sim.world import World

FOLLOW_M = 8  # someone this close (Manhattan) and heading through a door keeps it open


_SPEED_BY_STATE = tuple(float(v) for v in speed_factor(np.arange(4)))
_FLOOR, _CUT = int(Tile.FLOOR), int(Tile.CUT)


def speed_now(world: "World", p: "Person") -> float:
    """Metres per second on clear floor right now."""
    return p.base_speed_m_s() * _SPEED_BY_STATE[world.bodies.state[p.id]]


def passable_now(world: "World", cell: tuple[int, int]) -> str | None:
    """None if a person can step into `cell` now, else why not."""
    x, y = cell
    t = int(world.grid.tiles[y, x])
    if t == _FLOOR or t == _CUT:
        if world.crew.seen.blocked[y, x]:
            return f"debris blocks {place_name(world, cell)}"
        return None
    door_id = world.door_at.get(cell)
    if door_id is not None:
        d = world.doors[door_id]
        return None if d.is_open else f"{d.label} is {d.state}"
    return "a wall is in the way"


def effort(world: "World", cell: tuple[int, int]) -> float:
    """How much slower than clear floor: crawling through holes, wading through light debris."""
    x, y = cell
    f = float(world.crew.seen.slow[y, x])
    if world.grid.tiles[y, x] == _CUT:
        f /= CRAWL_FACTOR
    return f


def advance(world: "World", p: "Person", cell: tuple[int, int], budget_m: float) -> tuple[bool, float]:
    """Move toward a cell's centre with `budget_m` of clear-floor metres; (arrived, budget left)."""
    tx, ty = cell[0] + 0.5, cell[1] + 0.5
    dx, dy = tx - p.x, ty - p.y
    dist = math.hypot(dx, dy)
    f = effort(world, cell)
    need = dist * f
    if need <= budget_m:
        p.x, p.y = tx, ty
        return True, budget_m - need
    step = budget_m / f
    p.x += dx / dist * step
    p.y += dy / dist * step
    return False, 0.0


def carry_along(world: "World", p: "Person") -> None:
    tid = p.carrying if p.carrying >= 0 else p.escorting
    if tid >= 0:
        t = world.people[tid]
        t.x, t.y = p.x, p.y


class Walk(Action):
    """Walk a planned route of cells (crawling where the route goes through a hole)."""

    kind = "walk"

    def __init__(self, cells: list[tuple[int, int]]) -> None:
        super().__init__()
        self.cells = [tuple(c) for c in cells]
        self.i = 0
        self.announce = False  # a PersonArrived event at the end (a player's move order)

    @property
    def target(self) -> tuple[int, int] | None:
        return self.cells[-1] if self.cells else None

    @property
    def progress(self) -> float:
        return self.i / len(self.cells) if self.cells else 1.0

    def words(self, world: "World") -> str:
        if not self.cells:
            return "stand"
        verb = "crawl" if self.kind == "crawl" else "walk"
        return f"{verb} to {place_name(world, self.cells[-1])}"

    def key(self) -> tuple:
        return (self.kind, tuple(self.cells[self.i:]))

    def remaining_m(self, p: "Person") -> float:
        total, px, py = 0.0, p.x, p.y
        for cx, cy in self.cells[self.i:]:
            total += math.hypot(cx + 0.5 - px, cy + 0.5 - py)
            px, py = cx + 0.5, cy + 0.5
        return total

    def begin(self, world: "World", p: "Person") -> Result:
        p.path = list(self.cells[self.i:])
        return RUNNING

    def step(self, world: "World", p: "Person", dt: float) -> Result:
        if dt <= 0.0:
            return RUNNING
        budget = speed_now(world, p) * dt
        if budget <= 0.0:
            return Failed("cannot move")
        cells = self.cells
        while budget > 0.0 and self.i < len(cells):
            nxt = cells[self.i]
            if p.cell != nxt:
                why = passable_now(world, nxt)
                if why is not None:
                    p.path = list(cells[self.i:])
                    return Failed(why)
            arrived, budget = advance(world, p, nxt, budget)
            if arrived:
                self.i += 1
        carry_along(world, p)
        self.elapsed_s += dt
        if self.i >= len(cells):
            p.path = []
            if self.announce and cells:
                world.emit(PersonArrived, person_id=p.id, person=p.name, x=cells[-1][0], y=cells[-1][1])
            return DONE
        if len(p.path) != len(cells) - self.i:
            p.path = list(cells[self.i:])
        return RUNNING

    def interrupt(self, world: "World", p: "Person") -> None:
        p.path = []


class Crawl(Walk):
    kind = "crawl"


def someone_following(world: "World", p: "Person", door: "Door") -> "Person | None":
    """Whoever is about to come through `door` after `p` (then it stays open for them), or None."""
    dx, dy = door.x, door.y
    for q in world.crew.movers(world):
        if q is p or not can_act(world, q):
            continue
        qx, qy = q.cell
        if abs(qx - dx) + abs(qy - dy) > FOLLOW_M:
            continue
        if (qx, qy) == door.cell:
            return q
        if q.evac == Evac.MOVING and world.crew.upstream_of(world, q, door):
            return q
        if door.cell in q.path:
            return q
        for a in q.plan:
            if isinstance(a, Walk) and door.cell in a.cells:
                return q
    return None
