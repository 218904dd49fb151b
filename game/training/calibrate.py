"""Calibrating a generated scenario: measure how often the autopilot succeeds at it
and move the incident until that rate lies in the band asked for.

A run succeeds by the one rule batch's `success` column uses (game.training.
ending.succeeded: won, with a passing score), so the figure written into the
file is what `main.py batch` gives on that file over the same world seeds. The
rate is measured on the same world seeds at every step (common random numbers:
two severities differ by the incident, not by the draws; and since each chance
event is drawn per world seed from its `events` stream, a higher chance loses
the runs one at a time), and severity is bisected: the rate falls as severity
rises (game.levelio.generate.incident_for). A habitat whose rate jumps over the
band (the bracket closes on a jump) is tried again with its sleepers elsewhere
(generate.DEPTHS).

Confidence rule: a step first runs `runs` seeds; when that estimate lies in the
band but the band's edge is within one standard error of it, it runs as many
again before deciding, so a lucky handful does not end the search.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from game.levelio.generate import (
    DEFAULT_MODULES,
    DEPTHS,
    Incident,
    build_layout,
    generate_level,
    incident_for,
    max_trapped,
)
from game.sim.level import Level
from game.training.batch import run_batch

# Success-rate bands per difficulty (issue #17): inclusive.
BANDS: dict[str, tuple[float, float]] = {"easy": (0.9, 1.0), "normal": (0.6, 0.9), "hard": (0.25, 0.6)}
# Where the search starts, in sleeper tiers (1.2: two sleepers, a fifth of the way
# into that tier's hole and chances): where the generator's habitats usually land
# in each band (read off benchmarks/generator_hit_rate.py runs, whose habitats have
# two or three rooms to sleep in). Severity is this over the habitat's tiers; a
# miss only costs another step.
START_TIER: dict[str, float] = {"easy": 0.5, "normal": 1.2, "hard": 1.5}
RUNS_PER_STEP = 12
MAX_STEPS = 6  # per placement of the sleepers
FIRST_WORLD_SEED = 1


@dataclass(frozen=True)
class Step:
    severity: float
    won: int
    runs: int
    depth: float = DEPTHS[0]

    @property
    def rate(self) -> float:
        return self.won / self.runs if self.runs else 0.0


@dataclass
class Calibration:
    """The chosen level, its incident, and what was measured on the way."""

    level: Level
    incident: Incident
    difficulty: str
    steps: list[Step] = field(default_factory=list)

    @property
    def chosen(self) -> Step:
        return _closest(self.steps, BANDS[self.difficulty])

    @property
    def rate(self) -> float:
        return self.chosen.rate

    @property
    def in_band(self) -> bool:
        lo, hi = BANDS[self.difficulty]
        return lo <= self.rate <= hi

    @property
    def runs(self) -> int:
        return sum(s.runs for s in self.steps)

    @property
    def world_seeds(self) -> range:
        """The world seeds the written figure was measured over."""
        return range(FIRST_WORLD_SEED, FIRST_WORLD_SEED + self.chosen.runs)


def measure(level: Level, runs: int, workers: int, first_seed: int = FIRST_WORLD_SEED,
            on_run: Callable[[], None] | None = None) -> int:
    """How many of `runs` autopilot runs (world seeds first_seed, first_seed+1, ...) succeed."""
    rows = run_batch(level, range(first_seed, first_seed + runs), level.meta.time_limit_s, workers=workers,
                     on_done=on_run)
    return sum(bool(r["success"]) for r in rows)


def _closest(steps: list[Step], band: tuple[float, float]) -> Step:
    lo, hi = band
    return min(steps, key=lambda s: (max(lo - s.rate, s.rate - hi, 0.0), -s.runs))


def _near_edge(won_: int, runs: int, band: tuple[float, float]) -> bool:
    """Is an edge of the band within one standard error of the estimate?"""
    p = won_ / runs
    se = math.sqrt(max(p * (1 - p), 0.25 / runs) / runs)  # not zero at 0 or 1 out of n
    lo, hi = band
    return (lo > 0.0 and p - se < lo) or (hi < 1.0 and p + se > hi)


def calibrate(
    seed: int,
    difficulty: str = "normal",
    modules: int = DEFAULT_MODULES,
    runs: int = RUNS_PER_STEP,
    max_steps: int = MAX_STEPS,
    workers: int = 2,
    on_run: Callable[[], None] | None = None,
    on_step: Callable[[Step], None] | None = None,
    depths: tuple[float, ...] = DEPTHS,
) -> Calibration:
    """Bisect the incident's severity for habitat `seed` until the autopilot's success
    rate lies in the band for `difficulty`; when the bracket closes on a jump (or
    `max_steps` are spent) try the next placement of the sleepers. The closest step wins."""
    if difficulty not in BANDS:
        raise ValueError(f"difficulty '{difficulty}' is unknown (known: {', '.join(BANDS)})")
    band = BANDS[difficulty]
    cap = max_trapped(build_layout(seed, modules))
    # A bracket narrower than this lies inside one tier's jump: a finer severity
    # would change the hole by under 1 % and cannot move the rate across the band.
    finest = 1.0 / (cap * 256)
    steps: list[Step] = []
    levels: dict[tuple[float, float], tuple[Level, Incident]] = {}
    for depth in depths:
        lo_s, hi_s = 0.0, 1.0
        severity = round(min(1.0, START_TIER[difficulty] / cap), 5)
        for _ in range(max_steps):
            incident = incident_for(severity, cap, depth)
            level = generate_level(seed, modules, incident, difficulty)
            levels[(depth, severity)] = (level, incident)
            k = measure(level, runs, workers, on_run=on_run)
            n = runs
            if band[0] <= k / n <= band[1] and _near_edge(k, n, band):
                k += measure(level, runs, workers, FIRST_WORLD_SEED + runs, on_run)
                n += runs
            step = Step(severity, k, n, depth)
            steps.append(step)
            if on_step is not None:
                on_step(step)
            if band[0] <= step.rate <= band[1]:
                break
            if step.rate > band[1]:  # too easy: a worse incident
                lo_s = severity
            else:
                hi_s = severity
            if hi_s - lo_s < finest or (lo_s == 1.0 or hi_s == 0.0):
                break
            severity = round((lo_s + hi_s) / 2, 5)
        if band[0] <= steps[-1].rate <= band[1]:
            break
    best = _closest(steps, band)
    level, incident = levels[(best.depth, best.severity)]
    said = f" Measured: the autopilot succeeded in {best.won} of {best.runs} runs ({difficulty})."
    level = replace(level, meta=replace(level.meta, briefing=level.meta.briefing + said))
    return Calibration(level, incident, difficulty, steps)


def figures_comment(cal: Calibration) -> str:
    """The calibration as comment lines for the top of the level file: what was chosen and measured."""
    lo, hi = BANDS[cal.difficulty]
    lines = [
        f"# Generated: difficulty {cal.difficulty} (band {lo:.0%}-{hi:.0%} of autopilot runs succeed),",
        f"# measured {cal.chosen.won}/{cal.chosen.runs} = {cal.rate:.0%} ({'in band' if cal.in_band else 'NOT in band'}),"
        f" {cal.runs} runs over {len(cal.steps)} step{'' if len(cal.steps) == 1 else 's'}.",
        "# Incident: " + ", ".join(f"{k} = {v}" for k, v in cal.incident.figures().items()),
        f"# Measured over world seeds {cal.world_seeds.start}-{cal.world_seeds.stop - 1}"
        f" (main.py batch on this file with --runs {cal.chosen.runs} gives the same count).",
        "# Steps (severity/sleepers' depth: succeeded/runs): "
        + "; ".join(f"{s.severity:.4f}/{s.depth:g}: {s.won}/{s.runs}" for s in cal.steps),
    ]
    return "\n".join(lines) + "\n"
