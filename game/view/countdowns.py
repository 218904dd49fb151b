"""Countdowns for people in danger: time to unconsciousness and to death at the current rate.

"At the current rate" is the coordinator's sense of it: if each person's
compartment keeps losing pressure and oxygen at the rate it is losing them
now (an exponential blowdown fitted to the last few seconds; a compartment
holding steady stays as it is), and each keeps breathing the way they do
(room air, a respirator or a suit). The answer comes from the sim's own
physiology run forward on a copy of the endangered people's bodies, so the
dose and injury they already carry count. `physiology.time_to_*` answers a
different question (constant air, from a healthy start): in a room at 0.8
bar that is falling, it says "never".

That projection costs about 0.1 ms a step, so it is never done in one
frame: it is set up in one frame, advances a few steps per frame
(`STEPS_PER_FRAME`) after that and publishes when done, about a second of
real time at 60 FPS (the play scene gives it the frames that run no sim
tick); between results, the published figures count down with the clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from game.sim import physiology as ph
from game.sim.atmosphere import breathing_conditions

if TYPE_CHECKING:
    from game.sim.world import World

HORIZON_S = 1800.0  # further than this is "not within the exercise": shown as --
STEPS_PER_FRAME = 7
REFRESH_S = 1.0  # simulated seconds between projections
SAFE_SPO2 = 0.9
TREND_WINDOW_S = 8.0  # the "current rate" is measured over this much simulated time
MIN_RATE_PER_S = 1e-5  # slower decay than this is a steady room
# A new projection may move a countdown by the time that passed plus this share of
# it, unless the person's air changed (another room, a respirator): the figures a
# player reads then count down steadily instead of swinging with the fitted rate.
STEADY_SHARE = 0.10


def step_dt(t: float) -> float:
    """Finer steps early, where the countdown is short and read closely (about 260 steps in all)."""
    return 3.0 if t < 300.0 else (6.0 if t < 900.0 else 15.0)


def supplies(world: "World") -> np.ndarray:
    return np.fromiter((p.supply for p in world.people), dtype=np.int8, count=len(world.people))


class Trends:
    """Each compartment's pressure and O2 partial pressure over the last few seconds,
    as decay rates (1/s): p(t) = p_now * exp(-rate * t). Reset when the topology changes."""

    def __init__(self) -> None:
        self._key: object = None
        self._samples: list[tuple[float, np.ndarray, np.ndarray]] = []

    def sample(self, world: "World") -> None:
        c = world.compartments
        key = (id(world), id(c.labels), c.count)
        if key != self._key:
            self._key = key
            self._samples = []
        t = world.time_s
        if self._samples and t <= self._samples[-1][0]:
            return
        self._samples.append((t, c.pressure_bar.copy(), c.ppo2_bar.copy()))
        while len(self._samples) > 2 and t - self._samples[1][0] >= TREND_WINDOW_S:
            self._samples.pop(0)

    def rates(self, world: "World") -> tuple[np.ndarray, np.ndarray]:
        """(pressure decay, O2 decay) per compartment, 1/s, never negative."""
        n = world.compartments.count
        if len(self._samples) < 2:
            return np.zeros(n), np.zeros(n)
        t0, p0, o0 = self._samples[0]
        t1, p1, o1 = self._samples[-1]
        if p0.shape != (n,) or t1 <= t0:
            return np.zeros(n), np.zeros(n)
        with np.errstate(divide="ignore", invalid="ignore"):
            kp = np.log(np.maximum(p0, 1e-9) / np.maximum(p1, 1e-9)) / (t1 - t0)
            ko = np.log(np.maximum(o0, 1e-9) / np.maximum(o1, 1e-9)) / (t1 - t0)
        kp = np.where(np.isfinite(kp) & (kp > MIN_RATE_PER_S), kp, 0.0)
        ko = np.where(np.isfinite(ko) & (ko > MIN_RATE_PER_S), ko, 0.0)
        return kp, ko

    def bar_per_min(self, world: "World") -> np.ndarray:
        """Pressure change per compartment in bar/min (negative when falling)."""
        n = world.compartments.count
        if len(self._samples) < 2:
            return np.zeros(n)
        t0, p0, _ = self._samples[0]
        t1, p1, _ = self._samples[-1]
        if p0.shape != (n,) or t1 <= t0:
            return np.zeros(n)
        return (p1 - p0) / (t1 - t0) * 60.0


def _person_conditions(world: "World", trends: Trends | None):
    """Per person: pressure, O2 fraction, and their compartment's decay rates (0 outside)."""
    pressure, frac = breathing_conditions(world)
    n = len(world.people)
    if trends is None:
        return pressure, frac, np.zeros(n), np.zeros(n)
    kp, ko = trends.rates(world)
    xs = np.fromiter((int(p.x) for p in world.people), dtype=np.intp, count=n)
    ys = np.fromiter((int(p.y) for p in world.people), dtype=np.intp, count=n)
    idx = world.compartments.labels[ys, xs] - 1
    kp_p = np.where(idx >= 0, np.append(kp, 0.0)[idx], 0.0)
    ko_p = np.where(idx >= 0, np.append(ko, 0.0)[idx], 0.0)
    return pressure, frac, kp_p, ko_p


def _air_at(pressure, frac, kp, ko, t: float):
    """Pressure and O2 fraction after t more seconds of the same decay."""
    p = pressure * np.exp(-kp * t)
    o2 = pressure * frac * np.exp(-ko * t)
    return p, np.divide(o2, p, out=np.zeros_like(p), where=p > 0)


def at_risk(world: "World", trends: Trends | None = None) -> np.ndarray:
    """Bool per person: alive, and breathing air that is (or at this rate will be)
    hypoxic within the horizon, or already affected."""
    n = len(world.people)
    if n == 0:
        return np.zeros(0, dtype=bool)
    return _at_risk(world, *_person_conditions(world, trends))


def _at_risk(world: "World", pressure, frac, kp, ko) -> np.ndarray:
    p_end, f_end = _air_at(pressure, frac, kp, ko, HORIZON_S)
    pio2 = ph.inspired_po2_mmhg(p_end, f_end, supplies(world))
    b = world.bodies
    alive = b.state != ph.DEAD
    affected = (b.state != ph.CONSCIOUS) | (b.spo2 < SAFE_SPO2)
    return alive & ((pio2 < ph.NO_DOSE_PIO2_MMHG) | affected)


def _schedule() -> tuple[np.ndarray, np.ndarray]:
    """Each projection step's length and the time at its end, from 0 to the horizon."""
    dts, t = [], 0.0
    while t < HORIZON_S:
        dts.append(step_dt(t))
        t += dts[-1]
    dt = np.array(dts)
    return dt, np.cumsum(dt)


def _air_keys(world: "World", ids: np.ndarray) -> np.ndarray:
    """For each person, their compartment and supply as one number: equal means the same air."""
    xs = np.fromiter((int(world.people[i].x) for i in ids), dtype=np.int64, count=ids.size)
    ys = np.fromiter((int(world.people[i].y) for i in ids), dtype=np.int64, count=ids.size)
    comp = world.compartments.labels[ys, xs].astype(np.int64)
    return comp * 16 + supplies(world)[ids].astype(np.int64)


def _steady(old: float, new: float) -> float:
    """`new` held within STEADY_SHARE of `old` (already counted down to the same moment)."""
    if not (math.isfinite(old) and math.isfinite(new)) or old <= 0.0:
        return new
    slack = STEADY_SHARE * old
    return min(max(new, old - slack), old + slack)


STEP_DT_S, STEP_END_S = _schedule()
STEP_MID_S = STEP_END_S - STEP_DT_S / 2


@dataclass
class _Job:
    ids: np.ndarray
    bodies: ph.Bodies
    pressure: np.ndarray  # [step, person] the air at each step's mid-point, worked out at the start
    frac: np.ndarray
    supply: np.ndarray
    started_s: float
    air: np.ndarray  # [person] what their air is: compartment and supply, packed in one number
    states: np.ndarray  # [step, person] body state at each step's end, filled as the job runs
    start_state: np.ndarray
    k: int = 0  # steps done

    def finished(self) -> bool:
        """At the horizon, or everyone projected is dead (the dead stay dead)."""
        now = self.states[self.k - 1] if self.k else self.start_state
        return self.k >= STEP_DT_S.size or bool(now.min() >= ph.DEAD)

    def times(self) -> tuple[np.ndarray, np.ndarray]:
        """(time to unconsciousness, time to death) per person: the end of the first step
        that found them so, 0 if they were already, inf if no step done so far did."""
        done = self.states[: self.k]
        out = []
        for level in (ph.UNCONSCIOUS, ph.DEAD):
            reached = done >= level
            hit = reached.any(axis=0)
            when = np.full(len(self.ids), math.inf)
            if hit.any():
                when[hit] = STEP_END_S[reached.argmax(axis=0)[hit]]
            out.append(np.where(self.start_state >= level, 0.0, when))
        return out[0], out[1]


class Countdowns:
    """Projected time to unconsciousness and death for each endangered person."""

    def __init__(self) -> None:
        self.trends = Trends()
        self._job: _Job | None = None
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
        self._last_start_s = world.time_s
        if not world.people:
            self._job = None
            self._publish({}, world.time_s)
            return
        pressure, frac, kp, ko = _person_conditions(world, self.trends)
        ids = np.nonzero(_at_risk(world, pressure, frac, kp, ko))[0]
        if ids.size == 0:
            self._job = None
            self._publish({}, world.time_s)
            return
        b = world.bodies
        copy = ph.Bodies(**{f: getattr(b, f)[ids].copy() for f in ("spo2", "dose", "injury_dose_s", "vacuum_s", "state", "injury")})
        # the air every step will breathe, all at once: a step is then just the body's own step
        p, f = _air_at(pressure[ids][None, :], frac[ids][None, :], kp[ids][None, :], ko[ids][None, :], STEP_MID_S[:, None])
        states = np.empty((STEP_DT_S.size, ids.size), dtype=copy.state.dtype)
        self._job = _Job(ids, copy, p, f, supplies(world)[ids], world.time_s, _air_keys(world, ids), states,
                         copy.state.copy())

    def _advance(self, steps: int) -> bool:
        """Run the current job for up to `steps` steps; True when it has finished."""
        job = self._job
        assert job is not None
        for _ in range(steps):
            if job.finished():
                return True
            k = job.k
            ph.step_bodies(job.bodies, job.pressure[k], job.frac[k], job.supply, float(STEP_DT_S[k]))
            job.states[k] = job.bodies.state
            job.k = k + 1
        return job.finished()

    def _publish(self, result: dict[int, tuple[float, float]], at_s: float,
                 air: dict[int, int] | None = None) -> None:
        air = air or {}
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
        if self._advance(steps):
            job = self._job
            ttu, ttd = job.times()
            self._publish({int(i): (float(u), float(d)) for i, u, d in zip(job.ids.tolist(), ttu.tolist(), ttd.tolist())},
                          job.started_s, dict(zip(job.ids.tolist(), job.air.tolist())))
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
