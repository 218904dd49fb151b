"""Walking: people moving along their routes, and who stands where.

A `Walk` moves a person cell by cell along a route the planner made, at
their pace (suit, casualty in hand, hypoxia), crawling through cut holes and
wading through light debris; it stops with a reason if the way shuts in
front of it (a door closed, a beam fell), so the plan is made again.
The wind's drag on a standing body slows a walk into it and hurries one
with it, and `step_gusts` pushes people who stand in a gale stronger
than their footing along the flow, over walkable cells only.
Evacuees step on their own (game.sim.evacuation) and never share a cell;
responders on a job squeeze past.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from game.sim import walk_kernels
from game.sim.action_base import DONE, RUNNING, Action, Failed, Result, can_act, place_name
from game.sim.compiled import fast
from game.sim.constants import M_N2, M_O2
from game.sim.events import PersonArrived
from game.sim.people import CRAWL_FACTOR, Evac
from game.sim.physiology import speed_factor
from game.sim.tiles import Tile

if TYPE_CHECKING:
    from game.sim.doors import Door
    from game.sim.people import Person
    from game.sim.world import World

FOLLOW_M = 8  # someone this close (Manhattan) and heading through a door keeps it open

# The wind on a body. Drag F = 1/2 rho Cd A u^2 with the drag area of a standing man,
# Cd A = 0.84 m2 (Hoerner, Fluid-Dynamic Drag, 1965: D/q about 9 ft2; Cd 1.2 on a
# frontal area of 0.7 m2). What a person can brace against is their shoes' friction,
# mu m g: static mu 0.5 (the slip-resistance threshold usually taken as safe for
# dry floors, ASTM D2047), a 75 kg body (ICRP reference adult male, 73 kg, clothed).
# At 1 bar (rho 1.2 kg/m3) the wind beats the footing from about 27 m/s.
BODY_DRAG_AREA_M2 = 1.2 * 0.7
FOOT_FRICTION = 0.5
BODY_MASS_KG = 75.0
GRAVITY_M_S2 = 9.81
GRIP_N = FOOT_FRICTION * BODY_MASS_KG * GRAVITY_M_S2
# Below this wind speed the drag is under 5 % of the grip even in sea-level air
# (rho 1.225): nobody notices, and nobody there is looked at.
WIND_FELT_M_S = math.sqrt(0.05 * GRIP_N / (0.5 * 1.225 * BODY_DRAG_AREA_M2))
# No wind with both components under this is felt (a margin below WIND_FELT_M_S / sqrt 2
# for float32 rounding): felt_cells looks closely only at the others.
_FELT_AXIS_M_S = np.float32(WIND_FELT_M_S / math.sqrt(2.0) * 0.999)
# A walk with the wind goes at most this much faster (a run, about 2.4 m/s): the
# walker checks their pace with their steps rather than be blown along.
HURRY_MAX = 2.0
# Into a wind that beats their footing a walker hauls themselves along walls and
# door frames (a game assumption: a quarter of their pace), rather than stand for good.
HAUL_PACE = 0.25
MAX_SLIDE_M = 3.0  # a pushed person catches hold of something within a few cells


walkers = fast(walk_kernels)  # the crew's loops over walkers, compiled (or the plain module where nothing compiles)

# speed_factor by body state, as plain floats: a walker's pace is looked up every tick
SPEED_BY_STATE = tuple(float(v) for v in speed_factor(np.arange(4)))
_FLOOR, _CUT = int(Tile.FLOOR), int(Tile.CUT)


def speed_now(world: "World", p: "Person") -> float:
    """Metres per second on clear floor right now."""
    return p.base_speed_m_s() * SPEED_BY_STATE[world.bodies.state.item(p.id)]


def passable_now(world: "World", cell: tuple[int, int]) -> str | None:
    """None if a person can step into `cell` now, else why not."""
    x, y = cell
    t = world.grid.tiles.item(y, x)
    if t == _FLOOR or t == _CUT:
        if world.crew.seen.blocked.item(y, x):
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
    f = world.crew.seen.slow.item(y, x)
    if world.grid.tiles.item(y, x) == _CUT:
        f /= CRAWL_FACTOR
    return f


def air_density_at(world: "World", x: int, y: int) -> float:
    """kg/m3 of the air in a cell, from its compartment's gas (0 where there is none)."""
    c = world.compartments
    k = int(c.labels[y, x]) - 1
    if k < 0 or k >= c.count:
        return 0.0
    return float((c.n_o2[k] * M_O2 + c.n_other[k] * M_N2) / c.volume_m3[k])


def wind_here(world: "World", x: int, y: int) -> tuple[float, float]:
    """The air's velocity (m/s) in a cell, (0, 0) where the wind is not laid out."""
    wx, wy = world.atmos.wind_x, world.atmos.wind_y
    if wx.shape != world.grid.tiles.shape:
        return 0.0, 0.0
    return float(wx[y, x]), float(wy[y, x])


def drag_n(rho: float, ux: float, uy: float) -> tuple[float, float]:
    """The wind's drag on a standing body (N, along the wind): 1/2 rho Cd A |u| u."""
    k = 0.5 * rho * BODY_DRAG_AREA_M2 * math.hypot(ux, uy)
    return k * ux, k * uy


def felt_cells(world: "World") -> tuple[frozenset[int], int] | None:
    """(flat cells where a walker feels the wind, the grid's width); None while
    the wind is not laid out. Made with numpy, in float64 as `wind_pace` reckons
    (so it picks the very same cells), and kept till the wind changes: most
    walkers, most ticks, are in still air and look at one set."""
    cs = world.crew
    atmos = world.atmos
    wx, wy = atmos.wind_x, atmos.wind_y
    key = cs.caches.felt_key
    if key and key[0] is wx and key[1] is wy and key[2] == atmos.wind_stamp:
        return cs.caches.felt
    got = None
    if wx.shape == world.grid.tiles.shape:
        # Only a cell with either component near WIND_FELT_M_S / sqrt 2 or above (or not a
        # number) can reach it: those few are reckoned in float64, the rest of the grid not.
        maybe = np.flatnonzero(~((np.abs(wx) < _FELT_AXIS_M_S) & (np.abs(wy) < _FELT_AXIS_M_S)))
        ux, uy = wx.ravel()[maybe].astype(np.float64), wy.ravel()[maybe].astype(np.float64)
        felt = maybe[~(ux * ux + uy * uy < WIND_FELT_M_S * WIND_FELT_M_S)]
        got = (frozenset(felt.tolist()), wx.shape[1])
    cs.caches.felt, cs.caches.felt_key = got, (wx, wy, atmos.wind_stamp)
    return got


def felt_now(world: "World") -> tuple[frozenset[int] | None, int]:
    """`felt_cells` as a step reads it: (the flat cells where the wind is felt, None where
    it is felt nowhere (the step never looks), the grid's width)."""
    felt = felt_cells(world)
    return felt if felt is not None and felt[0] else (None, 0)


def wind_pace(world: "World", x: float, y: float, dx: float, dy: float, gale: frozenset[int] | None,
              width: int) -> float:
    """How the wind changes a walk from (x, y) along (dx, dy) (unit): 1 in still air (a cell
    not in `gale`, `felt_now`'s cells), falling as the drag against the walker nears their
    grip (HAUL_PACE beyond), up to HURRY_MAX with it."""
    hx, hy = int(x), int(y)  # the walker's cell
    if gale is None or hy * width + hx not in gale:
        return 1.0
    ux, uy = wind_here(world, hx, hy)
    fx, fy = drag_n(air_density_at(world, hx, hy), ux, uy)
    return min(HURRY_MAX, max(HAUL_PACE, 1.0 + (fx * dx + fy * dy) / GRIP_N))


def _leg(world: "World", x: float, y: float, cx: int, cy: int, f: float, budget: float,
         gale: frozenset[int] | None, width: int) -> tuple[float, float, float, bool]:
    """From (x, y) toward cell (cx, cy)'s centre with `budget` metres of clear floor, `f` the
    cell's effort, the wind's pace where it is felt: (x, y, budget left, arrived). A step's
    arithmetic, in one place: `advance` (an evacuee's cell) and `walk_on` (a walker's route)."""
    tx, ty = cx + 0.5, cy + 0.5
    dx, dy = tx - x, ty - y
    dist = math.hypot(dx, dy)
    if gale is not None and dist > 0.0:
        f = f / wind_pace(world, x, y, dx / dist, dy / dist, gale, width)
    need = dist * f
    if need <= budget:
        return tx, ty, budget - need, True
    step = budget / f
    return x + dx / dist * step, y + dy / dist * step, 0.0, False


def advance(world: "World", p: "Person", cell: tuple[int, int], budget_m: float) -> tuple[bool, float]:
    """Move toward a cell's centre with `budget_m` of clear-floor metres; (arrived, budget left)."""
    gale, width = felt_now(world)
    p.x, p.y, left, arrived = _leg(world, p.x, p.y, cell[0], cell[1], effort(world, cell), budget_m, gale, width)
    return arrived, left


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
        return walk_on(world, p, self, speed_now(world, p) * dt, walk_view(world))

    def interrupt(self, world: "World", p: "Person") -> None:
        p.path = []


class Crawl(Walk):
    kind = "crawl"


class WalkView(NamedTuple):
    """What every walker's step reads (see `walk_view`)."""

    tiles: np.ndarray
    blocked: np.ndarray  # the crew's perceived heavy debris
    slow: np.ndarray  # and light debris's effort
    gale: frozenset[int] | None  # flat cells where the wind is felt, None if there are none
    width: int  # of the grid, for the flat cells


def walk_view(world: "World") -> WalkView:
    """What every walker's step reads, fetched once: the tiles (cut in place), what the
    crew perceives of debris (remade only by `perceive`, before anyone steps) and the
    cells where the wind is felt (None where there are none: the walk never looks)."""
    seen = world.crew.seen
    return WalkView(world.grid.tiles, seen.blocked, seen.slow, *felt_now(world))


def walk_on(world: "World", p: "Person", walk: Walk, budget: float, view: WalkView) -> Result:
    """One tick of `walk` for `p` with `budget` metres of clear floor (speed_now * dt):
    Walk.step, which the crew's tick calls straight with `view` fetched once a tick for
    the walkers its compiled loop (game.sim.walk_kernels, this arithmetic over clear floor
    in still air) does not step. Each cell's step is `_leg`, as `advance`'s; clear floor and a
    cell's effort are read here from `view` (tests/test_crew_walkers.py holds the walk to
    `passable_now` and `advance`), anything else (a door, a wall, a heap) by `passable_now`."""
    if budget <= 0.0:
        return Failed("cannot move")
    tiles, blocked, slow, gale, width = view
    cells = walk.cells
    n = len(cells)
    i = i0 = walk.i
    x, y = p.x, p.y
    while budget > 0.0 and i < n:
        cx, cy = cells[i]
        t = tiles.item(cy, cx)
        # not yet in the cell (p.cell != (cx, cy): the same for positions >= 0, without int())
        if not (cx <= x < cx + 1 and cy <= y < cy + 1) and ((t != _FLOOR and t != _CUT) or blocked.item(cy, cx)):
            why = passable_now(world, (cx, cy))
            if why is not None:
                p.x, p.y, walk.i = x, y, i
                p.path = list(cells[i:])
                return Failed(why)
        f = slow.item(cy, cx)  # effort()
        if t == _CUT:
            f /= CRAWL_FACTOR
        x, y, budget, arrived = _leg(world, x, y, cx, cy, f, budget, gale, width)
        i += arrived
    p.x, p.y, walk.i = x, y, i
    if p.carrying >= 0 or p.escorting >= 0:
        carry_along(world, p)
    if i >= n:
        p.path = []
        if walk.announce and cells:
            world.emit(PersonArrived, person_id=p.id, person=p.name, x=cells[-1][0], y=cells[-1][1])
        return DONE
    path = p.path
    if len(path) != n - i:
        if len(path) == n - i0:  # in step with the walk till now: drop the cells reached
            del path[: i - i0]
        else:
            p.path = list(cells[i:])
    return RUNNING


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


# ---------------------------------------------------------------- gusts


def _standing(p: "Person", world: "World") -> bool:
    """On their feet and not on the move (walkers lean into the wind: `wind_pace`)."""
    if p.carried_by >= 0 or p.escorted_by >= 0 or not can_act(world, p):
        return False
    a = p.action
    return a is None or a.kind not in ("walk", "crawl", "evacuate")


def step_gusts(world: "World", dt: float) -> None:
    """Push people standing in a wind that beats their footing along it.

    Only cells where the wind is above WIND_FELT_M_S are looked at (one numpy
    mask), and only when some are, everybody's cell is compared with them (in
    walk_kernels' compiled loop).
    A pushed body slides: drag on its speed relative to the air, against
    kinetic friction (taken as the static mu), integrated over the tick; it
    moves one axis at a time into walkable cells nobody stands on, stops at a
    wall, a closed door or a person, and gets a hold after MAX_SLIDE_M that
    they keep until the wind there no longer beats their footing.
    """
    cs = world.crew
    slides = cs.slides
    # Only the cells where the wind is felt at all can push anyone (the walkers' set,
    # kept till the wind changes); in the others the drag is under 5 % of the grip.
    felt = felt_cells(world)
    if felt is None or (not slides and not felt[0]):
        return
    gale, w = felt
    people = world.people
    # Whoever a slide moves along (a casualty in hand) does not stand on their own feet, and
    # only a slide changes `slides` (its person's): who is looked at is settled now.
    for i in sorted(slides.keys() | set(walkers.standing_in(people, gale, w))):
        p = people[i]
        if p.id in slides or _standing(p, world):
            _slide(world, p, slides.get(p.id), dt)


def _slide(world: "World", p: "Person", was: tuple[float, float, float] | None, dt: float) -> None:
    """One tick of the wind's push on `p` (slide state `was`: vx, vy, metres so far)."""
    cs = world.crew
    x, y = p.cell
    ux, uy = wind_here(world, x, y)
    rho = air_density_at(world, x, y)
    vx, vy, slid = was if was is not None else (0.0, 0.0, 0.0)
    fx, fy = drag_n(rho, ux - vx, uy - vy)
    v = math.hypot(vx, vy)
    if slid >= MAX_SLIDE_M - 1e-9:  # holding on to what stopped them until the gust eases
        if math.hypot(fx, fy) <= GRIP_N:
            cs.slides.pop(p.id, None)
        return
    if v == 0.0:
        if math.hypot(fx, fy) <= GRIP_N:
            cs.slides.pop(p.id, None)
            return  # their feet hold
        cs.stop(world, p)  # knocked off what they were doing: plan again once they stand
    # kinetic friction against the motion (or, from rest, against the excess push)
    nx, ny = (vx / v, vy / v) if v > 0.0 else (fx / math.hypot(fx, fy), fy / math.hypot(fx, fy))
    ax = fx / BODY_MASS_KG - FOOT_FRICTION * GRAVITY_M_S2 * nx
    ay = fy / BODY_MASS_KG - FOOT_FRICTION * GRAVITY_M_S2 * ny
    nvx, nvy = vx + ax * dt, vy + ay * dt
    if nvx * vx + nvy * vy < 0.0 or (v > 0.0 and math.hypot(nvx, nvy) < 1e-3):
        nvx = nvy = 0.0  # friction has stopped them
    ddx, ddy = nvx * dt, nvy * dt
    left = MAX_SLIDE_M - slid
    dist = math.hypot(ddx, ddy)
    if dist > left:  # they catch hold within the few cells a push may carry them
        ddx, ddy = ddx * left / dist, ddy * left / dist
    n = max(1, math.ceil(max(abs(ddx), abs(ddy)) / 0.5))  # at most half a cell a step: no wall skipped
    moved = 0.0
    for _ in range(n):
        for axis in (0, 1):
            d = (ddx if axis == 0 else ddy) / n
            if d == 0.0:
                continue
            nxp, nyp = (p.x + d, p.y) if axis == 0 else (p.x, p.y + d)
            here, cell = p.cell, (int(nxp), int(nyp))
            if cell != here and (passable_now(world, cell) is not None or cs.someone_at(world, cell)):
                # against a wall, a shut door or someone: stop at the cell's edge
                if axis == 0:
                    nvx = ddx = 0.0
                    p.x = min(max(p.x, here[0] + 0.05), here[0] + 0.95)
                else:
                    nvy = ddy = 0.0
                    p.y = min(max(p.y, here[1] + 0.05), here[1] + 0.95)
                continue
            p.x, p.y = nxp, nyp
            moved += abs(d)
    slid += moved
    if p.cell != (x, y):
        carry_along(world, p)
        cs.placed(world, p)
    if (nvx == 0.0 and nvy == 0.0) or slid >= MAX_SLIDE_M - 1e-9:
        # on their feet again, or holding on: back to a cell's middle
        if slid >= MAX_SLIDE_M - 1e-9:
            cs.slides[p.id] = (0.0, 0.0, slid)
        else:
            cs.slides.pop(p.id, None)
        cx, cy = p.cell
        p.x, p.y = cx + 0.5, cy + 0.5
        carry_along(world, p)
        return
    cs.slides[p.id] = (nvx, nvy, slid)
