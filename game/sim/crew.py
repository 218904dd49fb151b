"""The crew system: everybody's doings, one tick at a time.

Owns `CrewState` (the world's record of work in progress on targets, what
the crew perceives of debris and air, orders and the autopilot switch) and
`step_crew`, which in one fixed order: notices what changed (debris, air,
doors), stops whoever passed out, lets the wind push whoever it
knocks off their feet, lets evacuees react, lets the autopilot
think, then advances every busy person's action. Idle people cost nothing.
"""

from __future__ import annotations

import struct

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from game.sim import autopilot, evacuation, prediction
from game.sim import crew_events as ce
from game.sim.action_base import DONE, RUNNING, Action, Failed, Result, can_act, place_name, run
from game.sim.care_actions import release
from game.sim.discipline import close_now
from game.sim.door_actions import CloseDoor
from game.sim.movement import SPEED_BY_STATE, Crawl, Walk, step_gusts, walk_on, walk_view, walkers
from game.sim.navigation import T_CUT, T_FLOOR
from game.sim.orders import next_plan, order_words
from game.sim.people import Evac, Order, Person, is_on_duty
from game.sim.perception import CrewCaches, Perception, perceive
from game.sim.physiology import BODY_EVERY, UNCONSCIOUS
from game.sim.prediction import AirTrend
from game.sim.state import cache, derived, synced

if TYPE_CHECKING:
    from game.sim.world import World

KEEP_CHANGES = 64
REPLAN_EVERY = 100  # ticks: a plan is made afresh at least this often while the world changes
MAX_REPLANS = 6  # an order that fails this many times running is given up
RESPONSE_KIT = ("suit", "lance", "crowbar", "respirator", "medkit")
_WALKS = (Walk, Crawl)
# Seconds from the alarm to moving (pre-movement time) for a drilled crew:
# the awake take in the announcement, sleepers wake, orient and get up first.
REACT_AWAKE_S = (40.0, 70.0)
REACT_ASLEEP_S = (60.0, 90.0)


def _log_length(cs: "CrewState") -> bytes:
    """A log only grows: its length says which entries it holds."""
    return struct.pack("<q", len(cs.autopilot_log))


def _change_log_bytes(log: list) -> bytes:
    """A change log as the repr of its entries with their cells sorted: plain
    ints, so the repr is canonical (and one C call for the lot)."""
    return repr([(e[0], None if e[1] is None else sorted(e[1]), *e[2:]) for e in log]).encode()


@dataclass
class CrewState:
    """What decides the crew's future: work done on targets, what is left
    in the lockers, the autopilot's jobs and bookkeeping, the evacuation's
    schedule and the change log plans are checked against. What the crew
    perceives (`seen`) and caches (`caches`) hang off it, declared as such."""

    autopilot: bool = synced(default=False)
    work: dict[tuple, float] = synced(default_factory=dict)  # seconds of work done on each target
    lockers: list[list[str]] = synced(default_factory=list)  # what is left in each of the level's lockers
    occupant: np.ndarray = synced(default_factory=lambda: np.zeros((0, 0), np.int32))  # evacuee id + 1 per cell
    active: list[int] = synced(default_factory=list)  # people with something to do, by id
    failures: dict[int, int] = synced(default_factory=dict)  # person id -> plans failed in a row
    # Evacuation
    react_queue: list[tuple[float, int]] = synced(default_factory=list)
    alarm_s: float | None = synced(default=None)
    # What the crew knows
    known_breaches: set[int] = synced(default_factory=set)
    casualties_seen: set[int] = synced(default_factory=set)  # anyone once trapped or overcome
    surveyed: dict[str, float] = synced(default_factory=dict)
    awaited: frozenset[int] = synced(default=frozenset())  # casualties told to stay put: help is coming
    # Settled when a module is holed, not rebuilt from the world as it is now.
    protected: frozenset[str] = synced(default=frozenset())  # sound modules the leak must not reach
    protected_for: frozenset[str] = synced(default=frozenset())
    # The change log plans are checked against (see plan_still_good).
    nav_version: int = synced(default=0)  # bumped when a way opens or shuts (doors, cuts, beams)
    hazard_version: int = synced(default=0)  # bumped when some air turns harmful
    slow_version: int = synced(default=0)  # bumped when light debris moves
    bad_air_version: int = synced(default=0)
    changes: list = synced(default_factory=list, encode=lambda cs: _change_log_bytes(cs.changes))
    # ^ (nav version, cells changed or None, a way opened), the latest few
    hazard_changes: list = synced(default_factory=list, encode=lambda cs: _change_log_bytes(cs.hazard_changes))
    # ^ (hazard version, cells or None, unsuited only, a way opened)
    # The autopilot
    ai_pending: list = synced(default_factory=list)  # the autopilot's commands for the next tick
    autopilot_log: list = synced(default_factory=list, encode=_log_length)  # what it ordered, for replays
    jobs: dict[int, str] = synced(default_factory=dict)  # person id -> the autopilot's job key
    access: dict[int, list] = synced(default_factory=dict)  # casualty id -> the team's way to them
    access_due: dict[int, int] = synced(default_factory=dict)  # casualty id -> tick to look for a better way
    # casualty id -> (nav version, hazard version, team profile, their cell) the way was last settled at
    access_key: dict[int, tuple] = synced(default_factory=dict)
    refused: dict[str, int] = synced(default_factory=dict)  # job -> tick the autopilot last failed to plan it
    next_think: int = synced(default=0)
    last_think: int = synced(default=-100)
    next_allocation: int = synced(default=0)
    think_version: tuple = synced(default=())  # the versions the last think saw
    # The jobs as the autopilot last listed them and the versions then: handed out again
    # from this list until the versions move (listing them afresh would see people moved).
    jobs_listed: tuple = synced(default=())
    held_open: frozenset[int] = synced(default=frozenset())  # doors the player said to leave open
    holes: list[tuple[int, int]] = synced(default_factory=list)  # holes the crew cut in a pressure boundary, not yet patched
    slides: dict[int, tuple[float, float, float]] = synced(default_factory=dict)  # person id -> (vx, vy, m slid) while a gust pushes them
    air_trend: AirTrend = synced(default_factory=AirTrend)  # the air people breathe lately, and the autopilot's forecast
    # Derived and cached
    seen: Perception = derived(default_factory=Perception)
    caches: CrewCaches = cache(default_factory=CrewCaches)

    # ------------------------------------------------------------ set up
    def setup(self, world: "World") -> None:
        h, w = world.grid.tiles.shape
        self.seen.setup((h, w), world.bodies.state)
        self.occupant = np.zeros((h, w), np.int32)
        self.lockers = [list(lk.contents) for lk in world.level.lockers]
        rng = world.rng["ai"]
        for p in world.people:
            awake = p.alert  # the asleep, the hurt and the out cold are slow to react and hold no post
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
    def topology_changed(self, cells=None, opened: bool = True) -> None:
        """The way changed at these cells (None: anywhere); `opened`: a cell that was
        barred can be passed now (a wall cut, a seal undone, a beam gone)."""
        self.nav_version += 1
        self.changes.append((self.nav_version, None if cells is None else frozenset(map(tuple, cells)), opened))
        if len(self.changes) > KEEP_CHANGES:
            del self.changes[: len(self.changes) - KEEP_CHANGES]

    def hazard_changed(self, cells=None, unsuited_only: bool = False, opened: bool = True) -> None:
        """The air or the doctrine changed at these cells (None: anywhere); `opened`: a
        way it barred is free again (air turned safe, a door no longer kept shut)."""
        self.hazard_version += 1
        self.hazard_changes.append(
            (self.hazard_version, None if cells is None else frozenset(cells), unsuited_only, opened))
        if len(self.hazard_changes) > KEEP_CHANGES:
            del self.hazard_changes[: len(self.hazard_changes) - KEEP_CHANGES]

    def plan_still_good(self, world: "World", p: Person) -> bool:
        """Has the world changed under `p`'s plan? Only changes on the cells it
        goes through count, and a plan older than REPLAN_EVERY is made afresh
        when a way has opened elsewhere (a cell that was barred can be passed:
        a quicker way may go through it). A change that bars cells, or only
        makes a door quicker or slower to pass, off the plan's way, leaves it
        the way it was chosen as."""
        nav0, haz0, tick0 = p.plan_version
        if nav0 == self.nav_version and haz0 == self.hazard_version:
            return True
        if world.tick - tick0 > REPLAN_EVERY and (
            any(e[2] for e in self.changes if e[0] > nav0) or any(e[3] for e in self.hazard_changes if e[0] > haz0)
        ):
            return False
        if self.changes and nav0 < self.changes[0][0] - 1:
            return False  # older than the changes kept
        if self.hazard_changes and haz0 < self.hazard_changes[0][0] - 1:
            return False
        cells = set()
        for a in [p.action, *p.plan]:
            if a is None:
                continue
            if isinstance(a, Walk):
                cells.update(a.cells[a.i:])
            elif a.target is not None:
                cells.add(tuple(a.target))
        for v, changed, _ in self.changes:
            if v > nav0 and (changed is None or not changed.isdisjoint(cells)):
                return False
        for v, changed, unsuited_only, _ in self.hazard_changes:
            if v > haz0 and not (unsuited_only and p.suited) and (changed is None or not changed.isdisjoint(cells)):
                return False
        p.plan_version = (self.nav_version, self.hazard_version, tick0)
        return True

    def debris_moved(self) -> None:
        """Debris was cut or cleared: look at it again this tick."""
        self.seen.debris_dirty = True

    def unsafe_comp(self, i: int) -> bool:
        return 0 <= i < self.seen.unsafe.size and bool(self.seen.unsafe[i])

    def unsafe_at(self, world: "World", cell: tuple[int, int]) -> bool:
        return bool(self.seen.unsafe_cells[cell[1], cell[0]])

    def contain_for(self, world: "World", p: Person) -> bool:
        """The doctrine binds the crew both ways, in and out: the breached module
        is entered and left by the way that keeps the leak from people (where
        there is no such way, the planner drops it rather than leave anyone)."""
        return True

    # ------------------------------------------------------------ static places
    def medbay_mask(self, world: "World") -> np.ndarray:
        got = self.caches.statics.get("medbay")
        if got is None:
            ids = [r.id for r in world.grid.rooms if r.kind == "medbay"]
            got = np.isin(world.grid.room_id, ids) & (world.grid.tiles == T_FLOOR)
            self.caches.statics["medbay"] = got
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
        if "medbay_anchor" not in self.caches.statics:
            ys, xs = np.nonzero(self.medbay_mask(world))
            self.caches.statics["medbay_anchor"] = (int(xs[0]), int(ys[0])) if xs.size else None
        return self.caches.statics["medbay_anchor"]

    def module_centre(self, world: "World", module: str) -> tuple[int, int] | None:
        """The middle of a module's largest room: where a look round starts from."""
        spots = self.module_spots(world, module)
        return spots[len(spots) // 2] if spots else None

    def module_spots(self, world: "World", module: str) -> list[tuple[int, int]]:
        """Floor of a module's largest room (its hall or corridor), nearest its middle first."""
        key = ("spots", module)
        if key not in self.caches.statics:
            rooms = [r for r in world.grid.rooms if r.module == module]
            mid = world.grid.modules.index(module)
            if rooms:
                big = max(rooms, key=lambda r: (r.cells, -r.id))
                mask = (world.grid.room_id == big.id) & (world.grid.tiles == T_FLOOR)
            else:
                mask = (world.grid.module_id == mid) & (world.grid.tiles == T_FLOOR)
            ys, xs = np.nonzero(mask)
            if xs.size == 0:
                self.caches.statics[key] = []
            else:
                cx, cy = xs.mean(), ys.mean()
                order = np.argsort((xs - cx) ** 2 + (ys - cy) ** 2, kind="stable")
                self.caches.statics[key] = [(int(xs[k]), int(ys[k])) for k in order]
        return self.caches.statics[key]

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
                    if c not in taken and not self.seen.blocked[c[1], c[0]]:
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
        if p.evac in (Evac.MOVING, Evac.SHELTERING):
            evacuation.leave_cell(world, p)
            p.evac = Evac.ORDERED
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
        if p.evac == Evac.ORDERED:
            p.evac = Evac.IDLE
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


# ---------------------------------------------------------------- the tick


def step_crew(world: "World", dt: float) -> None:
    """Everybody's doings for one tick, in a fixed order."""
    cs = world.crew
    perceive(world)
    if world.tick % BODY_EVERY == 0 and not np.array_equal(world.bodies.state, cs.seen.last_state):
        _bodies_changed(world)
    step_gusts(world, dt)
    evacuation.step_evacuation(world)
    prediction.sample(world)
    if cs.autopilot:
        autopilot.think(world)
    people = world.people
    state = world.bodies.state  # nothing in the crew's tick changes a body's state
    if not cs.active:
        return
    # What every walk reads (walk_view), fetched once: the wind and the perceived debris do
    # not change in the crew's tick (the tiles are cut in place).
    view = walk_view(world)

    def other(i: int, walking: bool) -> bool:
        """The tick of someone the compiled loop does not step plainly (see walk_kernels)."""
        p = people[i]
        a = p.action
        if walking:
            # Walking on a plan nothing has touched: what _tick_person would
            # find after its checks, without them, and Walk.step with the view.
            res = walk_on(world, p, a, p.base_speed_m_s() * SPEED_BY_STATE[state.item(i)] * dt, view)
            return res is RUNNING or _tick_person(world, p, dt, (a, res))
        if a is not None and a.kind == "evacuate" and a.started and p.order is None:
            # the common case in an evacuation, kept short: one step, no bookkeeping
            res = a.step(world, p, dt)
            if res is not RUNNING:
                p.action = None
                evacuation.finished(world, p, res)
                return False
            return True
        return _tick_person(world, p, dt)

    idle = walkers.tick_busy(list(cs.active), people, _WALKS, state, SPEED_BY_STATE, dt, cs, view.tiles,
                             world.door_open.view(np.uint8), view.blocked.view(np.uint8), view.slow, view.gale,
                             view.width, other)
    if idle:
        done = set(idle)
        cs.active = [i for i in cs.active if i not in done]


def _bodies_changed(world: "World") -> None:
    """Whoever passed out drops everything (a casualty in hand too); whoever came round can act again."""
    cs = world.crew
    state = world.bodies.state
    changed = np.flatnonzero(state != cs.seen.last_state)
    for i in changed.tolist():
        p = world.people[i]
        now, before = int(state[i]), int(cs.seen.last_state[i])
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
            if p.evac == Evac.MOVING:
                p.evac = Evac.DOWN
            cs.placed(world, p)
        elif before >= UNCONSCIOUS > now:
            if p.evac == Evac.DOWN:
                p.evac = Evac.IDLE
            evacuation.reconsider(world, p)
            if p.order is not None:
                cs.activate(p)
    cs.seen.last_state = state.copy()


def _tick_person(world: "World", p: Person, dt: float, ran: tuple[Action, Result] | None = None) -> bool:
    """One tick of one person's doings; False once they have nothing to do.

    `ran`: the action this tick's step already ran (they could act, and the
    plan was still good), with what it returned: carry on from there."""
    cs = world.crew
    if ran is None and not can_act(world, p):
        return p.order is not None and int(world.bodies.state[p.id]) < UNCONSCIOUS
    for _ in range(4):  # start the next action in the same tick when one ends
        if ran is not None:
            (act, res), ran = ran, None
        else:
            if p.closing:
                door_id = close_now(world, p)
                if door_id is not None:
                    # through a pressure door they opened: shut it, then go on as planned
                    if p.action is not None:
                        p.plan.insert(0, p.action)
                    p.action = CloseDoor(door_id, only_if_last=True)
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
                    return p.order is not None or p.evac == Evac.MOVING
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
                return p.evac == Evac.MOVING
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
    perceive(world)
    evacuation.field(world)
    n = 0
    for p in world.people:
        if p.order is not None and can_act(world, p):
            next_plan(world, p)
            n += 1
    return n
