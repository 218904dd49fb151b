"""Running a level unattended: with the crew autopilot in charge when this build
has one, otherwise with nobody giving orders (a baseline).

Batch runs and the report's "what the autopilot did on the same seed" both
come from here, so they agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from game.sim import commands as C
from game.sim.level import Level
from game.sim.world import TICK_S, World, create_world, state_hash, step
from game.training.scoring import Score, score
from game.training.tracker import Tracker


def autopilot_available() -> bool:
    """Whether the simulation has an autopilot that a command can switch on."""
    return "SetAutopilot" in C.COMMAND_TYPES


def autopilot_on_command() -> C.Command | None:
    cls = C.COMMAND_TYPES.get("SetAutopilot")
    if cls is None:
        return None
    try:
        return cls(on=True)  # type: ignore[call-arg]
    except TypeError:
        return cls()


def driver_name(autopilot: bool) -> str:
    return "autopilot" if autopilot and autopilot_available() else "no orders"


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
) -> UnattendedRun:
    """Run `level` from tick 0 to `until_s` with the autopilot (if any) in charge."""
    world = create_world(level, seed)
    tracker = Tracker(world)
    use_ap = autopilot and autopilot_available()
    if use_ap:
        cmd = autopilot_on_command()
        if cmd is not None:
            world.submit(cmd)
    target = round(until_s / TICK_S)
    while world.tick < target:
        step(world)
        tracker.observe()
        if each_tick is not None:
            each_tick(world)
    return UnattendedRun(world, tracker, score(world, tracker), use_ap)


def final_hash(run: UnattendedRun) -> str:
    return state_hash(run.world)
