"""Calibrating a generated scenario: measure how often the autopilot wins it and
move the incident until that rate lies in the band asked for.

A run is won when nobody dies and every sleeper of the stricken module is out
of it alive in time (the level's evacuate objective in full). The rate is
measured with batch.run_batch on the same world seeds at every step (common
random numbers: two severities differ by the incident, not by the draws), and
severity is bisected: the success rate falls as severity rises, because every
figure of the incident grows with it (game.levelio.generate.incident_for).

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
    Incident,
    build_layout,
    generate_level,
    incident_for,
    max_trapped,
)
from game.sim.level import Level
from game.training.batch import Row, run_batch

# Success-rate bands per difficulty (issue #17): inclusive.
BANDS: dict[str, tuple[float, float]] = {"easy": (0.9, 1.0), "normal": (0.6, 0.9), "hard": (0.25, 0.6)}
# Where the search starts: severities at which the generator's habitats usually
# land in each band (read off benchmarks/generator_hit_rate.py runs); a miss only
# costs another step.
START_SEVERITY: dict[str, float] = {"easy": 0.15, "normal": 0.35, "hard": 0.68}
RUNS_PER_STEP = 6
MAX_STEPS = 5
FIRST_WORLD_SEED = 1


@dataclass(frozen=True)
class Step:
    severity: float
    won: int
    runs: int

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


def won(row: Row, level: Level) -> bool:
    """Nobody died and the evacuate objective scored in full (its share of the 100 points)."""
    total_w = sum(o.weight for o in level.objectives)
    for i, ob in enumerate(level.objectives):
        if ob.kind == "evacuate":
            full = 100.0 * ob.weight / total_w
            if float(row.get(f"points:{i + 1}:evacuate", 0.0)) < full - 0.01:
                return False
    return int(row["dead"]) == 0


def measure(level: Level, runs: int, workers: int, first_seed: int = FIRST_WORLD_SEED,
            on_run: Callable[[], None] | None = None) -> int:
    """How many of `runs` autopilot runs (world seeds first_seed, first_seed+1, ...) are won."""
    rows = run_batch(level, range(first_seed, first_seed + runs), level.meta.time_limit_s, workers=workers,
                     on_done=on_run)
    return sum(won(r, level) for r in rows)


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
) -> Calibration:
    """Bisect the incident's severity for habitat `seed` until the autopilot's win
    rate lies in the band for `difficulty` (or `max_steps` are spent: the closest wins)."""
    if difficulty not in BANDS:
        raise ValueError(f"difficulty '{difficulty}' is unknown (known: {', '.join(BANDS)})")
    band = BANDS[difficulty]
    cap = max_trapped(build_layout(seed, modules))
    lo_s, hi_s = 0.0, 1.0
    severity = START_SEVERITY[difficulty]
    steps: list[Step] = []
    levels: dict[float, tuple[Level, Incident]] = {}
    for _ in range(max_steps):
        incident = incident_for(severity, cap)
        level = generate_level(seed, modules, incident, difficulty)
        levels[severity] = (level, incident)
        k = measure(level, runs, workers, on_run=on_run)
        n = runs
        if band[0] <= k / n <= band[1] and _near_edge(k, n, band):
            k += measure(level, runs, workers, FIRST_WORLD_SEED + runs, on_run)
            n += runs
        step = Step(severity, k, n)
        steps.append(step)
        if on_step is not None:
            on_step(step)
        if band[0] <= step.rate <= band[1]:
            break
        if step.rate > band[1]:  # too easy: a worse incident
            lo_s = severity
        else:
            hi_s = severity
        severity = round((lo_s + hi_s) / 2, 4)
    best = _closest(steps, band)
    level, incident = levels[best.severity]
    said = f" Measured: the autopilot won {best.won} of {best.runs} runs ({difficulty})."
    level = replace(level, meta=replace(level.meta, briefing=level.meta.briefing + said))
    return Calibration(level, incident, difficulty, steps)


def figures_comment(cal: Calibration) -> str:
    """The calibration as comment lines for the top of the level file: what was chosen and measured."""
    lo, hi = BANDS[cal.difficulty]
    lines = [
        f"# Generated: difficulty {cal.difficulty} (band {lo:.0%}-{hi:.0%} of autopilot runs won),",
        f"# measured {cal.chosen.won}/{cal.chosen.runs} = {cal.rate:.0%} ({'in band' if cal.in_band else 'NOT in band'}),"
        f" {cal.runs} runs over {len(cal.steps)} steps.",
        "# Incident: " + ", ".join(f"{k} = {v}" for k, v in cal.incident.figures().items()),
        "# Steps (severity: won/runs): " + "; ".join(f"{s.severity:.3f}: {s.won}/{s.runs}" for s in cal.steps),
    ]
    return "\n".join(lines) + "\n"
