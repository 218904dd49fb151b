"""How the tick's cost grows with the station: the drill (benchmarks/make_drill.py)
at 1x, 2x, 4x and 8x its people and debris, and the exponent of a log-log fit.

A k-times drill is the same station with k times the rows of modules (so k
times the people, the debris spread the same way, the rooms as full as in
the drill), the same breach in the same west module, the same orders. Its
tick cost is the mean CPU time of a tick (the process's, so the physics'
threads count and other programs on a busy machine do not) over a window after the breach,
once the debris has fallen and everyone is walking: the steady cost an
evacuation pays every tick. Costs that grow at most linearly fit an exponent
of 1 or less. The one-off costs before the window (the debris falling, the
first plans) are timed too, as `setup_s`, beside it.

`bench(factors)` returns the figures; run alone:
`python benchmarks/bench_scaling.py [--factors 1 2 4 8] [--window 3]`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import make_drill  # noqa: E402

from game.sim.level import Level  # noqa: E402
from game.sim.world import run_until  # noqa: E402

FACTORS = (1, 2, 4, 8)
START_S = make_drill.BREACH_S + 3.0  # the breach open, the debris down, everyone on their way
WINDOW_S = 3.0


@contextlib.contextmanager
def _drill_rows(k: int) -> Iterator[None]:
    """make_drill's constants for a drill with k times the rows of modules (and debris)."""
    names = ("ROWS", "H", "DEBRIS_TOTAL")
    saved = {n: getattr(make_drill, n) for n in names}
    make_drill.ROWS = saved["ROWS"] * k
    make_drill.H = make_drill.ROWS * make_drill.MH + 1
    make_drill.DEBRIS_TOTAL = saved["DEBRIS_TOTAL"] * k
    try:
        yield
    finally:
        for n, v in saved.items():
            setattr(make_drill, n, v)


def scaled_drill(k: int) -> Level:
    """The drill with k times its people and debris (k = 1 is the drill itself)."""
    with _drill_rows(k):
        return make_drill.build()


def tick_cost(level: Level, start_s: float = START_S, window_s: float = WINDOW_S) -> dict[str, float]:
    """CPU ms per tick over [start_s, start_s + window_s], with the one-off
    seconds before it, and the people walking and the physics bodies awake then."""
    t0 = time.process_time()
    world = make_drill.drill_world(level)
    run_until(world, start_s)
    setup = time.process_time() - t0
    ticks0 = world.tick
    t0 = time.process_time()
    run_until(world, start_s + window_s)
    spent = time.process_time() - t0
    walking = sum(1 for p in world.people if p.action is not None and p.action.kind in ("walk", "crawl", "evacuate"))
    space = world.physics.space
    awake = sum(1 for b in space.bodies if not b.is_sleeping) if space is not None else 0
    return {
        "tick_ms": 1000 * spent / max(1, world.tick - ticks0),
        "setup_s": setup,
        "people": float(len(world.people)),
        "walking": float(walking),
        "space_bodies_awake": float(awake),
        "space_bodies": float(len(space.bodies)) if space is not None else 0.0,
    }


def fit_exponent(factors: Sequence[float], costs: Sequence[float]) -> float:
    """The slope of log(cost) against log(factor): 1 is linear growth."""
    slope, _ = np.polyfit(np.log(np.asarray(factors, float)), np.log(np.asarray(costs, float)), 1)
    return float(slope)


def bench(factors: Sequence[int] = FACTORS, window_s: float = WINDOW_S) -> dict[str, float]:
    """Tick cost at each factor (`scaling_tick_ms_<k>x`, with its people and
    awake bodies) and `scaling_exponent`, the log-log fit over them."""
    out: dict[str, float] = {}
    costs = []
    for k in factors:
        r = tick_cost(scaled_drill(k), window_s=window_s)
        costs.append(r["tick_ms"])
        out[f"scaling_tick_ms_{k}x"] = r["tick_ms"]
        out[f"scaling_people_{k}x"] = r["people"]
        out[f"scaling_walking_{k}x"] = r["walking"]
        out[f"scaling_space_bodies_awake_{k}x"] = r["space_bodies_awake"]
        out[f"scaling_setup_s_{k}x"] = r["setup_s"]
    if len(factors) >= 2:
        out["scaling_exponent"] = fit_exponent(factors, costs)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--factors", type=int, nargs="+", default=list(FACTORS))
    parser.add_argument("--window", type=float, default=WINDOW_S, help="simulated seconds timed at each size")
    args = parser.parse_args()
    results = bench(args.factors, args.window)
    width = max(len(k) for k in results)
    for k, v in results.items():
        print(f"{k:<{width}}  {v:12.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
