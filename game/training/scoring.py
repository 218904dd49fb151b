"""Scoring an exercise against its level's objectives and weights.

`score` turns a run's tracker (game.training.tracker) and final world into
points out of 100, with a line per objective saying why. Each objective is
judged by its kind's entry in game.training.objectives; this only weighs them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from game.sim.level import ObjectiveDef
from game.sim.physiology import DEAD, INJURY_NAMES, STATE_NAMES
from game.training.objectives import kind_of, rescue_targets, since
from game.training.tracker import Tracker, watching

if TYPE_CHECKING:
    from game.sim.world import World

DEFAULT_OBJECTIVES = (ObjectiveDef("survive", "Nobody dies (the level declares no objectives)", 1.0),)


@dataclass
class ObjectiveScore:
    kind: str
    description: str
    weight: float
    fraction: float  # 0..1 of this objective achieved
    points: float
    max_points: float
    detail: str

    @property
    def status(self) -> str:
        """'done', 'partly' or 'not done': how the debrief and the instructor colour the row."""
        if self.fraction >= 0.999:
            return "done"
        return "not done" if self.fraction <= 0.001 else "partly"

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


def score(world: World, tracker: Tracker | None = None) -> Score:
    """The run's score now: each objective's share of 100, by weight."""
    if tracker is None:
        tracker = watching(world) or Tracker.from_history(world)
    tracker.observe(force=True)
    objectives = world.level.objectives or DEFAULT_OBJECTIVES
    # Weights are relative: each is taken as a share of the largest first, so the sum
    # stays between 1 and the number of objectives and cannot overflow to infinity
    # (two weights of 1e308 made every score NaN).
    top_w = max(max(0.0, o.weight) for o in objectives) or 1.0
    shares = [max(0.0, o.weight) / top_w for o in objectives]
    total_w = sum(shares) or 1.0
    out: list[ObjectiveScore] = []
    for ob, share in zip(objectives, shares):
        frac, detail = kind_of(ob).score(world, tracker, ob)
        frac = float(min(1.0, max(0.0, frac))) if math.isfinite(frac) else 0.0
        max_pts = 100.0 * share / total_w
        out.append(ObjectiveScore(ob.kind, ob.description, ob.weight, frac, frac * max_pts, max_pts, detail))
    rescue_names: dict[str, float | None] = {}
    for ob in objectives:
        if ob.kind == "rescue":  # the figure the debrief and the report show beside the score
            for i in sorted(rescue_targets(world, tracker, ob)):
                alive = world.bodies.state[i] != DEAD
                rescue_names[world.people[i].name] = since(tracker, tracker.rescued_s.get(i)) if alive else None
    state = world.bodies.state
    people = [
        {
            "name": p.name,
            "state": STATE_NAMES[int(state[p.id])],
            "injury": INJURY_NAMES[int(world.bodies.injury[p.id])],
            "rescued_s": since(tracker, tracker.rescued_s.get(p.id)),
            "died_s": since(tracker, tracker.died_s.get(p.id)),
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
