"""Debris physics speed: our step beside the raw pymunk step of the same bodies.

`bench(repeat)` returns per-tick milliseconds for these cases, each measured
on one world in one process: the whole `step_physics` (people, wind drag,
sleep handling, the substeps) against plain `pymunk.Space.step` at the same
substep rate on the same bodies in the same states: the time inside those
calls when our step makes them, or the same calls timed right after when
our step leaves an idle space alone (the stopwatch's own cost is taken off
both). Times are this thread's CPU time, so other processes on the machine
disturb them little. `_step_ms` and `_raw_step_ms` are per-tick medians;
`_ratio` is ours over raw summed over every tick of a run (busy ticks count
for what they cost), the median over `repeat` runs.

- module4: Module Four after the breach, all its debris down (from 60 s).
- stress: 1,000 pieces of every kind in a 50 x 30 m hall under a gale toward a
  hole, most of them moving: the physics at full stretch.
- station: the 48-module stress station level (1,000 scripted pieces, 150
  crew) once its falls are over.
- module4_fall: the breach minute itself (0-60 s), reported for reference.

`physics_overhead_ratio` is the worst of module4, stress and station
(target: at most 1.5); the breach minute is printed beside them. Read it
with the milliseconds beside it: once the debris sleeps, a plain loop still
pays pymunk's per-call bookkeeping six times a tick, while ours steps
nothing (people's bodies are only put in place while a heavy piece moves);
under a gale the solver's own work dominates both.

`physics_awake_ratio(repeat)` is issue 18's figure (target: at most 0.6):
the two seconds after 1,000 pieces land in the stress hall's gale (all
awake as they land, most still moving at the end), our whole step against
plain `Space.step` of a twin with pymunk's default settings at 60 Hz and
floor friction done as plain pymunk does it (joints in the solver);
`physics_awake_ratio_bodies_only` is the same against a twin whose step
has no floor friction in it (it gets ours, untimed).

Run alone: `python benchmarks/bench_physics.py [--repeat N] [--awake]`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import numpy as np  # noqa: E402
import pymunk  # noqa: E402

from game.levelio.load import load_level  # noqa: E402
from game.sim import debris, debris_state, debris_wind  # noqa: E402
from game.sim.constants import MARS_G_M_S2  # noqa: E402
from game.sim.debris_kinds import KINDS  # noqa: E402
from game.sim.level import EventDef, Level, Meta  # noqa: E402
from game.sim.world import TICK_S, World, create_world, run_until, step  # noqa: E402

MODULE4 = ROOT / "levels" / "module4.toml"
# This thread's CPU time: time the process spends descheduled (other work on
# the machine) is charged to neither side. Its own cost is calibrated out.
CLOCK = time.thread_time
STATION = ROOT / "levels" / "stress_station.toml"
STRESS_BODIES = 1000


class _TimedStep:
    """Stands in for `space.step` on one instance and adds up the time inside it."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.seconds = 0.0
        self.calls = 0

    def __call__(self, dt: float) -> None:
        t0 = CLOCK()
        self.inner(dt)
        self.seconds += CLOCK() - t0
        self.calls += 1


def _timer_cost() -> tuple[float, float]:
    """(whole cost, part counted as inside) of one timed call, per call, with a no-op inner.

    Subtracted from the figures so the stopwatch itself is charged to neither side.
    """
    timer = _TimedStep(lambda dt: None)
    n = 20000
    t0 = CLOCK()
    for _ in range(n):
        timer(0.1)
    return (CLOCK() - t0) / n, timer.seconds / n


def _measure(world: World, ticks: int, whole_world: bool = True) -> tuple[float, float, float, float]:
    """(ours_ms, raw_ms, substeps, total ratio) per tick over `ticks` ticks of `world`.

    ours and raw are medians of the ticks; the ratio is ours over raw summed
    over all the ticks, so the busy ticks count for what they cost. With
    `whole_world` the world runs normally (the atmosphere keeps the wind
    changing, people walk) and only the physics step is timed; else only the
    physics runs. The stopwatch's own cost is taken off both sides.

    The reference for a tick is plain `Space.step` at our substep rate on the
    same bodies. When our step steps the space, that is the time inside its
    calls; when it leaves an idle space alone (every piece asleep, nothing
    near one moving), the same substeps are timed right after on the same
    space, as a plain loop would have run them (on an idle space they move
    nothing).
    """
    space = world.physics.space
    timer = _TimedStep(type(space).step.__get__(space))
    space.step = timer
    per_tick: list[tuple[float, float, int]] = []
    inner_step = debris.step_physics
    whole, inside = _timer_cost()

    def timed_physics(w: World, dt: float) -> None:
        raw0, calls0 = timer.seconds, timer.calls
        t0 = CLOCK()
        inner_step(w, dt)
        spent = CLOCK() - t0
        calls = timer.calls - calls0
        ours = spent - calls * whole
        if calls == 0:  # our step left the idle space alone: time what a plain loop does
            n = debris.substeps(dt)
            for _ in range(n):
                timer(dt / n)
            calls = timer.calls - calls0
        per_tick.append((ours, timer.seconds - raw0 - calls * inside, calls))

    debris.step_physics = timed_physics
    try:
        for _ in range(ticks):
            if whole_world:
                step(world)
            else:
                timed_physics(world, TICK_S)
                world.tick += 1
    finally:
        debris.step_physics = inner_step
        del space.step
    ours = statistics.median(t[0] for t in per_tick)
    raw = statistics.median(t[1] for t in per_tick)
    total = sum(t[0] for t in per_tick) / max(sum(t[1] for t in per_tick), 1e-12)
    return 1000 * ours, 1000 * raw, statistics.median(t[2] for t in per_tick), total


def module4_after_breach() -> World:
    """Module Four at 60 s: the breach open, all scripted debris down, wind blowing."""
    world = create_world(load_level(MODULE4), 1)
    run_until(world, 60.0)
    return world


def stress_world(n_bodies: int = STRESS_BODIES) -> World:
    """A 50 x 30 m hall with a hole in one wall, a steady gale toward it and
    `n_bodies` pieces of every kind over the floor (falls of ten, each on a
    5 x 3 m patch of its own, so every piece finds clear deck)."""
    w, h = 52, 32
    rows = ["H" * w] + ["H" + "." * (w - 2) + "H" for _ in range(h - 2)] + ["H" * w]
    kinds = [("personal_effects", 0.45), ("insulation", 0.25), ("ceiling_panel", 0.25), ("support_beam", 0.05)]
    falls = []
    for name, share in kinds:
        n = round(n_bodies * share)
        falls += [(name, min(10, n - 10 * k)) for k in range(-(-n // 10))]
    events = []
    for k, (name, count) in enumerate(falls):
        patch = (k * 37) % 100  # kinds spread over the hall, not in bands
        x0, y0 = 1 + 5 * (patch % 10), 1 + 3 * (patch // 10)
        params = {"debris": name, "region": [x0, y0, x0 + 4, y0 + 2], "count": count}
        events.append(EventDef(0.0, "debris_fall", params))
    level = Level(meta=Meta(name="stress"), rows=tuple(rows), events=tuple(events))
    world = create_world(level, 7)
    run_until(world, TICK_S)  # fire the falls
    # Air converging on a hole in the east wall at mid-height: up to 40 m/s.
    ys, xs = np.mgrid[0:h, 0:w]
    dx, dy = (w - 1) - (xs + 0.5), (h / 2) - (ys + 0.5)
    dist = np.hypot(dx, dy) + 1e-9
    speed = np.minimum(40.0, 400.0 / (dist + 4.0))
    world.atmos.wind_x = (dx / dist * speed).astype(np.float32)
    world.atmos.wind_y = (dy / dist * speed).astype(np.float32)
    return world


def station_after_falls() -> World:
    """The 48-module stress station at 60 s: its 1,000 scripted pieces down, two breaches open."""
    world = create_world(load_level(STATION), 1)
    run_until(world, 60.0)
    return world


def module4_at_breach() -> World:
    """Module Four just before the breach, for timing the fall itself (0-60 s)."""
    return create_world(load_level(MODULE4), 1)


CASES = (
    # name, world, ticks per run, whole world stepping, a fresh world for every run
    ("module4", module4_after_breach, 300, True, False),  # after all the debris is down
    ("stress", stress_world, 50, False, False),  # 1,000 pieces in a gale
    ("station", station_after_falls, 100, True, False),  # the 1,000-piece station level, settled
    ("module4_fall", module4_at_breach, 600, True, True),  # the breach minute itself: falls, slides, settling
)


# The plain reference: pymunk as it comes (a fresh Space's settings: bounding
# box tree, 10 iterations, no sleeping, 0.1 m slop, one thread) stepped at
# 60 Hz, the rate pymunk's examples use and ours when issue 18 was filed.
PLAIN_HZ = 60.0
_PLAIN_SETTINGS = (
    "iterations", "collision_slop", "collision_bias", "collision_persistence",
    "idle_speed_threshold", "sleep_time_threshold", "damping",
)
AWAKE_TICKS = 20  # the two seconds after the breach


def _plain(space) -> None:
    """Give `space` pymunk's default settings."""
    fresh = type(space)()
    for name in _PLAIN_SETTINGS:
        setattr(space, name, getattr(fresh, name))


def _pymunk_floor_friction(world: World) -> None:
    """Floor friction the way plain pymunk does it top-down (its examples' tank):
    a PivotJoint and a GearJoint per body to a static body, velocity only,
    capped at the sliding force mu m g and at its torque about the centre
    (mean lever arm (L + W) / 5). The game did this until it moved the
    friction out of the solver into one bulk update a tick."""
    st = world.physics
    for p in st.pieces:
        if p.body is None:
            continue
        friction_n = KINDS[p.kind].floor_mu * p.mass_kg * MARS_G_M_S2
        slide = pymunk.PivotJoint(st.walls_body, p.body, (0.0, 0.0), (0.0, 0.0))
        turn = pymunk.GearJoint(st.walls_body, p.body, 0.0, 1.0)
        slide.max_bias = turn.max_bias = 0.0
        slide.max_force = friction_n
        turn.max_force = friction_n * (p.length_m + p.width_m) / 5.0
        st.space.add(slide, turn)


class _NoBulkFriction:
    """debris_wind's compiled pass for the twin with joints: its friction is in the
    solver, so the pass between steps gives it none on top (a floor of mu 0)."""

    def __init__(self, inner) -> None:
        self.inner = inner

    def drive(self, k, dt, slots, state, wx, wy, windy, umag, rate, decay, mu_g, *rest):
        return self.inner.drive(k, dt, slots, state, wx, wy, windy, umag, rate, decay, np.zeros_like(mu_g), *rest)

    def __getattr__(self, name: str):
        return getattr(self.inner, name)


def awake_once(joints: bool = True) -> tuple[float, float, float]:
    """(ours_ms, plain_ms, mean awake) per tick over two seconds after 1,000 pieces land in a gale.

    Two twins of the stress hall from the same seed: ours runs `step_physics`
    as the game does (timed whole); the other has pymunk's default settings
    and is stepped at PLAIN_HZ with the same wind drag (only its
    `Space.step` calls timed). Every piece has just landed, so all are awake.
    With `joints` the twin's floor friction is plain pymunk's (friction
    joints in its solver, see `_pymunk_floor_friction`); without, it gets
    the game's bulk friction between its steps, untimed, so its `Space.step`
    is the bodies' collisions alone.
    """
    ours_w, plain_w = stress_world(), stress_world()
    _plain(plain_w.physics.space)
    if joints:
        _pymunk_floor_friction(plain_w)
    space = plain_w.physics.space
    timer = _TimedStep(type(space).step.__get__(space))
    space.step = timer
    whole, inside = _timer_cost()
    n_plain = round(TICK_S * PLAIN_HZ)
    ours_s, awake = 0.0, 0
    for _ in range(AWAKE_TICKS):
        awake += sum(not b.is_sleeping for b in ours_w.physics.bodies)
        t0 = CLOCK()
        debris.step_physics(ours_w, TICK_S)
        ours_s += CLOCK() - t0
        ours_w.tick += 1
        saved = debris_state._SUBSTEPS.pop(TICK_S, None)
        debris_state._SUBSTEPS[TICK_S] = n_plain  # the step's cache of substeps per tick length
        bulk = debris_wind.kernels
        if joints:
            debris_wind.kernels = _NoBulkFriction(bulk)
        try:
            debris.step_physics(plain_w, TICK_S)
        finally:
            debris_wind.kernels = bulk
            del debris_state._SUBSTEPS[TICK_S]
            if saved is not None:
                debris_state._SUBSTEPS[TICK_S] = saved
        plain_w.tick += 1
    plain_s = timer.seconds - timer.calls * inside
    return 1000 * ours_s / AWAKE_TICKS, 1000 * plain_s / AWAKE_TICKS, awake / AWAKE_TICKS


def physics_awake_ratio(repeat: int = 5) -> dict[str, float]:
    """Issue 18's figure: our physics step over plain pymunk's with 1,000 bodies awake (target <= 0.6).

    Median over `repeat` pairs of twins, the plain twin with pymunk's own
    floor friction; the milliseconds, bodies awake and spread (max - min of
    the ratio) beside it, and the ratio against a twin whose step is the
    bodies' collisions alone (`_bodies_only`, no floor friction in it).
    """
    out: dict[str, float] = {}
    for suffix, joints in (("", True), ("_bodies_only", False)):
        runs = [awake_once(joints) for _ in range(max(1, repeat))]
        ratios = [o / p for o, p, _ in runs]
        out[f"physics_awake_ratio{suffix}"] = statistics.median(ratios)
        out[f"physics_awake_ratio{suffix}_spread"] = max(ratios) - min(ratios)
        out[f"physics_awake_step_ms{suffix}"] = statistics.median(o for o, _, _ in runs)
        out[f"physics_awake_plain_step_ms{suffix}"] = statistics.median(p for _, p, _ in runs)
        out[f"physics_awake_bodies{suffix}"] = statistics.median(a for _, _, a in runs)
    return out


def bench(repeat: int) -> dict[str, float]:
    """Median per-tick figures over `repeat` runs of each case.

    Runs of a case follow on from one another in one world (each sees the
    same kind of state), except the breach minute, which starts afresh.
    """
    out: dict[str, float] = {}
    for name, make, ticks, whole, fresh in CASES:
        ours, raw, subs, ratios = [], [], [], []
        world = make()
        for _ in range(max(1, repeat)):
            if fresh and ours:
                world = make()
            o, r, s, q = _measure(world, ticks, whole)
            ours.append(o)
            raw.append(r)
            subs.append(s)
            ratios.append(q)
        out[f"physics_{name}_step_ms"] = statistics.median(ours)
        out[f"physics_{name}_raw_step_ms"] = statistics.median(raw)
        out[f"physics_{name}_ratio"] = statistics.median(ratios)
        out[f"physics_{name}_substeps"] = statistics.median(subs)
    out["physics_stress_bodies"] = float(STRESS_BODIES)
    out["physics_overhead_ratio"] = max(out[f"physics_{k}_ratio"] for k in ("module4", "stress", "station"))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per case (median)")
    parser.add_argument("--awake", action="store_true", help="only physics_awake_ratio (issue 18)")
    args = parser.parse_args()
    results = physics_awake_ratio(args.repeat) if args.awake else {**bench(args.repeat), **physics_awake_ratio(args.repeat)}
    width = max(len(k) for k in results)
    for k, v in results.items():
        print(f"{k:<{width}}  {v:10.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
