"""Measure the campaign's difficulty and store it where the menu shows it.

`python benchmarks/campaign_difficulty.py [--seeds 50] [--idle-seeds 10] [--workers 2] [--only FILE ...]
[--dry-run]`

For every scenario of the campaign (game.view.campaign.CAMPAIGN) this is
`python main.py batch LEVEL --runs N` and `batch --no-orders` (the baseline
every scenario must clearly fail), through the same `run_batch`: each run ends
as the play scene ends it (game.training.ending: every objective decided and
nobody at risk, or the time limit, or the cap) and counts as a success when
won (nobody dead, everyone an objective waits on brought to safety) with a
passing score. Per scenario it writes into campaign.json: success rate, median
time to the last rescue, score median and p10..p90 spread, the baseline's
success rate and median score, the cap (`until_s`), and the par time: the
autopilot's median time to the last rescue (to the end of the scenario where
nobody needs rescuing) in its successful runs, rounded up to 30 s.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import numpy as np  # noqa: E402

from game.atomicfile import atomic_writer  # noqa: E402
from game.levelio.load import load_level  # noqa: E402
from game.training.batch import run_batch  # noqa: E402
from game.view.campaign import CAMPAIGN_FILE, load_campaign  # noqa: E402

LEVELS = ROOT / "levels"


def _cap(path: Path, cap_s: float | None) -> float:
    """Where runs of this level end at the latest: its time limit, or the cap if that is sooner."""
    limit = load_level(path).meta.time_limit_s
    return limit if cap_s is None else min(limit, cap_s)


def figures(auto: list[dict], idle: list[dict]) -> dict:
    """The difficulty table's row from the two sets of batch rows."""
    scores = np.array([r["score"] for r in auto])
    rescue = [r["last_rescue_s"] for r in auto if r["success"] and r["last_rescue_s"] != ""]
    # par: what a good crew takes, to the last rescue where there is one, else to the end
    ends = rescue or [r["sim_time_s"] for r in auto if r["success"]]
    return {
        "seeds": len(auto),
        "success_rate": round(sum(bool(r["success"]) for r in auto) / len(auto), 3),
        "rescue_median_s": round(statistics.median(rescue), 1) if rescue else None,
        "score_median": round(float(np.median(scores)), 1),
        "score_p10": round(float(np.percentile(scores, 10)), 1),
        "score_p90": round(float(np.percentile(scores, 90)), 1),
        "idle_success_rate": round(sum(bool(r["success"]) for r in idle) / len(idle), 3),
        "idle_score_median": round(float(np.median([r["score"] for r in idle])), 1),
        "par_s": 30.0 * math.ceil(statistics.median(ends) / 30.0) if ends else None,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=50)
    ap.add_argument("--idle-seeds", type=int, default=10,
                    help="seeds of the nobody-acting baseline (only the chance events differ between them)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--only", nargs="*", default=None, metavar="FILE", help="measure only these scenario files")
    ap.add_argument("--cap-s", type=float, default=600.0,
                    help="end a run here if the level's time limit is later (Module Four's 30 minutes: its rescue "
                         "is over by 8; default 600)")
    ap.add_argument("--dry-run", action="store_true", help="print the figures, do not write campaign.json")
    args = ap.parse_args()
    campaign = load_campaign(LEVELS)
    todo = [s for s in campaign if args.only is None or s.file in args.only]
    t0 = time.monotonic()
    rows: dict[str, dict] = {}
    for s in todo:
        level = load_level(LEVELS / s.file)
        cap = _cap(LEVELS / s.file, args.cap_s)
        auto = run_batch(level, range(1, args.seeds + 1), cap, workers=args.workers)
        idle = run_batch(level, range(1, args.idle_seeds + 1), cap, workers=args.workers, autopilot=False)
        rows[s.file] = figures(auto, idle) | {"until_s": cap}
        print(f"  {s.file}: {len(auto) + len(idle)} runs, {time.monotonic() - t0:.0f} s", file=sys.stderr, flush=True)
    print(f"{sum(args.seeds + args.idle_seeds for _ in todo)} runs in {time.monotonic() - t0:.0f} s "
          f"on {args.workers} workers")
    print(f"{'scenario':<28} {'success':>8} {'rescue':>8} {'score p10/med/p90':>19} {'idle ok':>8} {'idle med':>9} {'par':>6}")
    for s in todo:
        f = rows[s.file]
        rescue = "-" if f["rescue_median_s"] is None else f"{f['rescue_median_s']:.0f} s"
        par = "-" if f["par_s"] is None else f"{f['par_s']:.0f} s"
        print(f"{s.file:<28} {100 * f['success_rate']:7.0f}% {rescue:>8} "
              f"{f['score_p10']:6.1f}/{f['score_median']:5.1f}/{f['score_p90']:5.1f} "
              f"{100 * f['idle_success_rate']:7.0f}% {f['idle_score_median']:9.1f} {par:>6}")
    if args.dry_run:
        return 0
    data = json.loads((LEVELS / CAMPAIGN_FILE).read_text(encoding="utf-8"))
    old = {e["file"]: e for e in data["scenarios"]}
    # the file follows the campaign's order, keeping what was measured before of a scenario not re-measured now
    data["scenarios"] = [old.get(s.file, {"file": s.file}) for s in campaign]
    for entry in data["scenarios"]:
        if entry["file"] in rows:
            f = rows[entry["file"]]
            entry["par_s"] = f.pop("par_s")
            entry["difficulty"] = f
    with atomic_writer(LEVELS / CAMPAIGN_FILE) as out:
        out.write(json.dumps(data, indent=2) + "\n")
    print(f"written to {LEVELS / CAMPAIGN_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
