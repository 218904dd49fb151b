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
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from game.levelio.load import load_level  # noqa: E402
from game.sim import atmosphere  # noqa: E402
from game.sim.world import BODY_EVERY, TICK_S, create_world, run_until  # noqa: E402

MODULE4 = ROOT / "levels" / "module4.toml"
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--quick", action="store_true", help="fewer repeats, for a smoke run")
    args = parser.parse_args()
    repeat = 3 if args.quick else 7
    results: dict[str, float] = {}
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench_crew
    import bench_physics

    results.update(bench_level_load(repeat * 3))
    results.update(bench_atmosphere(repeat))
    results.update(bench_physics.bench(max(1, repeat // 2)))
    results.update(bench_physics.physics_awake_ratio(repeat))  # issue 18: <= 0.6
    results.update(bench_crew.bench(max(1, repeat // 2)))
    results.update(bench_frames(args.quick))
    results["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if args.json:
        print(json.dumps({k: round(v, 4) for k, v in results.items()}))
    else:
        width = max(len(k) for k in results)
        for k, v in results.items():
            print(f"{k:<{width}}  {v:10.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
