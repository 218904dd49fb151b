"""Running a level unattended: with the crew autopilot in charge, or with
nobody giving orders (a baseline).

Batch runs and the report's "what the autopilot did on the same seed" both
come from here, so they agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from game.sim import commands as C
from game.sim.level import Level
from game.sim.world import TICK_S, World, create_world, state_hash, step
from game.training.ending import over
from game.training.scoring import Score, score
from game.training.tracker import Tracker


@dataclass
class UnattendedRun:
    world: World
    tracker: Tracker
    score: Score
    autopilot: bool


def run_unattended(
    level: Level,
    seed: int,
    until_s: float,
    autopilot: bool = True,
    each_tick: Callable[[World], None] | None = None,
    to_the_end: bool = True,
) -> UnattendedRun:
    """Run `level` from tick 0 with the autopilot in charge, or with nobody giving orders,
    until `until_s` or, with `to_the_end`, until the exercise is over as a player's would be
    (game.training.ending): a batch row is a whole game, not a fixed stretch of clock."""
    world = create_world(level, seed)
    tracker = Tracker(world)
    if autopilot:
        world.submit(C.SetAutopilot(on=True))
    target = round(until_s / TICK_S)
    while world.tick < target:
        step(world)
        tracker.observe()
        if each_tick is not None:
            each_tick(world)
        if to_the_end and over(world, tracker) is not None:
            break
    return UnattendedRun(world, tracker, score(world, tracker), autopilot)


def final_hash(run: UnattendedRun) -> str:
    return state_hash(run.world)
