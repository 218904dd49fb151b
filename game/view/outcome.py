"""When a scenario is over, and the figures its debrief shows.

The level's objectives say what matters; their kinds (game.training.objectives)
judge them and game.training.scoring weighs them. This only watches the run for
the play scene: the exercise ends when the time limit is reached, or when every
objective is decided (by its kind's own rule: nothing the player does can change
its score any more) and nobody left alive is still breathing bad air; never
while an objective can still be won. `objective_rows` is the in-game tracker's
view of the same judgement. The debrief presents the score's rows and adds the
figures only a live watch sees (lowest saturations).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from game.sim import events as ev
from game.sim.physiology import DEAD, INJURY_NAMES, STATE_NAMES
from game.sim.tiles import Tile
from game.sim.words import duration
from game.training.objectives import kind_of, named
from game.training.scoring import ObjectiveScore, Score, score
from game.training import ending
from game.training.tracker import Tracker

if TYPE_CHECKING:
    from game.sim.world import World


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


@dataclass(frozen=True)
class ObjectiveRow:
    """One line of the objective tracker: how it stands now, and its deadline."""

    description: str
    fraction: float  # 0..1 achieved so far
    detail: str  # in words, from the objective kind's scorer
    decided: bool  # nothing can change it any more
    left_s: float | None  # seconds to its deadline (negative: passed); None if it has none or the clock has not started
    within_s: float | None

    @property
    def done(self) -> bool:
        return self.fraction >= 1.0 - 1e-9


def objective_rows(world: "World", tracker: Tracker) -> list[ObjectiveRow]:
    """Each objective of the level as it stands, judged by its kind (the score's own rule)."""
    rows = []
    for ob in world.level.objectives:
        kind = kind_of(ob)
        frac, detail = kind.score(world, tracker, ob)
        left = None
        if ob.within_s is not None and tracker.breach_s is not None:
            left = tracker.breach_s + ob.within_s - world.time_s
        rows.append(ObjectiveRow(ob.description or ob.kind, float(frac), detail, kind.is_decided(world, tracker, ob),
                                 left, ob.within_s))
    return rows


def doors_to_seal(world: "World", tracker: Tracker | None = None) -> list[str]:
    """The bulkheads and hatches a seal objective counts: those of the breached modules once
    the hull has gone, before that those of the modules the level's first breach will hole."""
    if tracker is not None and tracker.boundary_doors:
        return [world.doors[d].label for d in tracker.boundary_doors]
    grid = world.grid
    first = next((e for e in world.level.events if e.kind == "breach" and e.chance >= 1.0 and "at" in e.params), None)
    if first is None:
        return []
    bx, by = first.params["at"]
    holed = {int(grid.module_id[by + dy, bx + dx]) for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1))
             if grid.in_bounds(bx + dx, by + dy) and grid.module_id[by + dy, bx + dx] >= 0}
    out = []
    for d in world.doors:
        if d.kind not in (Tile.BULKHEAD, Tile.HATCH):
            continue
        if any(grid.in_bounds(d.x + dx, d.y + dy) and int(grid.module_id[d.y + dy, d.x + dx]) in holed
               for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1))):
            out.append(d.label)
    return out


def objective_brief(world: "World") -> list[str]:
    """Each objective for the briefing: what it asks, its deadline, and what counts."""
    out = []
    for ob in world.level.objectives:
        line = ob.description or ob.kind
        terms = []
        if ob.within_s is not None:
            terms.append(f"within {duration(ob.within_s)} of the breach")
        if ob.kind == "seal":
            doors = doors_to_seal(world)
            if doors:
                terms.append("counts: " + ", ".join(doors))
        if ob.people and ob.kind not in ("rescue",):
            terms.append("who: " + ", ".join(ob.people))
        out.append(line + (f" ({'; '.join(terms)})" if terms else ""))
    return out


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
    people: list[PersonLine]
    o2_used_kg: float
    o2_left_kg: float
    sealed_s: float | None
    score: Score
    sealed_text: str | None = None  # "2 of 3" when only some of the module's bulkheads were sealed

    @property
    def objectives(self) -> list[ObjectiveScore]:
        """One row per objective, as the score judged it."""
        return self.score.objectives


class Watch:
    """Follows a running world for the debrief: the score's tracker, and the lowest saturations."""

    def __init__(self, world: World) -> None:
        self.lowest_spo2 = np.ones(len(world.people))
        self.reserve_start_kg = float(world.level.life_support.reserve_o2_kg)
        self._tick = -1
        self.tracker = Tracker(world)
        lvl = world.level
        self.targets = sorted({i for o in lvl.objectives if o.kind == "rescue" for i in named(world, o)})

    def update(self, world: World) -> None:
        if world.tick == self._tick:
            return
        self._tick = world.tick
        self.tracker.observe()
        np.minimum(self.lowest_spo2, world.bodies.spo2, out=self.lowest_spo2)

    def since_breach(self, world: World, t: float | None) -> float | None:
        if t is None:
            return None
        return t - (world.breach_time_s or 0.0)

    # ----------------------------------------------------------------- end
    def finished(self, world: World, trends=None) -> str | None:
        """Why the exercise is over, or None while it goes on (game.training.ending's rule)."""
        return ending.over(world, self.tracker)

    # -------------------------------------------------------------- debrief
    def debrief(self, world: World, reason: str) -> Debrief:
        b = world.bodies
        sc = score(world, self.tracker)
        states = [STATE_NAMES[int(s)] for s in b.state]
        dead = sum(1 for s in states if s == "dead")
        injured = int(((b.injury > 0) & (b.state != DEAD)).sum())
        rescued = [p["rescued_s"] for p in sc.people]  # in world.people order
        people = [
            PersonLine(
                p.id, p.name, p.role, states[p.id], INJURY_NAMES[int(b.injury[p.id])],
                float(self.lowest_spo2[p.id]), rescued[p.id] if p.id in self.targets else None, p.id in self.targets,
            )
            for p in world.people
        ]
        won = ending.won(world, self.tracker)
        if won:
            headline = "RESCUE COMPLETE" if self.targets else "EXERCISE COMPLETE"
        elif reason == "time":
            headline = "TIME IS UP"
        elif reason == "abandoned":
            headline = "EXERCISE ENDED"
        else:
            headline = "CASUALTIES"
        d = Debrief(
            level_name=world.level.meta.name,
            headline=headline,
            won=won,
            reason=reason,
            time_s=world.time_s - (world.breach_time_s or 0.0),
            alive=len(states) - dead,
            total=len(states),
            dead=dead,
            injured=injured,
            rescued_s=[(world.people[i].name, rescued[i]) for i in self.targets],
            people=people,
            o2_used_kg=max(0.0, self.reserve_start_kg - world.atmos.reserve_o2_kg),
            o2_left_kg=world.atmos.reserve_o2_kg,
            sealed_s=None,
            score=sc,
        )
        boundary, sealed = self.tracker.boundary_doors, self.tracker.sealed_s
        if boundary:  # the tracker's record of which bulkheads were dogged, and when
            done = [sealed[k] for k in boundary if k in sealed]
            if len(done) == len(boundary):
                d.sealed_s = self.since_breach(world, max(done))
            else:
                d.sealed_text = f"{len(done)} of {len(boundary)}"
        return d


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
