"""What the crew perceives of debris and air, and the crew's caches.

`Perception` is derived state: rebuilt from the world (debris occupancy,
compartment air, holed modules, the doors the doctrine keeps shut) once a
second, or at once after a cut, a fall or a door; the state hash leaves it
out. `CrewCaches` only saves work. What decides the crew's future
(work done, jobs, orders, the change log plans are checked against) stays
on `CrewState` (game.sim.crew).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from game.sim import debris
from game.sim.breaches import breached_modules
from game.sim.navigation import T_CUT, T_DOOR, beside
from game.sim.physiology import NO_DOSE_PIO2_MMHG, inspired_po2_mmhg
from game.sim.state import cache, derived

if TYPE_CHECKING:
    from game.sim.world import World

PERCEIVE_EVERY = 10  # ticks between looks at debris (once a simulated second)
AIR_EVERY = 20  # ticks between looks at the air (it changes over tens of seconds)
SLOW_RECOST = 0.25  # a change in light debris's walking-cost factor on some cell that re-costs routes


@dataclass
class Perception:
    """What the crew sees, rebuilt from the world by `perceive`."""

    blocked: np.ndarray = derived(default_factory=lambda: np.zeros((0, 0), bool))  # heavy debris on a cell
    slow: np.ndarray = derived(default_factory=lambda: np.ones((0, 0), np.float32))  # walking cost of light debris
    # `slow` as routes are costed from it: as it was when it last differed by more than
    # SLOW_RECOST somewhere from the one before (crew.slow_version counts them), so a
    # cost grid made now is the one made at that change, whenever a cache made it.
    slow_costed: np.ndarray = derived(default_factory=lambda: np.ones((0, 0), np.float32))
    unsafe: np.ndarray = derived(default_factory=lambda: np.zeros(0, bool))  # per compartment
    unsafe_cells: np.ndarray = derived(default_factory=lambda: np.zeros((0, 0), bool))
    bad_air: np.ndarray = derived(default_factory=lambda: np.zeros(0, bool))  # per compartment: breathing it harms
    bad_air_cells: np.ndarray = derived(default_factory=lambda: np.zeros((0, 0), bool))
    breached_modules: frozenset[str] = derived(default=frozenset())
    kept_shut: frozenset[int] = derived(default=frozenset())  # doors the doctrine keeps shut for responders
    last_state: np.ndarray = derived(default_factory=lambda: np.zeros(0, np.int8))  # bodies' states at the last look
    topo_seen: int = derived(default=-1)  # the navigation version the air was last felt at
    debris_dirty: bool = derived(default=True)  # look at the debris this tick, not at the next second

    def setup(self, shape: tuple[int, int], states: np.ndarray) -> None:
        """Empty maps the size of the level; everybody as they start."""
        self.blocked = np.zeros(shape, bool)
        self.slow = np.ones(shape, np.float32)
        self.slow_costed = self.slow
        self.unsafe_cells = np.zeros(shape, bool)
        self.bad_air_cells = np.zeros(shape, bool)
        self.last_state = states.copy()


@dataclass
class CrewCaches:
    """Work saved between ticks; dropping any of it changes nothing but speed."""

    grids: dict = cache(default_factory=dict)  # cost grids by profile and versions
    statics: dict = cache(default_factory=dict)  # fixed places (medical bay, module doors, muster...)
    evac_field: np.ndarray | None = cache(default=None)
    evac_key: tuple = cache(default=())
    shelter_seen: tuple = cache(default=())
    occ_ref: Any = cache(default=None)  # the debris occupancy last looked at
    felt: tuple | None = cache(default=None)  # (flat cells where a walker feels the wind, grid width), see movement
    felt_key: tuple = cache(default=())  # the wind arrays and their stamp `felt` was made from


def perceive(world: "World") -> None:
    """Debris and air, once a second (and at once after a cut or a fall)."""
    cs = world.crew
    if cs.seen.debris_dirty or world.tick % PERCEIVE_EVERY == 0:
        look_at_debris(world)
    if world.tick % AIR_EVERY == 0 or cs.seen.topo_seen != cs.nav_version:
        feel_the_air(world)


def look_at_debris(world: "World") -> None:
    """Where heavy debris blocks and light debris slows; a change in what blocks is a change of way."""
    cs = world.crew
    cs.seen.debris_dirty = False
    occ = debris.occupancy(world)
    if occ is cs.caches.occ_ref:
        return
    cs.caches.occ_ref = occ
    blocked, slow = occ
    if not np.array_equal(blocked, cs.seen.blocked):
        ys, xs = np.nonzero(blocked != cs.seen.blocked)
        cleared = bool((cs.seen.blocked & ~blocked).any())
        cs.seen.blocked = np.array(blocked, dtype=bool)
        cs.topology_changed(zip(xs.tolist(), ys.tolist()), opened=cleared)
    if not np.array_equal(slow, cs.seen.slow):
        cs.seen.slow = np.array(slow, dtype=np.float32)
        # light debris shifts all the time; only a real change re-costs routes
        if np.abs(cs.seen.slow - cs.seen.slow_costed).max() > SLOW_RECOST:
            cs.slow_version += 1
            cs.seen.slow_costed = cs.seen.slow


def feel_the_air(world: "World") -> None:
    """Which modules are holed, which doors stay shut, where the air harms."""
    cs = world.crew
    c = world.compartments
    breached = breached_modules(world)
    if breached != cs.seen.breached_modules or cs.seen.topo_seen != cs.nav_version:
        cs.seen.breached_modules = breached
        shut = containment(world)
        if shut != cs.seen.kept_shut:
            flipped = [world.doors[d].cell for d in shut ^ cs.seen.kept_shut]
            freed = not cs.seen.kept_shut <= shut
            cs.seen.kept_shut = shut
            cs.hazard_changed(flipped, opened=freed)
    in_breach = world.atmos.in_breached if world.atmos.in_breached.size == c.count else np.zeros(c.count, bool)
    pio2 = inspired_po2_mmhg(c.pressure_bar, c.o2_fraction, 0)
    bad = pio2 < NO_DOSE_PIO2_MMHG
    unsafe = in_breach | bad
    changed = (
        cs.seen.topo_seen != cs.nav_version or unsafe.shape != cs.seen.unsafe.shape
        or not np.array_equal(unsafe, cs.seen.unsafe) or not np.array_equal(bad, cs.seen.bad_air)
    )
    cs.seen.topo_seen = cs.nav_version
    if not changed:
        return
    cs.seen.unsafe = unsafe
    cs.seen.bad_air = bad
    lab = c.labels
    cells = np.concatenate([[False], unsafe])[lab]
    was = cs.seen.unsafe_cells
    if not np.array_equal(cells, was):
        cs.seen.unsafe_cells = cells
        # The air only bars the unsuited, and only plans through the cells whose
        # air turned (or beside them: a wall the guard rule keeps uncut) are
        # touched, as for a door shut: a plan elsewhere is still good.
        flipped, freed = None, True
        if was.shape == cells.shape:
            ys, xs = np.nonzero(beside(cells != was))
            flipped = zip(xs.tolist(), ys.tolist())
            # (a door shutting leaves its cell out of any compartment's air: not air turned safe)
            freed = bool((was & ~cells & (lab > 0)).any())
        cs.hazard_changed(flipped, unsuited_only=True, opened=freed)
    bad_cells = np.concatenate([[False], bad])[lab]
    if not np.array_equal(bad_cells, cs.seen.bad_air_cells):
        cs.seen.bad_air_cells = bad_cells
        cs.bad_air_version += 1


def containment(world: "World") -> frozenset[int]:
    """Closed bulkheads and hatches between a breached module and a sound one
    where people are (or a control room, a medical bay): responders going
    in keep them shut, so the leak never reaches those people."""
    cs = world.crew
    breached = cs.seen.breached_modules
    if not breached:
        return frozenset()
    settle_protected(world)
    return shut_doors(world)


def settle_protected(world: "World") -> None:
    """Fix, once per set of holed modules, the sound modules the leak must not reach."""
    cs = world.crew
    grid = world.grid
    breached = cs.seen.breached_modules
    if cs.protected_for != breached:
        # Who is to be kept from the leak is settled when a module is holed:
        # the modules with a control room or a medical bay, and those where
        # people were. People passing through later do not change it.
        protected = {grid.rooms[i].module for i in station_rooms(world)}
        for p in world.people:
            m = grid.module_at(*p.cell)
            if m is not None and not p.suited:
                protected.add(m)
        cs.protected = frozenset(protected - breached)
        cs.protected_for = breached


def shut_doors(world: "World") -> frozenset[int]:
    """Bulkheads and hatches between a holed module and a protected one."""
    cs = world.crew
    grid = world.grid
    breached = cs.seen.breached_modules
    protected = cs.protected
    out = []
    for d in module_doors(world):
        door = world.doors[d[0]]
        if grid.tiles[door.y, door.x] == T_CUT:
            continue  # open or shut: the crew does not go in that way
        sides = d[1]
        if sides & breached and sides & protected:
            out.append(door.id)
    return frozenset(out)


def module_doors(world: "World") -> list[tuple[int, frozenset[str]]]:
    """Bulkheads and hatches with the modules on either side."""
    cs = world.crew
    got = cs.caches.statics.get("module_doors")
    if got is None:
        got = []
        for d in world.doors:
            if d.kind == T_DOOR:
                continue
            sides = set()
            for nx, ny in ((d.x + 1, d.y), (d.x - 1, d.y), (d.x, d.y + 1), (d.x, d.y - 1)):
                m = world.grid.module_at(nx, ny)
                if m is not None:
                    sides.add(m)
            got.append((d.id, frozenset(sides)))
        cs.caches.statics["module_doors"] = got
    return got


def station_rooms(world: "World") -> list[int]:
    """Rooms whose module is kept from the leak: the control room and the medical bay."""
    return [r.id for r in world.grid.rooms if r.kind in ("control", "medbay")]
