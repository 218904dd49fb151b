"""The crew system: everybody's doings, one tick at a time.

Owns `CrewState` (the world's record of work in progress on targets, what
the crew perceives of debris and air, orders and the autopilot switch) and
`step_crew`, which in one fixed order: notices what changed (debris, air,
doors), stops whoever passed out, lets evacuees react, lets the autopilot
think, then advances every busy person's action. Idle people cost nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from game.sim import autopilot, debris, evacuation
from game.sim import crew_events as ce
from game.sim.action_base import DONE, RUNNING, Failed, can_act, place_name, run
from game.sim.breaches import breached_modules
from game.sim.care_actions import release
from game.sim.navigation import T_CUT, T_DOOR, T_FLOOR
from game.sim.orders import next_plan, order_words
from game.sim.people import Order, Person, is_on_duty
from game.sim.physiology import NO_DOSE_PIO2_MMHG, UNCONSCIOUS, inspired_po2_mmhg

if TYPE_CHECKING:
    from game.sim.world import World

KEEP_CHANGES = 64
REPLAN_EVERY = 100  # ticks: a plan is made afresh at least this often while the world changes
PERCEIVE_EVERY = 10  # ticks between looks at debris (once a simulated second)
AIR_EVERY = 20  # ticks between looks at the air (it changes over tens of seconds)
BODY_EVERY = 5  # physiology's own cadence (game.sim.world): states only change on those ticks
MAX_REPLANS = 6  # an order that fails this many times running is given up
RESPONSE_KIT = ("suit", "lance", "crowbar", "respirator", "medkit")
# Seconds from the alarm to moving (pre-movement time) for a drilled crew:
# the awake take in the announcement, sleepers wake, orient and get up first.
REACT_AWAKE_S = (40.0, 70.0)
REACT_ASLEEP_S = (60.0, 90.0)


@dataclass
class CrewState:
    autopilot: bool = False
    work: dict[tuple, float] = field(default_factory=dict)  # seconds of work done on each target
    nav_version: int = 0  # bumped when a way opens or shuts (doors, cuts, beams)
    hazard_version: int = 0  # bumped when some air turns harmful
    slow_version: int = 0  # bumped when light debris moves
    blocked: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), bool))
    slow: np.ndarray = field(default_factory=lambda: np.ones((0, 0), np.float32))
    unsafe: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))  # per compartment
    unsafe_cells: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), bool))
    bad_air: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))  # per compartment: breathing it harms
    bad_air_cells: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), bool))
    bad_air_version: int = 0
    kept_shut: frozenset[int] = frozenset()  # doors the doctrine keeps shut for responders
    breached_modules: frozenset[str] = frozenset()
    protected: frozenset[str] = frozenset()  # sound modules the leak must not reach
    protected_for: frozenset[str] = frozenset()
    known_breaches: set[int] = field(default_factory=set)
    casualties_seen: set[int] = field(default_factory=set)  # anyone once trapped or overcome
    surveyed: dict[str, float] = field(default_factory=dict)
    lockers: list[list[str]] = field(default_factory=list)  # what is left in each of the level's lockers
    occupant: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.int32))  # evacuee id + 1 per cell
    active: list[int] = field(default_factory=list)  # people with something to do, by id
    react_queue: list[tuple[float, int]] = field(default_factory=list)
    alarm_s: float | None = None
    ai_pending: list = field(default_factory=list)  # the autopilot's commands for the next tick
    autopilot_log: list = field(default_factory=list)
    jobs: dict[int, str] = field(default_factory=dict)  # person id -> the autopilot's job key
    changes: list = field(default_factory=list)  # (nav version, cells changed or None), the latest few
    hazard_changes: list = field(default_factory=list)  # (hazard version, cells or None, unsuited only)
    access: dict[int, list] = field(default_factory=dict)  # casualty id -> the team's way to them
    access_due: dict[int, int] = field(default_factory=dict)  # casualty id -> tick to look for a better way
    refused: dict[str, int] = field(default_factory=dict)  # job -> tick the autopilot last failed to plan it
    next_think: int = 0
    last_think: int = -100
    next_allocation: int = 0
    jobs_cache: tuple = field(default=(), repr=False, compare=False)
    think_version: tuple = ()
    failures: dict[int, int] = field(default_factory=dict)
    last_state: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))
    evac_field: np.ndarray | None = None
    evac_key: tuple = ()
    shelter_seen: tuple = ()
    awaited: frozenset[int] = frozenset()  # casualties told to stay put: help is coming
    topo_seen: int = -1
    # caches, rebuilt on demand; not part of the state
    grids: dict = field(default_factory=dict, repr=False, compare=False)
    statics: dict = field(default_factory=dict, repr=False, compare=False)
    occ_ref: Any = field(default=None, repr=False, compare=False)
    debris_dirty: bool = True

    # ------------------------------------------------------------ set up
    def setup(self, world: "World") -> None:
        h, w = world.grid.tiles.shape
        self.blocked = np.zeros((h, w), bool)
        self.slow = np.ones((h, w), np.float32)
        self.unsafe_cells = np.zeros((h, w), bool)
        self.bad_air_cells = np.zeros((h, w), bool)
        self.occupant = np.zeros((h, w), np.int32)
        self.last_state = world.bodies.state.copy()
        self.lockers = [list(lk.contents) for lk in world.level.lockers]
        rng = world.rng["ai"]
        for p in world.people:
            awake = p.condition == "awake"
            kitted = any(p.has(k) for k in RESPONSE_KIT)
            p.on_duty = is_on_duty(p, world.grid, awake) or (
                awake and kitted and p.role in ("rescue", "medic", "engineer", "technician")
            )
            # Time from the alarm to moving (pre-movement): the awake take in
            # the announcement and gather themselves, sleepers wake first.
            lo, hi = REACT_AWAKE_S if awake else REACT_ASLEEP_S
            p.react_s = round(float(lo + (hi - lo) * rng.random()), 1)
            if not p.on_duty:
                self.occupant[p.cell[1], p.cell[0]] = p.id + 1

    # ------------------------------------------------------------ what the crew perceives
    def topology_changed(self, cells=None) -> None:
        """A way opened or shut at these cells (None: anywhere)."""
        self.nav_version += 1
        self.changes.append((self.nav_version, None if cells is None else frozenset(map(tuple, cells))))
        if len(self.changes) > KEEP_CHANGES:
            del self.changes[: len(self.changes) - KEEP_CHANGES]

    def _hazard_changed(self, cells=None, unsuited_only: bool = False) -> None:
        self.hazard_version += 1
        self.hazard_changes.append((self.hazard_version, None if cells is None else frozenset(cells), unsuited_only))
        if len(self.hazard_changes) > KEEP_CHANGES:
            del self.hazard_changes[: len(self.hazard_changes) - KEEP_CHANGES]

    def plan_still_good(self, world: "World", p: Person) -> bool:
        """Has the world changed under `p`'s plan? Only changes on the cells it
        goes through count, and every so often it is made afresh anyway (a
        new way may have opened elsewhere)."""
        nav0, haz0, tick0 = p.plan_version
        if nav0 == self.nav_version and haz0 == self.hazard_version:
            return True
        if world.tick - tick0 > REPLAN_EVERY:
            return False
        if self.changes and nav0 < self.changes[0][0] - 1:
            return False  # older than the changes kept
        if self.hazard_changes and haz0 < self.hazard_changes[0][0] - 1:
            return False
        cells = set()
        for a in [p.action, *p.plan]:
            if a is None:
                continue
            walk = getattr(a, "cells", None)
            if walk is not None:
                cells.update(walk[getattr(a, "i", 0):])
            elif a.target is not None:
                cells.add(tuple(a.target))
        for v, changed in self.changes:
            if v > nav0 and (changed is None or not changed.isdisjoint(cells)):
                return False
        for v, changed, unsuited_only in self.hazard_changes:
            if v > haz0 and not (unsuited_only and p.suited) and (changed is None or not changed.isdisjoint(cells)):
                return False
        p.plan_version = (self.nav_version, self.hazard_version, tick0)
        return True

    def debris_moved(self) -> None:
        self.debris_dirty = True

    def perceive(self, world: "World") -> None:
        """Debris and air, once a second (and at once after a cut or a fall)."""
        if self.debris_dirty or world.tick % PERCEIVE_EVERY == 0:
            self._look_at_debris(world)
        if world.tick % AIR_EVERY == 0 or self.topo_seen != self.nav_version:
            self._feel_the_air(world)

    def _look_at_debris(self, world: "World") -> None:
        self.debris_dirty = False
        occ = debris.occupancy(world)
        if occ is self.occ_ref:
            return
        self.occ_ref = occ
        blocked, slow = occ
        if not np.array_equal(blocked, self.blocked):
            ys, xs = np.nonzero(blocked != self.blocked)
            self.blocked = np.array(blocked, dtype=bool)
            self.topology_changed(zip(xs.tolist(), ys.tolist()))
        if not np.array_equal(slow, self.slow):
            # light debris shifts all the time; only a real change re-costs routes
            if np.abs(slow - self.slow).max() > 0.25:
                self.slow_version += 1
            self.slow = np.array(slow, dtype=np.float32)

    def _feel_the_air(self, world: "World") -> None:
        c = world.compartments
        breached = breached_modules(world)
        if breached != self.breached_modules or self.topo_seen != self.nav_version:
            self.breached_modules = breached
            shut = self._containment(world)
            if shut != self.kept_shut:
                flipped = [world.doors[d].cell for d in shut ^ self.kept_shut]
                self.kept_shut = shut
                self._hazard_changed(flipped)
        in_breach = world.atmos.in_breached if world.atmos.in_breached.size == c.count else np.zeros(c.count, bool)
        pio2 = inspired_po2_mmhg(c.pressure_bar, c.o2_fraction, 0)
        bad = pio2 < NO_DOSE_PIO2_MMHG
        unsafe = in_breach | bad
        changed = (
            self.topo_seen != self.nav_version or unsafe.shape != self.unsafe.shape
            or not np.array_equal(unsafe, self.unsafe) or not np.array_equal(bad, self.bad_air)
        )
        self.topo_seen = self.nav_version
        if not changed:
            return
        self.unsafe = unsafe
        self.bad_air = bad
        lab = c.labels
        cells = np.concatenate([[False], unsafe])[lab]
        if not np.array_equal(cells, self.unsafe_cells):
            self.unsafe_cells = cells
            self._hazard_changed(None, unsuited_only=True)  # the air only bars the unsuited
        bad_cells = np.concatenate([[False], bad])[lab]
        if not np.array_equal(bad_cells, self.bad_air_cells):
            self.bad_air_cells = bad_cells
            self.bad_air_version += 1

    def _containment(self, world: "World") -> frozenset[int]:
        """Closed bulkheads and hatches between a breached module and a sound one
        where people are (or a control room, a medical bay): responders going
        in keep them shut, so the leak never reaches those people."""
        breached = self.breached_modules
        if not breached:
            return frozenset()
        self._settle_protected(world)
        return self._shut_doors(world)

    def _settle_protected(self, world: "World") -> None:
        grid = world.grid
        breached = self.breached_modules
        if self.protected_for != breached:
            # Who is to be kept from the leak is settled when a module is holed:
            # the modules with a control room or a medical bay, and those where
            # people were. People passing through later do not change it.
            protected = {grid.rooms[i].module for i in self.station_rooms(world)}
            for p in world.people:
                m = grid.module_at(*p.cell)
                if m is not None and not p.suited:
                    protected.add(m)
            self.protected = frozenset(protected - breached)
            self.protected_for = breached

    def _shut_doors(self, world: "World") -> frozenset[int]:
        grid = world.grid
        breached = self.breached_modules
        protected = self.protected
        out = []
        for d in self.module_doors(world):
            door = world.doors[d[0]]
            if grid.tiles[door.y, door.x] == T_CUT:
                continue  # open or shut: the crew does not go in that way
            sides = d[1]
            if sides & breached and sides & protected:
                out.append(door.id)
        return frozenset(out)

    def module_doors(self, world: "World") -> list[tuple[int, frozenset[str]]]:
        """Bulkheads and hatches with the modules on either side."""
        got = self.statics.get("module_doors")
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
            self.statics["module_doors"] = got
        return got

    def station_rooms(self, world: "World") -> list[int]:
        return [r.id for r in world.grid.rooms if r.kind in ("control", "medbay")]

    def unsafe_comp(self, i: int) -> bool:
        return 0 <= i < self.unsafe.size and bool(self.unsafe[i])

    def unsafe_at(self, world: "World", cell: tuple[int, int]) -> bool:
        return bool(self.unsafe_cells[cell[1], cell[0]])

    def contain_for(self, world: "World", p: Person) -> bool:
        """The doctrine binds the crew both ways, in and out: the breached module
        is entered and left by the way that keeps the leak from people (where
        there is no such way, the planner drops it rather than leave anyone)."""
        return True

    # ------------------------------------------------------------ static places
    def medbay_mask(self, world: "World") -> np.ndarray:
        got = self.statics.get("medbay")
        if got is None:
            ids = [r.id for r in world.grid.rooms if r.kind == "medbay"]
            got = np.isin(world.grid.room_id, ids) & (world.grid.tiles == T_FLOOR)
            self.statics["medbay"] = got
        return got

    def in_medbay(self, world: "World", cell: tuple[int, int]) -> bool:
        return bool(self.medbay_mask(world)[cell[1], cell[0]])

    def medbay_cells(self, world: "World") -> list[tuple[int, int]]:
        """Medical bay floor nobody lies or stands on."""
        mask = self.medbay_mask(world).copy()
        for q in world.people:
            x, y = q.cell
            if mask[y, x] and q.carried_by < 0 and q.escorted_by < 0:
                mask[y, x] = False
        ys, xs = np.nonzero(mask)
        return [(int(x), int(y)) for y, x in zip(ys.tolist(), xs.tolist())]

    def medbay_anchor(self, world: "World") -> tuple[int, int] | None:
        """A fixed medical bay cell to measure the way in and out from."""
        if "medbay_anchor" not in self.statics:
            ys, xs = np.nonzero(self.medbay_mask(world))
            self.statics["medbay_anchor"] = (int(xs[0]), int(ys[0])) if xs.size else None
        return self.statics["medbay_anchor"]

    def module_centre(self, world: "World", module: str) -> tuple[int, int] | None:
        """The middle of a module's largest room: where a look round starts from."""
        spots = self.module_spots(world, module)
        return spots[len(spots) // 2] if spots else None

    def module_spots(self, world: "World", module: str) -> list[tuple[int, int]]:
        """Floor of a module's largest room (its hall or corridor), nearest its middle first."""
        key = ("spots", module)
        if key not in self.statics:
            rooms = [r for r in world.grid.rooms if r.module == module]
            mid = world.grid.modules.index(module)
            if rooms:
                big = max(rooms, key=lambda r: (r.cells, -r.id))
                mask = (world.grid.room_id == big.id) & (world.grid.tiles == T_FLOOR)
            else:
                mask = (world.grid.module_id == mid) & (world.grid.tiles == T_FLOOR)
            ys, xs = np.nonzero(mask)
            if xs.size == 0:
                self.statics[key] = []
            else:
                cx, cy = xs.mean(), ys.mean()
                order = np.argsort((xs - cx) ** 2 + (ys - cy) ** 2, kind="stable")
                self.statics[key] = [(int(xs[k]), int(ys[k])) for k in order]
        return self.statics[key]

    # ------------------------------------------------------------ people
    def someone_at(self, world: "World", cell: tuple[int, int]) -> bool:
        """Anyone standing (or lying) on a cell."""
        if self.occupant[cell[1], cell[0]]:
            return True
        return any(q.cell == cell for q in world.people)

    def free_cell_near(self, world: "World", cell: tuple[int, int], exclude: int = -1) -> tuple[int, int]:
        """`cell` if nobody else lies there, else the nearest free floor beside it."""
        taken = {q.cell for q in world.people if q.id != exclude and q.carried_by < 0 and q.escorted_by < 0}
        x, y = cell
        for r in range(0, 4):
            for dx in range(-r, r + 1):
                for dy in range(-r, r + 1):
                    if max(abs(dx), abs(dy)) != r:
                        continue
                    c = (x + dx, y + dy)
                    if not world.grid.in_bounds(*c) or world.grid.tiles[c[1], c[0]] not in (T_FLOOR, T_CUT):
                        continue
                    if c not in taken and not self.blocked[c[1], c[0]]:
                        return c
        return cell

    def placed(self, world: "World", p: Person) -> None:
        """`p` was put down somewhere: they hold that cell now."""
        if not p.on_duty:
            self.occupant[self.occupant == p.id + 1] = 0
            x, y = p.cell
            if self.occupant[y, x] == 0:
                self.occupant[y, x] = p.id + 1

    def movers(self, world: "World"):
        for i in self.active:
            yield world.people[i]

    def upstream_of(self, world: "World", q: Person, door) -> bool:
        return evacuation.upstream_of(world, q, door)

    def team(self, world: "World") -> list[Person]:
        """Responders who work in the field (the autopilot's crew)."""
        return [
            q for q in world.people
            if q.on_duty and q.role in ("rescue", "engineer", "technician")
            and int(world.bodies.state[q.id]) < UNCONSCIOUS
            and (q.order is None or q.order.source == "autopilot")
        ]

    def activate(self, p: Person) -> None:
        if p.id not in self.active:
            self.active.append(p.id)
            self.active.sort()

    def stop(self, world: "World", p: Person) -> None:
        """Drop what `p` is doing (progress on targets stays); keep the order."""
        if p.action is not None:
            p.action.interrupt(world, p)
        p.action = None
        p.plan = []
        p.path = []

    def give_order(self, world: "World", p: Person, order: Order, first) -> None:
        self.stop(world, p)
        if p.order is not None and p.order.source != order.source and p.order.source == "autopilot":
            self.jobs.pop(p.id, None)
        p.order = order
        p.blocked = ""
        self.failures.pop(p.id, None)
        if p.evac in ("moving", "waiting", "sheltering"):
            evacuation.leave_cell(world, p)
            p.evac = "ordered"
        world.emit(ce.OrderTaken, person_id=p.id, person=p.name, order=order_words(world, order), source=order.source,
                   place=place_name(world, p.cell))
        if first is DONE:
            self.end_order(world, p, "done")
            return
        p.plan = list(first)
        p.plan_version = self.plan_stamp(world)
        self.activate(p)

    def end_order(self, world: "World", p: Person, outcome: str) -> None:
        o = p.order
        if o is None:
            return
        self.stop(world, p)
        p.order = None
        # The autopilot may already have sent this person on to their next
        # job (applied next tick): that job is theirs, keep it on the books.
        if o.source == "autopilot" and not any(getattr(c, "person_id", None) == p.id for c, _ in self.ai_pending):
            self.jobs.pop(p.id, None)
        world.emit(ce.OrderFinished, person_id=p.id, person=p.name, order=order_words(world, o), outcome=outcome)
        if p.evac == "ordered":
            p.evac = "idle"
            evacuation.reconsider(world, p)

    def set_autopilot(self, world: "World", on: bool) -> None:
        if on == self.autopilot:
            return
        self.autopilot = on
        self.next_think = world.tick
        world.emit(ce.AutopilotSet, on=on)
        if not on:
            for p in world.people:
                if p.order is not None and p.order.source == "autopilot":
                    self.end_order(world, p, "autopilot off")
            self.jobs.clear()

    def autopilot_refused(self, world: "World", p: Person, job: str, reason: str) -> None:
        self.refused[job] = world.tick
        p.blocked = reason

    def plan_stamp(self, world: "World") -> tuple:
        return (self.nav_version, self.hazard_version, world.tick)

    # ------------------------------------------------------------ state hash
    def state_key(self, world: "World") -> tuple:
        people = tuple(
            (
                p.id, p.action.key() if p.action else None, tuple(a.key() for a in p.plan),
                p.order.key() if p.order else None, p.carrying, p.carried_by, p.escorting, p.escorted_by,
                p.evac, p.respirator_on, p.delivered_s, p.treated_s, p.on_duty, p.react_s,
            )
            for p in world.people
        )
        return (
            self.autopilot, sorted((repr(k), round(v, 6)) for k, v in self.work.items()), self.lockers,
            sorted(self.jobs.items()), sorted(self.surveyed.items()), self.next_think, sorted(self.casualties_seen),
            self.occupant.tobytes(), people,
        )


# ---------------------------------------------------------------- the tick


def step_crew(world: "World", dt: float) -> None:
    """Everybody's doings for one tick, in a fixed order."""
    cs = world.crew
    cs.perceive(world)
    if world.tick % BODY_EVERY == 0 and not np.array_equal(world.bodies.state, cs.last_state):
        _bodies_changed(world)
    evacuation.step_evacuation(world)
    if cs.autopilot:
        autopilot.think(world)
    idle = []
    people = world.people
    for i in list(cs.active):
        p = people[i]
        a = p.action
        if a is not None and a.kind == "evacuate" and a.started and p.order is None:
            # the common case in an evacuation, kept short: one step, no bookkeeping
            res = a.step(world, p, dt)
            if res is not RUNNING:
                p.action = None
                evacuation.finished(world, p, res)
                idle.append(i)
            continue
        if not _tick_person(world, p, dt):
            idle.append(i)
    if idle:
        cs.active = [i for i in cs.active if i not in idle]


def _bodies_changed(world: "World") -> None:
    """Whoever passed out drops everything (a casualty in hand too); whoever came round can act again."""
    cs = world.crew
    state = world.bodies.state
    changed = np.flatnonzero(state != cs.last_state)
    for i in changed.tolist():
        p = world.people[i]
        now, before = int(state[i]), int(cs.last_state[i])
        if now >= UNCONSCIOUS > before:
            had = p.action
            cs.stop(world, p)
            if had is not None and had.kind not in ("walk", "crawl", "hold", "wait", "evacuate"):
                world.emit(ce.CrewActed, person_id=p.id, actor=p.name, action=had.kind.replace("_", " "),
                           target="", place="", outcome="dropped: lost consciousness")
            if p.carrying >= 0 or p.escorting >= 0:
                release(world, p, place=True)
            if p.escorted_by >= 0:
                # a casualty walked out who passes out has to be carried now
                helper = world.people[p.escorted_by]
                helper.escorting, helper.carrying = -1, p.id
                p.escorted_by, p.carried_by = -1, helper.id
            if p.evac in ("moving", "waiting"):
                p.evac = "down"
            cs.placed(world, p)
        elif before >= UNCONSCIOUS > now:
            if p.evac == "down":
                p.evac = "idle"
            evacuation.reconsider(world, p)
            if p.order is not None:
                cs.activate(p)
    cs.last_state = state.copy()


def _tick_person(world: "World", p: Person, dt: float) -> bool:
    """One tick of one person's doings; False once they have nothing to do."""
    cs = world.crew
    if not can_act(world, p):
        return p.order is not None and int(world.bodies.state[p.id]) < UNCONSCIOUS
    for _ in range(4):  # start the next action in the same tick when one ends
        if p.action is None:
            if p.order is not None and (not p.plan or not cs.plan_still_good(world, p)):
                nxt = next_plan(world, p)
                if nxt is DONE:
                    cs.end_order(world, p, "done")
                    return False
                if isinstance(nxt, Failed):
                    p.blocked = nxt.reason
                    n = cs.failures.get(p.id, 0) + 1
                    cs.failures[p.id] = n
                    if n >= MAX_REPLANS or p.order.source == "player":
                        cs.end_order(world, p, nxt.reason)
                        return False
                    return True
                p.plan = list(nxt)
                p.plan_version = cs.plan_stamp(world)
            if not p.plan:
                return p.order is not None or p.evac == "moving"
            p.action = p.plan.pop(0)
        act = p.action
        # The world changed under a walk or a wait: plan again from here.
        if act.kind in ("walk", "crawl", "wait") and p.order is not None and not cs.plan_still_good(world, p):
            cs.stop(world, p)
            continue
        res = run(world, p, act, dt)
        if res is RUNNING:
            return True
        p.action = None
        if act.kind == "evacuate":
            evacuation.finished(world, p, res)
            return False
        if isinstance(res, Failed):
            p.blocked = res.reason
            if act.kind not in ("walk", "crawl", "evacuate"):
                world.emit(ce.CrewActed, person_id=p.id, actor=p.name, action=act.kind.replace("_", " "),
                           target="", place="", outcome=res.reason)
            p.plan = []
            if p.order is None:
                return p.evac == "moving"
            n = cs.failures.get(p.id, 0) + 1
            cs.failures[p.id] = n
            if n >= MAX_REPLANS:
                cs.end_order(world, p, res.reason)
                return False
            return True
        cs.failures.pop(p.id, None)
        dt = 0.0  # the rest of this tick's time went into the action that ended
    return True


def replan_all(world: "World") -> int:
    """Everyone's way made again, as the next tick does after a door shuts:
    the crew takes in the change (air, doors kept shut), the shared
    evacuation field is brought up to date (mended round the change where
    that is enough) and each person with an order gets a fresh plan. Plans
    are computed, not handed over (the tick does that itself); returns how
    many people were planned for (the evacuees count once, as one field)."""
    world.crew.perceive(world)
    evacuation.field(world)
    n = 0
    for p in world.people:
        if p.order is not None and can_act(world, p):
            next_plan(world, p)
            n += 1
    return n
