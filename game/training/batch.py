"""Batch runs: one level over many seeds with the autopilot, in parallel worker
processes or on a Dask cluster, then a summary a designer reads for difficulty.

Each run is a pure function of (level text, seed, duration), so a seed's row
is the same whatever the number of workers or machines; rows are sorted by
seed before anything is written.
"""

from __future__ import annotations

import csv
import io
import os
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any, TextIO

import numpy as np

from game import collector
from game.levelio.load import parse_level
from game.levelio.save import level_to_toml
from game.sim.level import Level
from game.sim.words import duration
from game.training.cluster import map_on_cluster
from game.training.ending import PASS_SCORE, succeeded
from game.training.runs import final_hash, run_unattended

Row = dict[str, Any]


def run_seed(level_toml: str, seed: int, until_s: float, autopilot: bool = True) -> Row:
    """One unattended run, summarised as a flat row (runs in a worker)."""
    collector.tune()  # a pool's or a cluster's worker is a process of its own
    level, problems, _ = parse_level(level_toml, "<batch level>")
    if level is None or problems:
        raise ValueError(f"the level cannot be read in the worker: {problems[:1]}")
    run = run_unattended(level, seed, until_s, autopilot)
    sc = run.score
    rescues = list(sc.rescue_times_s.values())
    row: Row = {
        "seed": seed,
        "driver": "autopilot" if run.autopilot else "no orders",
        "success": succeeded(run.world, run.tracker, sc),  # won, with a passing score: what difficulty counts
        "score": round(sc.total, 2),
        "grade": sc.grade,
        "alive": sc.alive,
        "dead": sc.dead,
        "sim_time_s": round(run.world.time_s, 1),  # where the exercise ended (or the --until cap)
        "last_rescue_s": round(max(rescues), 1) if rescues and None not in rescues else "",
        "state_hash": final_hash(run),
    }
    for i, o in enumerate(sc.objectives):
        row[f"points:{i + 1}:{o.kind}"] = round(o.points, 2)
    for p in sc.people:
        row[f"state:{p['name']}"] = p["state"]
    for name, t in sc.rescue_times_s.items():
        row[f"rescue_s:{name}"] = "" if t is None else round(t, 1)
    return row


@dataclass
class Progress:
    """A one-line progress bar on stderr (a line per tenth when not a terminal)."""

    total: int
    out: TextIO = sys.stderr
    width: int = 30
    done: int = 0

    def __post_init__(self) -> None:
        self.start = time.monotonic()
        self.tty = self.out.isatty()
        self._last_tenth = -1
        self._last_line = self.start

    def tick(self) -> None:
        self.done += 1
        now = time.monotonic()
        elapsed = now - self.start
        rate = self.done / elapsed if elapsed > 0 else 0.0
        eta = (self.total - self.done) / rate if rate > 0 else 0.0
        fill = int(self.width * self.done / max(1, self.total))
        line = (
            f"[{'#' * fill}{'.' * (self.width - fill)}] {self.done}/{self.total} runs  "
            f"{rate * 60:.1f}/min  ETA {duration(eta)}"
        )
        if self.tty:
            self.out.write("\r" + line + ("\n" if self.done == self.total else ""))
            self.out.flush()
        else:  # a log file: a line per tenth, or once a minute, and the last
            tenth = 10 * self.done // max(1, self.total)
            if tenth != self._last_tenth or now - self._last_line >= 60 or self.done == self.total:
                self._last_tenth = tenth
                self._last_line = now
                self.out.write(line + "\n")
                self.out.flush()


def run_batch(
    level: Level,
    seeds: Iterable[int],
    until_s: float,
    workers: int = 1,
    cluster: str | None = None,
    autopilot: bool = True,
    on_done: Callable[[], None] | None = None,
    cluster_timeout_s: float = 4.0,
) -> list[Row]:
    """Every seed's row, sorted by seed. `cluster` is a Dask scheduler address."""
    text = level_to_toml(level)
    seeds = list(dict.fromkeys(int(s) for s in seeds))
    rows: list[Row] = []
    if cluster:
        rows = _on_cluster(cluster, text, seeds, until_s, autopilot, on_done, cluster_timeout_s)
    elif workers <= 1:
        for s in seeds:
            rows.append(run_seed(text, s, until_s, autopilot))
            if on_done:
                on_done()
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(run_seed, text, s, until_s, autopilot) for s in seeds]
            for fut in as_completed(futures):
                rows.append(fut.result())
                if on_done:
                    on_done()
    return sorted(rows, key=lambda r: r["seed"])


def _on_cluster(
    address: str, text: str, seeds: list[int], until_s: float, autopilot: bool, on_done, timeout_s: float
) -> list[Row]:
    return map_on_cluster(address, run_seed, [(text, s, until_s, autopilot) for s in seeds], on_done, timeout_s)


def write_csv(rows: list[Row], out: TextIO) -> None:
    """Rows as CSV; columns are the union over rows, in first-seen order."""
    cols: list[str] = []
    for r in rows:
        for k in r:
            if k not in cols:
                cols.append(k)
    w = csv.DictWriter(out, fieldnames=cols, extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow(r)


def csv_text(rows: list[Row]) -> str:
    buf = io.StringIO()
    write_csv(rows, buf)
    return buf.getvalue()


def summary(rows: list[Row], level_name: str, until_s: float) -> str:
    """What a designer reads: survival per person, rescue times, score distribution."""
    if not rows:
        return f"{level_name}: no runs"
    n = len(rows)
    driver = rows[0]["driver"]
    lines = [
        f"{level_name}: {n} runs, seeds {rows[0]['seed']}..{rows[-1]['seed']}, {until_s:g} s each, driven by: {driver}"
    ]
    if driver != "autopilot":
        lines.append("  (this build has no autopilot: nobody gave orders, so these are the no-action baseline)")
    wins = sum(bool(r["success"]) for r in rows)
    lines.append(
        f"Success: {wins} of {n} ({100 * wins / n:.0f} %): won (nobody dead, everyone an objective waits on "
        f"brought to safety) with a score of {PASS_SCORE:g} or more"
    )
    last = np.array([r["last_rescue_s"] for r in rows if r["success"] and r["last_rescue_s"] != ""], dtype=float)
    ends = np.array([r["sim_time_s"] for r in rows], dtype=float)
    lines.append(
        (f"Last rescue in successful runs: median {duration(float(np.median(last)))}; " if last.size else "")
        + f"runs ended at median {duration(float(np.median(ends)))} (objectives decided and nobody at risk, or the limit)"
    )
    scores = np.array([r["score"] for r in rows], dtype=float)
    p = np.percentile(scores, [10, 50, 90])
    lines.append(
        f"Score: mean {scores.mean():.1f}, min {scores.min():.1f}, p10 {p[0]:.1f}, median {p[1]:.1f}, p90 {p[2]:.1f}, max {scores.max():.1f}"
    )
    grades = [r["grade"] for r in rows]
    lines.append("Grades: " + "  ".join(f"{g} {grades.count(g)}" for g in "ABCDF"))
    hist, edges = np.histogram(scores, bins=10, range=(0, 100))
    top = max(1, int(hist.max()))
    for h, lo in zip(hist.tolist(), edges[:-1].tolist()):
        lines.append(f"  {lo:5.0f}-{lo + 10:<4.0f} {'#' * round(30 * h / top):<30} {h}")
    rescue_cols = [k for k in rows[0] if k.startswith("rescue_s:")]
    if rescue_cols:
        lines.append("Rescue time after the breach (runs where they were brought in alive):")
        for col in rescue_cols:
            times = np.array([r[col] for r in rows if r.get(col) not in ("", None)], dtype=float)
            name = col.split(":", 1)[1]
            if times.size:
                q = np.percentile(times, [10, 50, 90])
                lines.append(
                    f"  {name:<20} rescued in {times.size}/{n}: p10 {duration(q[0])}, median {duration(q[1])}, p90 {duration(q[2])}"
                )
            else:
                lines.append(f"  {name:<20} never rescued")
    state_cols = [k for k in rows[0] if k.startswith("state:")]
    survival = [(k.split(":", 1)[1], sum(r.get(k) != "dead" for r in rows) / n) for k in state_cols]
    lines.append("Survival rate per person:")
    always = [name for name, s in survival if s >= 1.0]
    for name, s in sorted(survival, key=lambda t: (t[1], t[0])):
        if s < 1.0:
            lines.append(f"  {name:<20} {100 * s:5.1f} %")
    if always:
        lines.append(
            f"  {len(always)} others survived every run"
            if len(always) < len(survival)
            else f"  all {len(always)} survived every run"
        )
    return "\n".join(lines)


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))
