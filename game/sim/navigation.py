"""Route finding on the tile grid, with cost as time.

A cost grid holds, for every cell, the time in centiseconds to enter it for
one kind of person (a `Profile`: speed, tools, suit, doctrine): walking at
their pace (slower over light debris), crawling through a cut hole, opening
a closed door, prying a jammed one with a crowbar (faster with two), cutting
through a wall, a door or a fallen beam with a thermal lance. 0 means they
cannot enter it. The searches are tcod's (C): A* for one person's route,
Dijkstra distance fields for everybody heading the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import tcod.path

from game.sim.doors import Door
from game.sim.people import CRAWL_FACTOR, WALK_SPEED_M_S
from game.sim.tiles import LANCE_S_PER_M, MATERIALS, WALKABLE, Tile

if TYPE_CHECKING:
    pass

CS_PER_S = 100  # cost unit: a centisecond
UNREACHED = np.iinfo(np.int32).max
WALK_COST = max(1, round(10.0 / WALK_SPEED_M_S))  # tenths of a second per metre (older callers)

# Prying a jammed door with a crowbar, alone (MODELS.md: 60-120 s, about half with two).
PRY_S = {Tile.DOOR: 60.0, Tile.HATCH: 90.0, Tile.BULKHEAD: 120.0}
CLEAR_S = 6.0  # shifting the light debris off one cell by hand
# A door that takes longer than this to open sticks in a warped frame: it
# gives to a crowbar (in its own open time), not to a bare hand.
STICKY_S = 10.0
BESIDE_HEAVY = 1.5  # cost factor for floor beside heavy debris
BEAM_WIDTH_M = 0.15  # support beam section (debris_kinds): what a lance has to go through

_CUT_TILES = (Tile.WALL, Tile.MODULE_WALL)
# Plain ints for hot comparisons (an IntEnum member lookup costs a call).
T_FLOOR, T_CUT, T_DOOR = int(Tile.FLOOR), int(Tile.CUT), int(Tile.DOOR)


@dataclass(frozen=True)
class Profile:
    """What a person (or a team) can do on the way, for the cost of a route."""

    speed_m_s: float = WALK_SPEED_M_S
    lance: bool = False
    crowbar: bool = False
    pryers: int = 1  # crowbars that will work a jammed door together
    cut_skill: float = 1.0
    pry_skill: float = 1.0
    suited: bool = False  # unsuited people keep out of air that would harm them
    contain: bool = False  # keep out of doors that would open a breach onto people

    def walk_cs(self) -> float:
        return CS_PER_S / max(self.speed_m_s, 1e-3)

    def pry_s(self, kind: Tile) -> float:
        return PRY_S.get(kind, 90.0) / (max(self.pryers, 1) * max(self.pry_skill, 0.1))

    def cut_s(self, thickness_m: float) -> float:
        return thickness_m * LANCE_S_PER_M / max(self.cut_skill, 0.1)


def needs_force(door: Door) -> bool:
    """Jammed, or closed but sticking so hard a bare hand will not shift it."""
    return door.state == "jammed" or (door.state == "closed" and door.open_time_s > STICKY_S)


def force_s(door: Door) -> float:
    """Seconds of prying, alone, to get a door open: a jammed one's full pry, a sticking one's own time."""
    return PRY_S.get(door.kind, 90.0) if door.state == "jammed" else door.open_time_s


def jammed_way(profile: Profile, door: Door) -> tuple[str, float] | None:
    """The quicker of prying and cutting a door that needs force, for `profile`: (verb, seconds)."""
    options = []
    if profile is None:
        return None
    if profile.crowbar:
        options.append(("pry", force_s(door) / (max(profile.pryers, 1) * max(profile.pry_skill, 0.1))))
    if profile.lance:
        thick = MATERIALS[door.kind].thickness_m
        options.append(("cut", profile.cut_s(thick) + (1.0 / CRAWL_FACTOR - 1.0) / profile.speed_m_s))
    return min(options, key=lambda o: o[1]) if options else None


def cost_grid(
    tiles: np.ndarray,
    doors: list[Door],
    profile: Profile,
    blocked: np.ndarray | None = None,
    slow: np.ndarray | None = None,
    closed_to: np.ndarray | None = None,
    kept_shut: frozenset[int] = frozenset(),
) -> np.ndarray:
    """Centiseconds to enter each cell for `profile`; 0 where they cannot.

    `blocked`/`slow` are the debris occupancy; `closed_to` marks cells the
    profile must keep out of (harmful air for the unsuited); `kept_shut` are
    door ids the doctrine keeps shut for this profile.
    """
    walk = profile.walk_cs()
    floor = WALKABLE[tiles]
    cost = np.zeros(tiles.shape, dtype=np.float64)
    if slow is not None:
        # Over light debris: wade through, or clear the cell first, whichever is quicker.
        cost[floor] = np.minimum(walk * slow[floor], walk + CLEAR_S * CS_PER_S)
    else:
        cost[floor] = walk
    holes = tiles == Tile.CUT
    cost[holes] = cost[holes] / CRAWL_FACTOR
    if profile.lance:
        for t in _CUT_TILES:
            sel = tiles == t
            cost[sel] = profile.cut_s(MATERIALS[t].thickness_m) * CS_PER_S + walk / CRAWL_FACTOR
    if blocked is not None and blocked.any():
        # Keep clear of a fallen beam where there is room: brushing past it
        # (and shoving loose things into it) is how it gets moved.
        near = _beside(blocked) & floor & ~blocked
        cost[near] *= BESIDE_HEAVY
        if profile.lance:
            cost[blocked & floor] = walk + profile.cut_s(BEAM_WIDTH_M) * CS_PER_S
        else:
            cost[blocked] = 0.0
    if doors:
        xs, ys, opens = _door_arrays(doors)
        is_open = np.fromiter((d.state == "open" for d in doors), dtype=bool, count=len(doors))
        c = np.where(is_open, walk, walk + opens * CS_PER_S)
        for i, d in enumerate(doors):  # the few that need more than walking or opening
            if d.state in ("open", "closed") and d.id not in kept_shut and not needs_force(d):
                continue
            if d.id in kept_shut or d.state == "sealed":
                c[i] = 0.0
            elif d.state != "open":  # jammed, or sticking
                way = jammed_way(profile, d)
                c[i] = 0.0 if way is None else walk + way[1] * CS_PER_S
        keep = tiles[ys, xs] != T_CUT  # a door cut out is a hole now
        cost[ys[keep], xs[keep]] = c[keep]
    if closed_to is not None:
        cost[closed_to] = 0.0
    out = np.rint(cost).astype(np.int32)
    out[(cost > 0) & (out < 1)] = 1
    return out


_DOOR_ARRAYS: dict[int, tuple] = {}


def _door_arrays(doors: list[Door]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where each door is and how long it takes to open (they never move)."""
    got = _DOOR_ARRAYS.get(id(doors))
    if got is None or got[0] is not doors or len(got[1]) != len(doors):
        n = len(doors)
        got = (
            doors,
            np.fromiter((d.x for d in doors), dtype=np.intp, count=n),
            np.fromiter((d.y for d in doors), dtype=np.intp, count=n),
            np.fromiter((d.open_time_s for d in doors), dtype=np.float64, count=n),
        )
        if len(_DOOR_ARRAYS) > 32:
            _DOOR_ARRAYS.clear()
        _DOOR_ARRAYS[id(doors)] = got
    return got[1], got[2], got[3]


def _beside(mask: np.ndarray) -> np.ndarray:
    """Cells touching (8-way) a cell of `mask`."""
    out = mask.copy()
    out[1:, :] |= mask[:-1, :]
    out[:-1, :] |= mask[1:, :]
    out[:, 1:] |= out[:, :-1].copy()
    out[:, :-1] |= out[:, 1:].copy()
    return out


def walk_cost_grid(tiles: np.ndarray, doors: list[Door]) -> np.ndarray:
    """Per-cell entry cost (centiseconds) for an ordinary person on foot; 0 means impassable."""
    return cost_grid(tiles, doors, Profile())


def find_path(cost: np.ndarray, start: tuple[int, int], goal: tuple[int, int]) -> list[tuple[int, int]]:
    """Cells (x, y) from the one after `start` to `goal`; [] if unreachable."""
    return find_path_to_any(cost, start, [goal])


# A benchmark can collect the raw searches made (cost grid, starts, ends) to
# time tcod alone on exactly the same work; None in normal running.
SEARCH_LOG: list | None = None


def find_path_to_any(cost: np.ndarray, start: tuple[int, int], goals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The quickest route from `start` to whichever of `goals` is nearest in time.

    Cells (x, y) after `start`, ending on a goal; [] if none can be reached
    (or `start` is a goal).
    """
    h, w = cost.shape
    sx, sy = start
    if len(goals) == 1:
        gx, gy = goals[0]
        ends = [(gy, gx)] if 0 <= gx < w and 0 <= gy < h and cost[gy, gx] > 0 else []
    else:
        ends = [(gy, gx) for gx, gy in goals if 0 <= gx < w and 0 <= gy < h and cost[gy, gx] > 0]
    if not ends or not (0 <= sx < w and 0 <= sy < h) or (sy, sx) in ends:
        return []
    # tcod refuses to start on an impassable cell; someone standing in a
    # doorway as it shuts must still be able to step out.
    if cost[sy, sx] == 0:
        cost = cost.copy()
        cost[sy, sx] = 1
    if SEARCH_LOG is not None:
        SEARCH_LOG.append(("path", cost, [(sy, sx)], ends))
    ij = tcod.path.path2d(cost, start_points=[(sy, sx)], end_points=ends, cardinal=1, diagonal=None, check_bounds=False)
    if len(ij) < 2:
        return []
    return list(zip(ij[1:, 1].tolist(), ij[1:, 0].tolist()))


def distance_field(cost: np.ndarray, sources: np.ndarray) -> np.ndarray:
    """Centiseconds from every cell to the nearest source cell (bool [y, x]) over `cost`.

    Cost is paid on entering a cell, so the field read backwards (from a cell
    down to a source) costs the cells walked out of; on our grids the two
    differ only by the first and last cell.
    """
    dist = np.full(cost.shape, UNREACHED, dtype=np.int32)
    dist[sources & (cost > 0)] = 0
    if SEARCH_LOG is not None:
        SEARCH_LOG.append(("field", cost, dist.copy(), None))
    tcod.path.dijkstra2d(dist, cost, 1, None, out=dist)
    return dist


def path_time_s(cost: np.ndarray, path: list[tuple[int, int]]) -> float:
    """Seconds a path takes on a cost grid (the cost of every cell entered)."""
    if not path:
        return 0.0
    xs = np.fromiter((c[0] for c in path), dtype=np.intp, count=len(path))
    ys = np.fromiter((c[1] for c in path), dtype=np.intp, count=len(path))
    return float(cost[ys, xs].sum()) / CS_PER_S


def neighbours(x: int, y: int) -> tuple[tuple[int, int], ...]:
    return ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1))
