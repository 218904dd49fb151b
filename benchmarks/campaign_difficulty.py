"""Measure the campaign's difficulty and store it where the menu shows it.

`python benchmarks/campaign_difficulty.py [--seeds 50] [--idle-seeds 10] [--workers 2] [--only FILE ...]
[--cache runs.jsonl] [--dry-run]`

For every scenario of the campaign (game.view.campaign.CAMPAIGN), runs the
level over seeds 1..N with the autopilot in charge, and over a few seeds with
nobody acting (the baseline every scenario must clearly fail). A run ends as the play scene ends it
(game.view.outcome.Watch: every objective decided and nobody left at risk, or
the time limit), and counts as a success when the debrief calls it won (nobody
dead, everyone an objective waits on brought to safety) with a passing score
(grade C, 60, or better). Per scenario it writes into campaign.json:
success rate, median time to the last rescue, score median and p10..p90
spread, the baseline's success rate and median score, the time runs were
capped at (`until_s`), and the par time: the autopilot's median time to the
last rescue (to the end of the scenario where nobody needs rescuing) in its
successful runs, rounded up to 30 s.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import numpy as np  # noqa: E402

from game.atomicfile import atomic_writer  # noqa: E402
from game.levelio.load import load_level  # noqa: E402
from game.levelio.save import level_to_toml  # noqa: E402
from game.sim import commands as C  # noqa: E402
from game.sim.world import create_world, step  # noqa: E402
from game.view.campaign import CAMPAIGN_FILE, PASS_SCORE, load_campaign  # noqa: E402
from game.view.outcome import Watch  # noqa: E402

LEVELS = ROOT / "levels"


def one_run(path: str, seed: int, autopilot: bool, cap_s: float | None = None) -> dict:
    """One run to its end, as the play scene would end it (or at `cap_s`): success, score, times."""
    level = load_level(path)
    world = create_world(level, seed)
    watch = Watch(world)
    if autopilot:
        world.submit(C.SetAutopilot(on=True))
    reason = None
    while reason is None:
        step(world)
        watch.update(world)
        reason = watch.finished(world)
        if reason is None and cap_s is not None and world.time_s >= cap_s:
            reason = "time"
    d = watch.debrief(world, reason)
    rescued = [t for _, t in d.rescued_s]
    last = max(rescued) if rescued and all(t is not None for t in rescued) else None
    return {
        "seed": seed,
        "success": bool(d.won and d.score.total >= PASS_SCORE),
        "score": round(d.score.total, 2),
        "end_s": round(d.time_s, 1),
        "rescue_s": None if last is None else round(last, 1),
        "dead": d.dead,
    }


def _key(path: str, seed: int, autopilot: bool, cap_s: float | None) -> str:
    """A run's identity: the level (so an edited level is measured again, but not for a reworded
    briefing, which no run reads), the seed, the driver, the cap."""
    level = load_level(path)
    text = level_to_toml(replace(level, meta=replace(level.meta, briefing="")))
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()
    return f"{Path(path).name}:{digest}:{seed}:{'autopilot' if autopilot else 'idle'}:{cap_s}"


def _cached(path: str | None) -> dict[str, dict]:
    """Runs already measured (one JSON object a line), if a cache file is given."""
    out: dict[str, dict] = {}
    if path and Path(path).is_file():
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            try:
                rec = json.loads(line)
                out[rec["key"]] = rec["run"]
            except (ValueError, KeyError, TypeError):
                continue  # a line cut short by a stopped run
    return out


def _cap(path: Path, cap_s: float | None) -> float:
    """Where runs of this level end at the latest: its time limit, or the cap if that is sooner."""
    limit = load_level(path).meta.time_limit_s
    return limit if cap_s is None else min(limit, cap_s)


def figures(auto: list[dict], idle: list[dict]) -> dict:
    """The difficulty table's row from the two sets of runs."""
    scores = np.array([r["score"] for r in auto])
    rescue = [r["rescue_s"] for r in auto if r["success"] and r["rescue_s"] is not None]
    # par: what a good crew takes, to the last rescue where there is one, else to the end
    ends = rescue or [r["end_s"] for r in auto if r["success"]]
    return {
        "seeds": len(auto),
        "success_rate": round(sum(r["success"] for r in auto) / len(auto), 3),
        "rescue_median_s": round(statistics.median(rescue), 1) if rescue else None,
        "score_median": round(float(np.median(scores)), 1),
        "score_p10": round(float(np.percentile(scores, 10)), 1),
        "score_p90": round(float(np.percentile(scores, 90)), 1),
        "idle_success_rate": round(sum(r["success"] for r in idle) / len(idle), 3),
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
    ap.add_argument("--cache", metavar="FILE.jsonl", default=None,
                    help="keep each run here as it finishes and skip runs already in it (same level text, seed, driver)")
    ap.add_argument("--cap-s", type=float, default=600.0,
                    help="end a run here if the level's time limit is later (Module Four's 30 minutes: its rescue "
                         "is over by 8; default 600)")
    ap.add_argument("--dry-run", action="store_true", help="print the figures, do not write campaign.json")
    args = ap.parse_args()
    campaign = load_campaign(LEVELS)
    todo = [s for s in campaign if args.only is None or s.file in args.only]
    seeds = range(1, args.seeds + 1)
    idle = range(1, args.idle_seeds + 1)
    caps = {s.file: _cap(LEVELS / s.file, args.cap_s) for s in todo}
    # the small scenarios first, so a measurement stopped early has their figures
    order = sorted(todo, key=lambda s: load_level(LEVELS / s.file).meta.time_limit_s)
    jobs = [(s.file, str(LEVELS / s.file), seed, auto)
            for s in order for auto, some in ((True, seeds), (False, idle)) for seed in some]
    t0 = time.monotonic()
    done = _cached(args.cache)
    keys = [_key(p, seed, auto, caps[file]) for file, p, seed, auto in jobs]
    todo_jobs = [(j, k) for j, k in zip(jobs, keys) if k not in done]
    print(f"{len(jobs)} runs, {len(jobs) - len(todo_jobs)} already in {args.cache}", file=sys.stderr)
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        futures = {pool.submit(one_run, p, seed, auto, caps[file]): k for (file, p, seed, auto), k in todo_jobs}
        for n, fut in enumerate(as_completed(futures), 1):
            done[futures[fut]] = fut.result()
            if args.cache:  # kept as they come, so a stopped measurement resumes where it was
                with open(args.cache, "a", encoding="utf-8") as f:
                    f.write(json.dumps({"key": futures[fut], "run": done[futures[fut]]}) + "\n")
            if n % 10 == 0 or n == len(futures):
                print(f"  {n}/{len(futures)} runs, {time.monotonic() - t0:.0f} s", file=sys.stderr, flush=True)
    by: dict[tuple[str, bool], list[dict]] = {}
    for (file, _, _, auto), k in zip(jobs, keys):
        by.setdefault((file, auto), []).append(done[k])
    rows = {s.file: figures(by[(s.file, True)], by[(s.file, False)]) | {"until_s": caps[s.file]} for s in todo}
    print(f"{len(jobs)} runs in {time.monotonic() - t0:.0f} s on {args.workers} workers")
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
