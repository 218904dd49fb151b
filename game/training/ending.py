"""When an exercise is over: one rule for the play scene, batches and calibration.

Over when the clock runs out, or when every objective is decided and nobody
alive is still at risk (breathing air that is, or at its current rate will
become, hypoxic: the at-risk cards' test). Never while an objective can still
be won, and never before the breach: a level without objectives ends only on
its clock (or by the player).
"""

from __future__ import annotations

from game.sim.physiology import DEAD
from game.sim.prediction import at_risk
from game.sim.world import World
from game.training.objectives import kind_of, named
from game.training.scoring import Score
from game.training.tracker import Tracker

TIME_UP = "time"
SETTLED = "settled"
PASS_SCORE = 60.0  # a won exercise counts as a success with at least this (grade C)
_OPEN = "objective"  # the tracker's hint: the index of the objective undecided when last asked


def over(world: World, tracker: Tracker) -> str | None:
    """Why the exercise is over (TIME_UP or SETTLED), or None while it goes on."""
    if world.time_s >= world.level.meta.time_limit_s:
        return TIME_UP
    if world.breach_time_s is None:
        return None
    objectives = world.level.objectives
    if not objectives:
        return None
    # The objective undecided when last asked is asked first: most ticks that one
    # question answers, and a conjunction of pure looks does not care about order.
    last = tracker.open_on.get(_OPEN)
    if last is not None and last < len(objectives) and not kind_of(objectives[last]).is_decided(
            world, tracker, objectives[last]):
        return None
    for k, o in enumerate(objectives):
        if not kind_of(o).is_decided(world, tracker, o):
            tracker.open_on[_OPEN] = k
            return None
    if at_risk(world).any():
        return None
    return SETTLED


def waiting_on(world: World) -> list[tuple[int, object]]:
    """(person, their objective kind's settled rule) for everyone an objective waits on."""
    return [
        (i, kind.settled)
        for o in world.level.objectives
        if (kind := kind_of(o)).settled is not None
        for i in named(world, o)
    ]


def won(world: World, tracker: Tracker) -> bool:
    """Nobody died, and everyone an objective waits on was brought to safety."""
    return (not bool((world.bodies.state == DEAD).any())
            and all(settled(world, tracker, i) for i, settled in waiting_on(world)))


def succeeded(world: World, tracker: Tracker, score: Score) -> bool:
    """What a difficulty figure counts: won, with a passing score."""
    return won(world, tracker) and score.total >= PASS_SCORE
