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
frame: it advances a few steps per frame (`STEPS_PER_FRAME`) and publishes
when done, within a second of real time at 60 FPS; between results,
the published figures count down with the clock.
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
STEPS_PER_FRAME = 6
REFRESH_S = 1.0  # simulated seconds between projections
SAFE_SPO2 = 0.9
TREND_WINDOW_S = 8.0  # the "current rate" is measured over this much simulated time
MIN_RATE_PER_S = 1e-5  # slower decay than this is a steady room


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
    pressure, frac, kp, ko = _person_conditions(world, trends)
    p_end, f_end = _air_at(pressure, frac, kp, ko, HORIZON_S)
    pio2 = ph.inspired_po2_mmhg(p_end, f_end, supplies(world))
    b = world.bodies
    alive = b.state != ph.DEAD
    affected = (b.state != ph.CONSCIOUS) | (b.spo2 < SAFE_SPO2)
    return alive & ((pio2 < ph.NO_DOSE_PIO2_MMHG) | affected)


@dataclass
class _Job:
    ids: np.ndarray
    bodies: ph.Bodies
    pressure: np.ndarray
    frac: np.ndarray
    kp: np.ndarray
    ko: np.ndarray
    supply: np.ndarray
    started_s: float
    t: float = 0.0
    ttu: np.ndarray | None = None
    ttd: np.ndarray | None = None


class Countdowns:
    """Projected time to unconsciousness and death for each endangered person."""

    def __init__(self) -> None:
        self.trends = Trends()
        self._job: _Job | None = None
        self._result: dict[int, tuple[float, float]] = {}
        self._result_at_s = 0.0
        self._last_start_s = -math.inf
        self.projections = 0  # finished projections (tests read it)

    # ------------------------------------------------------------ projecting
    def _start(self, world: "World") -> None:
        risk = at_risk(world, self.trends)
        ids = np.nonzero(risk)[0]
        self._last_start_s = world.time_s
        if ids.size == 0:
            self._job = None
            self._result, self._result_at_s = {}, world.time_s
            return
        pressure, frac, kp, ko = _person_conditions(world, self.trends)
        b = world.bodies
        copy = ph.Bodies(**{f: getattr(b, f)[ids].copy() for f in ("spo2", "dose", "injury_dose_s", "vacuum_s", "state", "injury")})
        job = _Job(ids, copy, pressure[ids], frac[ids], kp[ids], ko[ids], supplies(world)[ids], world.time_s)
        job.ttu = np.where(copy.state >= ph.UNCONSCIOUS, 0.0, math.inf)
        job.ttd = np.where(copy.state >= ph.DEAD, 0.0, math.inf)
        self._job = job

    def _advance(self, steps: int) -> bool:
        """Run the current job for up to `steps` steps; True when it has finished."""
        job = self._job
        assert job is not None and job.ttu is not None and job.ttd is not None
        for _ in range(steps):
            open_ = ~np.isfinite(job.ttd)
            if not open_.any() or job.t >= HORIZON_S:
                return True
            dt = step_dt(job.t)
            p, f = _air_at(job.pressure, job.frac, job.kp, job.ko, job.t + dt / 2)  # the step's mid-point air
            ph.step_bodies(job.bodies, p, f, job.supply, dt)
            job.t += dt
            st = job.bodies.state
            job.ttu = np.where(~np.isfinite(job.ttu) & (st >= ph.UNCONSCIOUS), job.t, job.ttu)
            job.ttd = np.where(~np.isfinite(job.ttd) & (st >= ph.DEAD), job.t, job.ttd)
        return job.t >= HORIZON_S or bool(np.isfinite(job.ttd).all())

    def update(self, world: "World", steps: int = STEPS_PER_FRAME) -> None:
        """Advance the projection a little; start a fresh one once a simulated second has passed."""
        self.trends.sample(world)
        if self._job is None:
            if world.time_s - self._last_start_s >= REFRESH_S or world.time_s < self._last_start_s:
                self._start(world)
            if self._job is None:
                return
        if self._advance(steps):
            job = self._job
            self._result = {int(i): (float(u), float(d)) for i, u, d in zip(job.ids.tolist(), job.ttu.tolist(), job.ttd.tolist())}
            self._result_at_s = job.started_s
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
        out = []
        for pid in self._result:
            got = self.get(pid, now_s)
            if got is not None:
                out.append((pid, got[0], got[1]))
        out.sort(key=lambda r: (r[2], r[1], r[0]))
        return out
