"""Scoring an exercise against its level's objectives and weights.

A `Tracker` watches a run (once a simulated second) for what the final state
alone cannot tell: when each person reached the medical bay or left the
breached module, when each bulkhead was sealed, which modules were looked
over. `score` turns that and the final world into points out of 100, with a
line per objective saying why.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from game.sim.level import ObjectiveDef
from game.sim.physiology import DEAD, INJURY_NAMES, STATE_NAMES, UNCONSCIOUS
from game.sim.tiles import Tile

if TYPE_CHECKING:
    from game.sim.world import World

OBSERVE_EVERY_TICKS = 10  # once a simulated second
LATE_CREDIT = 0.5  # a rescue or evacuation done, but after the objective's time
# Credit for a survivor by hypoxic injury grade (none, mild, moderate, severe).
INJURY_CREDIT = (1.0, 0.75, 0.4, 0.15)
DEFAULT_OBJECTIVES = (ObjectiveDef("survive", "Nobody dies (the level declares no objectives)", 1.0),)
# The tracker watching each live world, so `score(world)` from anywhere (the
# debrief) uses the full history when there is one.
_WATCHING: dict[int, tuple[weakref.ref, weakref.ref]] = {}


def clock(seconds: float | None) -> str:
    """m:ss after the breach, or '-'."""
    if seconds is None:
        return "-"
    s = int(round(seconds))
    return f"{s // 60}:{s % 60:02d}"


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
        mods = w.grid.module_id
        states = w.bodies.state
        first = not self.module_at_breach
        done = getattr(getattr(w, "crew", None), "surveyed", None)  # module name -> time inspected
        inspects = isinstance(done, dict)
        if inspects:
            for name, when in done.items():
                if name in w.grid.modules:
                    self.surveyed.setdefault(w.grid.modules.index(name), float(when))
        for p in w.people:
            cx, cy = p.cell
            inside = w.grid.in_bounds(cx, cy)
            mod = int(mods[cy, cx]) if inside else -1
            room = w.grid.room_at(cx, cy)
            in_medbay = room is not None and room.kind == "medbay"
            if first:
                self.module_at_breach[p.id] = mod
                if in_medbay:
                    self.already_safe.add(p.id)
            state = int(states[p.id])
            if state == DEAD:
                self.died_s.setdefault(p.id, t)
                continue
            if (
                in_medbay
                and p.id not in self.already_safe
                and (self.module_at_breach.get(p.id) in self.breached_modules or p.name in self.targets)
            ):
                self.rescued_s.setdefault(p.id, t)  # brought in: not a responder who walked in
            if mod >= 0 and mod not in self.breached_modules:
                self.out_s.setdefault(p.id, t)
            if not inspects and state < UNCONSCIOUS and mod >= 0 and mod != self.module_at_breach.get(p.id, mod):
                self.surveyed.setdefault(mod, t)  # no inspection in this sim: a visit counts
        for d in w.doors:
            if d.state == "sealed":
                self.sealed_s.setdefault(d.id, t)
        for ev in w.events[-64:]:  # inspections the crew report, if the sim has them
            mod_name = getattr(ev, "module", None)
            if (
                isinstance(mod_name, str)
                and ("Inspect" in ev.kind or "Survey" in ev.kind)
                and mod_name in w.grid.modules
            ):
                self.surveyed.setdefault(w.grid.modules.index(mod_name), ev.time_s)

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


@dataclass
class ObjectiveScore:
    kind: str
    description: str
    weight: float
    fraction: float  # 0..1 of this objective achieved
    points: float
    max_points: float
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "description": self.description,
            "weight": self.weight,
            "fraction": round(self.fraction, 4),
            "points": round(self.points, 2),
            "max_points": round(self.max_points, 2),
            "detail": self.detail,
        }


@dataclass
class Score:
    total: float  # out of 100
    objectives: list[ObjectiveScore]
    time_s: float
    rescue_times_s: dict[str, float | None]  # named rescue targets: seconds after the breach
    alive: int
    dead: int
    people: list[dict[str, Any]]

    @property
    def max(self) -> int:
        return 100

    @property
    def grade(self) -> str:
        for cut, g in ((90, "A"), (75, "B"), (60, "C"), (40, "D")):
            if self.total >= cut:
                return g
        return "F"

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": round(self.total, 2),
            "max": 100,
            "grade": self.grade,
            "time_s": round(self.time_s, 3),
            "alive": self.alive,
            "dead": self.dead,
            "objectives": [o.to_dict() for o in self.objectives],
            "rescue_times_s": {k: (round(v, 1) if v is not None else None) for k, v in self.rescue_times_s.items()},
        }

    def lines(self) -> list[str]:
        """The breakdown as text, one objective a line."""
        out = [f"Score {self.total:.1f} / 100 ({self.grade})"]
        for o in self.objectives:
            out.append(f"  {o.points:5.1f} / {o.max_points:4.1f}  {o.description or o.kind}: {o.detail}")
        return out


def watching(world: World) -> Tracker | None:
    """The tracker that has been watching this world, if any."""
    entry = _WATCHING.get(id(world))
    if entry is None or entry[0]() is not world:
        return None
    return entry[1]()


def _people(w: World, names: tuple[str, ...], default: list[int]) -> list[int]:
    if not names:
        return default
    ids = [p.id for p in w.people if p.name in names]
    return ids


def _since(tr: Tracker, t: float | None) -> float | None:
    if t is None or tr.breach_s is None:
        return None
    return t - tr.breach_s


def _on_time(tr: Tracker, t: float | None, within_s: float | None) -> bool:
    return within_s is None or (t is not None and tr.breach_s is not None and t - tr.breach_s <= within_s + 1e-9)


def _names(w: World, ids: list[int], limit: int = 4) -> str:
    names = [w.people[i].name for i in ids]
    return ", ".join(names[:limit]) + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _objective(w: World, tr: Tracker, ob: ObjectiveDef) -> tuple[float, str]:
    """(fraction achieved, why) for one objective."""
    state = w.bodies.state
    everyone = [p.id for p in w.people]
    at_risk = [i for i, m in tr.module_at_breach.items() if m in tr.breached_modules] if tr.breach_s is not None else []
    if ob.kind == "survive":
        ids = _people(w, ob.people, everyone)
        if not ids:
            return 1.0, "nobody to keep alive"
        alive = [i for i in ids if state[i] != DEAD]
        dead = [i for i in ids if state[i] == DEAD]
        text = f"{len(alive)} of {len(ids)} alive"
        if dead:
            text += f"; died: {_names(w, dead)}"
        return len(alive) / len(ids), text
    if ob.kind == "injury":
        ids = _people(w, ob.people, everyone)
        if not ids:
            return 1.0, "nobody to protect"
        credit = [0.0 if state[i] == DEAD else INJURY_CREDIT[int(w.bodies.injury[i])] for i in ids]
        grades = [INJURY_NAMES[int(w.bodies.injury[i])] for i in ids if state[i] != DEAD and w.bodies.injury[i] > 0]
        text = (
            "no hypoxic injuries"
            if not grades
            else "injured: " + ", ".join(f"{grades.count(g)} {g}" for g in INJURY_NAMES[1:] if g in grades)
        )
        dead = sum(1 for i in ids if state[i] == DEAD)
        if dead:
            text += f"; {dead} dead"
        return float(np.mean(credit)), text
    if ob.kind == "rescue":
        ids = _people(w, ob.people, at_risk)
        if not ids:
            return 1.0, "nobody needed rescuing"
        got = 0.0
        parts = []
        for i in ids:
            name = w.people[i].name.split()[-1]
            t = tr.rescued_s.get(i)
            if state[i] == DEAD:
                parts.append(f"{name} died" + (f" at {clock(_since(tr, tr.died_s.get(i)))}" if i in tr.died_s else ""))
            elif t is not None:
                late = not _on_time(tr, t, ob.within_s)
                got += LATE_CREDIT if late else 1.0
                parts.append(f"{name} in at {clock(_since(tr, t))}" + (" (late)" if late else ""))
            else:
                parts.append(f"{name} not reached ({STATE_NAMES[int(state[i])]})")
        n_in = sum(1 for i in ids if i in tr.rescued_s and state[i] != DEAD)
        return got / len(ids), f"{n_in} of {len(ids)} in the medical bay: " + "; ".join(parts)
    if ob.kind == "evacuate":
        ids = _people(w, ob.people, at_risk)
        if not ids:
            return 1.0, "nobody to evacuate"
        got = 0.0
        out = 0
        for i in ids:
            p = w.people[i]
            mod = int(w.grid.module_id[p.cell[1], p.cell[0]]) if w.grid.in_bounds(*p.cell) else -1
            if state[i] != DEAD and mod >= 0 and mod not in tr.breached_modules and i in tr.out_s:
                out += 1
                got += 1.0 if _on_time(tr, tr.out_s[i], ob.within_s) else LATE_CREDIT
        return got / len(ids), f"{out} of {len(ids)} out of the breached module alive"
    if ob.kind == "seal":
        if tr.breach_s is None:
            return 1.0, "no breach, nothing to seal"
        doors = tr.boundary_doors
        if not doors:
            return 0.0, "the breached module has no bulkheads to seal"
        on_time = [d for d in doors if d in tr.sealed_s and _on_time(tr, tr.sealed_s[d], ob.within_s)]
        late = [d for d in doors if d in tr.sealed_s and d not in on_time]
        frac = (len(on_time) + LATE_CREDIT * len(late)) / len(doors)
        text = f"{len(on_time)} of {len(doors)} bulkheads and hatches sealed"
        if ob.within_s is not None:
            text += f" within {clock(ob.within_s)}"
        if late:
            text += f", {len(late)} late"
        return frac, text
    if ob.kind == "survey":
        mods = [m for m in range(len(w.grid.modules)) if m not in tr.breached_modules] or list(
            range(len(w.grid.modules))
        )
        if not mods:
            return 1.0, "no modules to survey"
        done = [m for m in mods if m in tr.surveyed and _on_time(tr, tr.surveyed[m], ob.within_s)]
        missing = [w.grid.modules[m] for m in mods if m not in done]
        text = f"{len(done)} of {len(mods)} other modules looked over"
        if missing:
            text += f" (not: {', '.join(missing[:4])})"
        return len(done) / len(mods), text
    if ob.kind == "conserve_o2":
        start = tr.reserve_start_kg
        if start <= 0:
            return 1.0, "no emergency reserve"
        left = max(0.0, float(w.atmos.reserve_o2_kg))
        return min(1.0, left / start), f"{left:.1f} of {start:.1f} kg of the O2 reserve left"
    return 0.0, f"objective kind '{ob.kind}' is not scored by this version"


def score(world: World, tracker: Tracker | None = None) -> Score:
    """The run's score now: each objective's share of 100, by weight."""
    if tracker is None:
        tracker = watching(world) or Tracker.from_history(world)
    tracker.observe(force=True)
    objectives = world.level.objectives or DEFAULT_OBJECTIVES
    total_w = sum(max(0.0, o.weight) for o in objectives) or 1.0
    out: list[ObjectiveScore] = []
    for ob in objectives:
        frac, detail = _objective(world, tracker, ob)
        frac = float(min(1.0, max(0.0, frac)))
        max_pts = 100.0 * max(0.0, ob.weight) / total_w
        out.append(ObjectiveScore(ob.kind, ob.description, ob.weight, frac, frac * max_pts, max_pts, detail))
    rescue_names: dict[str, float | None] = {}
    for ob in objectives:
        if ob.kind == "rescue":
            for p in world.people:
                if p.name in ob.people or (
                    not ob.people and tracker.module_at_breach.get(p.id) in tracker.breached_modules
                ):
                    alive = world.bodies.state[p.id] != DEAD
                    rescue_names[p.name] = _since(tracker, tracker.rescued_s.get(p.id)) if alive else None
    state = world.bodies.state
    people = [
        {
            "name": p.name,
            "state": STATE_NAMES[int(state[p.id])],
            "injury": INJURY_NAMES[int(world.bodies.injury[p.id])],
            "rescued_s": _since(tracker, tracker.rescued_s.get(p.id)),
            "died_s": _since(tracker, tracker.died_s.get(p.id)),
        }
        for p in world.people
    ]
    dead = int(np.count_nonzero(state == DEAD))
    return Score(
        total=sum(o.points for o in out),
        objectives=out,
        time_s=world.time_s,
        rescue_times_s=rescue_names,
        alive=len(world.people) - dead,
        dead=dead,
        people=people,
    )
