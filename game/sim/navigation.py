"""Route finding on the tile grid, with cost as time.

A cost grid holds, for every cell, the time in centiseconds to enter it for
one kind of person (a `Profile`: speed, tools, suit, doctrine): walking at
their pace (slower over light debris), crawling through a cut hole, opening
a closed door, prying a jammed one with a crowbar (faster with two), cutting
through a wall, a door or a fallen beam with a thermal lance. 0 means they
cannot enter it. The searches are tcod's (C): A* for one person's route,
Dijkstra distance fields for everybody heading the same way (mended round a
small change, such as one door, rather than searched again in full).
"""

from __future__ import annotations

import threading
from itertools import chain
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
    guard: bool = False  # never cut a wall that keeps a breach from safe air (the autopilot's rule)

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
    if door.state != "jammed":
        return door.open_time_s
    return PRY_S.get(door.kind, 90.0) if door.pry_time_s is None else door.pry_time_s


def jammed_way(profile: Profile, door: Door, lance_ok: bool = True) -> tuple[str, float] | None:
    """The quicker of prying and cutting a door that needs force, for `profile`: (verb, seconds).
    `lance_ok` is False where a lance may not be lit (game.sim.fire.lance_barred): prying only."""
    options = []
    if profile is None:
        return None
    if profile.crowbar:
        options.append(("pry", force_s(door) / (max(profile.pryers, 1) * max(profile.pry_skill, 0.1))))
    if profile.lance and lance_ok:
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
    no_lance: np.ndarray | None = None,
) -> np.ndarray:
    """Centiseconds to enter each cell for `profile`; 0 where they cannot.

    `blocked`/`slow` are the debris occupancy; `closed_to` marks cells the
    profile must keep out of (harmful air for the unsuited); `kept_shut` are
    door ids the doctrine keeps shut for this profile; `no_lance` marks cells
    where a lance may not be lit (O2-rich air), so nothing there is costed as cut.
    """
    walk = profile.walk_cs()
    floor, holes = _tile_masks(tiles)
    cost = np.zeros(tiles.shape, dtype=np.float64)
    # Whole-grid arithmetic with `where=` masks (no fancy indexing): the same
    # float64 values cell for cell as assigning through the masks.
    if slow is not None:
        # Over light debris: wade through, or clear the cell first, whichever is quicker.
        np.copyto(cost, np.minimum(walk * slow, walk + CLEAR_S * CS_PER_S), where=floor)
    else:
        np.copyto(cost, walk, where=floor)
    np.divide(cost, CRAWL_FACTOR, out=cost, where=holes)
    if profile.lance:
        for t in _CUT_TILES:
            cuttable = tiles == t if no_lance is None else (tiles == t) & ~no_lance
            np.copyto(cost, profile.cut_s(MATERIALS[t].thickness_m) * CS_PER_S + walk / CRAWL_FACTOR, where=cuttable)
    if blocked is not None and blocked.any():
        # Keep clear of a fallen beam where there is room: brushing past it
        # (and shoving loose things into it) is how it gets moved.
        near = beside(blocked) & floor & ~blocked
        np.multiply(cost, BESIDE_HEAVY, out=cost, where=near)
        if profile.lance:
            np.copyto(cost, walk + profile.cut_s(BEAM_WIDTH_M) * CS_PER_S, where=blocked & floor)
            if no_lance is not None:
                np.copyto(cost, 0.0, where=blocked & no_lance)  # a beam that may not be cut, as without a lance
        else:
            np.copyto(cost, 0.0, where=blocked)
    if doors:
        _door_costs(cost, tiles, doors, profile, walk, kept_shut, no_lance)
    if closed_to is not None:
        np.copyto(cost, 0.0, where=closed_to)
    out = np.rint(cost).astype(np.int32)
    np.copyto(out, 1, where=(out < 1) & (cost > 0))
    return out


# Door states as small codes, so most doors are costed by numpy; any state
# not named here goes the slow way, one door at a time.
_OPEN, _CLOSED, _OTHER = 0, 1, 2
_STATE_CODE = {"open": _OPEN, "closed": _CLOSED}


def _door_costs(cost: np.ndarray, tiles: np.ndarray, doors: list[Door], profile: Profile, walk: float,
                kept_shut: frozenset[int], no_lance: np.ndarray | None = None) -> None:
    """Write each door's entry cost into `cost` (doors cut out are holes, left alone)."""
    xs, ys, opens, ids = _door_arrays(doors)
    code = _STATE_CODE.get
    states = np.fromiter([code(d.state, _OTHER) for d in doors], dtype=np.int8, count=len(doors))
    is_open = states == _OPEN
    c = np.where(is_open, walk, walk + opens * CS_PER_S)
    # The few that need more than walking or opening: jammed, sealed, kept
    # shut, or closed but sticking (needs_force).
    odd = (states == _OTHER) | ((states == _CLOSED) & (opens > STICKY_S))
    if kept_shut:
        odd |= np.isin(ids, np.fromiter(kept_shut, dtype=np.int64, count=len(kept_shut)))
    for i in np.flatnonzero(odd).tolist():
        d = doors[i]
        if d.id in kept_shut or d.state == "sealed":
            c[i] = 0.0
        elif d.state != "open":  # jammed, or sticking
            way = jammed_way(profile, d, no_lance is None or not no_lance[d.y, d.x])
            c[i] = 0.0 if way is None else walk + way[1] * CS_PER_S
    keep = tiles[ys, xs] != T_CUT  # a door cut out is a hole now
    cost[ys[keep], xs[keep]] = c[keep]


_TILE_MASKS: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}


def _tile_masks(tiles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(walkable, cut through) per cell. Kept by the tiles' contents, not the
    array's identity: a wall cut changes the array in place."""
    key = (tiles.shape, tiles.dtype.str, tiles.tobytes())
    got = _TILE_MASKS.get(key)
    if got is None:
        got = (np.take(WALKABLE, tiles), tiles == T_CUT)
        for a in got:
            a.flags.writeable = False
        if len(_TILE_MASKS) > 16:
            _TILE_MASKS.clear()
        _TILE_MASKS[key] = got
    return got


_DOOR_ARRAYS: dict[int, tuple] = {}


def _door_arrays(doors: list[Door]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Where each door is, how long it takes to open, its id (none of these change)."""
    got = _DOOR_ARRAYS.get(id(doors))
    if got is None or got[0] is not doors or len(got[1]) != len(doors):
        n = len(doors)
        got = (
            doors,
            np.fromiter((d.x for d in doors), dtype=np.intp, count=n),
            np.fromiter((d.y for d in doors), dtype=np.intp, count=n),
            np.fromiter((d.open_time_s for d in doors), dtype=np.float64, count=n),
            np.fromiter((d.id for d in doors), dtype=np.int64, count=n),
        )
        if len(_DOOR_ARRAYS) > 32:
            _DOOR_ARRAYS.clear()
        _DOOR_ARRAYS[id(doors)] = got
    return got[1], got[2], got[3], got[4]


def beside(mask: np.ndarray) -> np.ndarray:
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
    search = getattr(_SEARCHES, "search", None)
    if search is None:
        search = _SEARCHES.search = _Search()
    ij = search.path(cost, (sy, sx), ends)
    if len(ij) < 2:
        return []
    return list(zip(ij[1:, 1].tolist(), ij[1:, 0].tolist()))


class _Search:
    """tcod's A* from the `ends` toward the start (as `path2d(cost, [start],
    ends, cardinal=1)`, with an estimate that fits the grid's costs), without
    its set-up on every call: path2d copies the grid, builds
    a graph and allocates two grid-sized arrays (a coordinate grid made with
    meshgrid among them) each time, work that grows with the station while
    the search itself grows with the route. Here the graph over a copy of the
    grid is kept while the grid is unchanged, and one pathfinder is reset for
    each search to the state a new one starts in: its distances at the
    maximum, its traversal at each cell's own index, its frontier empty.
    Only the part of the grid the last search can have touched is reset
    (`_reach`), and a read-only grid (the planner's, `planner.grid_for`) is
    trusted to be unchanged while it is the same array; any other grid is
    compared. Only a cache: nothing here is state. One per thread (runs of
    a batch may share a process: tcod searches without the GIL)."""

    def __init__(self) -> None:
        self.source: np.ndarray | None = None  # the grid the graph was made for
        self.cost: np.ndarray | None = None  # the graph's own copy (the start cell set to 1 in a search)
        self.pf: tcod.path.Pathfinder | None = None
        self.travel0: np.ndarray | None = None
        self.start: tuple[int, int] | None = None
        self.min_cost = 1  # the cheapest cell to enter in the grid (for `_reach`)
        self.touched: tuple[slice, slice] | None = None  # what the last search can have written; None: nothing

    def path(self, cost: np.ndarray, start: tuple[int, int], ends: list[tuple[int, int]]) -> np.ndarray:
        if (
            self.source is not cost or self.cost is None or self.cost.shape != cost.shape
            or not (_frozen(cost) or _same_but_start(self, cost))
        ):
            self.source = cost
            self.cost = np.copy(cost)
            positive = cost[cost > 0]
            self.min_cost = int(positive.min()) if positive.size else 1
            graph = tcod.path.SimpleGraph(cost=self.cost, cardinal=1, diagonal=0)
            # A* toward the start: no route from a cell can be quicker than the
            # cheapest cell times the steps left (the start costs that much too,
            # below), so the estimate never overshoots and the route's time is
            # the least there is; only which of equally quick routes is taken
            # depends on it. With tcod's default (1 a step, a cell costing tens)
            # the search spread as wide as Dijkstra's.
            graph.set_heuristic(cardinal=self.min_cost, diagonal=0)
            self.pf = tcod.path.Pathfinder(graph)
            self.travel0 = self.pf.traversal.copy()
            self.start = None
            self.touched = None
        else:
            pf = self.pf
            if self.touched is not None:
                pf.distance[self.touched] = UNREACHED
                pf.traversal[self.touched] = self.travel0[self.touched]
            # What pf.rebuild_frontier() leaves here (no heuristic, an empty
            # frontier), without its scan of every cell for a distance to
            # push: none has one now. The scan grew with the station while
            # the search itself grows with the route.
            # These are tcod's own internals, pinned with tcod (requirements.txt):
            # an upgrade that changes them fails the route tests, not silently.
            tcod.path.lib.TCOD_frontier_clear(pf._frontier_p)
            pf._update_heuristic(None)
        pf = self.pf
        if self.start is not None:
            self.cost[self.start] = cost[self.start]
        self.start = start
        # The start is always enterable (someone may stand in a shutting door), at
        # the cheapest cell's cost: every route enters it last, so what it costs
        # picks no route, and at that cost the estimate above stays a lower bound.
        self.cost[start] = self.min_cost
        self.touched = (slice(None), slice(None))  # until the search is done, anything may be
        for ij in ends:
            pf.add_root(ij)
        out = pf.path_from(start)
        reached = int(pf.distance[start])
        if reached == UNREACHED:
            return np.zeros((0, 2), dtype=np.intc)  # it searched all it could reach: reset it all
        self.touched = _reach(ends, reached, self.min_cost, cost.shape)
        return out


def _reach(ends: list[tuple[int, int]], reached: int, min_cost: int, shape: tuple[int, int]) -> tuple[slice, slice]:
    """The window (rows, columns) holding every cell a search from `ends` that
    stopped on reaching the start at distance `reached` can have written.

    The search is A* with an estimate that is never negative: it settles
    cells in order of distance plus estimate and stops at the start, so every
    cell it settled lies at most `reached` from an end, and every cell it
    wrote a distance to is a settled cell or one beside one. A cell's
    distance is the cost of the cells entered on the way from an end, each
    at least `min_cost` (the start is never on the way: the search stops
    there), so every
    such cell is within `reached // min_cost + 1` steps of an end; one more
    for safety at the edges.
    """
    r = reached // max(min_cost, 1) + 2
    h, w = shape
    ys = [e[0] for e in ends]
    xs = [e[1] for e in ends]
    return slice(max(0, min(ys) - r), min(h, max(ys) + r + 1)), slice(max(0, min(xs) - r), min(w, max(xs) + r + 1))


def _frozen(cost: np.ndarray) -> bool:
    """A grid nobody can change in place: read-only, over memory of its own."""
    return not cost.flags.writeable and cost.flags.owndata


def _same_but_start(search: _Search, cost: np.ndarray) -> bool:
    """Whether the kept copy still matches `cost` (bar the cell a search set to 1)."""
    kept = search.cost
    st = search.start
    if st is not None:
        was = kept[st]
        kept[st] = cost[st]
        same = np.array_equal(kept, cost)
        kept[st] = was
        return same
    return np.array_equal(kept, cost)


_SEARCHES = threading.local()


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


def seeded_field(cost: np.ndarray, seeds: np.ndarray) -> np.ndarray:
    """The distance field over `cost` from `seeds` (a start value per cell, UNREACHED where none)."""
    dist = seeds.copy()
    if SEARCH_LOG is not None:
        SEARCH_LOG.append(("field", cost, dist.copy(), None))
    tcod.path.dijkstra2d(dist, cost, 1, None, out=dist)
    return dist


REPAIR_MARGIN = 8  # cells round a change to search again first; doubled while that is not enough
REPAIR_MAX_SHARE = 1 / 3  # a window bigger than this share of the grid: search it all again


def repair_field(
    old: np.ndarray, cost0: np.ndarray, seeds0: np.ndarray, cost: np.ndarray, seeds: np.ndarray,
    margin: int = REPAIR_MARGIN,
) -> tuple[np.ndarray, str]:
    """`seeded_field(cost, seeds)`, made from `old` (that field for `cost0`,
    `seeds0`) by searching again only round what changed where that is enough.

    Returns (field, how): "same" (`old` itself, nothing changed), "repair"
    or "full". The result is exact, not an estimate: see `_repair_window`.
    """
    changed = (cost != cost0) | (seeds != seeds0)
    rows = np.flatnonzero(changed.any(axis=1))
    if rows.size == 0:
        return old, "same"
    cols = np.flatnonzero(changed.any(axis=0))
    h, w = cost.shape
    y0, y1, x0, x1 = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
    m = max(1, margin)
    while True:
        win = (max(0, y0 - m), min(h, y1 + m), max(0, x0 - m), min(w, x1 + m))
        if (win[1] - win[0]) * (win[3] - win[2]) > REPAIR_MAX_SHARE * h * w:
            return seeded_field(cost, seeds), "full"
        got = _repair_window(old, cost, seeds, win)
        if got is not None:
            return got, "repair"
        if win == (0, h, 0, w):
            return seeded_field(cost, seeds), "full"
        m *= 2


def _repair_window(old: np.ndarray, cost: np.ndarray, seeds: np.ndarray, win: tuple[int, int, int, int]):
    """The new field, searching only the window (y0, y1, x0, x1) round every
    change; None if the change reaches beyond it.

    The window's outer ring (where it has cells outside it) starts from the
    old values, the rest from `seeds`. If the search lowers no ring cell and
    every ring cell still satisfies the Bellman equation with its neighbours
    (new values inside, old outside), the result satisfies it at every cell:
    outside, nothing a cell sees changed. With costs > 0 only the true
    shortest distances do that, so the repair equals a full search.
    """
    y0, y1, x0, x1 = win
    h, w = cost.shape
    wc = cost[y0:y1, x0:x1]
    before = old[y0:y1, x0:x1]
    ring = np.zeros(wc.shape, bool)
    ring[0, :] |= y0 > 0
    ring[-1, :] |= y1 < h
    ring[:, 0] |= x0 > 0
    ring[:, -1] |= x1 < w
    dist = seeds[y0:y1, x0:x1].copy()
    dist[ring] = before[ring]
    if SEARCH_LOG is not None:
        SEARCH_LOG.append(("field", wc, dist.copy(), None))
    tcod.path.dijkstra2d(dist, wc, 1, None, out=dist)
    if not np.array_equal(dist[ring], before[ring]):
        return None  # a quicker way out through the window: it reaches further
    # Each ring cell's neighbours: the new values inside, the old outside,
    # unreached past the edge of the grid.
    py0, py1, px0, px1 = max(0, y0 - 1), min(h, y1 + 1), max(0, x0 - 1), min(w, x1 + 1)
    around = np.full((y1 - y0 + 2, x1 - x0 + 2), UNREACHED, dtype=np.int64)
    around[py0 - y0 + 1:py1 - y0 + 1, px0 - x0 + 1:px1 - x0 + 1] = old[py0:py1, px0:px1]
    around[1:-1, 1:-1] = dist
    best = np.minimum(np.minimum(around[:-2, 1:-1], around[2:, 1:-1]), np.minimum(around[1:-1, :-2], around[1:-1, 2:]))
    via = np.minimum(best[ring] + wc[ring], UNREACHED)
    via[wc[ring] == 0] = UNREACHED  # nobody enters a cell they cannot
    bellman = np.minimum(seeds[y0:y1, x0:x1][ring], via)
    if not np.array_equal(bellman, before[ring]):
        return None  # a ring cell's way out went through the change
    out = old.copy()
    out[y0:y1, x0:x1] = dist
    return out


def path_time_s(cost: np.ndarray, path: list[tuple[int, int]]) -> float:
    """Seconds a path takes on a cost grid (the cost of every cell entered)."""
    if not path:
        return 0.0
    return float(cost.ravel()[flat_cells(path, cost.shape[1])].sum()) / CS_PER_S


def flat_cells(path: list[tuple[int, int]], width: int) -> np.ndarray:
    """The flat indices (y * width + x) of a route's cells, to read grids along it by:
    one index array from the list, a gather from a raveled grid (cheaper than a pair of
    index arrays: every order's route is read so, the 400 of a station drill at once).
    The cells must be on the grid."""
    xy = np.fromiter(chain.from_iterable(path), dtype=np.intp, count=2 * len(path))
    return xy[1::2] * width + xy[0::2]


def neighbours(x: int, y: int) -> tuple[tuple[int, int], ...]:
    return ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1))
