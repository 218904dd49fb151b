"""The generator's hit rate: `python benchmarks/generator_hit_rate.py [--seeds N] [--difficulty D ...] [--json]`.

For each habitat seed and difficulty it calibrates a level as `main.py generate`
does, writes it to a scratch file and validates that file as `main.py validate`
would, and counts: levels that validate, levels whose measured autopilot win rate
lies in the band, runs spent and seconds per calibration. Issue 17 asks that over
100 seeds every level validates and lands in its band.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from game.levelio.generate import DEFAULT_MODULES, DIFFICULTIES  # noqa: E402
from game.levelio.load import validate_file  # noqa: E402
from game.levelio.save import level_to_toml  # noqa: E402
from game.training.batch import default_workers  # noqa: E402
from game.training.calibrate import BANDS, calibrate, figures_comment  # noqa: E402


def one(seed: int, difficulty: str, modules: int, workers: int, scratch: Path) -> dict:
    t0 = time.monotonic()
    cal = calibrate(seed, difficulty, modules, workers=workers)
    seconds = time.monotonic() - t0
    path = scratch / f"gen_{difficulty}_{seed}.toml"
    path.write_text(figures_comment(cal) + level_to_toml(cal.level), encoding="utf-8")
    problems = validate_file(path)
    return {"seed": seed, "difficulty": difficulty, "valid": not problems, "problems": [str(p) for p in problems[:3]],
            "won": cal.chosen.won, "runs": cal.chosen.runs, "rate": round(cal.rate, 3), "in_band": cal.in_band,
            "severity": cal.incident.severity, "steps": len(cal.steps), "total_runs": cal.runs,
            "seconds": round(seconds, 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=100, help="habitat seeds 1..N (default 100)")
    ap.add_argument("--first-seed", type=int, default=1)
    ap.add_argument("--difficulty", nargs="+", choices=DIFFICULTIES, default=list(DIFFICULTIES))
    ap.add_argument("--modules", type=int, default=DEFAULT_MODULES)
    ap.add_argument("--workers", type=int, default=default_workers())
    ap.add_argument("--json", action="store_true", help="one JSON object per level, then the summary")
    args = ap.parse_args(argv)
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    summary = {}
    with tempfile.TemporaryDirectory() as tmp:
        for diff in args.difficulty:
            rows = []
            for seed in seeds:
                try:
                    row = one(seed, diff, args.modules, args.workers, Path(tmp))
                except KeyboardInterrupt:  # out of time: summarise the seeds measured so far
                    print(f"{diff}: interrupted after {len(rows)} seeds", flush=True)
                    break
                rows.append(row)
                if args.json:
                    print(json.dumps(row), flush=True)
                else:
                    mark = ("ok " if row["valid"] else "BAD") + (" in band" if row["in_band"] else " MISS   ")
                    print(f"{diff:<6} seed {seed:>4}: {mark}  {row['won']}/{row['runs']} won  severity {row['severity']:.3f}"
                          f"  {row['steps']} steps {row['total_runs']} runs {row['seconds']:.1f} s", flush=True)
            if not rows:
                continue
            lo, hi = BANDS[diff]
            secs = [r["seconds"] for r in rows]
            summary[diff] = {
                "levels": len(rows), "valid": sum(r["valid"] for r in rows), "in_band": sum(r["in_band"] for r in rows),
                "band": [lo, hi], "median_s": round(statistics.median(secs), 1), "max_s": max(secs),
                "median_runs": statistics.median(r["total_runs"] for r in rows),
                "misses": [r["seed"] for r in rows if not r["in_band"]],
            }
    for diff, s in summary.items():
        print(f"{diff}: {s['valid']}/{s['levels']} validate, {s['in_band']}/{s['levels']} in band "
              f"{s['band'][0]:.0%}-{s['band'][1]:.0%}; calibration median {s['median_s']} s (max {s['max_s']} s), "
              f"median {s['median_runs']} runs; misses {s['misses']}")
    if args.json:
        print(json.dumps({"summary": summary}))
    ok = all(s["valid"] == s["levels"] and s["in_band"] == s["levels"] for s in summary.values())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
