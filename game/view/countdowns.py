"""Countdowns for people in danger: time to unconsciousness and to death at the current rate.

The prediction is the sim's (game.sim.prediction): the same air trend,
sampled on ticks, and the same projection of the body's physiology. The
autopilot's casualties show the very figure the autopilot ranks them by
(`prediction.time_left`); anyone else at risk (nobody is coordinating, or a
bystander the autopilot is not working for) is projected here with the
sim's `Projection` on the sim's trend.

That projection costs about 0.1 ms a step, so it is never done in one
frame: it is set up in one frame, advances a few steps per frame
(`STEPS_PER_FRAME`) after that and publishes when done, about a second of
real time at 60 FPS (the play scene gives it the frames that run no sim
tick); between results, the published figures count down with the clock.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from game.sim import prediction as pr

if TYPE_CHECKING:
    from game.sim.world import World

STEPS_PER_FRAME = 7
REFRESH_S = 1.0  # simulated seconds between projections
TREND_WINDOW_S = pr.TREND_WINDOW_S
# A new projection may move a countdown by the time that passed plus this share of
# it, unless the person's air changed (another room, a respirator): the figures a
# player reads then count down steadily instead of swinging with the fitted rate.
STEADY_SHARE = 0.10


class Trends:
    """Each compartment's pressure over the last few seconds, for the life-support
    panel's bar/min (the countdowns read the sim's own trend). Reset when the topology changes."""

    def __init__(self) -> None:
        self._key: object = None
        self._samples: list[tuple[float, np.ndarray]] = []

    def sample(self, world: "World") -> None:
        c = world.compartments
        key = (id(world), id(c.labels), c.count)
        if key != self._key:
            self._key = key
            self._samples = []
        t = world.time_s
        if self._samples and t <= self._samples[-1][0]:
            return
        self._samples.append((t, c.pressure_bar.copy()))
        while len(self._samples) > 2 and t - self._samples[1][0] >= TREND_WINDOW_S:
            self._samples.pop(0)

    def bar_per_min(self, world: "World") -> np.ndarray:
        """Pressure change per compartment in bar/min (negative when falling)."""
        n = world.compartments.count
        if len(self._samples) < 2:
            return np.zeros(n)
        t0, p0 = self._samples[0]
        t1, p1 = self._samples[-1]
        if p0.shape != (n,) or t1 <= t0:
            return np.zeros(n)
        return (p1 - p0) / (t1 - t0) * 60.0


def at_risk(world: "World") -> np.ndarray:
    """Bool per person: alive and in air that is (or at this rate will be) hypoxic, or already affected."""
    return pr.at_risk(world)


def _steady(old: float, new: float) -> float:
    """`new` held within STEADY_SHARE of `old` (already counted down to the same moment)."""
    if not (math.isfinite(old) and math.isfinite(new)) or old <= 0.0:
        return new
    slack = STEADY_SHARE * old
    return min(max(new, old - slack), old + slack)


class Countdowns:
    """Projected time to unconsciousness and death for each endangered person."""

    def __init__(self) -> None:
        self.trends = Trends()
        self._job: pr.Projection | None = None
        self._job_air: dict[int, int] = {}
        self._result: dict[int, tuple[float, float]] = {}
        self._result_at_s = 0.0
        self._air: dict[int, int] = {}  # person -> the air their published countdown was worked out for
        self._last_start_s = -math.inf
        self.projections = 0  # finished projections (tests read it)
        self._published = 0  # results published so far (finished or empty)
        self._endangered_key: tuple | None = None
        self._endangered: list[tuple[int, float, float]] = []

    # ------------------------------------------------------------ projecting
    def _start(self, world: "World") -> None:
        """Project everyone at risk whom the sim's forecast does not cover."""
        self._last_start_s = world.time_s
        risky = pr.at_risk(world)
        ids = [i for i in np.nonzero(risky)[0].tolist() if pr.time_left(world, i) is None]
        if not ids:
            self._job = None
            self._finish_with({}, world)
            return
        self._job = pr.Projection.start(world, ids)
        self._job_air = dict(zip(self._job.ids.tolist(), pr.air_keys(world, self._job.ids).tolist()))

    def _finish_with(self, own: dict[int, tuple[float, float]], world: "World") -> None:
        """Publish this projection with the sim's forecast for the autopilot's casualties at risk."""
        at_s = self._job.started_s if self._job is not None else world.time_s
        result, air = dict(own), dict(self._job_air if self._job is not None else {})
        risky = pr.at_risk(world)
        for pid in world.crew.air_trend.forecast:
            got = pr.time_left(world, pid)
            if got is not None and pid < risky.size and risky[pid]:
                gone = world.time_s - at_s  # counted back to the moment this result stands for
                result[pid] = (got[0] + gone, got[1] + gone)
                air[pid] = int(pr.air_keys(world, np.array([pid]))[0])
        self._publish(result, at_s, air)

    def _publish(self, result: dict[int, tuple[float, float]], at_s: float, air: dict[int, int]) -> None:
        for pid, new in list(result.items()):
            old = self.get(pid, at_s)
            if old is not None and self._air.get(pid) == air.get(pid):
                result[pid] = (_steady(old[0], new[0]), _steady(old[1], new[1]))
        self._result, self._result_at_s, self._air = result, at_s, air
        self._published += 1

    def update(self, world: "World", steps: int = STEPS_PER_FRAME) -> None:
        """Advance the projection a little; start a fresh one once a simulated second has passed."""
        self.trends.sample(world)
        if self._job is None:
            if world.time_s - self._last_start_s >= REFRESH_S or world.time_s < self._last_start_s:
                self._start(world)  # setting up is this frame's share; stepping starts next frame
            return
        if self._job.advance(steps):
            self._finish_with(self._job.times(), world)
            self._job = None
            self.projections += 1

    def finish(self, world: "World") -> None:
        """Run a whole projection now (tests, screenshots)."""
        self.trends.sample(world)
        self._start(world)
        while self._job is not None:
            self.update(world, 10_000)

    # --------------------------------------------------------------- reading
    def get(self, person_id: int, now_s: float) -> tuple[float, float] | None:
        """(seconds to unconsciousness, seconds to death) from now, or None if not at risk."""
        r = self._result.get(person_id)
        if r is None:
            return None
        gone = max(0.0, now_s - self._result_at_s)
        return max(0.0, r[0] - gone), max(0.0, r[1] - gone)

    def endangered(self, now_s: float) -> list[tuple[int, float, float]]:
        """(person, ttu, ttd) for everyone projected, soonest death first, then soonest blackout."""
        key = (self._published, now_s)  # asked every frame; changes once a tick
        if key == self._endangered_key:
            return list(self._endangered)
        out = []
        for pid in self._result:
            got = self.get(pid, now_s)
            if got is not None:
                out.append((pid, got[0], got[1]))
        out.sort(key=lambda r: (r[2], r[1], r[0]))
        self._endangered_key, self._endangered = key, out
        return list(out)
