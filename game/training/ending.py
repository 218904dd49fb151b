"""When an exercise is over: one rule for the play scene, batches and calibration.

Over when the clock runs out, or when every objective is decided and nobody
alive is still at risk (breathing air that is, or at its current rate will
become, hypoxic: the at-risk cards' test). Never while an objective can still
be won, and never before the breach: a level without objectives ends only on
its clock (or by the player).
"""

from __future__ import annotations

from game.sim.prediction import at_risk
from game.sim.world import World
from game.training.objectives import kind_of
from game.training.tracker import Tracker

TIME_UP = "time"
SETTLED = "settled"


def over(world: World, tracker: Tracker) -> str | None:
    """Why the exercise is over (TIME_UP or SETTLED), or None while it goes on."""
    if world.time_s >= world.level.meta.time_limit_s:
        return TIME_UP
    if world.breach_time_s is None:
        return None
    objectives = world.level.objectives
    if not objectives:
        return None
    if not all(kind_of(o).is_decided(world, tracker, o) for o in objectives):
        return None
    if at_risk(world).any():
        return None
    return SETTLED
