"""Speed figures for Breach Protocol: `python benchmarks/run.py [--json] [--quick]`.

Each figure is the median of repeated runs in this process, beside the
reference it is compared with where there is one. Tests never time things;
this script is where speed is measured.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import numpy as np  # noqa: E402

import make_drill  # noqa: E402
from game import collector  # noqa: E402
from game.levelio.load import load_level  # noqa: E402
from game.sim import atmosphere, debris, timeline  # noqa: E402
from game.sim import crew as crew_system  # noqa: E402
from game.sim import world as world_mod  # noqa: E402
from game.sim.world import BODY_EVERY, TICK_S, create_world, run_until  # noqa: E402
from game.view.perf import percentile  # noqa: E402

MODULE4 = ROOT / "levels" / "module4.toml"
DRILL = ROOT / "benchmarks" / "drill.toml"
STRESS = ROOT / "levels" / "stress_station.toml"


def median_time(fn: Callable[[], object], repeat: int) -> float:
    """Median wall seconds of `fn` over `repeat` calls."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bench_level_load(repeat: int) -> dict[str, float]:
    return {"level_load_ms": 1000 * median_time(lambda: create_world(load_level(MODULE4)), repeat)}


def bench_atmosphere(repeat: int, ticks: int = 2000) -> dict[str, float]:
    """Atmosphere (gas, temperatures, life support, wind) every tick plus physiology
    at its own rate, after the breach: Module Four (budget 0.2 ms) and the stress
    station (budget 2 ms)."""
    out = {}
    for key, path, n in (("atmos_physio_tick_ms", MODULE4, ticks), ("stress_atmos_physio_tick_ms", STRESS, ticks // 4)):
        world = create_world(load_level(path), 1)
        run_until(world, 30.0)

        def run() -> None:
            for i in range(n):
                atmosphere.step_atmosphere(world, TICK_S)
                if i % BODY_EVERY == 0:
                    atmosphere.step_bodies(world, TICK_S * BODY_EVERY)

        out[key] = 1000 * median_time(run, repeat) / n
    return out


def bench_frames(quick: bool) -> dict[str, float]:
    """Full frames (sim update + draw at 1280x720, off-screen) from the game's own loop.

    Each run plays a minute of frames (a fifth of that with --quick) on a
    fresh world 30 s after the breach; the figures are medians over runs.
    """
    import pygame

    from game.app import measure_frames

    pygame.init()
    frames = 600 if quick else 3600  # a minute at 60 FPS
    runs = 1 if quick else 3
    m4, st = [], []
    for _ in range(runs):
        world = create_world(load_level(MODULE4), 1)
        run_until(world, 30.0)  # after the breach
        m4.append(measure_frames(world, frames=frames))
        world = create_world(load_level(STRESS), 1)
        run_until(world, 30.0)
        st.append(measure_frames(world, frames=frames // 3))
    return {
        "module4_frame_p50_ms": statistics.median(r["frame_p50_ms"] for r in m4),
        "module4_frame_p99_ms": statistics.median(r["frame_p99_ms"] for r in m4),
        "stress_frame_p50_ms": statistics.median(r["frame_p50_ms"] for r in st),
        "stress_frame_p95_ms": statistics.median(r["frame_p95_ms"] for r in st),
    }


class _Stopwatch:
    """Adds up the time spent inside the sim stages a frame runs, by owner:
    physics (debris), crew (people and the autopilot), air (gas and bodies),
    events (the timeline: debris falls, breaches). Each stage is wrapped where
    world.step looks it up; `restore` undoes it."""

    STAGES = (("physics", debris, "step_physics"), ("crew", crew_system, "step_crew"),
              ("air", world_mod, "step_air"), ("air", atmosphere, "step_bodies"), ("events", timeline, "fire_due"))

    def __init__(self) -> None:
        self.ms = {name: 0.0 for name, _, _ in self.STAGES}
        self.saved = []
        for name, module, attr in self.STAGES:
            fn = getattr(module, attr)
            self.saved.append((module, attr, fn))
            setattr(module, attr, self._timed(name, fn))

    def _timed(self, name: str, fn: Callable) -> Callable:
        def run(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.ms[name] += (time.perf_counter() - t0) * 1000.0
        return run

    def take(self) -> dict[str, float]:
        out, self.ms = self.ms, {k: 0.0 for k in self.ms}
        out["air"] -= out["events"]  # (step_air runs the timeline: its time is the events')
        return out

    def restore(self) -> None:
        for module, attr, fn in self.saved:
            setattr(module, attr, fn)


def bench_drill_frames() -> tuple[dict[str, float | None], list[dict[str, float]]]:
    """Frames through the station drill at 1280x720 in the game's own loop, 60 FPS at 1x.

    The whole drill is timed, --quick or not: from its first tick to DRILL_S
    (3,000 frames), the falls, the walk, the breach and the seconds after it,
    since the target holds "over the whole drill". Each frame notes the
    people who moved in the last tick and the debris bodies awake (read
    outside the timing), and the time inside the sim stages by owner, so the
    worst frames can be told apart: the view's draw, the crew, the physics.
    Returns the figures and the per-frame rows (for the phase table).
    """
    import pygame

    from game.app import measure_frames

    pygame.init()
    world = make_drill.drill_world(load_level(DRILL))
    seconds = make_drill.DRILL_S
    space = world.physics.space
    rows: list[dict[str, float]] = []
    seen = {"tick": -1, "moving": 0, "awake": 0}
    last_xy = np.array([(p.x, p.y) for p in world.people])
    watch = _Stopwatch()

    def note(frame_ms: float, update_ms: float, draw_ms: float, cpu_ms: float) -> None:
        nonlocal last_xy
        ticked = world.tick != seen["tick"]
        if ticked:  # people and bodies only change on a tick
            xy = np.array([(p.x, p.y) for p in world.people])
            seen["moving"] = int(np.count_nonzero(np.any(xy != last_xy, axis=1)))
            last_xy = xy
            seen["awake"] = sum(1 for b in space.bodies if b.body_type == b.DYNAMIC and not b.is_sleeping)
            seen["tick"] = world.tick
        rows.append({"t": world.time_s, "frame": frame_ms, "cpu": cpu_ms, "update": update_ms, "draw": draw_ms,
                     "moving": seen["moving"], "awake": seen["awake"], "ticked": ticked, **watch.take()})

    try:
        watch.take()
        measure_frames(world, frames=round(seconds * 60), after_frame=note, auto_pause=False)
    finally:
        watch.restore()
    return _drill_figures(rows), rows


def _drill_figures(rows: list[dict[str, float]]) -> dict[str, float | None]:
    frame = [r["frame"] for r in rows]
    after = [r for r in rows if make_drill.BREACH_S <= r["t"] < make_drill.BREACH_S + 10.0]
    worst = sorted(rows, key=lambda r: r["frame"])[int(0.99 * (len(rows) - 1))]
    out: dict[str, float | None] = {
        "drill_frame_p50_ms": percentile(frame, 50),
        "drill_frame_p95_ms": percentile(frame, 95),
        "drill_frame_p99_ms": percentile(frame, 99),
        # this process's CPU time per frame: what the frame costs when other programs share the machine
        "drill_frame_cpu_p95_ms": percentile([r["cpu"] for r in rows], 95),
        "drill_frame_cpu_p99_ms": percentile([r["cpu"] for r in rows], 99),
        "drill_after_breach_frame_p95_ms": percentile([r["frame"] for r in after], 95) if after else None,
        "drill_after_breach_frame_p99_ms": percentile([r["frame"] for r in after], 99) if after else None,
        "drill_people_moving_median": statistics.median(r["moving"] for r in rows),
        "drill_bodies_awake_max": max(r["awake"] for r in rows),
        "drill_p99_frame_people_moving": worst["moving"],
        "drill_p99_frame_bodies_awake": worst["awake"],
        # the share of frames at or over the p95 that ran a sim tick: the sim's part in the figure
        "drill_p95_frames_ticked_pct": 100.0 * statistics.mean(
            r["ticked"] for r in rows if r["frame"] >= percentile(frame, 95)),
    }
    for part in ("draw", "physics", "crew", "air", "events"):
        out[f"drill_{part}_p95_ms"] = percentile([r[part] for r in rows], 95)
    return out


def drill_phases(rows: list[dict[str, float]]) -> list[str]:
    """A line per stretch of the drill: frame p95/p99 beside the people moving and bodies awake then."""
    b = make_drill.BREACH_S
    cuts = [(0.0, make_drill.FALL_END_S + 1.0, "debris falling"), (make_drill.FALL_END_S + 1.0, b, "walking"),
             (b, b + 3.0, "breach +0-3 s"), (b + 3.0, b + 10.0, "breach +3-10 s"), (b + 10.0, 1e9, "after")]
    lines = [f"{'drill stretch':<18} {'frames':>6} {'p95 ms':>7} {'p99 ms':>7} {'cpu95':>7} {'draw95':>7} {'sim95':>7} "
             f"{'phys95':>7} {'crew95':>7} {'event95':>7} {'tick%':>6} {'moving':>7} {'awake':>6}"]
    for t0, t1, name in cuts:
        part = [r for r in rows if t0 <= r["t"] < t1]
        if not part:
            continue
        p = lambda key, q=95: percentile([r[key] for r in part], q)  # noqa: E731
        # of the frames at or over the stretch's p95, the share that ran a sim tick (10 Hz: one frame in six)
        slow = [r for r in part if r["frame"] >= p("frame")]
        ticks = 100.0 * sum(r["ticked"] for r in slow) / len(slow)
        lines.append(f"{name:<18} {len(part):>6} {p('frame'):7.1f} {p('frame', 99):7.1f} {p('cpu'):7.1f} {p('draw'):7.1f} "
                     f"{p('update'):7.1f} {p('physics'):7.1f} {p('crew'):7.1f} {p('events'):7.1f} {ticks:6.0f} "
                     f"{statistics.median(r['moving'] for r in part):7.0f} "
                     f"{max(r['awake'] for r in part):6.0f}")
    return lines


# Each figure's target (issue 18 and the first round's README table): key -> (op, bound, unit).
TARGETS: dict[str, tuple[str, float, str]] = {
    "drill_frame_p95_ms": ("<=", 16.7, "ms"),
    "drill_frame_p99_ms": ("<=", 25.0, "ms"),
    "physics_awake_ratio": ("<=", 0.6, "x plain Space.step"),
    "module4_headless_speedup": (">=", 1000.0, "x real time"),
    "drill_headless_speedup": (">=", 50.0, "x real time"),
    "batch_runs_per_min": (">=", 100.0, "runs/min"),
    "scaling_exponent": ("<=", 1.0, ""),
    "module4_frame_p99_ms": ("<=", 8.0, "ms"),
    "stress_frame_p95_ms": ("<=", 16.7, "ms"),
    "physics_overhead_ratio": ("<=", 1.5, "x"),
    "replan_all_ms": ("<=", 5.0, "ms"),
    "pathfinder_ratio": ("<=", 1.5, "x"),
    "level_load_ms": ("<=", 50.0, "ms"),
    "peak_rss_mb": ("<=", 300.0, "MB"),
}


def beside_targets(results: dict[str, float | None]) -> dict[str, dict]:
    """Every figure as {value, target, met}; a missing one keeps its reason."""
    out: dict[str, dict] = {}
    for k, v in results.items():
        if k.endswith("_missing"):
            continue
        entry: dict = {"value": None if v is None else round(float(v), 4)}
        if k in TARGETS:
            op, bound, unit = TARGETS[k]
            entry["target"] = f"{op} {bound:g} {unit}".strip()
            entry["met"] = None if v is None else (v <= bound if op == "<=" else v >= bound)
        if f"{k}_missing" in results:
            entry["missing"] = results[f"{k}_missing"]
        out[k] = entry
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true", help="print one JSON object, each figure beside its target")
    parser.add_argument("--quick", action="store_true",
                        help="fewer repeats and shorter runs, no scaling run (the drill is still played whole): a smoke run")
    parser.add_argument("--scaling", action="store_true",
                        help="only the tick cost at 1x, 2x, 4x and 8x the drill's people and debris, and its exponent")
    parser.add_argument("--drill-only", action="store_true", help="only the drill's frames (with its phase table)")
    args = parser.parse_args()
    collector.tune()  # the game's collector settings, as main.py runs it (game/collector.py)
    repeat = 3 if args.quick else 7
    results: dict[str, float | None] = {}
    if args.scaling:  # slow (the 8x drill is 3,200 people and 40,000 debris): on its own
        import bench_scaling

        scaling = bench_scaling.bench()
        print(json.dumps({k: round(v, 4) for k, v in scaling.items()}) if args.json
              else "\n".join(f"{k:<28}  {v:10.3f}" for k, v in scaling.items()))
        return 0
    phases: list[str] = []
    if not args.drill_only:
        import bench_batch
        import bench_crew
        import bench_physics
        import bench_scaling

        results.update(bench_level_load(repeat * 3))
        results.update(bench_atmosphere(repeat))
        results.update(bench_physics.bench(max(1, repeat // 2)))
        results.update(bench_physics.physics_awake_ratio(max(1, repeat // 2)))
        results.update(bench_crew.bench(max(1, repeat // 2)))
        results.update(bench_batch.bench())
        if args.quick:
            results["scaling_exponent"] = None
            results["scaling_exponent_missing"] = "not run with --quick (python benchmarks/run.py --scaling)"
        else:
            results.update(bench_scaling.bench())
        results.update(bench_frames(args.quick))
    drill, rows = bench_drill_frames()
    results.update(drill)
    phases = drill_phases(rows)
    results["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if args.json:
        print(json.dumps(beside_targets(results)))
        return 0
    width = max(len(k) for k in results)
    for k, e in beside_targets(results).items():
        value = "missing" if e["value"] is None else f"{e['value']:10.3f}"
        target = f"  target {e['target']}" + ("" if e["met"] is None else ("  met" if e["met"] else "  NOT MET")) \
            if "target" in e else ""
        print(f"{k:<{width}}  {value:>10}{target}" + (f"  ({e['missing']})" if "missing" in e else ""))
    print()
    print("\n".join(phases))
    return 0


if __name__ == "__main__":
    sys.exit(main())
