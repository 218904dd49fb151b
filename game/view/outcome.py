"""When a scenario is over, and the figures its debrief shows.

The level's objectives say what matters (rescue these people, nobody dies,
evacuate, seal); this reads the world against them. The exercise ends when
the time limit is reached, or when every person an objective names is
settled (delivered to the medical bay, out of the breached module, or dead)
and nobody left alive is still breathing bad air. A score comes from
`game.training` when it offers one; otherwise the debrief shows the
survival, injury and time figures computed here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from game.sim import events as ev
from game.sim.physiology import DEAD, INJURY_NAMES, STATE_NAMES
from game.sim.tiles import Tile

if TYPE_CHECKING:
    from game.sim.world import World


def in_medbay(world: "World", person_id: int) -> bool:
    p = world.people[person_id]
    room = world.grid.room_at(*p.cell)
    return room is not None and room.kind == "medbay"


def delivered(world: "World", person_id: int) -> bool:
    """Brought to the medical bay alive (the sim's own record if it keeps one)."""
    p = world.people[person_id]
    if int(world.bodies.state[person_id]) == DEAD:
        return False
    mark = getattr(p, "delivered_s", None)
    if mark is not None:
        return True
    return in_medbay(world, person_id)


def breathing_safely(world: "World", person_id: int) -> bool:
    """In a compartment outside any breached module, or on their own air."""
    p = world.people[person_id]
    if p.suited or p.respirator_on:
        return True
    i = world.compartments.index_at(*p.cell)
    if i < 0:
        return False
    in_breached = world.atmos.in_breached
    return not (i < len(in_breached) and bool(in_breached[i]))


def _names_to_ids(world: "World", names) -> list[int]:
    ids = []
    for n in names:
        p = world.person_by_name(n)
        if p is not None:
            ids.append(p.id)
    return ids


def seal_done(world: "World") -> bool:
    """Every bulkhead and hatch that borders a breached module's air is sealed (or jammed shut)."""
    a = world.atmos
    if not world.breaches:
        return False
    lab = world.compartments.labels
    h, w = lab.shape
    breached = set(np.nonzero(a.in_breached)[0].tolist()) if a.in_breached.size else set()
    bounding = 0
    for d in world.doors:
        if d.kind == Tile.DOOR:
            continue
        touches = False
        for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            x, y = d.x + dx, d.y + dy
            if 0 <= x < w and 0 <= y < h and lab[y, x] - 1 in breached:
                touches = True
        if touches:
            bounding += 1
            if d.state not in ("sealed", "jammed"):
                return False
    return bounding > 0  # a module with no bulkheads cannot be sealed


@dataclass
class Objective:
    kind: str
    description: str
    status: str  # "done", "failed", "open", "not tracked"
    detail: str = ""


@dataclass
class PersonLine:
    id: int
    name: str
    role: str
    state: str
    injury: str
    lowest_spo2: float
    delivered_s: float | None
    target: bool  # named by a rescue objective


@dataclass
class Debrief:
    level_name: str
    headline: str
    won: bool
    reason: str
    time_s: float  # since the breach
    alive: int
    total: int
    dead: int
    injured: int
    rescued_s: list[tuple[str, float | None]]
    objectives: list[Objective]
    people: list[PersonLine]
    o2_used_kg: float
    o2_left_kg: float
    sealed_s: float | None
    score: Any = None
    figures: list[tuple[str, str]] = field(default_factory=list)
    sealed_text: str | None = None  # "2 of 3" when only some of the module's bulkheads were sealed


class Watch:
    """Follows a running world for the debrief: lowest saturation, delivery and sealing times."""

    def __init__(self, world: "World") -> None:
        n = len(world.people)
        self.lowest_spo2 = np.ones(n)
        self.delivered_s: dict[int, float] = {}
        self.sealed_s: float | None = None
        self.reserve_start_kg = float(world.level.life_support.reserve_o2_kg)
        self._tick = -1
        self.tracker = training_tracker(world)  # game.training's own watcher, when it has one
        lvl = world.level
        self.targets = sorted({i for o in lvl.objectives if o.kind == "rescue" for i in _names_to_ids(world, o.people)})
        self.evacuees = sorted({i for o in lvl.objectives if o.kind == "evacuate" for i in _names_to_ids(world, o.people)})

    def update(self, world: "World") -> None:
        if world.tick == self._tick:
            return
        self._tick = world.tick
        if self.tracker is not None:
            try:
                self.tracker.observe()
            except Exception:  # a scorer in trouble must not stop the game
                self.tracker = None
        if len(world.people) == self.lowest_spo2.size:
            np.minimum(self.lowest_spo2, world.bodies.spo2, out=self.lowest_spo2)
        for i in self.targets:
            if i not in self.delivered_s and delivered(world, i):
                mark = getattr(world.people[i], "delivered_s", None)
                self.delivered_s[i] = float(mark) if mark is not None else world.time_s
        if self.sealed_s is None and world.breaches and world.tick % 10 == 0 and seal_done(world):
            self.sealed_s = world.time_s

    def since_breach(self, world: "World", t: float | None) -> float | None:
        if t is None:
            return None
        return t - (world.breach_time_s or 0.0)

    # ----------------------------------------------------------------- end
    def finished(self, world: "World", trends=None) -> str | None:
        """Why the exercise is over, or None while it goes on.

        Over when the clock runs out, or when everyone an objective names is
        settled and nobody alive is still at risk (breathing air that is, or
        at its current rate will become, hypoxic: the same test as the
        at-risk cards).
        """
        if world.time_s >= world.level.meta.time_limit_s:
            return "time"
        if world.breach_time_s is None:
            return None
        named = self.targets + self.evacuees
        if not named:
            return None  # nothing to settle: only the clock ends it
        states = world.bodies.state
        for i in self.targets:
            if int(states[i]) != DEAD and i not in self.delivered_s:
                return None
        for i in self.evacuees:
            if int(states[i]) != DEAD and not breathing_safely(world, i):
                return None
        from game.view.countdowns import at_risk

        if at_risk(world, trends).any():
            return None
        return "settled"

    # -------------------------------------------------------------- debrief
    def debrief(self, world: "World", reason: str) -> Debrief:
        b = world.bodies
        states = [STATE_NAMES[int(s)] for s in b.state]
        dead = sum(1 for s in states if s == "dead")
        injured = int(((b.injury > 0) & (b.state != DEAD)).sum())
        people = []
        for p in world.people:
            people.append(PersonLine(
                p.id, p.name, p.role, states[p.id], INJURY_NAMES[int(b.injury[p.id])],
                float(self.lowest_spo2[p.id]) if p.id < self.lowest_spo2.size else float(b.spo2[p.id]),
                self.since_breach(world, self.delivered_s.get(p.id)), p.id in self.targets,
            ))
        objectives = [self._objective(world, o) for o in world.level.objectives]
        targets_ok = all(i in self.delivered_s and int(b.state[i]) != DEAD for i in self.targets)
        won = dead == 0 and targets_ok and all(o.status != "failed" for o in objectives if o.kind in ("rescue", "survive", "evacuate"))
        if won:
            headline = "RESCUE COMPLETE" if self.targets else "EXERCISE COMPLETE"
        elif reason == "time":
            headline = "TIME IS UP"
        elif reason == "abandoned":
            headline = "EXERCISE ENDED"
        else:
            headline = "CASUALTIES"
        t_end = world.time_s - (world.breach_time_s or 0.0)
        d = Debrief(
            level_name=world.level.meta.name,
            headline=headline,
            won=won,
            reason=reason,
            time_s=t_end,
            alive=len(states) - dead,
            total=len(states),
            dead=dead,
            injured=injured,
            rescued_s=[(world.people[i].name, self.since_breach(world, self.delivered_s.get(i))) for i in self.targets],
            objectives=objectives,
            people=people,
            o2_used_kg=max(0.0, self.reserve_start_kg - world.atmos.reserve_o2_kg),
            o2_left_kg=world.atmos.reserve_o2_kg,
            sealed_s=self.since_breach(world, self.sealed_s),
        )
        d.score = training_score(world, self.tracker)
        boundary = getattr(self.tracker, "boundary_doors", None)
        sealed = getattr(self.tracker, "sealed_s", None)
        if boundary and isinstance(sealed, dict):  # the scorer's own record of which bulkheads were dogged, and when
            done = [sealed[k] for k in boundary if k in sealed]
            if len(done) == len(boundary):
                d.sealed_s = self.since_breach(world, max(done))
            else:
                d.sealed_s = None
                d.sealed_text = f"{len(done)} of {len(boundary)}"
        return d

    def _objective(self, world: "World", o) -> Objective:
        b = world.bodies
        if o.kind == "rescue":
            ids = _names_to_ids(world, o.people)
            done = [i for i in ids if i in self.delivered_s and int(b.state[i]) != DEAD]
            lost = [i for i in ids if int(b.state[i]) == DEAD]
            status = "done" if len(done) == len(ids) else ("failed" if lost else "open")
            return Objective(o.kind, o.description, status, f"{len(done)} of {len(ids)} delivered alive")
        if o.kind == "survive":
            dead = int((b.state == DEAD).sum())
            return Objective(o.kind, o.description, "failed" if dead else "done", f"{dead} dead")
        if o.kind == "evacuate":
            ids = _names_to_ids(world, o.people)
            safe = [i for i in ids if int(b.state[i]) != DEAD and breathing_safely(world, i)]
            lost = [i for i in ids if int(b.state[i]) == DEAD]
            status = "done" if len(safe) == len(ids) else ("failed" if lost else "open")
            return Objective(o.kind, o.description, status, f"{len(safe)} of {len(ids)} out")
        if o.kind == "seal":
            t = self.since_breach(world, self.sealed_s)
            if t is None:
                return Objective(o.kind, o.description, "open", "not sealed")
            late = o.within_s is not None and t > o.within_s
            return Objective(o.kind, o.description, "failed" if late else "done", f"sealed at T+{int(t) // 60:02d}:{int(t) % 60:02d}")
        if o.kind == "conserve_o2":
            left = world.atmos.reserve_o2_kg
            return Objective(o.kind, o.description, "done" if left > 0 else "failed", f"{left:.1f} kg left")
        return Objective(o.kind, o.description, "not tracked", "")


def _scoring():
    try:
        from game.training import scoring
    except Exception:  # not there (yet), or broken: the debrief shows its own figures
        return None
    return scoring


def training_tracker(world: "World") -> Any:
    """game.training's live watcher for this world (rescue and seal times), or None."""
    scoring = _scoring()
    tracker_cls = getattr(scoring, "Tracker", None) if scoring else None
    if tracker_cls is None:
        return None
    try:
        return tracker_cls(world)
    except Exception:
        return None


def training_score(world: "World", tracker: Any = None) -> Any:
    """The score from game.training (total out of 100 with a line per objective), or None."""
    scoring = _scoring()
    fn = getattr(scoring, "score", None) if scoring else None
    if not callable(fn):
        return None
    try:
        return fn(world, tracker) if tracker is not None else fn(world)
    except Exception:
        return None


def critical_events(events: list[ev.Event]) -> list[ev.Event]:
    """The events that auto-pause the game (when the setting is on)."""
    out = []
    for e in events:
        if isinstance(e, ev.BreachOpened):
            out.append(e)
        elif isinstance(e, ev.PersonStateChanged) and e.state in ("unconscious", "dead"):
            out.append(e)
        elif isinstance(e, ev.O2ReserveExhausted) or e.kind in ("EquipmentFailed", "ConditionWorsened"):
            out.append(e)
    return out
