"""Speed of the training tools on Module Four: `python benchmarks/bench_training.py [--json] [--quick]`.

Figures: what recording and scoring add to a headless run, how much faster
than real time `replay --verify` re-simulates, how long an after-action report
takes, and batch throughput with one and two worker processes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from game.levelio.load import load_level  # noqa: E402
from game.sim.world import create_world, run_until  # noqa: E402
from game.training.batch import run_batch  # noqa: E402
from game.training.replay import verify  # noqa: E402
from game.training.report import write_report  # noqa: E402
from game.training.session import Session  # noqa: E402

MODULE4 = ROOT / "levels" / "module4.toml"


def wall(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--quick", action="store_true", help="shorter runs")
    args = ap.parse_args()
    sim_s = 120.0 if args.quick else 600.0
    level = load_level(MODULE4)
    out: dict[str, float] = {}

    plain = wall(lambda: run_until(create_world(level, 1), sim_s))
    session = None

    def recorded() -> None:
        nonlocal session
        session = Session(create_world(level, 1), str(MODULE4))
        session.run_until(sim_s)

    rec = wall(recorded)
    out["record_and_score_overhead_pct"] = 100.0 * (rec - plain) / plain
    replay = session.replay()
    out["verify_speedup_x_real_time"] = sim_s / wall(lambda: verify(replay))
    with tempfile.TemporaryDirectory() as d:
        out["report_s"] = wall(lambda: write_report(replay, "bench", str(Path(d) / "r.html")))
    runs, batch_s = (4, 60.0) if args.quick else (8, 300.0)
    for w in (1, 2):
        out[f"batch_runs_per_min_{w}_workers"] = (
            60.0 * runs / wall(lambda: run_batch(level, range(1, runs + 1), batch_s, workers=w))
        )
    if args.json:
        print(json.dumps(out))
    else:
        for k, v in out.items():
            print(f"{k:<36} {v:10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
