"""Plans: a route found by time, turned into the actions that walk it.

The route comes from a cost grid for the person's `Profile` (their pace,
their tools, or their team's, the doctrine they follow); where it crosses
something that takes work, the plan says who does what there: open a door,
pry a jammed one, cut through a wall or a beam, clear debris, wait for a
teammate with the right tool, shut a bulkhead behind them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from game.sim.action_base import Action, Failed, place_name, skill
from game.sim.cut_actions import ClearDebris, Cut, CutBeam, WaitForCell
from game.sim.fire import lance_barred, lance_refusal, o2_rich_compartments
from game.sim.door_actions import OpenDoor, Pry, WaitForDoor
from game.sim.movement import Crawl, Walk
from game.sim.navigation import (
    CLEAR_S,
    CS_PER_S,
    T_CUT,
    T_FLOOR,
    Profile,
    cost_grid,
    find_path_to_any,
    flat_cells,
    jammed_way,
    needs_force,
    path_time_s,
)
from game.sim.physiology import CONSCIOUS, IMPAIRED
from game.sim.tiles import WALKABLE, Tile

if TYPE_CHECKING:
    from game.sim.people import Person
    from game.sim.world import World



def own_profile(world: "World", p: "Person", contain: bool = False) -> Profile:
    """What `p` alone can do on the way."""
    return Profile(
        speed_m_s=p.base_speed_m_s(),
        lance=p.has("lance"),
        crowbar=p.has("crowbar"),
        pryers=1,
        cut_skill=skill(p, "cut") if p.has("lance") else 1.0,
        pry_skill=skill(p, "pry") if p.has("crowbar") else 1.0,
        suited=p.suited,
        contain=contain,
    )


def team_profile(world: "World", p: "Person", team: list["Person"], contain: bool = True) -> Profile:
    """What `p` can get through with the responders `team` working alongside."""
    able = [q for q in team if int(world.bodies.state[q.id]) in (CONSCIOUS, IMPAIRED)] or [p]
    lances = [q for q in able if q.has("lance")]
    bars = [q for q in able if q.has("crowbar")]
    return Profile(
        speed_m_s=p.base_speed_m_s(),
        lance=bool(lances),
        crowbar=bool(bars),
        pryers=min(2, len(bars)) or 1,
        cut_skill=max((skill(q, "cut") for q in lances), default=1.0),
        pry_skill=max((skill(q, "pry") for q in bars), default=1.0),
        suited=p.suited,
        contain=contain,
        guard=True,
    )


def protective_walls(world: "World") -> np.ndarray:
    """Wall cells with a holed module's air on one side and a protected
    module's on another: cutting one would let the leak into safe air."""
    cs = world.crew
    key = ("guard", cs.seen.breached_modules, cs.protected, cs.nav_version)
    got = cs.caches.statics.get(key)
    if got is None:
        grid = world.grid
        names = grid.modules
        mid = grid.module_id
        breached = np.isin(mid, [i for i, m in enumerate(names) if m in cs.seen.breached_modules])
        breached |= cs.seen.unsafe_cells
        safe = np.isin(mid, [i for i, m in enumerate(names) if m in cs.protected]) & ~cs.seen.unsafe_cells
        walk = np.isin(grid.tiles, (T_FLOOR, T_CUT))
        near_breach = _touching(breached & walk)
        near_safe = _touching(safe & walk)
        got = near_breach & near_safe & ~walk & ~np.isin(grid.tiles, (int(Tile.DOOR), int(Tile.BULKHEAD), int(Tile.HATCH)))
        cs.caches.statics = {k: v for k, v in cs.caches.statics.items() if not (isinstance(k, tuple) and k[0] == "guard")}
        cs.caches.statics[key] = got
    return got


def _touching(mask: np.ndarray) -> np.ndarray:
    """Cells with a 4-neighbour in `mask`."""
    out = np.zeros_like(mask)
    out[1:, :] |= mask[:-1, :]
    out[:-1, :] |= mask[1:, :]
    out[:, 1:] |= mask[:, :-1]
    out[:, :-1] |= mask[:, 1:]
    return out


def barred_air(world: "World", own: int) -> np.ndarray:
    """Cells an unsuited person may not enter, for one standing in compartment label `own`
    (> 0 only when that compartment's air is unsafe: they may leave it through air that does not harm yet)."""
    cs = world.crew
    if own <= 0:
        return cs.seen.unsafe_cells
    return cs.seen.bad_air_cells & (world.compartments.labels != own)


def grid_for(world: "World", profile: Profile, start: tuple[int, int] | None = None) -> np.ndarray:
    """The cost grid for a profile, cached until the world changes under it.

    The unsuited keep out of compartments whose air would harm them, except
    the one they stand in (they have to be able to leave it). Someone already
    in unsafe air may cross any air that does not harm yet on the way out, as
    a technician leaves a holed lab by its hall; from sound air, nobody
    unsuited walks into a venting module.
    """
    cs = world.crew
    own = -1
    if not profile.suited and start is not None:
        lab = int(world.compartments.labels[start[1], start[0]])
        if lab > 0 and cs.unsafe_comp(lab - 1):
            own = lab
    # Where a lance may not be lit changes with the air, not with what the crew have seen:
    # the grid is kept per set of O2-rich compartments (for the lance holder only).
    rich = o2_rich_compartments(world) if profile.lance else None
    key = (cs.nav_version, cs.hazard_version, cs.bad_air_version, cs.slow_version, profile, own,
           None if rich is None else rich.tobytes())
    grid = cs.caches.grids.get(key)
    if grid is None:
        closed = None
        if not profile.suited:
            closed = barred_air(world, own)
        grid = cost_grid(
            world.grid.tiles, world.doors, profile, cs.seen.blocked, cs.seen.slow_costed, closed,
            cs.seen.kept_shut if profile.contain else frozenset(),
            lance_barred(world, rich) if rich is not None and rich.any() else None,
        )
        if profile.guard and profile.lance and cs.seen.breached_modules:
            grid[protective_walls(world)] = 0
        # Read-only from here: shared by everyone who plans with this profile,
        # and the route search keeps its graph while the grid is this array.
        grid.flags.writeable = False
        if len(cs.caches.grids) > 64:
            cs.caches.grids.clear()
        cs.caches.grids[key] = grid
    return grid


def route(
    world: "World", p: "Person", goals: list[tuple[int, int]], profile: Profile, what: str = ""
) -> list[tuple[int, int]] | Failed:
    """The quickest cells from where `p` stands to one of `goals`, or why there are none."""
    start = p.cell
    if start in goals:
        return []
    grid = grid_for(world, profile, start)
    path = find_path_to_any(grid, start, goals)
    if not path:
        return Failed(f"no way to {what}" if what else "no way there")
    return path


def route_time_s(world: "World", profile: Profile, start: tuple[int, int], path: list[tuple[int, int]]) -> float:
    if not path:
        return 0.0
    return path_time_s(grid_for(world, profile, start), path)


def actions_for_path(
    world: "World", p: "Person", path: list[tuple[int, int]], profile: Profile
) -> list[Action]:
    """Walk `path`, doing on the way what its cells need; `p`'s own kit decides
    whether they do the work or wait for a teammate who has the tool."""
    tiles = world.grid.tiles
    cs = world.crew
    walk_cs = profile.walk_cs()
    out: list[Action] = []
    run: list[tuple[int, int]] = []
    run_crawl = False

    def flush() -> None:
        nonlocal run
        if run:
            out.append(Crawl(run) if run_crawl else Walk(run))
            run = []

    def add(cell: tuple[int, int], crawl: bool) -> None:
        nonlocal run_crawl
        if run and crawl != run_crawl:
            flush()
        run_crawl = crawl
        run.append(cell)

    # Most of a route is bare deck, to walk and nothing else: found at once, and only
    # the cells that need something (a door, a wall, a beam, debris to clear, a cut
    # hole to crawl) looked at one by one.
    n = len(path)
    at = flat_cells(path, tiles.shape[1])
    special = tiles.ravel()[at] != T_FLOOR
    special |= cs.seen.blocked.ravel()[at]
    special |= cs.seen.slow.ravel()[at] * walk_cs > walk_cs + CLEAR_S * CS_PER_S
    if not special.any():
        return [Walk(list(path))]
    me = own_profile(world, p)  # only where there is work on the way: whose it is
    done = 0
    for k in np.flatnonzero(special).tolist():
        if k > done:  # bare deck up to the next cell that needs something
            if run_crawl:
                flush()
            run_crawl = False
            run.extend(path[done:k])
        done = k + 1
        cell = path[k]
        x, y = cell
        t = int(tiles[y, x])
        door_id = world.door_at.get(cell)
        if door_id is not None and t != T_CUT:
            d = world.doors[door_id]
            if d.state == "closed" and not needs_force(d):
                flush()
                out.append(OpenDoor(d.id))  # a pressure door is shut behind (game.sim.discipline)
            elif needs_force(d):
                flush()
                # The route was costed on the team's quicker way through; do
                # that part if it is ours to do, else wait for whoever has the tool.
                way = jammed_way(profile, d, lance_refusal(world, cell) is None)
                if way is not None and way[0] == "pry" and me.crowbar:
                    out.append(Pry(d.id))
                elif way is not None and way[0] == "cut" and me.lance:
                    out.append(Cut(cell))
                else:
                    out.append(WaitForDoor(d.id))
            add(cell, False)
            continue
        if not WALKABLE[t]:
            flush()
            out.append(Cut(cell) if p.has("lance") else WaitForCell(cell))
            add(cell, True)
            continue
        if cs.seen.blocked[y, x]:
            flush()
            out.append(CutBeam(cell) if p.has("lance") else WaitForCell(cell))
            add(cell, t == T_CUT)
            continue
        if cs.seen.slow[y, x] * walk_cs > walk_cs + CLEAR_S * CS_PER_S:
            flush()
            out.append(ClearDebris(cell))
        add(cell, t == T_CUT)
    if done < n:
        if run_crawl:
            flush()
        run_crawl = False
        run.extend(path[done:])
    flush()
    return out


def plan_to(
    world: "World", p: "Person", goals: list[tuple[int, int]], profile: Profile, what: str = ""
) -> list[Action] | Failed:
    path = route(world, p, goals, profile, what)
    if isinstance(path, Failed):
        return path
    return actions_for_path(world, p, path, profile)


def who_has(world: "World", p: "Person", item: str) -> str:
    """Where `p` could get `item`: the nearest able person carrying one, else a
    locker still holding some, else that nobody has one."""
    x, y = p.cell
    able = [
        q for q in world.people
        if q is not p and q.has(item) and int(world.bodies.state[q.id]) in (CONSCIOUS, IMPAIRED)
    ]
    if able:
        q = min(able, key=lambda q: (abs(q.cell[0] - x) + abs(q.cell[1] - y), q.id))
        return f"{q.name} has one"
    for i, lk in enumerate(world.level.lockers):
        n = world.crew.lockers[i].count(item)
        if n:
            return f"the {lk.name} holds {n}"
    return "nobody has one"


def why_no_way(world: "World", p: "Person", goals: list[tuple[int, int]], what: str) -> Failed:
    """Why `p` cannot get to `goals`: the first thing on the way a fully kitted
    crew would get through that `p` cannot, and what would unblock it."""
    path = find_path_to_any(_full_kit_grid(world, p.base_speed_m_s()), p.cell, goals)
    where = f"no way to {what}" if what else "no way there"
    if not path:
        return Failed(f"{where}: nothing gets through, whatever the kit")
    cs = world.crew
    own = int(world.compartments.labels[p.cell[1], p.cell[0]])
    own = own if own > 0 and cs.unsafe_comp(own - 1) else -1
    barred = barred_air(world, own)
    for cell in path:
        x, y = cell
        t = int(world.grid.tiles[y, x])
        door_id = world.door_at.get(cell)
        blocker = unblock = ""
        if door_id is not None and t != T_CUT:
            d = world.doors[door_id]
            if d.state == "sealed":
                blocker, unblock = f"{d.label} is sealed", "unseal it from the control room"
            elif needs_force(d) and not (p.has("crowbar") or p.has("lance")):
                how = "is jammed" if d.state == "jammed" else "sticks"
                blocker, unblock = f"{d.label} {how}", f"a crowbar: {who_has(world, p, 'crowbar')}"
        elif not WALKABLE[t] and not p.has("lance"):
            blocker, unblock = f"{place_name(world, cell)} is in the way", f"a thermal lance: {who_has(world, p, 'lance')}"
        elif cs.seen.blocked[y, x] and not p.has("lance"):
            blocker = f"a fallen beam blocks {place_name(world, cell)}"
            unblock = f"a thermal lance: {who_has(world, p, 'lance')}"
        if not blocker and not p.suited and barred[y, x]:
            blocker = f"the air in {place_name(world, cell)} would harm anyone without a suit"
            unblock = f"a suit: {who_has(world, p, 'suit')}"
        if blocker:
            return Failed(f"{where}: {blocker}; {unblock}", blocker, unblock)
    return Failed(where)


def _full_kit_grid(world: "World", speed_m_s: float) -> np.ndarray:
    """The cost grid of a fully kitted, suited crew at this pace, sealed doors
    costed as walked through: what `why_no_way` looks along.

    Kept (read-only, by pace) until a way opens or shuts (doors, cuts and
    beams bump `nav_version`) or the light debris is costed afresh
    (`slow_version`): the same grid as one made afresh."""
    cs = world.crew
    got = cs.caches.statics.get("full kit")
    if got is None or got[0] != (cs.nav_version, cs.slow_version):
        got = cs.caches.statics["full kit"] = ((cs.nav_version, cs.slow_version), {})
    grid = got[1].get(speed_m_s)
    if grid is None:
        full = Profile(speed_m_s=speed_m_s, lance=True, crowbar=True, suited=True)
        grid = cost_grid(world.grid.tiles, world.doors, full, cs.seen.blocked, cs.seen.slow_costed)
        sealed = [d for d in world.doors if d.state == "sealed" and world.grid.tiles[d.y, d.x] != T_CUT]
        for d in sealed:
            grid[d.y, d.x] = max(1, int(full.walk_cs()))
        grid.flags.writeable = False  # shared: the route search keeps its graph while the grid is this array
        got[1][speed_m_s] = grid
    return grid


def walkable_neighbours(world: "World", cell: tuple[int, int]) -> list[tuple[int, int]]:
    """Cells beside `cell` a person could stand on (floor or a hole)."""
    x, y = cell
    out = []
    for nx, ny in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)):
        if world.grid.in_bounds(nx, ny) and world.grid.tiles[ny, nx] in (T_FLOOR, T_CUT):
            out.append((nx, ny))
    return out
