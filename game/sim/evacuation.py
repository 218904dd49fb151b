"""Evacuation: people who are not on duty get themselves out of a breached module.

Their own minds, always on, not the coordinator's: after the alarm each
person takes a moment to react (sleepers longer), then walks down one
shared distance field toward the nearest safe module (a Dijkstra field from
tcod, made once per change of the way, not one search per person, and
mended round the change when it is small, such as one door). Nobody
steps into a cell someone else holds, so doorways queue. Whoever goes
through a bulkhead last shuts it behind them, and people shut their own
room door as they leave. With no way out they shelter where they are and
look again whenever a way opens.
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

import numpy as np
from scipy import ndimage

from game.sim import crew_events as ce
from game.sim.action_base import DONE, RUNNING, Action, Failed, Result, can_act, place_name, run
from game.sim.door_actions import CloseDoor, OpenDoor
from game.sim.grid import FOUR
from game.sim.movement import advance, speed_now
from game.sim.navigation import (
    T_CUT,
    T_DOOR,
    T_FLOOR,
    UNREACHED,
    Profile,
    cost_grid,
    distance_field,
    repair_field,
    seeded_field,
)
from game.sim.people import Evac

if TYPE_CHECKING:
    from game.sim.people import Person
    from game.sim.world import World

MUSTER_CLEARANCE = 3  # muster this far (Chebyshev) from any doorway
STAND_CLEARANCE = 2  # boxed in by others this far from doorways in a safe module: far enough
SIDESTEP_AFTER_S = 1.0
DEPTH_PULL_CS = 150  # a step deeper into the muster is worth 1.5 s of walking
MUSTER_DEPTH_CAP = 10  # blocked this long: step aside to a cell no nearer the goal
STOP_WHEN_BLOCKED_S = 2.0
GIVE_WAY_S = 10.0
RECHECK_TICKS = 2  # blocked: look for a gap every third tick
REROUTE_AFTER_S = 5.0  # held up this long short of safety: find a way round whoever is in the way
DETOUR_MAX_STEPS = 80


# How each new field was made ("full" search, local "repair", "same" as the
# last): counted so a test can see that a small change takes the quick way.
FIELD_MAKES = {"full": 0, "repair": 0, "same": 0}


def field(world: "World") -> np.ndarray:
    """Centiseconds on foot from every cell to the nearest safe place (shared by all evacuees)."""
    cs = world.crew
    key = _field_key(cs)
    if cs.caches.evac_field is None or cs.caches.evac_key != key:
        cs.caches.evac_field = _make_field(world)
        cs.caches.evac_key = key
    return cs.caches.evac_field


def _field_key(cs) -> tuple:
    """What the field is made from: it is kept while this is unchanged."""
    return (cs.nav_version, cs.seen.breached_modules, cs.bad_air_version, cs.slow_version)


def way_out(world: "World") -> np.ndarray:
    """Cells from which someone could walk to safety (bool [y, x]): exactly
    where `field` is short of UNREACHED, without timing the walks.

    The field's search gives a time to every enterable cell in a 4-connected
    area of enterable cells that holds a muster cell, and to no other cell;
    labelling those areas is much cheaper than the search. The autopilot asks
    only this of the field on each look (who is trapped), and in a station
    drill nobody else asks for the field at all. Read off the field instead
    while it is made for the same state."""
    cs = world.crew
    key = _field_key(cs)
    if cs.caches.evac_field is not None and cs.caches.evac_key == key:
        return cs.caches.evac_field < UNREACHED
    got = cs.caches.statics.get("way_out")
    if got is None or got[0] != key:
        _muster, cost, seeds = _field_sources(world)
        areas, n = ndimage.label(cost > 0, structure=FOUR)
        held = np.zeros(n + 1, dtype=bool)
        held[areas[seeds < UNREACHED]] = True
        held[0] = False  # the cells nobody can enter
        got = cs.caches.statics["way_out"] = (key, held[areas])
    return got[1]


def _make_field(world: "World") -> np.ndarray:
    cs = world.crew
    targets, cost, seeds = _field_sources(world)
    # A door shutting or a beam falling changes a few cells: mend the last
    # field round them rather than search the whole station again.
    last = cs.caches.statics.get("evac_made")
    if last is not None and last[0] is cs.caches.evac_field and last[1].shape == cost.shape:
        dist, how = repair_field(last[0], last[1], last[2], cost, seeds)
    else:
        dist, how = seeded_field(cost, seeds), "full"
    FIELD_MAKES[how] += 1
    cs.caches.statics["evac_made"] = (dist, cost, seeds)
    cs.caches.statics["muster"] = targets
    return dist


def _field_sources(world: "World") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What the evacuation field is searched from: (the muster cells, the cost
    grid, each muster cell's start value; UNREACHED elsewhere)."""
    cs = world.crew
    grid = world.grid
    floor = grid.tiles == T_FLOOR
    if not cs.seen.breached_modules:
        safe = floor  # nothing breached: everywhere is safe
    else:
        # Head for the modules people live and work in (settled when the hole
        # opened), not a tunnel or a passage that may be opened to the leak;
        # any sound module with good air if none of those can be reached.
        sound = [i for i, m in enumerate(grid.modules) if m not in cs.seen.breached_modules]
        homes = [i for i, m in enumerate(grid.modules) if m in cs.protected]
        safe = _in_modules(grid, homes) & floor & ~cs.seen.bad_air_cells
        if not safe.any():
            safe = _in_modules(grid, sound) & floor & ~cs.seen.bad_air_cells
    # Muster away from doorways, the deepest spots first, so the crowd packs
    # in from the back and the doorways stay clear for those behind.
    targets = safe & (door_clearance(world) >= MUSTER_CLEARANCE)
    if not targets.any():
        targets = safe
    cost = cost_grid(grid.tiles, world.doors, Profile(), cs.seen.blocked, cs.seen.slow_costed)
    depth = door_depth(world)
    seeds = np.full(cost.shape, UNREACHED, dtype=np.int32)
    sel = targets & (cost > 0)
    if sel.any():
        d = np.minimum(depth[sel], MUSTER_DEPTH_CAP)
        seeds[sel] = (MUSTER_DEPTH_CAP - d) * DEPTH_PULL_CS
    return targets, cost, seeds


def _in_modules(grid, modules: list[int]) -> np.ndarray:
    """Cells in any of these modules (by index); np.isin by a lookup table."""
    table = np.zeros(len(grid.modules) + 1, bool)  # the last entry: cells in no module (-1)
    table[modules] = True
    return np.take(table, grid.module_id)


def door_depth(world: "World") -> np.ndarray:
    """Steps on foot from the nearest doorway: where a crowd should pack in from."""
    got = world.crew.caches.statics.get("door_depth")
    if got is None:
        tiles = world.grid.tiles
        cost = ((tiles == T_FLOOR) | (tiles == T_CUT)).astype(np.int32)
        src = np.zeros(tiles.shape, bool)
        h, w = tiles.shape
        for d in world.doors:
            for nx, ny in ((d.x + 1, d.y), (d.x - 1, d.y), (d.x, d.y + 1), (d.x, d.y - 1)):
                if 0 <= nx < w and 0 <= ny < h:
                    src[ny, nx] = True
        got = distance_field(cost, src)
        world.crew.caches.statics["door_depth"] = got
    return got


def door_clearance(world: "World") -> np.ndarray:
    """Cells (Chebyshev) from the nearest doorway, capped at 8."""
    got = world.crew.caches.statics.get("door_clearance")
    if got is None:
        h, w = world.grid.tiles.shape
        got = np.full((h, w), 8, np.int32)
        for d in world.doors:
            for r in range(7, -1, -1):
                y0, y1, x0, x1 = max(0, d.y - r), d.y + r + 1, max(0, d.x - r), d.x + r + 1
                np.minimum(got[y0:y1, x0:x1], r, out=got[y0:y1, x0:x1])
        world.crew.caches.statics["door_clearance"] = got
    return got


def upstream_of(world: "World", q: "Person", door) -> bool:
    """Is evacuee `q` still on the far side of `door`, heading for it?"""
    f = field(world)
    return int(f[q.cell[1], q.cell[0]]) > int(f[door.y, door.x])


def in_danger(world: "World", p: "Person") -> bool:
    """In a breached module, or breathing air that does them harm."""
    x, y = p.cell
    if world.crew.seen.bad_air_cells[y, x]:
        return True
    module = world.grid.module_at(x, y)
    return module is not None and module in world.crew.seen.breached_modules


def leave_cell(world: "World", p: "Person") -> None:
    """Give up any cell `p` had reserved to step into (they stay where they stand)."""
    occ = world.crew.occupant
    if not p.on_duty:
        occ[occ == p.id + 1] = 0
        x, y = p.cell
        if occ[y, x] == 0:
            occ[y, x] = p.id + 1


def reconsider(world: "World", p: "Person") -> None:
    """Look again at once (woke up, order ended)."""
    cs = world.crew
    if p.on_duty or cs.alarm_s is None:
        return
    heapq.heappush(cs.react_queue, (world.time_s, p.id))


class Evacuate(Action):
    """Step by step down the evacuation field to a safe module."""

    kind = "evacuate"

    def __init__(self) -> None:
        super().__init__()
        self.nxt: tuple[int, int] | None = None
        self.came_from: tuple[int, int] | None = None
        self.sub: Action | None = None
        self.stuck_s = 0.0
        self.recheck = 0
        self.opened: list[int] = []  # doors this person opened: shut them behind if last
        self.detour: list[tuple[int, int]] = []  # a way round a crowd, taken after waiting behind it

    @property
    def target(self) -> tuple[int, int] | None:
        return self.nxt

    def words(self, world: "World") -> str:
        if self.sub is not None:
            return self.sub.words(world)
        return "get out to a safe module"

    def key(self) -> tuple:
        return (self.kind, self.nxt, self.came_from, self.sub.key() if self.sub else None, round(self.stuck_s, 2),
                self.recheck, tuple(self.opened), tuple(self.detour))

    def interrupt(self, world: "World", p: "Person") -> None:
        if self.sub is not None:
            self.sub.interrupt(world, p)
        self.sub = None
        self.nxt = None
        leave_cell(world, p)

    def step(self, world: "World", p: "Person", dt: float) -> Result:
        if self.sub is not None:
            res = run(world, p, self.sub, dt)
            if res is RUNNING:
                return RUNNING
            self.sub = None
            return RUNNING
        if self.nxt is None and self.recheck > 0:
            # boxed in by the crowd: look again in a moment, not every tick
            self.recheck -= 1
            self.stuck_s += dt
            return RUNNING
        f = field(world)
        occ = world.crew.occupant
        me = p.id + 1
        if self.nxt is None:
            x, y = p.cell
            here = int(f[y, x])
            if here >= UNREACHED:
                return Failed("no way out")
            clear = door_clearance(world)
            best = None
            sidestep = self.stuck_s >= SIDESTEP_AFTER_S
            c0 = int(clear[y, x])
            if self.detour:
                n = self.detour[0]
                if occ[n[1], n[0]] in (0, me) and max(abs(n[0] - x), abs(n[1] - y)) == 1:
                    best = (int(f[n[1], n[0]]), n)
                    self.detour.pop(0)
                else:
                    self.detour = []  # someone in the way again: wait, then look afresh
            for n in () if best is not None else ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)):
                if occ[n[1], n[0]] not in (0, me) or n == self.came_from:
                    continue
                v = int(f[n[1], n[0]])
                if v >= UNREACHED:
                    continue
                ok = v < here or (sidestep and (v == here or (_safe_cell(world, n) and int(clear[n[1], n[0]]) > c0)))
                if ok and (best is None or v < best[0]):
                    best = (v, n)
            if best is None:
                self.stuck_s += dt
                self.recheck = RECHECK_TICKS
                at_muster = bool(world.crew.caches.statics["muster"][y, x])
                if at_muster and self.stuck_s >= 0.3:
                    return DONE
                if self.stuck_s >= STOP_WHEN_BLOCKED_S and _safe_spot(world, p):
                    return DONE
                if self.stuck_s >= GIVE_WAY_S and _safe_cell(world, p.cell):
                    return DONE  # packed in by the crowd, but inside: stay put
                if self.stuck_s >= REROUTE_AFTER_S and not _safe_cell(world, p.cell):
                    # the wait behind a crowd is bounded: take a way round it
                    self.detour = _way_round(world, p)
                    self.stuck_s = 0.0
                    self.recheck = 0
                return RUNNING
            n = best[1]
            door_id = world.door_at.get(n)
            if door_id is not None and world.grid.tiles[n[1], n[0]] != T_CUT:
                d = world.doors[door_id]
                if d.state == "closed":
                    self.sub = OpenDoor(d.id)
                    if d.id not in self.opened:
                        self.opened.append(d.id)
                    return RUNNING
                if not d.is_open:
                    return Failed(f"{d.label} is {d.state}")
            self.stuck_s = 0.0
            occ[n[1], n[0]] = me
            self.nxt, self.came_from = n, (x, y)
        budget = speed_now(world, p) * dt
        if budget <= 0.0:
            return RUNNING
        arrived, _ = advance(world, p, self.nxt, budget)
        if not arrived:
            return RUNNING
        prev, here = self.came_from, self.nxt
        if occ[prev[1], prev[0]] == me:
            occ[prev[1], prev[0]] = 0
        self.nxt = None
        door_id = world.door_at.get(prev)
        if door_id is not None:
            d = world.doors[door_id]
            if d.is_open and world.grid.tiles[d.y, d.x] != T_CUT and (d.kind != T_DOOR or d.id in self.opened):
                self.sub = CloseDoor(d.id, only_if_last=True)
        return RUNNING


def _way_round(world: "World", p: "Person") -> list[tuple[int, int]]:
    """Cells to a safe place that keep off everyone else's cell (where the
    crowd stands now, or a reservation nobody holds any more is let go)."""
    occ = world.crew.occupant
    me = p.id + 1
    for k in np.unique(occ[(occ != 0) & (occ != me)]):
        q = world.people[int(k) - 1]
        held = q.action.nxt if isinstance(q.action, Evacuate) else None
        stale = (occ == k)
        stale[q.cell[1], q.cell[0]] = False
        if held is not None:
            stale[held[1], held[0]] = False
        occ[stale] = 0  # a cell kept by someone who has moved on
    made = world.crew.caches.statics.get("evac_made")
    if made is None:
        return []
    _, cost, seeds = made
    cost = cost.copy()
    cost[(occ != 0) & (occ != me)] = 0
    dist = seeded_field(cost, seeds)
    x, y = p.cell
    if int(dist[y, x]) >= UNREACHED:
        return []
    out: list[tuple[int, int]] = []
    for _ in range(DETOUR_MAX_STEPS):
        here = int(dist[y, x])
        nxt = min(
            ((int(dist[ny, nx]), (nx, ny)) for nx, ny in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1))
             if world.grid.in_bounds(nx, ny)),
            default=None,
        )
        if nxt is None or nxt[0] >= here:
            break
        x, y = nxt[1]
        out.append(nxt[1])
    return out


def _safe_cell(world: "World", cell: tuple[int, int]) -> bool:
    x, y = cell
    cs = world.crew
    module = world.grid.module_at(x, y)
    if module is None or module in cs.seen.breached_modules or cs.seen.bad_air_cells[y, x]:
        return False
    return module in cs.protected or not cs.protected


def _safe_spot(world: "World", p: "Person") -> bool:
    x, y = p.cell
    return _safe_cell(world, p.cell) and door_clearance(world)[y, x] >= STAND_CLEARANCE


def decide(world: "World", p: "Person") -> None:
    """React to the alarm: get out, shelter, or stay (not in danger)."""
    cs = world.crew
    if p.on_duty or p.order is not None or p.in_care or not can_act(world, p) or p.id in cs.awaited:
        return
    if p.evac in (Evac.MOVING, Evac.SAFE, Evac.AWAITING) or p.action is not None:
        return
    if not in_danger(world, p):
        if p.evac == Evac.SHELTERING:
            p.evac = Evac.IDLE
        return
    f = field(world)
    v = int(f[p.cell[1], p.cell[0]])
    if v >= UNREACHED:
        if p.evac != Evac.SHELTERING:
            p.evac = Evac.SHELTERING
            room = world.grid.room_at(*p.cell)
            where = room.label if room else place_name(world, p.cell)
            world.emit(ce.Sheltering, person_id=p.id, person=p.name, room=where, reason="no way out")
        return
    p.evac = Evac.MOVING
    p.action = Evacuate()
    cs.activate(p)
    room = world.grid.room_at(*p.cell)
    where = room.label if room else place_name(world, p.cell)
    world.emit(ce.EvacuationStarted, person_id=p.id, person=p.name, room=where)


def finished(world: "World", p: "Person", res: Result) -> None:
    """An Evacuate action ended: safe, or sheltering."""
    if isinstance(res, Failed):
        p.evac = Evac.SHELTERING
        room = world.grid.room_at(*p.cell)
        world.emit(ce.Sheltering, person_id=p.id, person=p.name, room=room.label if room else place_name(world, p.cell),
                   reason=res.reason)
        return
    p.evac = Evac.SAFE
    world.emit(ce.ReachedSafety, person_id=p.id, person=p.name, module=world.grid.module_at(*p.cell) or "")


def step_evacuation(world: "World") -> None:
    cs = world.crew
    if cs.alarm_s is None:
        if world.breach_time_s is None:
            return
        cs.alarm_s = world.breach_time_s
        for p in world.people:
            if not p.on_duty:
                heapq.heappush(cs.react_queue, (cs.alarm_s + p.react_s, p.id))
    q = cs.react_queue
    now = world.time_s + 1e-9
    while q and q[0][0] <= now:
        _, pid = heapq.heappop(q)
        decide(world, world.people[pid])
    seen = (cs.nav_version, cs.seen.breached_modules, cs.bad_air_version)
    if cs.caches.shelter_seen != seen:
        # a way opened, or the air turned: shelterers look again, and so does
        # anyone who stopped somewhere that is no longer safe
        cs.caches.shelter_seen = seen
        now = world.time_s
        for p in world.people:
            if p.evac == Evac.SHELTERING:
                decide(world, p)
            elif p.evac in (Evac.SAFE, Evac.IDLE) and not p.on_duty and cs.alarm_s is not None \
                    and now >= cs.alarm_s + p.react_s and in_danger(world, p):
                p.evac = Evac.IDLE
                decide(world, p)
