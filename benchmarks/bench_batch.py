"""Batch throughput: autopilot runs of Module Four per minute with 2 worker
processes, as `python main.py batch levels/module4.toml --workers 2` makes
them: each run plays to the exercise's end (game.training.ending: its objectives
decided and nobody at risk, or the time limit), as a player's game would.

`bench(runs)` returns {"batch_runs_per_min": x} (with the seconds per run a
worker spends, and the CPU seconds a run costs, for reading it); run alone:
`python benchmarks/bench_batch.py [--runs N] [--workers W] [--until S]`.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from game.levelio.load import load_level  # noqa: E402
from game.training.batch import run_batch  # noqa: E402

MODULE4 = ROOT / "levels" / "module4.toml"


def bench(runs: int = 4, workers: int = 2, until_s: float | None = None) -> dict[str, float]:
    """Runs per wall minute of `run_batch` over `runs` seeds (the pool's start-up included)."""
    level = load_level(MODULE4)
    until = level.meta.time_limit_s if until_s is None else until_s
    children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    own0 = time.process_time()
    t0 = time.perf_counter()
    rows = run_batch(level, range(1, runs + 1), until, workers=workers)
    wall = time.perf_counter() - t0
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the workers, reaped when the pool closed
    cpu = (children.ru_utime - children0.ru_utime) + (children.ru_stime - children0.ru_stime)
    if workers <= 1:  # run in this process
        cpu = time.process_time() - own0
    assert len(rows) == runs
    return {
        "batch_runs_per_min": 60.0 * runs / wall,
        "batch_s_per_run_per_worker": wall * workers / runs,
        # CPU seconds a run costs its worker (start-up included): what the machine's load cannot inflate;
        # 60 * workers / this is the rate `workers` idle cores would give
        "batch_cpu_s_per_run": cpu / runs,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--until", type=float, default=None, help="simulated seconds per run (default: the time limit)")
    args = parser.parse_args()
    for k, v in bench(args.runs, args.workers, args.until).items():
        print(f"{k:<28}  {v:10.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
