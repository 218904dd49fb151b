"""The tracker: what happened when in a run, sampled once a simulated second.

It watches for what the final state alone cannot tell: when each person
reached the medical bay or left the breached module, when each bulkhead was
sealed, which modules were looked over. The objective kinds
(game.training.objectives) score from it; the debrief reads it too.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from game.sim.physiology import DEAD
from game.sim.tiles import Tile

if TYPE_CHECKING:
    from game.sim.world import World

OBSERVE_EVERY_TICKS = 10  # once a simulated second
# The tracker watching each live world, so `score(world)` from anywhere (the
# debrief) uses the full history when there is one.
_WATCHING: dict[int, tuple[weakref.ref, weakref.ref]] = {}


@dataclass
class Tracker:
    """What happened when, sampled once a simulated second."""

    world: World
    breach_s: float | None = None
    breach_count: int = 0
    breached_modules: set[int] = field(default_factory=set)
    boundary_doors: list[int] = field(default_factory=list)  # bulkheads and hatches of breached modules
    module_at_breach: dict[int, int] = field(default_factory=dict)  # person id -> module id when it began
    already_safe: set[int] = field(default_factory=set)  # in a medical bay when it began: not rescued by anyone
    rescued_s: dict[int, float] = field(default_factory=dict)  # first time alive in a medical bay
    out_s: dict[int, float] = field(default_factory=dict)  # first time alive outside every breached module
    sealed_s: dict[int, float] = field(default_factory=dict)  # door id -> first seen sealed
    died_s: dict[int, float] = field(default_factory=dict)
    surveyed: dict[int, float] = field(default_factory=dict)  # module id -> first looked over
    reserve_start_kg: float = 0.0
    # What the ending's every-tick question keeps between ticks (game.training.ending,
    # game.training.objectives): which objective, and which person, held the exercise
    # open when last asked, so they are asked first. Hints for speed, never facts of the run.
    open_on: dict = field(default_factory=dict, repr=False, compare=False)
    _next_tick: int = 0

    def __post_init__(self) -> None:
        self.reserve_start_kg = float(self.world.level.life_support.reserve_o2_kg)
        self.targets = {n for o in self.world.level.objectives if o.kind == "rescue" for n in o.people}
        if len(_WATCHING) > 64:  # forget worlds that are gone
            for k in [k for k, (w, t) in _WATCHING.items() if w() is None or t() is None]:
                del _WATCHING[k]
        _WATCHING[id(self.world)] = (weakref.ref(self.world), weakref.ref(self))

    @classmethod
    def from_history(cls, world: World) -> Tracker:
        """A tracker for a world nobody watched: rebuilt from the level and the events.

        Times the events do not tell (a rescue by carrying, an evacuation) count
        as happening at the end; where people started stands for where they
        were when the hull went.
        """
        tr = cls(world)
        _WATCHING.pop(id(world), None)  # a reconstruction watches nothing
        w = world
        if w.breach_time_s is None:
            return tr
        tr.breach_s = w.breach_time_s
        tr._find_breached(w)
        mods = w.grid.module_id
        for p, c in zip(w.people, w.level.crew):
            x, y = c.at
            tr.module_at_breach[p.id] = int(mods[y, x]) if w.grid.in_bounds(x, y) else -1
            room = w.grid.room_at(x, y)
            if room is not None and room.kind == "medbay":
                tr.already_safe.add(p.id)
        for ev in w.events:
            if ev.kind == "PersonStateChanged" and ev.state == "dead":
                tr.died_s.setdefault(ev.person_id, ev.time_s)
            elif ev.kind == "DoorSealed" and ev.door_id in tr.boundary_doors:
                tr.sealed_s.setdefault(ev.door_id, ev.time_s)
            elif (
                ev.kind == "PersonArrived"
                and ev.person_id not in tr.already_safe
                and (
                    tr.module_at_breach.get(ev.person_id) in tr.breached_modules
                    or w.people[ev.person_id].name in tr.targets
                )
            ):
                room = w.grid.room_at(ev.x, ev.y)
                if room is not None and room.kind == "medbay":
                    tr.rescued_s.setdefault(ev.person_id, ev.time_s)
        tr._next_tick = 0
        tr.observe(force=True)  # whatever is true now (rescued by carrying, sealed by hand) counts from now
        return tr

    def observe(self, force: bool = False) -> None:
        """Look at the world if a second has passed since the last look (or if forced)."""
        w = self.world
        if not force and w.tick < self._next_tick:
            return
        self._next_tick = (w.tick // OBSERVE_EVERY_TICKS + 1) * OBSERVE_EVERY_TICKS
        if w.breach_time_s is None:
            return
        t = w.time_s
        if self.breach_s is None:
            self.breach_s = w.breach_time_s
        if len(w.breaches) != self.breach_count:
            self._find_breached(w)
        first = not self.module_at_breach
        for name, when in w.crew.surveyed.items():  # module name -> time the crew inspected it
            if name in w.grid.modules:
                self.surveyed.setdefault(w.grid.modules.index(name), float(when))
        mods, in_medbay = self._where(w)
        breached = self.breached_modules
        states = w.bodies.state.tolist()
        for p, mod, medbay in zip(w.people, mods, in_medbay):
            state = states[p.id]
            if first:
                self.module_at_breach[p.id] = mod
                if medbay:
                    self.already_safe.add(p.id)
            if state == DEAD:
                self.died_s.setdefault(p.id, t)
                continue
            if (
                medbay
                and p.id not in self.already_safe
                and (self.module_at_breach.get(p.id) in breached or p.name in self.targets)
            ):
                self.rescued_s.setdefault(p.id, t)  # brought in: not a responder who walked in
            if mod >= 0 and mod not in breached:
                self.out_s.setdefault(p.id, t)
        for d in w.doors:
            if d.state == "sealed":
                self.sealed_s.setdefault(d.id, t)

    def _where(self, w: World) -> tuple[list[int], list[bool]]:
        """Everyone's module id (-1 outside any) and whether they stand in a medical bay,
        looked up for all at once (a second's look is otherwise a pass of grid calls per person)."""
        grid = w.grid
        n = len(w.people)
        xs = np.fromiter((p.x for p in w.people), np.float64, n).astype(np.intp)  # int(): as Person.cell
        ys = np.fromiter((p.y for p in w.people), np.float64, n).astype(np.intp)
        h, wd = grid.module_id.shape
        inside = (xs >= 0) & (xs < wd) & (ys >= 0) & (ys < h)
        xs[~inside] = 0
        ys[~inside] = 0
        mods = np.where(inside, grid.module_id[ys, xs], -1)
        rooms = np.where(inside, grid.room_id[ys, xs], -1)
        medbay_room = np.array([r.kind == "medbay" for r in grid.rooms] + [False])  # index -1: no room
        return mods.tolist(), medbay_room[rooms].tolist()

    def _find_breached(self, w: World) -> None:
        self.breach_count = len(w.breaches)
        h, wd = w.grid.tiles.shape
        for br in w.breaches:
            for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                x, y = br.x + dx, br.y + dy
                if 0 <= x < wd and 0 <= y < h and w.grid.module_id[y, x] >= 0:
                    self.breached_modules.add(int(w.grid.module_id[y, x]))
        doors = []
        for d in w.doors:
            if d.kind not in (Tile.BULKHEAD, Tile.HATCH):
                continue
            for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                x, y = d.x + dx, d.y + dy
                if 0 <= x < wd and 0 <= y < h and int(w.grid.module_id[y, x]) in self.breached_modules:
                    doors.append(d.id)
                    break
        self.boundary_doors = doors



def watching(world: World) -> Tracker | None:
    """The tracker that has been watching this world, if any."""
    entry = _WATCHING.get(id(world))
    if entry is None or entry[0]() is not world:
        return None
    return entry[1]()
