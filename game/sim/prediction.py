"""One prediction of each endangered person's time to unconsciousness and death.

"At the current rate" is the coordinator's sense of it: the air each person
breathes keeps losing pressure and oxygen at the rate it has been losing
them (an exponential blowdown fitted to the last `TREND_WINDOW_S` of samples;
air holding steady stays as it is), and each keeps breathing the way they do
(room air, a respirator or a suit). The answer is the sim's own physiology run
forward on a copy of the endangered bodies, so the dose and injury they
already carry count (`physiology.time_to_*` answers a different question:
constant air, from a healthy start).

The air is sampled on ticks (`sample`, once a simulated second), so the trend
is part of the world and decides the future: the autopilot ranks its
casualties by `forecast` (projected at most every `REFRESH_S`) and the HUD's
countdowns show that same figure; they project anyone else at risk with the
same `Projection`, sliced over frames.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

import numpy as np

from game.sim import physiology as ph
from game.sim.atmosphere import breathing_conditions
from game.sim.state import synced

if TYPE_CHECKING:
    from game.sim.world import World

HORIZON_S = 1800.0  # further than this is "not within the exercise": never
SAMPLE_TICKS = 10  # the air is sampled once a simulated second (at 0.1 s ticks)
TREND_WINDOW_S = 8.0  # the "current rate" is measured over this much simulated time
TREND_MIN_S = 2.0  # and is known once it has been watched this long
MIN_RATE_PER_S = 1e-5  # slower decay than this is steady air
REFRESH_S = 5.0  # the autopilot's casualties are projected afresh at most this often
SAFE_SPO2 = 0.9


@dataclass
class AirTrend:
    """The air each person breathes over the last few seconds, and the
    autopilot's last projection for its casualties."""

    samples: list = synced(default_factory=list)  # (time s, pressure bar per person, O2 partial pressure per person)
    forecast: dict[int, tuple[float, float]] = synced(default_factory=dict)  # casualty -> (ttu, ttd) at forecast_s
    forecast_s: float = synced(default=-math.inf)

    def span_s(self) -> float:
        """How long the air has been watched (within the window)."""
        return self.samples[-1][0] - self.samples[0][0] if len(self.samples) >= 2 else 0.0


def sample(world: "World") -> None:
    """Note the air at everyone's cell, once every `SAMPLE_TICKS` ticks."""
    if world.tick % SAMPLE_TICKS:
        return
    tr = world.crew.air_trend
    pressure, frac = breathing_conditions(world)
    if tr.samples and tr.samples[-1][1].shape != pressure.shape:
        tr.samples.clear()  # someone joined: start again
    t = round(world.time_s, 3)
    tr.samples.append((t, pressure.copy(), pressure * frac))
    while len(tr.samples) > 2 and t - tr.samples[1][0] >= TREND_WINDOW_S:
        tr.samples.pop(0)


def rates(world: "World") -> tuple[np.ndarray, np.ndarray]:
    """(pressure decay, O2 decay) per person, 1/s, never negative: p(t) = p_now * exp(-rate * t)."""
    samples = world.crew.air_trend.samples
    n = len(world.people)
    if len(samples) < 2 or samples[0][1].shape != (n,):
        return np.zeros(n), np.zeros(n)
    t0, p0, o0 = samples[0]
    t1, p1, o1 = samples[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        kp = np.log(np.maximum(p0, 1e-9) / np.maximum(p1, 1e-9)) / (t1 - t0)
        ko = np.log(np.maximum(o0, 1e-9) / np.maximum(o1, 1e-9)) / (t1 - t0)
    kp = np.where(np.isfinite(kp) & (kp > MIN_RATE_PER_S), kp, 0.0)
    ko = np.where(np.isfinite(ko) & (ko > MIN_RATE_PER_S), ko, 0.0)
    return kp, ko


def supplies(world: "World") -> np.ndarray:
    """What each person breathes from: room air, a respirator or a suit."""
    return np.fromiter((p.supply for p in world.people), dtype=np.int8, count=len(world.people))


def _air_at(pressure, frac, kp, ko, t):
    """Pressure and O2 fraction after t more seconds of the same decay."""
    p = pressure * np.exp(-kp * t)
    o2 = pressure * frac * np.exp(-ko * t)
    return p, np.divide(o2, p, out=np.zeros_like(p), where=p > 0)


def at_risk(world: "World") -> np.ndarray:
    """Bool per person: alive, and breathing air that is (or at this rate will be)
    hypoxic within the horizon, or already affected."""
    if not world.people:
        return np.zeros(0, dtype=bool)
    pressure, frac = breathing_conditions(world)
    p_end, f_end = _air_at(pressure, frac, *rates(world), HORIZON_S)
    pio2 = ph.inspired_po2_mmhg(p_end, f_end, supplies(world))
    b = world.bodies
    affected = (b.state != ph.CONSCIOUS) | (b.spo2 < SAFE_SPO2)
    return (b.state != ph.DEAD) & ((pio2 < ph.NO_DOSE_PIO2_MMHG) | affected)


def step_dt(t: float) -> float:
    """Finer steps early, where the countdown is short and read closely (about 260 steps in all)."""
    return 3.0 if t < 300.0 else (6.0 if t < 900.0 else 15.0)


def _schedule() -> tuple[np.ndarray, np.ndarray]:
    """Each projection step's length and the time at its end, from 0 to the horizon."""
    dts, t = [], 0.0
    while t < HORIZON_S:
        dts.append(step_dt(t))
        t += dts[-1]
    dt = np.array(dts)
    return dt, np.cumsum(dt)


STEP_DT_S, STEP_END_S = _schedule()
STEP_MID_S = STEP_END_S - STEP_DT_S / 2
STEP_DT_LIST = STEP_DT_S.tolist()  # as floats, for the body's step


def air_keys(world: "World", ids: np.ndarray) -> np.ndarray:
    """For each person, their compartment and supply as one number: equal means the same air."""
    xs = np.fromiter((int(world.people[i].x) for i in ids), dtype=np.int64, count=ids.size)
    ys = np.fromiter((int(world.people[i].y) for i in ids), dtype=np.int64, count=ids.size)
    comp = world.compartments.labels[ys, xs].astype(np.int64)
    return comp * 16 + supplies(world)[ids].astype(np.int64)


@dataclass
class Projection:
    """The physiology of some people run forward in the air the trend predicts,
    a few steps at a time (`advance`), so a caller may spread it out."""

    ids: np.ndarray
    bodies: ph.Bodies
    breath: ph.Breath  # [step, person] what the air at each step's mid-point does, worked out at the start
    alike: dict[int, list[int]]  # a column -> the others with the same body and air (so the same future)
    started_s: float
    start_state: np.ndarray
    states: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.int8))  # [step, person] state at each step's end
    k: int = 0  # steps done

    @classmethod
    def start(cls, world: "World", ids: Iterable[int]) -> "Projection":
        """Set up a projection for these people from the world and its air trend now."""
        ids = np.asarray(sorted(ids), dtype=np.intp)
        pressure, frac = breathing_conditions(world)
        kp, ko = rates(world)
        b = world.bodies
        copy = ph.Bodies(**{f: getattr(b, f)[ids].copy() for f in (
            "spo2", "dose", "injury_dose_s", "vacuum_s", "state", "injury", "arrest_dose_s")})
        # the air every step will breathe, and what it does, all at once: a step is then the body's own part
        p, f = _air_at(pressure[ids][None, :], frac[ids][None, :], kp[ids][None, :], ko[ids][None, :],
                       STEP_MID_S[:, None])
        breath = ph.breathe(p, f, supplies(world)[ids], STEP_DT_S[:, None])
        copy._fill_memory(breath.pressure_bar[0])
        states = np.empty((STEP_DT_S.size, ids.size), dtype=copy.state.dtype)
        return cls(ids, copy, breath, _alike(copy, breath), world.time_s, copy.state.copy(), states)

    def finished(self) -> bool:
        """At the horizon, or everyone projected is dead (the dead stay dead)."""
        if self.ids.size == 0:
            return True
        now = self.states[self.k - 1] if self.k else self.start_state
        return self.k >= STEP_DT_S.size or bool(now.min() >= ph.DEAD)

    def advance(self, steps: int) -> bool:
        """Run up to `steps` more steps; True when finished (as the steps of
        `physiology.advance` would, all together, one at a time)."""
        if self.finished():
            return True
        k0 = self.k
        k1 = min(k0 + steps, STEP_DT_S.size)
        stops = {j: ph.trajectory(self.bodies, j, self.breath, j, STEP_DT_LIST, k0, k1, self.states)
                 for j in self.alike}
        end = max(stops.values())  # k1, or the step after the last death
        for j, others in self.alike.items():
            self.states[stops[j]:end, j] = ph.DEAD  # the dead stay dead
            for o in others:
                self.states[k0:end, o] = self.states[k0:end, j]
                for name in ph.BODY_FIELDS:
                    getattr(self.bodies, name)[o] = getattr(self.bodies, name)[j]
        self.k = end
        return self.finished()

    def times(self) -> dict[int, tuple[float, float]]:
        """person -> (time to unconsciousness, time to death) from the start: the end of the
        first step that found them so, 0 if they were already, inf if no step done so far did."""
        done = self.states[: self.k]
        out = []
        for level in (ph.UNCONSCIOUS, ph.DEAD):
            reached = done >= level
            hit = reached.any(axis=0)
            when = np.full(len(self.ids), math.inf)
            if hit.any():
                when[hit] = STEP_END_S[reached.argmax(axis=0)[hit]]
            out.append(np.where(self.start_state >= level, 0.0, when))
        return {int(i): (float(u), float(d)) for i, u, d in zip(self.ids.tolist(), out[0].tolist(), out[1].tolist())}


def _alike(bodies: ph.Bodies, breath: ph.Breath) -> dict[int, list[int]]:
    """Group the people projected by body and air, bit for bit: each group has one future."""
    cols = [getattr(bodies, name) for name in ph.BODY_FIELDS]
    cols += [breath.pressure_bar, breath.pao2, breath.exposure, breath.keep_rise, breath.keep_fall,
             breath.dose_rate, breath.rapid_extra]
    groups: dict[bytes, list[int]] = {}
    for j in range(bodies.spo2.size):
        groups.setdefault(b"".join(c[..., j].tobytes() for c in cols), []).append(j)
    return {g[0]: g[1:] for g in groups.values()}


def project(world: "World", ids: Iterable[int]) -> dict[int, tuple[float, float]]:
    """(ttu, ttd) from now for each of these people; those not at risk never."""
    ids = list(ids)
    risky = at_risk(world)
    job = Projection.start(world, [i for i in ids if risky[i]])
    job.advance(STEP_DT_S.size)
    out = {i: (math.inf, math.inf) for i in ids}
    out.update(job.times())
    return out


def forecast(world: "World", ids: Iterable[int]) -> None:
    """Project these people (the autopilot's casualties) afresh if the last
    projection is `REFRESH_S` old or was for other people, once the trend is known."""
    tr = world.crew.air_trend
    ids = sorted(ids)
    if tr.span_s() < TREND_MIN_S:
        return  # how fast the air goes is not known yet: no figure rather than "never"
    if world.time_s - tr.forecast_s < REFRESH_S and sorted(tr.forecast) == ids:
        return
    tr.forecast = project(world, ids)
    tr.forecast_s = world.time_s


def time_left(world: "World", person_id: int) -> tuple[float, float] | None:
    """(seconds to unconsciousness, seconds to death) from now by the last
    forecast, counted down with the clock; None if not forecast."""
    tr = world.crew.air_trend
    got = tr.forecast.get(person_id)
    if got is None:
        return None
    gone = max(0.0, world.time_s - tr.forecast_s)
    return max(0.0, got[0] - gone), max(0.0, got[1] - gone)
